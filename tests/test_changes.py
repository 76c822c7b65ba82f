"""Changes since a date (issue #17, 2): the events between two dates, counted in 宗 and 亩,
corrections and late entries apart; the pack's sheet; the meeting page's section."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook

from gis import schema
from gis.i18n import t
from gis.meeting import pack_files, pack_style
from gis.parcels import changes, history
from tests.actors import ACTOR
from tests.tiny_park import AREA_CRS, ORIGIN, _frame, tiny_park

SINCE = date(2021, 3, 31)
UNTIL = date(2021, 6, 30)


def _event(event_id, code, field, old, new, effective, recorded, supersedes=None):
    return dict(
        event_id=event_id,
        parcel_code=code,
        field=field,
        old_status=old,
        new_status=new,
        effective_date=effective,
        recorded_at=recorded,
        author="测试员",
        note="",
        supersedes=supersedes,
    )


S, C = "sale_status", "construction_status"


def park() -> dict:
    """Tiny park with hand-built events around (2021-03-31, 2021-06-30]."""
    frames = tiny_park()
    events = [
        _event(1, "P2", S, None, "PLANNED", "2018-01-01", "2018-01-02T09:00:00"),
        # on the start day itself: not in the period
        _event(2, "P2", S, "PLANNED", "BANKED", "2021-03-31", "2021-03-31T17:00:00"),
        _event(3, "P2", S, "BANKED", "LISTED", "2021-05-01", "2021-05-01T10:00:00"),
        # a wrong sale date, corrected by event 5 (recorded in the period)
        _event(4, "P3", S, "LISTED", "SOLD", "2021-05-20", "2021-05-20T10:00:00"),
        _event(5, "P3", S, "LISTED", "SOLD", "2021-05-25", "2021-06-02T10:00:00", 4),
        _event(6, "P2", S, "LISTED", "SOLD", "2021-06-10", "2021-06-10T10:00:00"),
        # late entry: effective before the start, recorded after it
        _event(7, "P1", C, "STARTED", "COMPLETED", "2021-03-15", "2021-04-02T08:00:00"),
        # after the end: not in the period
        _event(8, "P1", C, "COMPLETED", "IN_PRODUCTION", "2021-07-05", "2021-07-05T08:00:00"),
        # a correction of a 2018 event, recorded in the period: a correction, not a change
        _event(10, "P2", S, None, "PLANNED", "2018-02-01", "2021-04-20T09:00:00", 1),
        # on the end day, recorded after it: a change of the period (effective dates count)
        _event(11, "P4", C, "IN_PRODUCTION", "AT_CAPACITY", "2021-06-30", "2021-07-02T09:00:00"),
    ]
    frames["status_events"] = _frame(schema.STATUS_EVENTS, events)
    firms = frames["enterprises"].copy()
    firms["production_start"] = [None, "2021-05-15"]
    firms["above_scale_since"] = ["2021-03-31", None]
    frames["enterprises"] = firms
    frames["period_figures"] = _frame(
        schema.PERIOD_FIGURES,
        [
            dict(subject_kind="enterprise", subject_id="E1", year=2021, months=3),
            dict(subject_kind="enterprise", subject_id="E1", year=2021, months=4),
            dict(subject_kind="enterprise", subject_id="E2", year=2021, months=4),
            dict(subject_kind="project", subject_id="P1", year=2021, months=6),
            dict(subject_kind="project", subject_id="P1", year=2021, months=7),
        ],
    )
    point = shapely.Point(ORIGIN[0] + 300, ORIGIN[1] + 50)
    annotations = [
        dict(
            annotation_id="A1",
            meeting_date="2021-03-31",
            author="甲",
            note="上次会议",
            parcel_code=None,
            created_at="2021-03-31T10:00:00",
            version=1,
        ),
        dict(
            annotation_id="A2",
            meeting_date="2021-05-10",
            author="乙",
            note="<b>限期</b>开工",
            parcel_code="P2",
            created_at="2021-05-10T10:00:00",
            version=1,
        ),
    ]
    import geopandas as gpd

    frames["annotations"] = gpd.GeoDataFrame(
        {c: [a.get(c) for a in annotations] for c in schema.ANNOTATIONS.column_names},
        geometry=[point, point],
        crs=AREA_CRS,
    ).to_crs("EPSG:4490")
    return frames


@pytest.fixture(scope="module")
def found() -> changes.Changes:
    return changes.changes_since(park(), SINCE, UNTIL)


def test_changes_are_the_events_in_force_effective_in_the_period(found):
    got = found.changes[["event_id", "parcel_code", "old_status", "new_status", "effective_date"]]
    assert got.values.tolist() == [
        [3, "P2", "BANKED", "LISTED", "2021-05-01"],
        [5, "P3", "LISTED", "SOLD", "2021-05-25"],  # the correction, not the superseded 4
        [6, "P2", "LISTED", "SOLD", "2021-06-10"],
        [11, "P4", "IN_PRODUCTION", "AT_CAPACITY", "2021-06-30"],
    ]
    assert found.changes.loc[1, "corrects"] == 4
    assert 4 not in set(found.changes["event_id"])  # superseded: never a change
    assert not found.changes["derived"].any()  # P3's derived listing (2021-03-01) is earlier


def test_transitions_are_counted_in_parcels_and_mu(found):
    rows = [
        (r.field, r.old_status, r.new_status, r.parcels, round(r.area_mu, 6), r.codes)
        for r in found.transitions.itertuples()
    ]
    # P2: certified 10 000 m² = 15 mu; P3: no certificate, drawn 300 m × 100 m = 45 mu;
    # P4: certified 12 000 m² = 18 mu.
    assert rows == [
        (S, "BANKED", "LISTED", 1, 15.0, ("P2",)),
        (S, "LISTED", "SOLD", 2, 60.0, ("P2", "P3")),
        (C, "IN_PRODUCTION", "AT_CAPACITY", 1, 18.0, ("P4",)),
    ]
    assert t("chg_transition_count", "zh", parcels=2, mu="60.0") == "2 宗 60.0 亩"


def test_changed_parcels_are_those_whose_status_differs_between_the_dates(found):
    # Sale status only: a parcel whose recorded events are all of construction drops out
    # of history.statuses_as_of (its sale steps are not derived), so P4 cannot be compared.
    frames = park()
    before = history.statuses_as_of(frames["parcels"], frames["status_events"], SINCE)
    after = history.statuses_as_of(frames["parcels"], frames["status_events"], UNTIL)
    merged = before[["code", S]].merge(after[["code", S]], on="code", suffixes=("_a", "_b"))
    differ = merged[merged[f"{S}_a"] != merged[f"{S}_b"]]
    sold = found.changes[found.changes["field"] == S]
    assert tuple(sorted(set(sold["parcel_code"]))) == tuple(sorted(differ["code"]))
    assert found.changed_codes() == ("P2", "P3", "P4")


def test_late_entries_and_corrections_are_listed_apart(found):
    assert found.late[["event_id", "parcel_code", "new_status"]].values.tolist() == [
        [7, "P1", "COMPLETED"]
    ]
    assert found.late.loc[0, "area_mu"] == pytest.approx(45.0)
    fixes = found.corrections[["event_id", "corrects", "wrong_effective_date", "effective_date"]]
    assert fixes.values.tolist() == [
        [10, 1, "2018-01-01", "2018-02-01"],
        [5, 4, "2021-05-20", "2021-05-25"],
    ]
    assert found.noted_codes() == ("P1",)


def test_new_firms_figures_and_annotations(found):
    assert found.new_firms[["enterprise_id", "kind", "date"]].values.tolist() == [
        ["E2", "production", "2021-05-15"]
    ]
    assert found.new_figures[["subject_kind", "months", "period_end", "rows"]].values.tolist() == [
        ["enterprise", 4, "2021-04-30", 2],
        ["project", 6, "2021-06-30", 1],
    ]
    assert found.annotations["annotation_id"].tolist() == ["A2"]


def test_default_start_is_the_last_meeting_before_the_as_of_date():
    annotations = park()["annotations"]
    assert changes.last_meeting_before(annotations, UNTIL) == date(2021, 5, 10)
    assert changes.last_meeting_before(annotations, date(2021, 5, 10)) == SINCE
    assert changes.last_meeting_before(annotations, SINCE) is None
    assert changes.default_since(annotations, SINCE) == date(2021, 3, 1)


def test_pack_table_and_workbook_sheet(found):
    table = changes.pack_table(found, "zh")
    kinds = table["类别"].tolist()
    assert kinds == ["状态变化"] * 3 + ["补录"] + ["更正"] * 2 + ["新企业"] + ["新报送数据"] * 2 + [
        "会议标注"
    ]
    sold = table[table["内容"] == "出让状态: 挂牌 → 成交"].iloc[0]
    assert (sold["数量"], sold["面积（亩）"], sold["地块"]) == (2, 60.0, "P2、P3")
    options = pack_style.PackOptions(as_of=UNTIL, lang="zh", changes_since=SINCE)
    book = load_workbook(io.BytesIO(pack_files.meeting_pack_xlsx(park(), options)))
    sheet = book["2021-03-31以来变化"]
    assert sheet.max_row == len(table) + 1
    # without an explicit start, the pack uses the last meeting before the as-of date
    default = pack_style.PackOptions(as_of=UNTIL, lang="en")
    book = load_workbook(io.BytesIO(pack_files.meeting_pack_xlsx(park(), default)))
    assert book.sheetnames[-1] == "Changes since 2021-05-10"


def test_pdf_pack_has_the_changes_page():
    from pypdf import PdfReader

    options = pack_style.PackOptions(as_of=UNTIL, lang="zh", changes_since=SINCE)
    reader = PdfReader(io.BytesIO(pack_files.meeting_pack_pdf(park(), options)))
    last = reader.pages[-1].extract_text()
    assert "2021-03-31以来变化" in last
    assert "挂牌 → 成交" in last and "P2、P3" in last and "60.0" in last
    assert "补录" in last and "更正" in last


def test_no_meeting_before_means_no_pack_sheet():
    frames = park()
    options = pack_style.PackOptions(as_of=SINCE, lang="zh")
    book = load_workbook(io.BytesIO(pack_files.meeting_pack_xlsx(frames, options)))
    assert not any("以来变化" in name for name in book.sheetnames)


def test_empty_store_tables_are_empty():
    frames = {spec.name: schema.empty_frame(spec) for spec in schema.LAYERS}
    found = changes.changes_since(frames, SINCE, UNTIL)
    assert found.is_empty() and found.transitions.empty
    assert changes.pack_table(found, "en").empty
    assert isinstance(found.changes, pd.DataFrame)


# ---------------------------------------------------------------- the meeting page (AppTest)
def test_meeting_page_lists_the_changes_since_the_last_meeting(
    sample_store_path, tmp_path, monkeypatch
):
    import shutil

    from gis.crs import m2_to_mu
    from gis.meeting import annotations as meeting_annotations
    from gis.parcels.tables import parcel_area_m2
    from gis.store import ParkStore
    from tests.test_meeting_page import open_page
    from ui.text import md

    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    monkeypatch.setenv("PARK_DB", str(path))
    store = ParkStore(path)
    parcels = store.read("parcels")
    meeting_annotations.add_annotation(
        store,
        parcels.geometry.iloc[0].centroid,
        meeting_annotations.AnnotationInput("一季度推进会", "2021-03-31", "规划科"),
        actor=ACTOR,
    )
    # Independently of gis.parcels.changes: the LISTED → SOLD events effective in the period.
    events = store.read("status_events")
    sold = events[
        (events["new_status"] == "SOLD")
        & (events["old_status"] == "LISTED")
        & (events["effective_date"] > "2021-03-31")
        & (events["effective_date"] <= "2021-06-30")
    ]
    codes = sorted(set(sold["parcel_code"]))
    assert codes  # the sample sells land in the second quarter
    mu = float(m2_to_mu(parcel_area_m2(parcels[parcels["code"].isin(codes)])).sum())
    at = open_page()
    picker = at.date_input(key="chg_since")
    assert picker.value == SINCE  # the last meeting before the as-of date
    text = "\n".join(m.value for m in at.markdown)
    assert md(f"挂牌 → 成交：{len(codes)} 宗 {mu:.1f} 亩") in text
    assert f"[{md(codes[0])}](/parcels?parcel={codes[0]})" in text
    picker.set_value(date(2021, 6, 20)).run(timeout=90)
    text = "\n".join(m.value for m in at.markdown)
    late = sold[sold["effective_date"] > "2021-06-20"]
    assert md(f"挂牌 → 成交：{len(set(late['parcel_code']))} 宗") in text
    assert not at.exception
