"""What a page reads once at the top of its run, handed to the sections it composes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from gis.store import ParkStore
from ui import shell


@dataclass(frozen=True)
class PageContext:
    """The language, the store, its frames and their data version, and the as-of date.

    ``frames`` are ``shell.frames()``: shared between runs, never modified. Writes pass
    ``version`` as their expected version, so a save is refused if the store moved on.
    """

    lang: str
    store: ParkStore
    frames: Mapping[str, pd.DataFrame]
    version: int
    as_of: date

    @classmethod
    def read(cls) -> PageContext:
        """The context of this script run, from the sidebar and the session's store."""
        store = shell.store()
        return cls(
            lang=shell.lang(),
            store=store,
            frames=shell.frames(),
            version=store.data_version(),
            as_of=shell.as_of(),
        )
