"""Upload limits: settings as data, each with its documentation.

Override with environment variables (``PARK_IMPORT_MAX_MB`` …) on a server that needs
bigger files; tests pass their own :class:`Limits`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from gis._errors import ValidationError


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Refusal thresholds for uploaded files."""

    #: Largest upload accepted, in bytes (a zipped shapefile of a whole district is ~20 MB).
    max_upload_bytes: int = _env_int("PARK_IMPORT_MAX_MB", 50) * 1024 * 1024
    #: Largest total uncompressed size of a zip's members, in bytes.
    max_unzipped_bytes: int = _env_int("PARK_IMPORT_MAX_UNZIPPED_MB", 300) * 1024 * 1024
    #: Largest compression ratio of one zip member (zip bombs reach 1000:1 and more).
    max_zip_ratio: int = 200
    #: Most members in one zip.
    max_zip_members: int = 2000
    #: Most features in one import.
    max_features: int = _env_int("PARK_IMPORT_MAX_FEATURES", 100_000)


DEFAULT_LIMITS = Limits()


def check_upload(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an upload that is too large or empty (``exchange_too_large`` /
    ``exchange_empty_file``), before any reader looks at it."""
    if len(data) > limits.max_upload_bytes:
        raise ValidationError(
            "exchange_too_large",
            size_mb=round(len(data) / 1024 / 1024, 1),
            limit_mb=round(limits.max_upload_bytes / 1024 / 1024, 1),
        )
    if not data:
        raise ValidationError("exchange_empty_file", name=name[:80])
