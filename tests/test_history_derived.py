"""History from a parcel's own dates (issue #12 item 4): derived events, the as-of map of
parcels without events, and the parcels an as-of date leaves out, counted with a reason."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from gis import schema
from gis.i18n import t
from gis.parcels import history
from gis.store import ParkStore
from tests.tiny_park import tiny_park

NO_EVENTS = schema.empty_frame(schema.STATUS_EVENTS)


def sold_2018_delivered_2019():
    """Tiny park's parcels plus S1: sold 2018-05-10, delivered 2019-03-01, no events, no
    plan date (so nothing is known of it before the sale)."""
    parcels = tiny_park()["parcels"]
    extra = parcels.iloc[[1]].copy()
    for column in schema.PARCELS.column_names:
        if schema.PARCELS.column(column).dtype == "date":
            extra[column] = None
    extra["code"] = "S1"
    extra["sale_status"] = "DELIVERED"
    extra["construction_status"] = "NOT_STARTED"
    extra["deal_date"] = "2018-05-10"
    extra["delivery_date"] = "2019-03-01"
    return pd.concat([parcels, extra], ignore_index=True)


def status_on(parcels, events, day: date, code: str) -> str | None:
    on = history.statuses_as_of(parcels, events, day).set_index("code")
    return on.loc[code, "sale_status"] if code in on.index else None


def test_parcel_without_events_takes_its_history_from_its_dates():
    parcels = sold_2018_delivered_2019()
    assert status_on(parcels, NO_EVENTS, date(2018, 12, 31), "S1") == "SOLD"
    assert status_on(parcels, NO_EVENTS, date(2019, 12, 31), "S1") == "DELIVERED"
    assert status_on(parcels, NO_EVENTS, date(2017, 12, 31), "S1") is None
    gaps = history.as_of_gaps(parcels, NO_EVENTS, date(2017, 12, 31))
    # Tiny park: P1, P2, P3 planned 2018-01-01, P4 planned 2016: only P4 is on the map.
    assert gaps.not_yet == ("P1", "P2", "P3", "S1")
    assert gaps.undated == ()
    [(key, params)] = gaps.messages()
    assert key == "asof_not_yet" and params["count"] == 4
    text = t(key, "zh", **params)
    assert "S1" in text and "2017-12-31" in text and "4" in text
    shown = history.statuses_as_of(parcels, NO_EVENTS, date(2017, 12, 31))
    assert len(shown) + len(gaps.not_yet) == len(parcels), "every parcel shown or counted"
    assert history.as_of_gaps(parcels, NO_EVENTS, date(2019, 12, 31)).messages() == []


def test_imported_parcel_gets_its_earlier_steps_from_its_dates():
    # The import records one event, at the current status's date; the deal date of 2018
    # is only in the record. Before: absent on 2018-12-31. Now: sold.
    parcels = sold_2018_delivered_2019()
    events = pd.DataFrame(
        [
            dict(
                event_id=1,
                parcel_code="S1",
                field="sale_status",
                old_status=None,
                new_status="DELIVERED",
                effective_date="2019-03-01",
                recorded_at="2024-01-05T09:00:00",
                author="import",
                note="",
                supersedes=None,
            )
        ]
    )
    assert status_on(parcels, events, date(2018, 12, 31), "S1") == "SOLD"
    assert status_on(parcels, events, date(2019, 12, 31), "S1") == "DELIVERED"
    assert status_on(parcels, events, date(2018, 1, 1), "S1") is None
    line = history.timeline(events, "S1", parcels=parcels)
    assert list(line["new_status"]) == ["SOLD", "DELIVERED"]
    assert list(line["derived"]) == [True, False]
    assert line.iloc[0]["note"] == "deal_date"
    sold = history.first_reached(events, "sale_status", {"SOLD", "DELIVERED"}, parcels=parcels)
    assert sold["S1"] == "2018-05-10"
    assert "S1" not in history.first_reached(events, "sale_status", {"SOLD"}).index


def test_derived_events_follow_the_dates_and_are_marked():
    parcels = tiny_park()["parcels"]
    derived = history.derived_events(parcels)
    p4 = derived[derived["parcel_code"] == "P4"]
    assert list(zip(p4["field"], p4["new_status"], p4["effective_date"], strict=True)) == [
        ("construction_status", "STARTED", "2017-03-01"),
        ("construction_status", "COMPLETED", "2018-06-01"),
        ("construction_status", "IN_PRODUCTION", "2018-09-01"),
        ("sale_status", "PLANNED", "2016-01-01"),
        ("sale_status", "DELIVERED", "2017-01-01"),
    ]
    assert list(p4["old_status"]) == [
        "NOT_STARTED",
        "STARTED",
        "COMPLETED",
        None,
        "PLANNED",
    ]
    assert derived["derived"].all()
    assert (derived["event_id"] < 0).all() and derived["event_id"].is_unique
    on = history.statuses_as_of(parcels, NO_EVENTS, date(2018, 7, 1)).set_index("code")
    assert on.loc["P4", "construction_status"] == "COMPLETED"
    assert on.loc["P1", "construction_status"] == "NOT_STARTED"  # delivered 2019
    assert on.loc["P1", "sale_status"] == "BANKED"


def test_parcel_with_neither_events_nor_dates_keeps_its_record_status():
    parcels = tiny_park()["parcels"]
    dates = [c.name for c in schema.PARCELS.columns if c.dtype == "date"]
    parcels.loc[parcels["code"] == "P3", dates] = None
    on = history.statuses_as_of(parcels, NO_EVENTS, date(2010, 1, 1)).set_index("code")
    assert list(on.index) == ["P3"]
    assert on.loc["P3", "sale_status"] == "LISTED"
    gaps = history.as_of_gaps(parcels, NO_EVENTS, date(2010, 1, 1))
    assert gaps.undated == ("P3",)
    assert [key for key, _ in gaps.messages()] == ["asof_not_yet", "asof_undated"]


def test_unknown_status_from_outside_is_shown_not_dropped():
    parcels = tiny_park()["parcels"]
    dates = [c.name for c in schema.PARCELS.columns if c.dtype == "date"]
    parcels.loc[parcels["code"] == "P2", dates] = None
    parcels.loc[parcels["code"] == "P2", "sale_status"] = "BOGUS"
    on = history.statuses_as_of(parcels, NO_EVENTS, date(2021, 6, 30)).set_index("code")
    assert on.loc["P2", "sale_status"] == "BOGUS"  # drawn in the fallback colour
    assert len(on) == 4


def test_the_sample_needs_no_derived_event(sample_store_path):
    # The sample records every step it has a date for: deriving adds nothing, so its
    # as-of map is what it was.
    frames = ParkStore(sample_store_path).read_all()
    events = frames["status_events"]
    combined = history.with_derived(frames["parcels"], events)
    assert len(combined) == len(events)
    assert not combined["derived"].any()
    assert history.as_of_gaps(frames["parcels"], events, date(2021, 6, 30)).messages() == []


@pytest.mark.parametrize("day", [date(2015, 6, 30), date(2019, 12, 31), date(2021, 6, 30)])
def test_sample_replay_is_the_events_replay(sample_store_path, day):
    frames = ParkStore(sample_store_path).read_all()
    parcels, events = frames["parcels"], frames["status_events"]
    on = history.statuses_as_of(parcels, events, day).set_index("code")
    live = history.effective_events(events, day)
    sale = live[live["field"] == "sale_status"].groupby("parcel_code")["new_status"].last()
    assert sorted(on.index) == sorted(sale.index)
    assert on["sale_status"].to_dict() == sale.to_dict()


def test_a_recorded_construction_event_keeps_the_sale_history_from_the_dates():
    # S1's sale is known only from its dates; a clerk then records its start (2020-04-01).
    # The sale field has no event, so it still comes from the record: sold in 2018,
    # delivered in 2019, and S1 stays on the map (it vanished before: found by #17).
    parcels = sold_2018_delivered_2019()
    started = dict(
        event_id=1,
        parcel_code="S1",
        field="construction_status",
        old_status="NOT_STARTED",
        new_status="STARTED",
        effective_date="2020-04-01",
        recorded_at="2020-04-02T09:00:00",
        author="clerk",
        note="",
        supersedes=None,
    )
    events = pd.DataFrame([started])
    assert status_on(parcels, events, date(2018, 12, 31), "S1") == "SOLD"
    assert status_on(parcels, events, date(2020, 12, 31), "S1") == "DELIVERED"
    on = history.statuses_as_of(parcels, events, date(2020, 12, 31)).set_index("code")
    assert on.loc["S1", "construction_status"] == "STARTED"
