import json
import re

import pytest
import streamlit_folium

from gis import vocabulary
from gis.parcels import enrich_parcels, status_summary
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
