"""The district-scale map (#15), piece by piece, on hand-built data with hand-computed values.

- ``layers._element.encode_compact`` is read back with a small Python mirror of the
  browser's ``parkOneMap.decode``; ``ParkGeoJson.of`` inlines small layers and publishes
  large ones (``layers.payloads``);
- ``layers.aggregate``: the grid cells, their stripes and the legend's zoom notes;
- ``build_park_map`` draws a district (more than 3,000 parcels) as grid + parcels from
  close up, and the sample-sized park as before;
- ``ui.data_route``: who may fetch a published layer, and how it is cached;
- ``ui.memo.derived`` and ``gis.values.iso_days``.
"""

from __future__ import annotations

import gc
import gzip
import json
import re
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bench.map_payload import synthetic_frames
from gis import vocabulary
from gis.auth import accounts, sessions
from gis.auth.access import VIEWER, command_line_actor
from gis.parcels.tables import enrich_parcels
from gis.store import ParkStore
from gis.values import iso_day, iso_days
from layers import payloads
from layers._element import INLINE_MAX_FEATURES, ParkGeoJson, encode_compact
from layers.aggregate import (
    DETAIL_ZOOM,
    DISTRICT_PARCELS,
    OUTLINE_ZOOM,
    cell_size_m,
    cell_stripes,
    is_district,
    zoom_notes,
)
from layers.assets import asset_urls
from layers.deadlines import deadline_extras
from layers.legend import Legend
from layers.parcels import LABEL_MIN_ZOOM
from layers.parkmap import build_park_map
from tests.tiny_park import tiny_park
from ui import data_route, memo

ASSETS = asset_urls()
AREA_CRS = "EPSG:4549"
SALE = vocabulary.SALE_FIELD
S = [s.code for s in vocabulary.statuses(SALE)]  # PLANNED, ACQUIRING, BANKED, ...


# --------------------------------------------------------------------------- decoding


def decode(payload: dict) -> list[dict]:
    """``parkOneMap.decode`` (layers/_element.py) in Python: the features of a compact
    payload, ``{"type", "coordinates", "properties"}`` each, coordinates as lists."""
    steps = np.asarray(payload["coords"], dtype=np.int64).reshape(-1, 2)
    ints = np.asarray(payload["origin"], dtype=np.int64) + np.cumsum(steps, axis=0)
    xy = [[int(x) / payload["q"], int(y) / payload["q"]] for x, y in ints]
    o = payload["offsets"]

    def span(offsets, at, item):
        return [item(k) for k in range(offsets[at], offsets[at + 1])]

    def point(k):
        return xy[k]

    def line(k):
        return span(o[0], k, point)

    def polygon(k):
        return span(o[1], k, line)

    def multipolygon(g):
        return span(o[2], g, polygon)

    coordinates = {
        "Point": point,
        "LineString": line,
        "MultiPoint": line,
        "Polygon": polygon,
        "MultiLineString": polygon,
        "MultiPolygon": multipolygon,
    }[payload["type"]]
    keys = list(payload["props"])
    return [
        {
            "type": payload["type"],
            "coordinates": coordinates(g),
            "properties": {k: payload["props"][k][g] for k in keys},
        }
        for g in range(payload["n"])
    ]


def ring(*points: tuple[float, float]) -> list[list[float]]:
    return [list(p) for p in points]


