import json
import re

import pytest
import streamlit_folium

from gis import vocabulary
from gis.parcels.tables import enrich_parcels, status_summary
from layers._element import encode_features, js_json
from layers.assets import asset_urls, install_assets
from layers.parcels import parcel_layer
from layers.parkmap import build_park_map
from tests.tiny_park import tiny_park

ASSETS = asset_urls()


@pytest.fixture(scope="module")
def frames():
    return tiny_park()


@pytest.fixture(scope="module")
def parcels(frames):
    return enrich_parcels(frames["parcels"], frames["blocks"], frames["enterprises"])


def features(layer) -> list[dict]:
    return json.loads(layer.data)["features"]


def test_enrich_parcels_areas_blocks_and_firms(parcels):
    p = parcels.set_index("code")
    assert p.loc["P1", "area_mu"] == pytest.approx(45.0)
    assert p.loc["P3", "area_mu"] == pytest.approx(45.0, abs=0.01), "GIS area when uncertified"
    assert p.loc["P4", "area_ha"] == pytest.approx(1.2)
    assert p.loc["P3", "block_name"] == "二号<区块>"
    assert p.loc["P4", "enterprise_names"] == "测试<script>电机</script>有限公司、测试阀门有限公司"
    assert p.loc["P2", "enterprise_names"] == ""


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("sale_status", {"PLANNED": (1, 15.0), "LISTED": (1, 45.0), "DELIVERED": (2, 63.0)}),
        (
            "construction_status",
            {"NOT_STARTED": (2, 60.0), "STARTED": (1, 45.0), "IN_PRODUCTION": (1, 18.0)},
        ),
    ],
)
def test_status_summary_hand_worked(parcels, field, expected):
    table = status_summary(parcels, field)
    assert list(table["code"]) == [s.code for s in vocabulary.statuses(field)]
    got = {r.code: (r.count, round(r.area_mu, 2)) for r in table.itertuples() if r.count}
    assert got == expected
    assert table["area_ha"].sum() == pytest.approx(123.0 / 15)


def test_status_summary_refuses_unknown_codes(parcels):
    bad = parcels.copy()
    bad.loc[bad.index[0], "sale_status"] = "SOLDD"
    with pytest.raises(ValueError, match="SOLDD"):
        status_summary(bad, "sale_status")


def test_parcel_layer_ships_only_tooltip_fields(parcels):
    layer = parcel_layer(parcels, field="sale_status", lang="zh")
    feats = features(layer)
    assert len(feats) == 4
    assert set(feats[0]["properties"]) == {"c", "b", "u", "s", "a", "e"}
    p4 = next(f["properties"] for f in feats if f["properties"]["c"] == "P4")
    statuses = [s.code for s in vocabulary.statuses("sale_status")]
    assert statuses[p4["s"]] == "DELIVERED"
    assert p4["a"] == 18.0
    spec = json.loads(layer.spec_json)
    assert spec["colors"][p4["s"]] == vocabulary.status("sale_status", "DELIVERED").color
    assert spec["lookups"]["statuses"][p4["s"]] == "交地"


def test_coordinates_are_rounded_to_a_tenth_of_a_metre(parcels):
    text = parcel_layer(parcels, field="sale_status", lang="zh").data
    decimals = {len(m) for m in re.findall(r"\d+\.(\d+)", text.split('"properties"')[0])}
    assert max(decimals) <= 6


