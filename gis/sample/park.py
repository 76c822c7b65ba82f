"""The deterministic sample park (示意数据, illustrative, not survey data).

The park lies on the flat land on the north bank of the 瓯江 near 碧湖, with 南山区块
across the river (domain.md §5), and tells the seed report's story (domain.md §0): four
parcels sold in 2021 H1 (万洋 12B and 12C, 碧湖 D07, 南山 A3), two batches of firms
admitted to 万洋, and the idle plants of 碧湖 F地块 and 诚远电机 revitalised in 2021 H1.

Geometry is built in EPSG:4549 in a local frame (``s`` metres downstream along the river,
``t`` metres away from it, towards the north bank), converted to EPSG:4490 at the end and
rounded to 1e-7°. Each parcel gets a *profile* ("mature", "idle", ...): the date of the
profile's anchor status is drawn in a window, earlier statuses are stepped backwards and
later ones forwards with the gaps of domain.md §2.2, stopping at the profile's cap and at
:data:`SAMPLE_REFERENCE_DATE`. Only ``random.Random(seed)`` draws, so a seed gives the same
park on every machine, whatever today's date.
"""

from __future__ import annotations

from random import Random

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import schema
from gis.crs import AREA_CRS, M2_PER_MU, STORAGE_CRS
from gis.sample.enterprises import _candidates, _enterprise_years, _enterprises, _industry, _Names
from gis.sample.figures import (
    TARGETS,
    _adjustments,
    _firm_periods,
    _project_periods,
    _register_dates,
)
from gis.sample.geometry import (
    _block_parcels,
    _block_rect,
    _buildings,
    _context,
    _geoms,
    _parcel_row,
    _vacant_spaces,
    _world,
)
from gis.sample.history import _assign_profiles, _status_events
from gis.sample.plan import BLOCK_PLANS, SAMPLE_SEED, WANYANG_DEVELOPER, Row


def _layer(
    name: str, rows: list[Row], geoms: list[shapely.Geometry] | None = None
) -> pd.DataFrame | gpd.GeoDataFrame:
    """A layer with exactly the schema's columns and dtypes; geometries EPSG:4549 → 4490.

    Text, date and datetime columns hold Python ``str`` or ``None`` (object dtype).
    """
    spec, data = schema.layer_spec(name), {}
    for col in spec.columns:
        vals = [r.get(col.name) for r in rows]
        if col.dtype == "int":
            data[col.name] = pd.Series(vals, dtype="Int64" if col.name == "supersedes" else "int64")
        elif col.dtype == "float":
            data[col.name] = pd.Series([np.nan if v is None else v for v in vals], dtype="float64")
        elif col.dtype == "bool":
            data[col.name] = pd.Series([bool(v) for v in vals], dtype=bool)
        else:
            data[col.name] = pd.Series(vals, dtype=object)
    df = pd.DataFrame(data, columns=list(spec.column_names))
    if spec.geometry_type is None:
        return df
    lonlat = gpd.GeoSeries(geoms, crs=AREA_CRS).to_crs(STORAGE_CRS).to_numpy()
    rounded = shapely.transform(lonlat, lambda xy: np.round(xy, 7))
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(rounded, crs=STORAGE_CRS), crs=STORAGE_CRS)


def build_sample_park(seed: int = SAMPLE_SEED) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Generate the sample park: one frame per layer of :data:`gis.schema.LAYERS`.

    Spatial layers are GeoDataFrames in EPSG:4490, tables are DataFrames, both with
    exactly the schema's columns. The same ``seed`` always gives identical frames.
    """
    rng = Random(seed)
    names = _Names(rng)
    parcels = [p for plan in BLOCK_PLANS for p in _block_parcels(plan, rng)]
    _assign_profiles(parcels, rng)
    buildings = _buildings(parcels, rng)
    spaces = _vacant_spaces(buildings, rng)
    firms = _enterprises(parcels, buildings, names, rng)
    years = _enterprise_years(firms, rng)
    owners = {f["parcel_code"]: f["name"] for f in firms if not f["tenant"]}
    buyers = [
        None
        if "SOLD" not in p.tl.dates
        else WANYANG_DEVELOPER
        if p.block.block_id == "WY"
        else owners.get(p.code) or names.firm(_industry(p.block, rng))
        for p in parcels
    ]
    parcel_rows = [_parcel_row(p, b, rng) for p, b in zip(parcels, buyers, strict=True)]
    ext, gov = rng.sample([i for i, p in enumerate(parcels) if p.profile == "idle"], 2)
    parcel_rows[ext]["extension_days"] = 180  # a one-off extension, applied for in time
    parcel_rows[gov]["gov_cause_delay"] = True  # e.g. the land was handed over late
    blocks = [
        {
            "block_id": b.block_id,
            "name": b.name,
            "name_en": b.name_en,
            "planned_area_mu": round(_block_rect(b).area / M2_PER_MU, 1),
            "leading_industry": b.leading_industry,
        }
        for b in BLOCK_PLANS
    ]
    block_geoms = [_world(_block_rect(b)) for b in BLOCK_PLANS]
    boundary = shapely.convex_hull(shapely.union_all(block_geoms)).buffer(120, join_style="mitre")
    context_rows, context_geoms = _context()
    # Drawn from their own generator, so adding them left the rest of the park unchanged.
    extra = Random(f"{seed}/periods")
    grown = _register_dates(firms, years, extra)
    periods = _firm_periods(firms, years, grown, extra) + _project_periods(
        parcels, parcel_rows, extra
    )
    adjustments = _adjustments(firms, years, extra)
    targets = [
        {
            "target_id": t,
            "year": 2021,
            "label_zh": zh,
            "label_en": en,
            "unit": u,
            "target_value": v,
            "source": "seed 2021 (masked; illustrative value)",
        }
        for t, zh, en, u, v in TARGETS
    ]
    return {
        "park_boundary": _layer("park_boundary", [{"name": "莲都工业园区(示意)"}], [boundary]),
        "blocks": _layer("blocks", blocks, block_geoms),
        "parcels": _layer("parcels", parcel_rows, [_world(p.local) for p in parcels]),
        "buildings": _layer("buildings", buildings, _geoms(buildings)),
        "vacant_spaces": _layer("vacant_spaces", spaces, _geoms(spaces)),
        "enterprises": _layer("enterprises", firms, _geoms(firms)),
        "enterprise_years": _layer("enterprise_years", years),
        "period_figures": _layer("period_figures", periods),
        "evaluation_adjustments": _layer("evaluation_adjustments", adjustments),
        "candidates": _layer("candidates", _candidates(names, rng)),
        "status_events": _layer("status_events", _status_events(parcels, rng)),
        "targets": _layer("targets", targets),
        "context": _layer("context", context_rows, context_geoms),
    }