def test_encode_compact_polygons_and_multipolygons_round_trip():
    # Coordinates with a 7th decimal, so rounding to 1e-6° shows.
    a = Polygon(
        [(119.8000004, 28.3400001), (119.8010006, 28.3400001), (119.8010006, 28.3410009)],
        holes=[[(119.8005, 28.3402), (119.8007, 28.3402), (119.8007, 28.3404)]],
    )
    b = MultiPolygon(
        [
            Polygon([(119.81, 28.35), (119.8100014, 28.35), (119.8100014, 28.3500026)]),
            Polygon([(119.82, 28.36), (119.8200001, 28.36), (119.8200001, 28.3600001)]),
        ]
    )
    c = box(119.799999, 28.339999, 119.8, 28.34)  # counter-clockwise from (max x, min y)
    gdf = gpd.GeoDataFrame(geometry=[a, None, b, Polygon(), c], crs="EPSG:4490")
    props = pd.DataFrame(
        {
            "c": ["A", "gone", "B", "empty", "C<&>"],
            "n": [1.5, 2.0, np.nan, 4.0, 7.0],
            "i": pd.array([3, 4, None, 6, 7], dtype="Int64"),
        }
    )
    payload = json.loads(encode_compact(gdf, props))

    assert payload["type"] == "MultiPolygon"  # one family: polygons join the multipolygons
    assert payload["q"] == 1_000_000 and payload["n"] == 3
    assert all(isinstance(v, int) for v in payload["coords"]), "integer steps"
    features = decode(payload)
    assert [f["coordinates"] for f in features] == [
        [  # a: its shell and its hole, each closed
            [
                ring(
                    (119.8, 28.34),
                    (119.801001, 28.34),
                    (119.801001, 28.341001),
                    (119.8, 28.34),
                ),
                ring(
                    (119.8005, 28.3402),
                    (119.8007, 28.3402),
                    (119.8007, 28.3404),
                    (119.8005, 28.3402),
                ),
            ]
        ],
        [  # b: two parts
            [ring((119.81, 28.35), (119.810001, 28.35), (119.810001, 28.350003), (119.81, 28.35))],
            [ring((119.82, 28.36), (119.82, 28.36), (119.82, 28.36), (119.82, 28.36))],
        ],
        [  # c: shapely's box starts at the lower right corner
            [
                ring(
                    (119.8, 28.339999),
                    (119.8, 28.34),
                    (119.799999, 28.34),
                    (119.799999, 28.339999),
                    (119.8, 28.339999),
                )
            ]
        ],
    ]
    assert [f["properties"] for f in features] == [
        {"c": "A", "n": 1.5, "i": 3},
        {"c": "B", "n": None, "i": None},  # missing values are JSON null
        {"c": "C<&>", "n": 7.0, "i": 7},
    ]


def test_encode_compact_polygons_points_and_lines():
    polygons = gpd.GeoDataFrame(geometry=[box(119.0, 28.0, 119.000002, 28.000001)], crs="EPSG:4490")
    payload = json.loads(encode_compact(polygons, pd.DataFrame({"k": [1]})))
    assert payload["type"] == "Polygon"
    assert decode(payload)[0]["coordinates"] == [
        ring(
            (119.000002, 28.0),
            (119.000002, 28.000001),
            (119.0, 28.000001),
            (119.0, 28.0),
            (119.000002, 28.0),
        )
    ]

    points = gpd.GeoDataFrame(
        geometry=[Point(119.1234567, 28.7654321), None, Point(120.0, 27.5), Point(119.0, 28.0)],
        crs="EPSG:4490",
    )
    payload = json.loads(encode_compact(points, pd.DataFrame({"e": ["甲", "乙", "丙", None]})))
    assert payload["type"] == "Point" and payload["n"] == 3
    assert payload["origin"] == [119123457, 28765432]
    assert payload["coords"] == [0, 0, 876543, -1265432, -1000000, 500000]
    features = decode(payload)
    assert [f["coordinates"] for f in features] == [
        [119.123457, 28.765432],
        [120.0, 27.5],
        [119.0, 28.0],
    ]
    assert [f["properties"]["e"] for f in features] == ["甲", "丙", None]

    lines = gpd.GeoDataFrame(
        geometry=[shapely.LineString([(119.5, 28.5), (119.5000016, 28.4999984), (119.6, 28.6)])],
        crs="EPSG:4490",
    )
    payload = json.loads(encode_compact(lines, pd.DataFrame({"r": ["河"]})))
    assert payload["type"] == "LineString"
    assert decode(payload)[0]["coordinates"] == [
        [119.5, 28.5],
        [119.500002, 28.499998],
        [119.6, 28.6],
    ]


