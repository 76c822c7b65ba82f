"""What a park's store holds and lacks, piece by piece, and where to import what is missing.

A committee fills its store a piece at a time (boundary, blocks, parcels, their history,
enterprises, buildings, figures, targets, candidates). Every page runs on any stage; this
module tells a page which pieces it lacks, in one sentence each naming what to import and
where (the page and tab), so an empty table or chart is never left unexplained. A page::

    for piece in onboarding.missing_data(frames, page="targets", year=as_of.year):
        st.info(piece.message(lang))  # one sentence: what to import, and where
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import geopandas as gpd
import pandas as pd

from gis.i18n import DEFAULT_LANGUAGE, t


@dataclass(frozen=True)
class PieceSpec:
    """One piece of a park: its store layers, the pages it feeds and where it is imported."""

    what: str
    layers: tuple[str, ...]
    pages: tuple[str, ...]  # page names of ui.navigation.PAGES
    import_key: str  # message key naming the page and tab to import it with

    @property
    def message_key(self) -> str:
        return f"onb_missing_{self.what}"

    @property
    def label_key(self) -> str:
        return f"onb_piece_{self.what}"


#: The pieces in the order a park is usually filled.
PIECES: tuple[PieceSpec, ...] = (
    PieceSpec("boundary", ("park_boundary",), ("map", "meeting"), "onb_where_data_import"),
    PieceSpec(
        "blocks", ("blocks",), ("map", "parcels", "targets", "meeting"), "onb_where_data_import"
    ),
    PieceSpec(
        "parcels",
        ("parcels",),
        ("map", "parcels", "targets", "reuse", "meeting"),
        "onb_where_data_import",
    ),
    PieceSpec(
        "history", ("status_events",), ("parcels", "targets", "meeting"), "onb_where_parcels_excel"
    ),
    PieceSpec(
        "enterprises",
        ("enterprises",),
        ("map", "parcels", "targets", "reuse"),
        "onb_where_data_import",
    ),
    PieceSpec("buildings", ("buildings",), ("map", "parcels", "reuse"), "onb_where_data_import"),
    PieceSpec("vacant_spaces", ("vacant_spaces",), ("map", "reuse"), "onb_where_data_import"),
    PieceSpec(
        "yearly_figures", ("enterprise_years",), ("targets", "reuse"), "onb_where_data_figures"
    ),
    PieceSpec(
        "period_figures",
        ("period_figures",),
        ("targets", "meeting"),
        "onb_where_data_figures",
    ),
    PieceSpec("targets", ("targets",), ("targets", "reuse", "meeting"), "onb_where_targets_edit"),
    PieceSpec("candidates", ("candidates",), ("reuse",), "onb_where_reuse_candidates"),
)
PIECES_BY_NAME: dict[str, PieceSpec] = {p.what: p for p in PIECES}


class Piece(NamedTuple):
    """Whether the park has one piece. Unpacks as ``(what, message_key, import_key, ...)``."""

    what: str  # the piece's name (PIECES)
    message_key: str  # one sentence: what is missing and what to import where
    import_key: str  # the page and tab to import it with
    present: bool
    rows: int  # rows of its layer(s) (of ``year`` for targets and year-to-date figures)
    layers: tuple[str, ...]
    pages: tuple[str, ...]  # the pages it feeds
    params: Mapping[str, object]  # parameters of ``message_key``

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The sentence saying what is missing and which import brings it in."""
        return t(self.message_key, lang, **self.params)

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The piece's name for people (e.g. 区块 / Blocks)."""
        return t(PIECES_BY_NAME[self.what].label_key, lang)

    def where(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The page and tab that import it (e.g. “数据”页 →“导入”)."""
        return t(self.import_key, lang)


def _rows(frames: Mapping[str, pd.DataFrame], layer: str, year: int | None) -> int:
    frame = frames.get(layer)
    if frame is None or len(frame) == 0:
        return 0
    if year is not None and layer in ("targets", "period_figures") and "year" in frame:
        return int((pd.to_numeric(frame["year"], errors="coerce") == year).sum())
    if isinstance(frame, gpd.GeoDataFrame):
        return int((frame.geometry.notna() & ~frame.geometry.is_empty).sum())
    return len(frame)


def inventory(frames: Mapping[str, pd.DataFrame], *, year: int | None = None) -> list[Piece]:
    """Every piece of the park (:data:`PIECES`), present or not, with its row count.

    ``frames`` are the store's layers (:meth:`gis.store.ParkStore.read_all`); a layer not
    in ``frames`` counts as empty. With ``year``, the targets and the year-to-date figures
    count only that year's rows (the targets page and the meeting pack show one year).
    Spatial layers count features with a geometry.
    """
    out = []
    for spec in PIECES:
        rows = sum(_rows(frames, layer, year) for layer in spec.layers)
        params: dict[str, object] = {}
        if spec.what == "targets":
            params["year"] = year if year is not None else "—"
        out.append(
            Piece(
                spec.what,
                spec.message_key,
                spec.import_key,
                rows > 0,
                rows,
                spec.layers,
                spec.pages,
                params,
            )
        )
    return out


def missing_data(
    frames: Mapping[str, pd.DataFrame], *, page: str | None = None, year: int | None = None
) -> list[Piece]:
    """The pieces the park lacks (for ``page`` only, when given), in :data:`PIECES` order.

    Each unpacks as ``(what, message_key, import_key, ...)``; ``piece.message(lang)`` is
    the one sentence a page shows. ``page`` is a page name of ``ui.navigation.PAGES``
    (``map``, ``parcels``, ``targets``, ``reuse``, ``data``, ``meeting``).
    """
    return [
        piece
        for piece in inventory(frames, year=year)
        if not piece.present and (page is None or page in piece.pages)
    ]


def missing_messages(
    frames: Mapping[str, pd.DataFrame],
    *,
    page: str | None = None,
    year: int | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """The sentences of :func:`missing_data`, in ``lang``: what to import, and where."""
    return [piece.message(lang) for piece in missing_data(frames, page=page, year=year)]


def is_empty(frames: Mapping[str, pd.DataFrame]) -> bool:
    """True when the store holds no data at all (a new, empty store)."""
    return not any(piece.present for piece in inventory(frames))


__all__ = [
    "PIECES",
    "PIECES_BY_NAME",
    "Piece",
    "PieceSpec",
    "inventory",
    "is_empty",
    "missing_data",
    "missing_messages",
]
