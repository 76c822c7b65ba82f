"""Pages say what the park lacks, what the as-of date leaves out and which values are bad
(issue #12, "your own park"): ui/missing.py on the pages, and parcels written by another
GDAL client (QGIS) never silently missing from the map."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from streamlit.testing.v1 import AppTest

from gis import onboarding, schema
from gis.i18n import t
from gis.parcels import history
from gis.store import ParkStore, problem_text, validate_frames
from tests.apptest_kit import assert_no_exception, markdown_tables, signed_in, texts
from tests.partial_parks import build_partial_store
from ui import missing, shell
from ui.text import md

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
RUN_TIMEOUT = 90
AS_OF = date(2021, 6, 30)  # the partial parks keep the sample's report date
DATE_COLUMNS = [c.name for c in schema.PARCELS.columns if c.dtype == "date"]


def open_page(path: Path, monkeypatch, page: str, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("PARK_DB", str(path))
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    at.run(timeout=RUN_TIMEOUT)
    at.switch_page(f"pages/views/{page}.py").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    if lang != "zh":
        at.selectbox(key="lang").set_value(lang).run(timeout=RUN_TIMEOUT)
        assert_no_exception(at)
    return at


def qgis_parcel(parcels: gpd.GeoDataFrame, code: str, **values: object) -> gpd.GeoDataFrame:
    """A parcel as a user draws it in QGIS: the first parcel's shape moved east, no dates
    but those given, the given statuses."""
    row = parcels.iloc[[0]].copy()
    row["code"], row["name"] = code, f"{code}地块"
    row["geometry"] = row.geometry.translate(0.05, 0)
    for column in DATE_COLUMNS:
        row[column] = None
    row["sale_status"], row["construction_status"] = "PLANNED", "NOT_STARTED"
    for column, value in values.items():
        row[column] = value
    return row


def append(path: Path, *rows: gpd.GeoDataFrame) -> None:
    """Append ``rows`` to the parcels layer with pyogrio (GDAL, as QGIS writes)."""
    for row in rows:
        pyogrio.write_dataframe(row, path, layer="parcels", append=True)


@pytest.fixture
def own_park(tmp_path) -> Path:
    """The 'parcels and enterprises without figures' park plus, written by another GDAL
    client with no status event: Z1 (planned 2020, 成交 1 March 2021) and Z2 (no date)."""
    path = build_partial_store("no_figures", tmp_path / "park.gpkg")
    parcels = ParkStore(path).read("parcels")
    append(
        path,
        qgis_parcel(
            parcels, "Z1", sale_status="SOLD", plan_date="2020-01-01", deal_date="2021-03-01"
        ),
        qgis_parcel(parcels, "Z2"),  # 规划, no date: shown as its record says
    )
    return path


# ---------------------------------------------------------------- parcels from QGIS
def test_a_parcel_appended_by_another_gdal_client_is_on_the_map_as_of_each_date(own_park):
    frames = ParkStore(own_park).read_all()
    assert {"Z1", "Z2"} <= set(frames["parcels"]["code"])
    assert not frames["status_events"]["parcel_code"].isin(["Z1", "Z2"]).any()

    def status(day: date) -> dict:
        shown = shell.frames_as_of(frames, day)["parcels"].set_index("code")
        return {c: shown.loc[c, "sale_status"] for c in ("Z1", "Z2") if c in shown.index}

    assert status(AS_OF) == {"Z1": "SOLD", "Z2": "PLANNED"}  # Z2: its record
    assert status(date(2021, 2, 1)) == {"Z1": "PLANNED", "Z2": "PLANNED"}
    assert status(date(2019, 12, 31)) == {"Z2": "PLANNED"}  # Z1 not planned yet
    gaps = history.as_of_gaps(frames["parcels"], frames["status_events"], date(2019, 12, 31))
    assert "Z1" in gaps.not_yet and gaps.undated == ("Z2",)
    # Every parcel of the store is on the map on the report date.
    assert len(shell.frames_as_of(frames, AS_OF)["parcels"]) == len(frames["parcels"])


def test_map_page_counts_the_appended_parcel_and_says_which_it_cannot_date(own_park, monkeypatch):
    frames = ParkStore(own_park).read_all()
    at = open_page(own_park, monkeypatch, "map")
    [summary] = markdown_tables(at)
    total = int(summary[t("summary_count", "zh")].iloc[-1])
    assert total == len(frames["parcels"])  # Z1 and Z2 among them
    # Z2 has no date at all: said, with its code; nothing else is missing on this page.
    assert texts(at.info) == [t("asof_undated", "zh", count=1, date="2021-06-30", codes="Z2")]
    # Before Z1 was planned: the page says it is left out, naming it.
    at.date_input(key="as_of").set_value(date(2019, 12, 31)).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    gaps = history.as_of_gaps(frames["parcels"], frames["status_events"], date(2019, 12, 31))
    assert "Z1" in gaps.not_yet and gaps.undated == ("Z2",)
    assert texts(at.info) == [t(key, "zh", **params) for key, params in gaps.messages()]
    assert texts(at.info)[0].startswith(f"截至 2019-12-31 有 {len(gaps.not_yet)} 个地块尚未规划")


def test_parcel_timeline_shows_the_steps_from_the_parcel_record(own_park, monkeypatch):
    monkeypatch.setenv("PARK_DB", str(own_park))
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    at.query_params["parcel"] = "Z1"
    at.run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    [line] = [f.value for f in at.dataframe if "#" in f.value.columns]
    # Planned 2020-01-01, sold 2021-03-01: both from its record, none a recorded event.
    assert list(line["生效日期"]) == ["2020-01-01", "2021-03-01"]
    assert list(line["新状态"]) == ["规划", "成交"]
    assert list(line["标记"]) == ["据地块记录"] * 2
    assert line["#"].isna().all()
    assert t("timeline_derived", "en") == "from the parcel record"


# ---------------------------------------------------------------- what is missing
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_park_pages_name_every_missing_import(tmp_path, monkeypatch, lang):
    path = build_partial_store("empty", tmp_path / "park.gpkg")
    frames = ParkStore(path).read_all()
    year = date.today().year  # an empty store's as-of date is today
    for page in ("map", "targets"):
        at = open_page(path, monkeypatch, page, lang)
        expected = onboarding.missing_messages(frames, page=page, year=year, lang=lang)
        assert len(expected) >= 4
        assert texts(at.info)[: len(expected)] == expected


def test_targets_page_on_a_park_without_figures_names_the_figures_import(tmp_path, monkeypatch):
    path = build_partial_store("no_figures", tmp_path / "park.gpkg")
    at = open_page(path, monkeypatch, "targets")
    infos = texts(at.info)
    assert infos[:2] == [
        t("onb_missing_yearly_figures", "zh"),
        t("onb_missing_period_figures", "zh"),
    ]
    # Land sold is computed from the history all the same.
    assert t("onb_missing_targets", "zh", year=2021) not in infos


def test_full_park_pages_show_no_missing_data(sample_store_path, tmp_path, monkeypatch):
    path = tmp_path / "park.gpkg"
    path.write_bytes(sample_store_path.read_bytes())
    missing_texts = {t(p.message_key, "zh", year=2021) for p in onboarding.PIECES}
    for page in ("map", "parcels", "targets", "reuse", "meeting"):
        at = open_page(path, monkeypatch, page)
        assert not set(texts(at.info)) & missing_texts, page
        assert not at.warning or all(not str(w.value).startswith("数据检查") for w in at.warning), (
            page
        )


# ---------------------------------------------------------------- bad values from QGIS
def test_problems_warning_names_a_few_parcels_and_counts_the_rest(tmp_path, monkeypatch):
    path = build_partial_store("no_figures", tmp_path / "park.gpkg")
    parcels = ParkStore(path).read("parcels")
    bad = [
        qgis_parcel(parcels, f"X{i}", sale_status="已出让", plan_date="2020-01-01")
        for i in range(1, 8)
    ]
    append(path, *bad)
    problems = validate_frames(ParkStore(path).read_all())
    assert {p.parcel for p in problems} == {f"X{i}" for i in range(1, 8)}
    assert len(problems) == 7  # one unknown status code each
    text = missing.problems_summary(problems, "zh")
    head, _, *lines = text.split("\n")
    assert head == t("problems_heading", "zh", count=7, parcels="X1、X2、X3、X4、X5 等 7 个")
    assert lines[0] == "- " + md(problem_text(problems[0], "zh"))
    assert lines[-1] == "- " + t("problems_more", "zh", count=2)
    assert len(lines) == missing.SHOWN_PROBLEMS + 1
    for page in ("map", "parcels"):
        at = open_page(path, monkeypatch, page)
        [warning] = [w for w in texts(at.warning) if w.startswith("数据检查")]
        assert warning == text
        [expander] = [e for e in at.expander if e.label == t("problems_all", "zh", count=7)]
        assert "X7" in expander.markdown[0].value
    en = open_page(path, monkeypatch, "map", "en")
    assert any(w.startswith("The data check found 7 problems") for w in texts(en.warning))