def test_encode_compact_gives_up_on_mixed_families_and_on_nothing_drawn():
    mixed = gpd.GeoDataFrame(geometry=[Point(119.0, 28.0), box(119, 28, 119.1, 28.1)], crs=4490)
    assert encode_compact(mixed, pd.DataFrame({"k": [1, 2]})) is None
    nothing = gpd.GeoDataFrame(geometry=[None, Polygon()], crs=4490)
    assert encode_compact(nothing, pd.DataFrame({"k": [1, 2]})) is None
    with pytest.raises(ValueError):
        encode_compact(mixed, pd.DataFrame({"k": [1]}))


# --------------------------------------------------------------------------- inline or published


def grid_points(n: int) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """n points 1e-4° apart in rows of 100, with a property per point."""
    i = np.arange(n)
    gdf = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(119.8 + (i % 100) * 1e-4, 28.3 + (i // 100) * 1e-4),
        crs="EPSG:4490",
    )
    return gdf, pd.DataFrame({"k": [f"P{j}" for j in i]})


def rendered(layer: ParkGeoJson) -> str:
    m = folium.Map(location=[28.3, 119.8], zoom_start=12, tiles=None)
    layer.add_to(m)
    return m.get_root().render()


def test_park_geojson_inlines_up_to_the_limit():
    gdf, props = grid_points(INLINE_MAX_FEATURES)
    layer = ParkGeoJson.of(gdf, props, name="points", spec={"key": "pts"})
    data = json.loads(layer.data)
    assert INLINE_MAX_FEATURES == 500
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 500
    assert data["features"][499]["properties"] == {"k": "P499"}
    assert data["features"][499]["geometry"]["coordinates"] == [119.8099, 28.3004]
    assert layer.source_json == "null"
    assert ", null);" in rendered(layer)


def test_park_geojson_publishes_a_larger_layer_when_first_fetched():
    gdf, props = grid_points(INLINE_MAX_FEATURES + 1)
    layer = ParkGeoJson.of(gdf, props, name="points", spec={"key": "pts"})
    assert layer.data == "null"
    token = json.loads(layer.source_json)
    assert len(token) == 40 and int(token, 16) >= 0
    compact = encode_compact(gdf, props)
    html = rendered(layer)
    assert f'{{"key":"pts"}}, null, "{token}");' in html
    assert token not in payloads._published, "encoded when fetched, not with the map"
    body = payloads.published(token)
    assert body is not None and body[:2] == b"\x1f\x8b", "gzip"
    assert gzip.decompress(body).decode("utf-8") == compact
    assert payloads.published(token) is body, "built once"
    features = decode(json.loads(gzip.decompress(body)))
    assert len(features) == 501
    assert features[500] == {
        "type": "Point",
        "coordinates": [119.8, 28.3005],
        "properties": {"k": "P500"},
    }
    # A new map gets a new address (its content may differ: the browser must not reuse).
    again = ParkGeoJson.of(gdf, props, name="points", spec={"key": "pts"})
    assert json.loads(again.source_json) != token


def test_a_layer_never_fetched_is_forgotten_with_its_map():
    gdf, props = grid_points(INLINE_MAX_FEATURES + 1)
    layer = ParkGeoJson.of(gdf, props, name="points", spec={"key": "pts"})
    token = json.loads(layer.source_json)
    assert token in payloads._pending
    del layer
    gc.collect()
    assert token not in payloads._pending
    assert payloads.published(token) is None


def test_park_geojson_large_mixed_layer_stays_geojson():
    gdf, props = grid_points(INLINE_MAX_FEATURES + 1)
    gdf.loc[0, "geometry"] = box(119.8, 28.3, 119.81, 28.31)
    layer = ParkGeoJson.of(gdf, props, name="mixed", spec={"key": "mixed"})
    assert layer.source_json == "null"
    features = json.loads(layer.data)["features"]
    assert [f["geometry"]["type"] for f in features[:2]] == ["Polygon", "Point"]


def test_unknown_digest_is_not_published():
    assert payloads.published("0" * 40) is None


# --------------------------------------------------------------------------- the grid

X0, Y0 = 500_000.0, 3_000_000.0  # EPSG:4549: the central meridian 120°E, near 27°N


def square(dx: float, dy: float, side: float = 50.0) -> Polygon:
    return box(X0 + dx, Y0 + dy, X0 + dx + side, Y0 + dy + side)


def district_parcels() -> gpd.GeoDataFrame:
    """Nine parcels: 50 m squares spanning 450 m × 350 m (so 250 m cells), in three cells.

    Cell (column 0, row 0): PLANNED 10 + 20 mu, BANKED 30 mu → 50 % / 50 % by area.
    Cell (column 0, row 1): BANKED, BANKED, LISTED, no known area → 2/3 and 1/3 by count.
    Cell (column 1, row 0): ACQUIRING 5 mu, ACQUIRING (area unknown), "bogus" 15 mu
    → unknown status 75 %, ACQUIRING 25 % by area, 3 parcels.
    One parcel has no geometry and is in no cell.
    """
    rows = [
        (square(0, 0), S[0], 10.0),
        (square(100, 0), S[0], 20.0),
        (square(0, 100), S[2], 30.0),
        (square(0, 300), S[2], np.nan),
        (square(100, 300), S[2], np.nan),
        (square(150, 300), S[4], np.nan),  # centre x 175 → still column 0
        (square(300, 0), S[1], 5.0),
        (square(400, 0), S[1], np.nan),  # right edge at 450 m
        (square(300, 100), "bogus", 15.0),
        (None, S[8], 99.0),
    ]
    return gpd.GeoDataFrame(
        {
            "code": [f"D{i}" for i in range(len(rows))],
            SALE: [r[1] for r in rows],
            "area_mu": [r[2] for r in rows],
        },
        geometry=[r[0] for r in rows],
        crs=AREA_CRS,
    )


def test_cell_size_covers_the_park_in_at_most_30_cells():
    assert cell_size_m((0, 0, 0, 0)) == 250
    assert cell_size_m((0, 0, 7500, 100)) == 250  # 30 cells of 250 m
    assert cell_size_m((0, 0, 7501, 100)) == 500
    assert cell_size_m((10, 20, 10, 15_020)) == 500  # the taller side counts
    assert cell_size_m((0, 0, 15_001, 0)) == 1000
    assert cell_size_m((0, 0, 60_000, 0)) == 2000
    assert cell_size_m((0, 0, 1_500_000, 0)) == 50_000
    assert cell_size_m((0, 0, 5_000_000, 0)) == 50_000  # the largest there is


def test_cell_stripes_shares_counts_and_geometry():
    stripes, size = cell_stripes(district_parcels(), SALE)
    assert size == 250
    assert stripes.crs.equals(AREA_CRS)
    table = stripes.drop(columns="geometry")
    # Cells numbered by (column, row); in a cell, statuses in the legend's order, unknown first.
    assert table["cell"].tolist() == [0, 0, 1, 1, 2, 2]
    assert table["status"].tolist() == [0, 2, 2, 4, -1, 1]
    assert table["count"].tolist() == [2, 1, 2, 1, 1, 2]
    assert table["mu"].tolist() == pytest.approx([30, 30, 0, 0, 15, 5])
    assert table["share"].tolist() == pytest.approx([0.5, 0.5, 2 / 3, 1 / 3, 0.75, 0.25])
    assert table.groupby("cell")["share"].sum().tolist() == pytest.approx([1, 1, 1])
    assert table["count"].sum() == 9, "every parcel with a geometry, once"

    # Stripes fill the cell less a 6 % margin (15 m of 250 m): 220 m, as wide as their share.
    inner = 220.0
    left, bottom = X0, Y0  # the parcels' total bounds start at the origin
    expected = [
        (left + 15, bottom + 15, left + 15 + 110, bottom + 235),
        (left + 125, bottom + 15, left + 235, bottom + 235),
        (left + 15, bottom + 265, left + 15 + inner * 2 / 3, bottom + 485),
        (left + 15 + inner * 2 / 3, bottom + 265, left + 235, bottom + 485),
        (left + 265, bottom + 15, left + 265 + 165, bottom + 235),
        (left + 430, bottom + 15, left + 485, bottom + 235),
    ]
    bounds = [tuple(g.bounds) for g in stripes.geometry]
    for got, want in zip(bounds, expected, strict=True):
        assert got == pytest.approx(want, abs=1e-6)
    widths = [b[2] - b[0] for b in bounds]
    assert widths == pytest.approx([s * inner for s in table["share"]])


def test_cell_stripes_in_another_crs_and_without_parcels():
    parcels = district_parcels().to_crs("EPSG:4490")
    stripes, size = cell_stripes(parcels, SALE)
    assert size == 250 and stripes["count"].sum() == 9
    assert stripes["share"].tolist() == pytest.approx([0.5, 0.5, 2 / 3, 1 / 3, 0.75, 0.25])
    none, size = cell_stripes(district_parcels().iloc[[9]], SALE)
    assert len(none) == 0 and size == 250


def test_is_district_beyond_3000_parcels():
    assert DISTRICT_PARCELS == 3000
    assert not is_district(pd.DataFrame({"code": range(3000)}))
    assert is_district(pd.DataFrame({"code": range(3001)}))


@pytest.mark.parametrize(
    ("span_m", "size_zh", "size_en"), [(10_000, "500 m", "500 m"), (20_000, "1 km", "1 km")]
)
def test_zoom_notes_name_the_cell_size_and_zooms(span_m, size_zh, size_en):
    # Two parcels span_m apart (corner to corner): cells of 500 m for 10 km, 1 km for 20 km.
    parcels = gpd.GeoDataFrame(
        geometry=[square(0, 0), square(span_m - 50, 0)], crs=AREA_CRS
    ).to_crs("EPSG:4490")
    zh = zoom_notes(parcels, "zh", LABEL_MIN_ZOOM)
    en = zoom_notes(parcels, "en", LABEL_MIN_ZOOM)
    assert [n[:2] for n in zh] == [(None, 14), (14, 15), (15, 16), (16, None)]
    assert [n[:2] for n in en] == [n[:2] for n in zh]
    far_zh, near_zh, outlined_zh, labelled_zh = (n[2] for n in zh)
    assert f"按 {size_zh} 网格汇总" in far_zh and "放大到 14 级" in far_zh
    assert "不画边线" in near_zh and "16 级" in near_zh
    assert "不画边线" not in outlined_zh and "16 级" in outlined_zh
    assert "地块编号" in labelled_zh
    far_en, near_en, outlined_en, labelled_en = (n[2] for n in en)
    assert f"a {size_en} grid" in far_en and "level 14" in far_en
    assert "no outlines" in near_en and "level 16" in near_en
    assert "level 16" in outlined_en and "code" in labelled_en
    assert all(re.search(r"[\u4e00-\u9fff]", n[2]) is None for n in en), "English is English"


# --------------------------------------------------------------------------- the whole map


def layer_specs(m: folium.Map) -> dict[str, tuple[dict, ParkGeoJson]]:
    return {
        json.loads(c.spec_json)["key"]: (json.loads(c.spec_json), c)
        for c in m._children.values()
        if isinstance(c, ParkGeoJson)
    }


def layer_features(layer: ParkGeoJson) -> list[dict]:
    """A layer's features, inline or published, as ``{"properties": ...}`` dicts."""
    digest = json.loads(layer.source_json)
    if digest is None:
        return json.loads(layer.data)["features"]
    return decode(json.loads(gzip.decompress(payloads.published(digest))))


def zoom_notes_of(m: folium.Map) -> list:
    return next(c for c in m._children.values() if isinstance(c, Legend)).zoom_notes


@pytest.fixture(scope="module")
def district_frames():
    return synthetic_frames(3500)


def test_district_map_has_the_grid_and_parcels_from_close_up(district_frames):
    m = build_park_map(district_frames, assets=ASSETS, lang="zh")
    specs = layer_specs(m)
    aggregate, aggregate_layer = specs["aggregate"]
    assert aggregate["maxZoom"] == DETAIL_ZOOM == 14 and "minZoom" not in aggregate
    parcels, parcel_layer = specs["parcels"]
    assert parcels["minZoom"] == 14 and parcels["outlineMinZoom"] == OUTLINE_ZOOM == 15
    assert parcels["viewLabels"] is True and parcels["labelMinZoom"] == 16
    # 3,500 parcels are more than fit inline: published, every one of them.
    assert parcel_layer.data == "null"
    drawn = layer_features(parcel_layer)
    assert len(drawn) == 3500
    assert sorted(f["properties"]["c"] for f in drawn) == sorted(district_frames["parcels"]["code"])
    # The grid accounts for every parcel: the cell counts in the tooltips add up.
    # A cell's stripes come one after another, each with the cell's text.
    texts = [f["properties"]["d"] for f in layer_features(aggregate_layer)]
    firsts = [d for i, d in enumerate(texts) if i == 0 or texts[i - 1] != d]
    assert sum(int(re.match(r"(\d+) 宗 · ", d).group(1)) for d in firsts) == 3500
    notes = zoom_notes_of(m)
    assert [n[:2] for n in notes] == [[None, 14], [14, 15], [15, 16], [16, None]]
    # 60 × 59 parcels 290 m apart: 17.4 km across, so cells of 1 km.
    assert "按 1 km 网格汇总" in notes[0][2]
    # Only the parcels and the grid are zoom-ranged.
    ranged = {k for k, (s, _) in specs.items() if "minZoom" in s or "maxZoom" in s}
    assert ranged == {"aggregate", "parcels"}


def test_district_grid_counts_match_the_parcels(district_frames):
    f = district_frames
    parcels = enrich_parcels(f["parcels"], f["blocks"], f["enterprises"])
    stripes, size = cell_stripes(parcels, SALE)
    assert size == 1000
    assert stripes["count"].sum() == 3500
    assert stripes.groupby("cell")["share"].sum().to_numpy() == pytest.approx(1.0)
    assert stripes["status"].between(0, len(S) - 1).all()
    by_status = stripes.groupby("status")["count"].sum()
    expected = parcels[SALE].map({c: i for i, c in enumerate(S)}).value_counts()
    assert by_status.sort_index().tolist() == expected.sort_index().tolist()


def test_district_warnings_from_parcel_level_on(district_frames):
    """The parcels page's overdue and idle outlines: in a district, drawn from zoom 14 on
    like the parcels (thousands of dashed outlines from afar hid the grid), and the legend
    says so; in a sample-sized park at every zoom, as before."""
    as_of = date(2030, 1, 1)  # late enough for warnings among the synthetic parcels
    layers, legends = deadline_extras(district_frames, "zh", as_of=as_of)
    spec = json.loads(layers[0].spec_json)
    assert spec["minZoom"] == DETAIL_ZOOM and "maxZoom" not in spec
    assert len(layer_features(layers[0])) > 0
    assert legends[0].title == "预警(截至所选日期，放大到 14 级显示)"
    layers, legends = deadline_extras(tiny_park(), "en", as_of=as_of)
    assert "minZoom" not in json.loads(layers[0].spec_json)
    assert legends[0].title == "Warnings (as of the chosen date)"


def test_sample_sized_park_is_drawn_as_before():
    m = build_park_map(tiny_park(), assets=ASSETS, lang="zh")
    specs = layer_specs(m)
    assert "aggregate" not in specs
    parcels, layer = specs["parcels"]
    for key in ("minZoom", "maxZoom", "outlineMinZoom", "viewLabels"):
        assert key not in parcels
    assert layer.source_json == "null" and len(json.loads(layer.data)["features"]) == 4
    assert all(layer.source_json == "null" for _, layer in specs.values())
    assert zoom_notes_of(m) == []


# --------------------------------------------------------------------------- /park-data


@pytest.fixture
def route_store(tmp_path: Path) -> ParkStore:
    store = ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)
    accounts.create_account(
        store,
        command_line_actor("pytest"),
        "qian",
        VIEWER,
        password="Route-Pass-17",
        must_change=False,
    )
    return store


