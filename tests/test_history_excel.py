from datetime import date

import pandas as pd
import pytest

from gis._errors import ValidationError
from gis.excel import labelled_columns, read_xlsx, to_xlsx
from gis.parcels import history
from gis.schema import PARCELS
from tests.tiny_park import tiny_park


def event(i, code, field, old, new, day, supersedes=None, recorded=None):
    return dict(
        event_id=i,
        parcel_code=code,
        field=field,
        old_status=old,
        new_status=new,
        effective_date=day,
        recorded_at=recorded or f"{day}T09:00:00",
        author="测试",
        note="",
        supersedes=supersedes,
    )


@pytest.fixture
def events():
    return pd.DataFrame(
        [
            event(1, "P1", "sale_status", None, "PLANNED", "2018-01-01"),
            event(2, "P1", "sale_status", "PLANNED", "BANKED", "2018-06-01"),
            event(3, "P1", "sale_status", "BANKED", "LISTED", "2019-01-10"),
            event(4, "P1", "sale_status", "LISTED", "SOLD", "2019-02-01"),
            # Wrong date entered for the sale, corrected a week later by event 5.
            event(
                5,
                "P1",
                "sale_status",
                "LISTED",
                "SOLD",
                "2019-02-03",
                supersedes=4,
                recorded="2019-02-10T10:00:00",
            ),
            event(6, "P1", "construction_status", "NOT_STARTED", "STARTED", "2019-10-01"),
            event(7, "P2", "sale_status", None, "PLANNED", "2020-05-01"),
        ]
    )


def test_statuses_as_of_replays_history(events):
    parcels = tiny_park()["parcels"]
    on = history.statuses_as_of(parcels, events, date(2019, 2, 2)).set_index("code")
    # P2 was not yet planned (its event says 2020); P3/P4 have no events: their own dates
    # tell their history (P3 banked 2018-06-01, P4 in production since 2018-09-01).
    assert list(on.index) == ["P1", "P3", "P4"]
    assert on.loc["P3", "sale_status"] == "BANKED"
    assert on.loc["P4", "construction_status"] == "IN_PRODUCTION"
    assert on.loc["P1", "sale_status"] == "LISTED", "the superseded sale of 02-01 does not count"
    assert on.loc["P1", "construction_status"] == "NOT_STARTED"
    later = history.statuses_as_of(parcels, events, date(2020, 12, 31)).set_index("code")
    assert later.loc["P1", "sale_status"] == "SOLD"
    assert later.loc["P1", "construction_status"] == "STARTED"
    assert later.loc["P2", "sale_status"] == "PLANNED"


def test_first_reached_uses_the_correction(events):
    sold = history.first_reached(events, "sale_status", {"SOLD", "DELIVERED"})
    assert sold.to_dict() == {"P1": "2019-02-03"}
    assert history.first_reached(events, "sale_status", {"SOLD"}, date(2019, 2, 2)).empty


def test_timeline_keeps_superseded_events_visible(events):
    line = history.timeline(events, "P1")
    assert list(line["event_id"]) == [1, 2, 3, 4, 5, 6]
    assert list(line["superseded"]) == [False, False, False, True, False, False]


def test_xlsx_round_trip_with_chinese_headers_and_units():
    parcels = tiny_park()["parcels"][["code", "name", "area_m2_cert", "standard_land"]]
    table = labelled_columns(parcels, PARCELS)
    assert list(table.columns) == ["地块编号", "地块名称", "出让面积(m²)", "标准地"]
    back = read_xlsx(to_xlsx({"地块/Parcels": table}))
    assert list(back.columns) == list(table.columns)
    assert back["地块名称"].tolist() == ["测试P1地块", "测试P2地块", "<b>测试</b>&P3", "测试P4地块"]
    assert back["出让面积(m²)"].tolist()[:2] == [30000, 10000]
    assert back["出让面积(m²)"].isna().tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"not a zip", "xlsx_unreadable"),
        (b"PK\x03\x04broken", "xlsx_unreadable"),
        (to_xlsx({"a": pd.DataFrame({"x": []})}), "xlsx_empty"),
    ],
)
def test_bad_workbooks_get_a_message_key(data, key):
    with pytest.raises(ValidationError) as info:
        read_xlsx(data)
    assert info.value.key == key


def test_oversized_workbook_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr("gis.excel.MAX_XLSX_BYTES", 10)
    with pytest.raises(ValidationError) as info:
        read_xlsx(b"x" * 11)
    assert info.value.key == "xlsx_too_large"
