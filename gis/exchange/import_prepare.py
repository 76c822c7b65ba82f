"""An imported layer prepared: the mapped columns converted cell by cell, area units
scaled, and warnings where a column's unit looks wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from gis import schema
from gis._errors import ValidationError
from gis.crs import M2_PER_HECTARE, M2_PER_MU, m2_to_mu
from gis.exchange.geometry import (
    AREA_UNITS,
    GeometryReport,
    area_unit_fit,
    clean,
)
from gis.exchange.import_cells import _STATUS_COLUMNS, convert, land_use_code, status_code
from gis.exchange.mapping import _UNIT, IMPORT_LAYERS

#: Land-area columns checked against the area computed from the imported shapes.
LAND_AREA_COLUMNS: dict[str, str] = {"parcels": "area_m2_cert", "blocks": "planned_area_mu"}


def unit_factor(source_column: str, column: schema.Column) -> float:
    """Multiplier from the source column's unit (in its name) to ours, for areas."""
    name = str(source_column).lower()
    if column.unit == "m²":
        if "公顷" in name or "(ha)" in name or "hectare" in name:
            return M2_PER_HECTARE
        if "亩" in name or "(mu)" in name:
            return M2_PER_MU
    if column.unit == "亩":
        if "公顷" in name or "(ha)" in name:
            return m2_to_mu(M2_PER_HECTARE)
        if "m²" in name or "m2" in name or "平方米" in name:
            return m2_to_mu(1.0)
    return 1.0


# ---------------------------------------------------------------- preparing
@dataclass
class Prepared:
    """Source features in our columns, ready to merge.

    ``features`` holds the mapped columns (converted) and the geometry in EPSG:4490;
    ``problems`` are the errors found (the import is refused while there are any);
    ``stated_area_m2`` the area the file states per kept feature (TXT), if any;
    ``warnings`` (message key, params) what the preview should point out before anything is
    written but that does not block the import (e.g. an area column in another unit).
    """

    layer: str
    features: gpd.GeoDataFrame
    mapped: tuple[str, ...]
    problems: list[ValidationError] = field(default_factory=list)
    geometry: GeometryReport = field(default_factory=GeometryReport)
    stated_area_m2: pd.Series | None = None
    source_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    warnings: list[tuple[str, dict]] = field(default_factory=list)


def prepare(
    placed: gpd.GeoDataFrame,
    *,
    layer: str,
    mapping: Mapping[str, str | None],
    stated_area_m2: pd.Series | None = None,
) -> Prepared:
    """Clean the geometries of ``placed`` (EPSG:4490) and convert the mapped columns."""
    if layer not in IMPORT_LAYERS:
        raise ValueError(f"unknown import layer {layer!r}; expected one of {IMPORT_LAYERS}")
    spec = schema.layer_spec(layer)
    target = "Point" if spec.geometry_type == "Point" else "Polygon"
    kept, report, rows = clean(placed, target=target)
    problems: list[ValidationError] = []
    data: dict[str, list] = {}
    mapped = tuple(c for c, src in mapping.items() if src)
    for name in mapped:
        column = spec.column(name)
        source = mapping[name]
        if source not in kept.columns:
            problems.append(ValidationError("import_column_missing", column=str(source)))
            continue
        factor = unit_factor(source, column)
        values, bad = [], []
        for position, raw in zip(rows, kept[source].tolist(), strict=True):
            try:
                value = _convert_cell(layer, column, raw)
                if factor != 1.0 and value is not None:
                    value = value * factor
            except (ValueError, TypeError, OverflowError):
                bad.append((int(position) + 1, str(raw)[:30]))
                value = None
            values.append(value)
        if bad:
            problems.append(
                ValidationError(
                    "import_bad_values",
                    column=column.label_zh,
                    rows=", ".join(str(r) for r, _ in bad[:6]),
                    values="、".join(v for _, v in bad[:6]),
                )
            )
        data[name] = values
    features = gpd.GeoDataFrame(
        pd.DataFrame(data, index=range(len(kept))),
        geometry=list(kept.geometry),
        crs=placed.crs,
    )
    stated = None
    if stated_area_m2 is not None:
        stated = pd.Series(np.asarray(stated_area_m2, dtype=float)[rows]).reset_index(drop=True)
    if spec.key not in mapped:
        problems.append(
            ValidationError("import_key_unmapped", column=spec.column(spec.key).label_zh)
        )
    if features.empty:
        problems.append(ValidationError("import_nothing"))
    warnings = _unit_warnings(layer, mapping, data, features)
    return Prepared(layer, features, mapped, problems, report, stated, rows, warnings)


#: What to write in a column's name for :func:`unit_factor` to read it in each unit.
_UNIT_TAGS = {"m²": "m²", "亩 (mu)": "亩", "公顷 (ha)": "公顷"}


def _unit_warnings(
    layer: str, mapping: Mapping[str, str | None], data: Mapping[str, list], features
) -> list[tuple[str, dict]]:
    """A warning when the land-area column's values fit another unit than the one assumed.

    The unit is taken from the source column's name (:func:`unit_factor`); a 面积 or MJ
    column of 亩 figures would be read as m². Comparing the values with the area of the
    shapes tells which unit they are in.
    """
    name = LAND_AREA_COLUMNS.get(layer)
    if name is None or name not in data or features.empty:
        return []
    column = schema.layer_spec(layer).column(name)
    source = str(mapping[name])
    ours = 1.0 if column.unit == "m²" else M2_PER_MU  # m² per unit of our column
    by_factor = {round(m2, 6): unit for unit, m2 in AREA_UNITS.items()}
    assumed = by_factor.get(round(unit_factor(source, column) * ours, 6), "m²")
    values_m2 = [None if v is None else float(v) * ours for v in data[name]]
    fit = area_unit_fit(values_m2, features.geometry, assumed=assumed)
    if fit is None or fit.likely is None:
        return []
    return [
        (
            "import_area_unit_mismatch",
            {
                "column": column.label_zh,
                "source": source,
                "assumed": assumed,
                "likely": fit.likely,
                # The column name that makes unit_factor read the values in that unit.
                "renamed": f"{_UNIT.sub('', source).strip()}({_UNIT_TAGS[fit.likely]})",
                "ratio": f"{fit.ratio:.2%}" if fit.ratio < 0.1 else f"{fit.ratio:.3g}×",
            },
        )
    ]


def _convert_cell(layer: str, column: schema.Column, raw: object) -> object:
    value = convert(raw, column.dtype)
    if value is None:
        return None
    if layer == "parcels" and column.name == "land_use":
        return land_use_code(value)
    if layer == "parcels" and column.name in _STATUS_COLUMNS:
        return status_code(column.name, value)
    return value