class _Owner:
    """Something a published layer can belong to (as a layer element does)."""


def test_data_route_only_for_signed_in_sessions(route_store: ParkStore):
    text = json.dumps({"type": "Point", "n": 0, "note": "路由"}, ensure_ascii=False)
    owner = _Owner()  # the published layer lives as long as this
    digest = payloads.publish_later(lambda: text, owner)
    client = TestClient(Starlette(routes=[data_route.make_route("", lambda: route_store)]))
    url = f"/park-data/{digest}"

    signed_out = client.get(url)
    assert signed_out.status_code == 403 and signed_out.headers["cache-control"] == "no-store"
    assert (
        client.get(url, headers={"Cookie": f"{accounts.COOKIE}=not-a-session"}).status_code == 403
    )

    token, _ = sessions.start_session(route_store, "qian", client="pytest")
    cookie = {"Cookie": f"{accounts.COOKIE}={token}"}
    ok = client.get(url, headers=cookie)
    assert ok.status_code == 200
    assert ok.headers["content-encoding"] == "gzip"
    assert ok.headers["content-type"].startswith("application/json")
    assert "immutable" in ok.headers["cache-control"]
    assert ok.headers["etag"] == f'"{digest}"'
    assert ok.json() == {"type": "Point", "n": 0, "note": "路由"}  # decompressed by the client

    again = client.get(url, headers={**cookie, "If-None-Match": f'"{digest}"'})
    assert again.status_code == 304 and again.content == b""
    other = client.get(url, headers={**cookie, "If-None-Match": '"something-else"'})
    assert other.status_code == 200

    assert client.get("/park-data/" + "f" * 40, headers=cookie).status_code == 404

    sessions.sign_out(route_store, token)  # the same browser, signed out: no more data
    assert client.get(url, headers=cookie).status_code == 403
    assert client.get(url, headers={**cookie, "If-None-Match": f'"{digest}"'}).status_code == 403


