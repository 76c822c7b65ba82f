"""Streamlit AppTest smoke tests: every page runs, in both languages, on the sample store.

Pages come from ``ui.navigation.PAGES`` (the list app.py registers), so a new
page is smoke-tested without touching this file.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from gis import vocabulary
from gis.crs import AREA_CRS
from gis.i18n import t
from gis.store import ParkStore
from tests.apptest_kit import assert_clean, markdown_tables, signed_in, texts
from ui.navigation import PAGES as NAV_PAGES

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
RUN_TIMEOUT = 60


def registered_pages() -> list[str]:
    """The script paths of every page app.py registers, in order."""
    return [page.script for page in NAV_PAGES]


PAGES = registered_pages()


def test_app_registers_pages_that_exist():
    assert "pages/views/map.py" in PAGES
    for page in PAGES:
        assert (ROOT / page).is_file(), f"app.py registers a missing page: {page}"


def run_app() -> AppTest:
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    at.run(timeout=RUN_TIMEOUT)
    return at


# ---------------------------------------------------------------- every page
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_in_both_languages(store_copy, page):
    at = run_app()  # a first run registers the pages (st.navigation) before switching
    assert_clean(at)
    at.switch_page(page).run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert len(at.main.children) > 0, f"{page} drew nothing"
    assert "示意数据" in t("sample_badge", "zh")
    assert t("sample_badge", "zh") in texts(at.warning), texts(at.warning)

    at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert at.selectbox(key="lang").value == "en"
    assert t("sample_badge", "en") in texts(at.warning), texts(at.warning)
    assert t("sample_badge", "zh") not in texts(at.warning)


# ---------------------------------------------------------------- the map page
def test_map_page_header_and_sample_notice(store_copy):
    at = run_app()
    assert_clean(at)
    assert "园区一张图" in texts(at.header)
    assert any("示意数据" in w for w in texts(at.warning))
    assert any(str(store_copy) in c for c in texts(at.caption))

    at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert "Park map" in texts(at.header)
    assert "园区一张图" not in texts(at.header)
    assert at.radio(key="map_field").label == t("colour_by", "en") == "Colour parcels by"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_totals_match_the_store(store_copy, lang):
    parcels = ParkStore(store_copy).read("parcels")
    assert len(parcels) > 0
    # Land counts by its certified area (m² × 15 / 10000 = mu); the drawn polygon, measured
    # in EPSG:4549, only stands in for a parcel without one.
    m2 = parcels["area_m2_cert"].astype(float)
    m2 = m2.fillna(parcels.geometry.to_crs(AREA_CRS).area)
    expected_mu = float(m2.sum()) * 15 / 10000

    at = run_app()
    if lang == "en":
        at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    radio = at.radio(key="map_field")
    assert list(radio.options) == [t("colour_sale", lang), t("colour_construction", lang)]
    for field in (vocabulary.CONSTRUCTION_FIELD, vocabulary.SALE_FIELD):
        radio.set_value(field).run(timeout=RUN_TIMEOUT)
        assert_clean(at)
        radio = at.radio(key="map_field")
        assert radio.value == field
        [shown] = markdown_tables(at)
        table = shown.iloc[:, :1].join(shown.iloc[:, 1:].astype(float))
        statuses = vocabulary.statuses(field)
        assert len(table) == len(statuses) + 1  # one row per status, then the total
        labels = [s.label(lang) for s in statuses]
        assert list(table.iloc[:-1, 0]) == labels
        counts, areas = table.iloc[:, 1], table.iloc[:, 2]
        assert int(counts.iloc[-1]) == len(parcels)
        assert int(counts.iloc[:-1].sum()) == len(parcels)
        assert abs(float(areas.iloc[-1]) - expected_mu) <= 0.05 + 1e-6, (
            f"total {areas.iloc[-1]} mu, store {expected_mu:.3f} mu"
        )
        # Per status, against the store directly.
        for s, count in zip(statuses, counts.iloc[:-1], strict=True):
            assert int(count) == int((parcels[field] == s.code).sum()), s.code


# ---------------------------------------------------------------- bad data files
def test_corrupt_store_is_reported_and_left_alone(tmp_path, monkeypatch):
    path = tmp_path / "park.gpkg"
    path.write_text("这不是 GeoPackage / not a GeoPackage\n", encoding="utf-8")
    before = path.read_bytes()
    monkeypatch.setenv("PARK_DB", str(path))

    at = run_app()
    assert not at.exception, [e.value for e in at.exception]
    errors = texts(at.error)
    assert errors == [t("store_corrupt", "zh", path=str(path))], errors
    assert str(path) in errors[0]
    assert not at.header  # the page did not run on a broken store

    at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    errors = texts(at.error)
    assert errors == [t("store_corrupt", "en", path=str(path))], errors
    assert str(path) in errors[0]
    assert path.read_bytes() == before


def test_foreign_geopackage_is_refused_and_left_alone(tmp_path, monkeypatch):
    path = tmp_path / "roads.gpkg"
    roads = gpd.GeoDataFrame(
        {"name": ["丽水大道"]},
        geometry=[shapely.LineString([(119.90, 28.40), (119.92, 28.41)])],
        crs="EPSG:4490",
    )
    roads.to_file(path, layer="roads", driver="GPKG")
    before = path.read_bytes()
    monkeypatch.setenv("PARK_DB", str(path))

    at = run_app()
    assert not at.exception, [e.value for e in at.exception]
    errors = texts(at.error)
    assert errors == [t("store_foreign", "zh", path=str(path))], errors
    assert str(path) in errors[0]
    assert not at.header

    at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    errors = texts(at.error)
    assert errors == [t("store_foreign", "en", path=str(path))], errors
    assert str(path) in errors[0] and "not a Park One-Map data file" in errors[0]
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["roads.gpkg"]


@pytest.mark.parametrize(
    ("param", "expected"),
    [("2020-03-15", "2020-03-15"), ("not-a-date", "2021-06-30"), ("2999-01-01", "2021-06-30")],
)
def test_as_of_link_parameter_seeds_the_sidebar_date(store_copy, param, expected):
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    at.query_params["as_of"] = param
    at.run()
    assert not at.exception
    assert at.date_input(key="as_of").value.isoformat() == expected


# ---------------------------------------------------------------- partial parks (issue #12)
@pytest.mark.parametrize("stage", ["empty", "boundary_blocks"])
def test_map_page_runs_on_a_partial_park(tmp_path, monkeypatch, stage):
    from tests.partial_parks import build_partial_store

    path = build_partial_store(stage, tmp_path / "park.gpkg")
    monkeypatch.setenv("PARK_DB", str(path))
    at = run_app()  # the map page: before, an empty park raised "cannot contain NaNs"
    assert_clean(at)
    assert "园区一张图" in texts(at.header)