def test_js_json_cannot_close_a_script_tag():
    text = js_json({"n": "</script><script>alert(1)</script>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["n"] == "</script><script>alert(1)</script>&"


def test_encode_features_checks_lengths(parcels):
    with pytest.raises(ValueError, match="4 geometries but 3"):
        encode_features(parcels, parcels.iloc[:3][["code"]])


def test_map_html_is_offline_and_escapes_data(frames):
    html = build_park_map(frames, assets=ASSETS, lang="zh", is_sample=True).get_root().render()
    assert ASSETS.leaflet_js in html and ASSETS.leaflet_css in html
    external = set(re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html))
    assert external == set(), f"the map must not load anything from outside: {external}"
    assert "cdn" not in html.lower()
    assert "<script>电机" not in html and "<b>测试</b>" not in html
    assert "\\u003cscript\\u003e电机" in html
    assert "示意数据" in html and "出让状态" in html


def test_map_in_english_and_by_construction(frames):
    html = (
        build_park_map(frames, assets=ASSETS, lang="en", field="construction_status")
        .get_root()
        .render()
    )
    assert "Construction status" in html and "In production" in html
    assert "示意数据" not in html, "only sample data carries the mark"


def test_block_filter_limits_parcels_buildings_and_firms(frames):
    m = build_park_map(frames, assets=ASSETS, block_ids=["B1"])
    layers = {getattr(c, "spec_json", ""): c for c in m._children.values()}
    by_key = {json.loads(k)["key"]: v for k, v in layers.items() if k}
    assert {f["properties"]["c"] for f in features(by_key["parcels"])} == {"P1", "P2"}
    assert len(features(by_key["buildings"])) == 1
    assert len(features(by_key["enterprises"])) == 0
    assert len(features(by_key["blocks"])) == 1


def test_install_assets_copies_leaflet(tmp_path):
    target = install_assets(tmp_path)
    assert (target / "leaflet.js").stat().st_size > 100_000
    assert (target / "leaflet.css").exists()
    mtime = (target / "leaflet.js").stat().st_mtime_ns
    install_assets(tmp_path)  # second call is a no-op
    assert (target / "leaflet.js").stat().st_mtime_ns == mtime


@pytest.mark.parametrize("name", ["{{ 7*7 }}", "{% if x %}", "{# note", "{{'map_div'}}"])
def test_data_is_never_run_as_a_template(frames, name):
    firms = frames["enterprises"].copy()
    firms.loc[0, "name"] = name
    m = build_park_map({**frames, "enterprises": firms}, assets=ASSETS)
    html = m.get_root().render()
    script = streamlit_folium._get_map_string(m)  # what st_folium sends to the browser
    for text in (html, script):
        encoded = re.search(r'"n":"([^"]*)","p":"P4","i":"C38"', text).group(1)
        assert json.loads(f'"{encoded}"') == name


def test_each_layer_is_added_once(frames):
    html = build_park_map(frames, assets=ASSETS).get_root().render()
    shown = re.findall(r"(park_geo_json_\w+)\.addTo\(", html)
    assert len(shown) == len(set(shown)) == 5, "every shown layer added once; firms start hidden"


# ---------------------------------------------------------------- English tooltips (#11)
def tooltip_rows(layer, code: str) -> dict[str, str]:
    """The tooltip of parcel ``code`` as the browser builds it: label → shown text."""
    spec = json.loads(layer.spec_json)
    props = next(f["properties"] for f in features(layer) if f["properties"]["c"] == code)
    rows = {}
    for label, key, lookup, suffix in spec["tooltip"]:
        value = props[key]
        if lookup is not None:
            value = spec["lookups"][lookup][value]
        rows[label] = f"{value}{suffix}"
    return rows


def test_parcel_tooltip_in_english_shows_the_english_block_name(parcels):
    rows = tooltip_rows(parcel_layer(parcels, field="sale_status", lang="en"), "P1")
    assert rows["Block"] == "Block One"  # not 一号区块
    assert rows["Status"] == "Delivered"
    assert rows["Land use"] == "Industrial"
    assert rows["Area"] == "45.0 mu"
    zh = tooltip_rows(parcel_layer(parcels, field="sale_status", lang="zh"), "P3")
    assert zh["区块"] == "二号<区块>"


def test_parcel_tooltip_falls_back_to_the_chinese_name_without_an_english_one(frames):
    blocks = frames["blocks"].copy()
    blocks.loc[blocks["block_id"] == "B2", "name_en"] = None
    parcels = enrich_parcels(frames["parcels"], blocks, frames["enterprises"])
    layer = parcel_layer(parcels, field="sale_status", lang="en")
    assert tooltip_rows(layer, "P3")["Block"] == "二号<区块>"
    assert tooltip_rows(layer, "P1")["Block"] == "Block One"


def test_deadline_tooltip_unit_is_english():
    from datetime import date

    from gis.i18n import t
    from layers.deadlines import deadline_layer

    parcels = tiny_park()["parcels"]
    spec = json.loads(deadline_layer(parcels, as_of=date(2030, 1, 1), lang="en").spec_json)
    suffixes = [row[3] for row in spec["tooltip"]]
    assert " " + t("unit_wan", "en") in suffixes and " 10k yuan" in suffixes
    assert not any("万" in s for s in suffixes)


# ---------------------------------------------------------------- empty and partial parks
#: Where a park with nothing to draw opens (issue #12): 莲都, about lon 119.92, lat 28.45.
LIANDU_LAT, LIANDU_LON = 28.45, 119.92
FIT_BOUNDS_RE = re.compile(
    r"\.fitBounds\(\s*\[\[([-\d.e]+),\s*([-\d.e]+)\],\s*\[([-\d.e]+),\s*([-\d.e]+)\]\]"
)


def empty_park() -> dict:
    from gis import schema

    return {spec.name: schema.empty_frame(spec) for spec in schema.LAYERS}


def fitted_bounds(m) -> tuple[float, float, float, float] | None:
    """The (minx, miny, maxx, maxy) the rendered map fits, None if it fits nothing."""
    found = FIT_BOUNDS_RE.findall(m.get_root().render())
    assert len(found) <= 1, found
    if not found:
        return None
    miny, minx, maxy, maxx = (float(v) for v in found[0])
    return minx, miny, maxx, maxy


def display_bounds(gdf) -> tuple[float, float, float, float]:
    from gis.crs import to_display

    return tuple(float(v) for v in to_display(gdf).total_bounds)


def test_empty_park_map_opens_on_liandu():
    # Before: folium raised "Location values cannot contain NaNs" on an empty store.
    for options in ({}, {"block_ids": ["B1"], "focus_codes": ["P1"]}):
        m = build_park_map(empty_park(), assets=ASSETS, **options)
        assert m.location == [LIANDU_LAT, LIANDU_LON]
        assert fitted_bounds(m) is None
        html = m.get_root().render()
        assert "park-legend" in html  # the legend and layer control are still there
        assert "Location values cannot contain NaNs" not in html


def test_empty_store_read_back_draws_a_map(tmp_path):
    from gis.store import ParkStore

    store = ParkStore.open(tmp_path / "empty.gpkg", create=empty_park)
    frames = store.read_all()
    assert all(len(frames[name]) == 0 for name in ("parcels", "blocks", "park_boundary"))
    m = build_park_map(frames, assets=ASSETS, lang="en")
    assert m.location == [LIANDU_LAT, LIANDU_LON]


@pytest.mark.parametrize(
    ("kept", "fits"),
    [
        (("park_boundary",), "park_boundary"),  # boundary only: the boundary
        (("blocks",), "blocks"),  # blocks only: the blocks
        (("park_boundary", "blocks"), "blocks"),  # blocks win over the boundary
    ],
)
def test_partial_park_map_fits_what_there_is(frames, kept, fits):
    park = {**empty_park(), **{name: frames[name] for name in kept}}
    m = build_park_map(park, assets=ASSETS)
    expected = display_bounds(frames[fits])
    got = fitted_bounds(m)
    assert got is not None
    assert got == pytest.approx(expected, abs=1e-9)


def test_map_bounds_order_focus_blocks_boundary_parcels(frames):
    from layers.parkmap import FOCUS_MARGIN_M, map_bounds

    empty = empty_park()
    parcels, blocks, boundary = frames["parcels"], frames["blocks"], frames["park_boundary"]
    none = empty["parcels"]
    # Parcels without blocks or boundary (imported first): the parcels.
    got = map_bounds(
        focus=none, blocks=empty["blocks"], boundary=empty["park_boundary"], parcels=parcels
    )
    assert got == pytest.approx(display_bounds(parcels), abs=1e-9)
    got = map_bounds(focus=none, blocks=empty["blocks"], boundary=boundary, parcels=parcels)
    assert got == pytest.approx(display_bounds(boundary), abs=1e-9)
    got = map_bounds(focus=none, blocks=blocks, boundary=boundary, parcels=parcels)
    assert got == pytest.approx(display_bounds(blocks), abs=1e-9)
    # A focused parcel: its bounds grown by the margin (P2 is a 100 m square, in metres).
    p2 = parcels[parcels["code"] == "P2"]
    got = map_bounds(focus=p2, blocks=blocks, boundary=boundary, parcels=parcels)
    from gis.crs import AREA_CRS

    minx, miny, maxx, maxy = p2.to_crs(AREA_CRS).total_bounds
    assert (maxx - minx, maxy - miny) == pytest.approx((100.0, 100.0), abs=0.01)
    lo, hi = display_bounds(p2)[:2], display_bounds(p2)[2:]
    assert got[0] < lo[0] and got[1] < lo[1] and got[2] > hi[0] and got[3] > hi[1]
    assert FOCUS_MARGIN_M == 150.0
    assert (
        map_bounds(
            focus=none, blocks=empty["blocks"], boundary=empty["park_boundary"], parcels=none
        )
        is None
    )


def test_rows_without_geometry_are_not_fitted(frames):
    blocks = frames["blocks"].copy()
    blocks.loc[blocks.index[0], "geometry"] = None
    park = {**empty_park(), "blocks": blocks}
    expected = display_bounds(blocks.iloc[1:])
    assert fitted_bounds(build_park_map(park, assets=ASSETS)) == pytest.approx(expected, abs=1e-9)
    nothing = {**empty_park(), "blocks": blocks.iloc[:1]}
    assert build_park_map(nothing, assets=ASSETS).location == [LIANDU_LAT, LIANDU_LON]


def test_compact_controls_fold_the_legend_and_collapse_the_layer_control(frames):
    from layers.legend import compact_controls

    full = build_park_map(frames, assets=ASSETS, lang="en", is_sample=True)
    html = full.get_root().render()
    assert '"compact":false' in html and '"collapsed": false' in html
    m = compact_controls(
        build_park_map(frames, assets=ASSETS, lang="en", is_sample=True), toggle="Legend"
    )
    html = m.get_root().render()
    assert '"compact":true' in html and '"toggle":"Legend"' in html
    assert '"collapsed": true' in html
    assert '"note":"' in html  # the 示意数据 mark is still drawn, outside the fold