def test_data_route_under_a_base_path(route_store: ParkStore):
    owner = _Owner()
    digest = payloads.publish_later(lambda: '{"base":true}', owner)
    token, _ = sessions.start_session(route_store, "qian")
    client = TestClient(Starlette(routes=[data_route.make_route("/park", lambda: route_store)]))
    cookie = {"Cookie": f"{accounts.COOKIE}={token}"}
    assert client.get(f"/park/park-data/{digest}", headers=cookie).json() == {"base": True}
    assert client.get(f"/park-data/{digest}", headers=cookie).status_code == 404


# --------------------------------------------------------------------------- memo, dates


@pytest.fixture
def fresh_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "_entries", OrderedDict())


def test_derived_once_per_frames_and_key(fresh_memo):
    calls = []

    def compute(tag):
        def run():
            calls.append(tag)
            return [tag, len(calls)]

        return run

    frames = {"parcels": "v1"}
    first = memo.derived(frames, ("as_of", date(2021, 6, 30)), compute("a"))
    again = memo.derived(frames, ("as_of", date(2021, 6, 30)), compute("a"))
    assert first is again and calls == ["a"]
    other = memo.derived(frames, ("as_of", date(2020, 1, 1)), compute("b"))
    assert other == ["b", 2] and calls == ["a", "b"]
    # New data: a new frames dict, even with equal contents, computes again.
    newer = {"parcels": "v1"}
    assert memo.derived(newer, ("as_of", date(2021, 6, 30)), compute("c")) == ["c", 3]
    assert memo.derived(frames, ("as_of", date(2021, 6, 30)), compute("x")) is first


