"""All exceptions raised by the domain core, in one place.

Each subclasses a builtin so callers can catch broadly, and carries a message key and
parameters so the UI can show it in the user's language (see :mod:`gis.i18n`).
"""

from __future__ import annotations

from typing import Any


class ParkError(Exception):
    """Base class: ``key`` names a message in :mod:`gis.i18n`, ``params`` fill it in."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key}: {params}" if params else key)


class CRSError(ParkError, ValueError):
    """A GeoDataFrame has no CRS, or one we cannot use."""


class StoreError(ParkError, OSError):
    """The GeoPackage store cannot be opened, read or written."""


class ValidationError(ParkError, ValueError):
    """Data fails a validation rule before it is written."""


class AccessError(ParkError, PermissionError):
    """The acting user's role (or block limit) does not allow the action."""
