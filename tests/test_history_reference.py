"""The faster status replay (#15) agrees with the former one (tests/history_reference.py),
frame for frame, on generated parks with every kind of messy cell a store can hold."""

from __future__ import annotations

import random
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from gis.parcels import history
from gis.values import iso_day, iso_days
from gis.vocabulary import CONSTRUCTION_FIELD, SALE_FIELD, statuses
from tests import history_reference as reference

DATE_COLUMNS = sorted(
    {s.date_field for f in (SALE_FIELD, CONSTRUCTION_FIELD) for s in statuses(f)} - {None}
)
#: Cells a date column may hold: good days, impossible days, other spellings, blanks.
DATE_CELLS = (
    "2021-03-04",
    "2022-11-30",
    "2022-11-30",
    "2023-01-15",
    "2024-02-29",
    "2023-02-29",  # no such day
    "2024-13-01",
    " 2022-05-06 ",
    "2022-05-06T08:00:00Z",
    "20220506",
    "２０２２-05-06",  # full-width digits
    "1000-01-01",
    "soon",
    "",
    None,
)
CODES = ("A01", "A02", "B07", "B07", "c-3", "地块5", "", " ", None, "Z9", "A10", "10")


def _park(rng: random.Random, n: int, text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` parcels and their events, text columns of dtype ``text``."""
    codes = [rng.choice(CODES) if rng.random() < 0.3 else f"P{i:03d}" for i in range(n)]
    parcels = pd.DataFrame(
        {
            "code": pd.Series(codes, dtype=text),
            SALE_FIELD: pd.Series(
                [rng.choice([s.code for s in statuses(SALE_FIELD)] + [None, "ODD"]) for _ in codes],
                dtype=text,
            ),
            CONSTRUCTION_FIELD: pd.Series(
                [
                    rng.choice([s.code for s in statuses(CONSTRUCTION_FIELD)] + [None])
                    for _ in codes
                ],
                dtype=text,
            ),
        }
    )
    for column in DATE_COLUMNS:
        cells = [rng.choice(DATE_CELLS) if rng.random() < 0.6 else None for _ in codes]
        parcels[column] = pd.Series(cells, dtype=text)
    events = []
    for event_id in range(1, n // 2 + 1):
        field = rng.choice([SALE_FIELD, CONSTRUCTION_FIELD])
        events.append(
            {
                "event_id": event_id,
                "parcel_code": rng.choice([*codes, None, "GONE"]),
                "field": field,
                "old_status": None,
                "new_status": rng.choice([s.code for s in statuses(field)] + [None]),
                "effective_date": rng.choice(DATE_CELLS[:5]),
                "recorded_at": f"2024-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}T00:00:00Z",
                "author": "测试",
                "note": "",
                "supersedes": rng.choice([None] * 6 + [rng.randint(1, event_id)]),
            }
        )
    frame = pd.DataFrame(events)
    for column in ("parcel_code", "field", "new_status", "effective_date", "recorded_at"):
        frame[column] = frame[column].astype(text)
    return parcels, frame


PARKS = [(seed, text) for seed in range(12) for text in ("str", object)]


@pytest.mark.parametrize(("seed", "text"), PARKS)
def test_iso_days_reads_every_cell_as_iso_day_does(seed, text):
    rng = random.Random(seed)
    cells = [rng.choice(DATE_CELLS) for _ in range(rng.randint(1, 200))]
    if text is object:  # objects may also be dates, timestamps and numbers
        cells += [date(2020, 1, 2), datetime(2021, 3, 4, 5, 6), pd.Timestamp("2022-01-01"), 7]
    values = pd.Series(cells, dtype=text, index=np.arange(len(cells)) * 3)
    got = iso_days(values)
    assert got.index.equals(values.index)
    assert got.dtype == object
    assert got.tolist() == [iso_day(v) for v in values]
    assert got.tolist() == reference.iso_days(values).tolist()


@pytest.mark.parametrize(("seed", "text"), PARKS)
def test_derived_events_as_before(seed, text):
    parcels, _ = _park(random.Random(seed), 60 + seed * 15, text)
    expected = reference.derived_events(parcels)
    got = history.derived_events(parcels)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.parametrize(("seed", "text"), PARKS)
@pytest.mark.parametrize("day", [date(2021, 1, 1), date(2022, 12, 31), date(2030, 1, 1)])
def test_replay_as_before(seed, text, day):
    parcels, events = _park(random.Random(seed), 60 + seed * 15, text)
    pd.testing.assert_frame_equal(
        history.with_derived(parcels, events), reference.with_derived(parcels, events)
    )
    got = history.statuses_as_of(parcels, events, day)
    pd.testing.assert_frame_equal(got, reference.statuses_as_of(parcels, events, day))
    assert got[SALE_FIELD].notna().any()


def test_step_orders_as_before():
    fields = pd.Series([SALE_FIELD, CONSTRUCTION_FIELD, None, "other", SALE_FIELD, SALE_FIELD])
    codes = pd.Series(["SOLD", "STARTED", "SOLD", "SOLD", None, "NOPE"], dtype="str")
    got = history._orders(fields, codes)
    pd.testing.assert_series_equal(got, reference._orders(fields, codes))
    assert got.notna().tolist() == [True, True, False, False, False, False]


def test_no_derived_events_without_codes_or_dates():
    assert history.derived_events(pd.DataFrame({"plan_date": ["2024-01-01"]})).empty
    no_dates = pd.DataFrame({"code": ["A"], "plan_date": [None]})
    pd.testing.assert_frame_equal(
        history.derived_events(no_dates), reference.derived_events(no_dates)
    )