def test_derived_keeps_at_most_max_entries(fresh_memo):
    frames = {}
    calls = []
    for i in range(memo.MAX_ENTRIES):
        memo.derived(frames, i, lambda i=i: calls.append(i) or i)
    memo.derived(frames, 0, lambda: calls.append("again") or -1)  # 0 is now the newest
    memo.derived(frames, "one more", lambda: calls.append("more") or "more")
    assert len(memo._entries) == memo.MAX_ENTRIES
    assert calls == [*range(memo.MAX_ENTRIES), "more"]
    # 1 was the least recently used: dropped, computed again; 0 was kept.
    assert memo.derived(frames, 1, lambda: calls.append("1 again") or 1) == 1
    assert memo.derived(frames, 0, lambda: calls.append("0 again") or -1) == 0
    assert calls[-1] == "1 again"
    for i in range(3 * memo.MAX_ENTRIES):
        memo.derived({}, i, lambda: None)  # each its own frames dict
    assert len(memo._entries) == memo.MAX_ENTRIES


MIXED = [
    "2020-01-02",
    " 2020-01-02 ",
    "2020-01-02T08:30:00Z",
    "2020-01-02 有误",
    date(2020, 1, 2),
    datetime(2020, 1, 2, 23, 59),
    pd.Timestamp("2020-01-02 05:00"),
    pd.Timestamp("2020-01-02 23:00", tz="Asia/Shanghai"),
    np.nan,
    None,
    pd.NaT,
    "",
    "   ",
    "20200102",
    "2020-02-30",
    "2020-13-01",
    "2021-02-29",
    "2020-1-2",
    "not a date",
    20200102,
    3.5,
    0,
    "1900-01-01",
    "1500-06-01",
    "9999-12-31",
]
#: iso_day of each, worked out by hand ("20200102": Python 3.11's fromisoformat reads it).
MIXED_DAYS = [
    "2020-01-02",
    "2020-01-02",
    "2020-01-02",
    "2020-01-02",
    "2020-01-02",
    "2020-01-02",
    "2020-01-02",
    "2020-01-02",
    None,
    None,
    None,
    None,
    None,
    "2020-01-02",
    None,
    None,
    None,
    None,
    None,
    "2020-01-02",
    None,
    None,
    "1900-01-01",
    "1500-06-01",
    "9999-12-31",
]


