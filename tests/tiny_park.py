"""A hand-built four-parcel park for unit tests: every layer, every column, known values.

Parcels are rectangles built in EPSG:4549 (metres) near 碧湖, so their areas are exact:
P1 200 m × 150 m = 45.0 mu, P2 100 m × 100 m = 15.0 mu, P3 300 m × 100 m = 45.0 mu,
P4 120 m × 100 m = 18.0 mu.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from gis import schema

AREA_CRS = "EPSG:4549"
ORIGIN = (480_000.0, 3_136_000.0)  # E, N in EPSG:4549, on the 碧湖 plain


def _rect(dx: float, dy: float, w: float, h: float) -> shapely.Polygon:
    x, y = ORIGIN[0] + dx, ORIGIN[1] + dy
    return shapely.box(x, y, x + w, y + h)


def _frame(spec: schema.LayerSpec, rows: list[dict], geoms: list | None = None):
    data = {c: [r.get(c) for r in rows] for c in spec.column_names}
    if spec.geometry_type is None:
        return pd.DataFrame(data)
    return gpd.GeoDataFrame(data, geometry=geoms, crs=AREA_CRS).to_crs("EPSG:4490")


def tiny_park() -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    parcels = [
        dict(
            code="P1",
            name="测试P1地块",
            block_id="B1",
            land_use="INDUSTRIAL",
            area_m2_cert=30_000.0,
            sale_status="DELIVERED",
            construction_status="STARTED",
            plan_date="2018-01-01",
            banked_date="2018-06-01",
            listing_start="2019-01-10",
            deal_date="2019-02-01",
            contract_date="2019-02-10",
            delivery_date="2019-05-01",
            agreed_start="2019-11-01",
            start_date="2019-10-01",
            extension_days=0,
            gov_cause_delay=False,
            standard_land=True,
            version=1,
        ),
        dict(
            code="P2",
            name="测试P2地块",
            block_id="B1",
            land_use="INDUSTRIAL",
            area_m2_cert=10_000.0,
            sale_status="PLANNED",
            construction_status="NOT_STARTED",
            plan_date="2018-01-01",
            extension_days=0,
            gov_cause_delay=False,
            standard_land=False,
            version=1,
        ),
        dict(
            code="P3",
            name="<b>测试</b>&P3",
            block_id="B2",
            land_use="WAREHOUSE",
            area_m2_cert=None,
            sale_status="LISTED",
            construction_status="NOT_STARTED",
            plan_date="2018-01-01",
            banked_date="2018-06-01",
            listing_start="2021-03-01",
            extension_days=0,
            gov_cause_delay=False,
            standard_land=False,
            version=1,
        ),
        dict(
            code="P4",
            name="测试P4地块",
            block_id="B2",
            land_use="INDUSTRIAL",
            area_m2_cert=12_000.0,
            sale_status="DELIVERED",
            construction_status="IN_PRODUCTION",
            plan_date="2016-01-01",
            delivery_date="2017-01-01",
            start_date="2017-03-01",
            completion_date="2018-06-01",
            production_date="2018-09-01",
            extension_days=0,
            gov_cause_delay=False,
            standard_land=False,
            version=1,
        ),
    ]
    parcel_geoms = [
        _rect(0, 0, 200, 150),
        _rect(250, 0, 100, 100),
        _rect(0, 400, 300, 100),
        _rect(400, 400, 120, 100),
    ]
    frames: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {
        "park_boundary": _frame(
            schema.PARK_BOUNDARY, [dict(name="测试园区")], [_rect(-50, -50, 650, 650)]
        ),
        "blocks": _frame(
            schema.BLOCKS,
            [
                dict(block_id="B1", name="一号区块", name_en="Block One", planned_area_mu=100.0),
                dict(block_id="B2", name="二号<区块>", name_en="Block Two", planned_area_mu=100.0),
            ],
            [_rect(-10, -10, 400, 200), _rect(-10, 390, 560, 150)],
        ),
        "parcels": _frame(schema.PARCELS, parcels, parcel_geoms),
        "buildings": _frame(
            schema.BUILDINGS,
            [
                dict(
                    building_id="BLD1",
                    parcel_code="P4",
                    name="1号厂房",
                    use="厂房",
                    floors=3,
                    gfa_m2=6000.0,
                    vacant_gfa_m2=2000.0,
                    is_vacant=True,
                ),
                dict(
                    building_id="BLD2",
                    parcel_code="P1",
                    name="2号厂房",
                    use="厂房",
                    floors=1,
                    gfa_m2=1000.0,
                    vacant_gfa_m2=0.0,
                    is_vacant=False,
                ),
            ],
            [_rect(410, 410, 50, 40), _rect(10, 10, 50, 20)],
        ),
        "vacant_spaces": _frame(
            schema.VACANT_SPACES,
            [
                dict(space_id="S1", parcel_code="P4", building_id="BLD1", floor=2, gfa_m2=2000.0),
            ],
            [shapely.Point(ORIGIN[0] + 435, ORIGIN[1] + 430)],
        ),
        "enterprises": _frame(
            schema.ENTERPRISES,
            [
                dict(
                    enterprise_id="E1",
                    name="测试<script>电机</script>有限公司",
                    parcel_code="P4",
                    industry_code="C38",
                    land_mu=18.0,
                    is_above_scale=True,
                    tenant=False,
                ),
                dict(
                    enterprise_id="E2",
                    name="测试阀门有限公司",
                    parcel_code="P4",
                    industry_code="C34",
                    land_mu=0.0,
                    is_above_scale=False,
                    tenant=True,
                ),
            ],
            [shapely.Point(ORIGIN[0] + 450, ORIGIN[1] + 450)] * 2,
        ),
        "enterprise_years": _frame(
            schema.ENTERPRISE_YEARS,
            [
                dict(enterprise_id="E1", year=2020, revenue_wan=5000.0, tax_wan=150.0),
            ],
        ),
        "candidates": _frame(
            schema.CANDIDATES,
            [
                dict(candidate_id="K1", name="候选企业", industry_code="C38"),
            ],
        ),
        "status_events": _frame(
            schema.STATUS_EVENTS,
            [
                dict(
                    event_id=1,
                    parcel_code="P2",
                    field="sale_status",
                    old_status=None,
                    new_status="PLANNED",
                    effective_date="2018-01-01",
                    recorded_at="2018-01-02T09:00:00",
                    author="测试员",
                    note="",
                ),
            ],
        ),
        "targets": _frame(
            schema.TARGETS,
            [
                dict(
                    target_id="LAND_SOLD_MU",
                    year=2021,
                    label_zh="工业用地出让",
                    label_en="Land sold",
                    unit="亩",
                    target_value=100.0,
                    source="test",
                ),
            ],
        ),
        "context": _frame(
            schema.CONTEXT,
            [
                dict(feature_id="R1", kind="river", name="测试江", width_m=200.0),
                dict(feature_id="R2", kind="road", name="测试路", width_m=20.0),
            ],
            [
                shapely.LineString(
                    [(ORIGIN[0] - 100, ORIGIN[1] - 300), (ORIGIN[0] + 700, ORIGIN[1] - 250)]
                ),
                shapely.LineString(
                    [(ORIGIN[0] + 220, ORIGIN[1] - 50), (ORIGIN[0] + 220, ORIGIN[1] + 600)]
                ),
            ],
        ),
    }
    # Every other layer of the schema, empty, as a new store has them.
    return {spec.name: frames.get(spec.name, schema.empty_frame(spec)) for spec in schema.LAYERS}