def test_iso_days_equals_iso_day_cell_by_cell():
    values = pd.Series(MIXED, dtype=object, index=range(10, 10 + len(MIXED)))
    assert [iso_day(v) for v in MIXED] == MIXED_DAYS
    days = iso_days(values)
    assert days.index.equals(values.index)
    assert days.tolist() == MIXED_DAYS
    assert all(d is None or type(d) is str for d in days)
    # Columns as the stores give them: text, and dates read as datetimes.
    text = pd.Series(["2020-01-02", None, "2020-13-01", "2021-12-31 10:00"], dtype="string")
    assert iso_days(text).tolist() == ["2020-01-02", None, None, "2021-12-31"]
    stamps = pd.Series(pd.to_datetime(["2020-01-02 10:00", None, "2021-12-31 00:00"]))
    assert iso_days(stamps).tolist() == ["2020-01-02", None, "2021-12-31"]
    assert iso_days(pd.Series([], dtype=object)).tolist() == []
    assert iso_days(pd.Series([None, np.nan], dtype=object)).tolist() == [None, None]


def test_iso_days_full_width_digits_are_not_dates_either():
    # A date typed with the IME in full-width mode is text, not a date, for iso_day; the
    # column-wise path must not let "\d" (which matches any Unicode digit) take it as one.
    values = ["２０２０-01-02", "２０２０-０１-０２", "٢٠٢٠-01-02"]
    assert [iso_day(v) for v in values] == [None, None, None]
    assert iso_days(pd.Series(values, dtype=object)).tolist() == [None, None, None]


def test_zoom_notes_of_parcels_without_geometry():
    # Parcels that all lack a geometry have no bounds: the notes name the smallest cells.
    parcels = gpd.GeoDataFrame(geometry=[None, None], crs="EPSG:4490")
    assert "a 250 m grid" in zoom_notes(parcels, "en", LABEL_MIN_ZOOM)[0][2]
