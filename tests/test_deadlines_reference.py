"""The column-wise deadline table (#15) agrees with the former row-by-row one
(tests/deadlines_reference.py), cell for cell, on generated parcels with the messy cells a
store can hold; and one parcel's deadlines are that table's row."""

from __future__ import annotations

import random
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from gis.parcels import deadlines
from gis.vocabulary import CONSTRUCTION_FIELD, statuses
from tests import deadlines_reference as reference

DATE_CELLS = (
    "2019-11-01",
    "2020-02-29",  # idle from 28 February in a common year
    "2021-03-04",
    "2023-01-15",
    "2021/06/30",
    "2022.05.06",
    "2022年5月6日",
    "2022-05-06T08:00:00",
    "2023-02-29",  # no such day
    "soon",
    "",
    None,
    date(2020, 7, 1),
    datetime(2021, 8, 2, 9, 30),
    pd.Timestamp("2019-12-31"),
)
EXTENSIONS = (0, 30, 180, 365.0, "90", None, float("nan"), -10)
FLAGS = (True, False, None, 1, 0, "yes", float("nan"))
PRICES = (1000.0, 523.5, "812.25", "n/a", None, 0, 33.335, float("nan"))
AS_OF = (date(2019, 11, 1), date(2021, 2, 28), date(2022, 3, 1), date(2026, 12, 4))


def _parcels(rng: random.Random, n: int) -> pd.DataFrame:
    codes = [s.code for s in statuses(CONSTRUCTION_FIELD)] + [None, "", "ODD"]
    return pd.DataFrame(
        {
            "code": [f"P{i:03d}" if rng.random() < 0.9 else None for i in range(n)],
            "agreed_start": [rng.choice(DATE_CELLS) for _ in range(n)],
            "agreed_completion": [rng.choice(DATE_CELLS) for _ in range(n)],
            "extension_days": [rng.choice(EXTENSIONS) for _ in range(n)],
            "gov_cause_delay": [rng.choice(FLAGS) for _ in range(n)],
            "deal_price_wan": [rng.choice(PRICES) for _ in range(n)],
            CONSTRUCTION_FIELD: [rng.choice(codes) for _ in range(n)],
        }
    )


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for column in want.columns:
        wanted = want[column].tolist()
        if column == "code":  # a parcel without a code (tests/deadlines_reference.py)
            wanted = ["None" if c == "nan" else c for c in wanted]
        assert got[column].tolist() == wanted, column


@pytest.mark.parametrize("seed", range(6))
def test_the_table_agrees_with_the_former_one(seed):
    rng = random.Random(seed)
    parcels = _parcels(rng, 400)
    for as_of in AS_OF:
        got = deadlines.deadlines(parcels, as_of)
        _same(got, reference.deadlines(parcels, as_of))
    # the rules were exercised, not only the empty cases
    late = deadlines.deadlines(parcels, date(2026, 12, 4))
    assert (late["idle_years"] == 2).any() and (late["idle_years"] == 1).sum() >= 0
    assert (late["idle_fee_wan"] > 0).any() and late["reclaimable"].any()
    assert (late["completion_overdue_days"] > 0).any()


def test_one_parcel_is_its_row_in_the_table():
    parcels = _parcels(random.Random(7), 120)
    table = deadlines.deadlines(parcels, date(2022, 3, 1))
    for i, row in enumerate(parcels.to_dict(orient="records")):
        one = deadlines.parcel_deadlines(row, date(2022, 3, 1))
        assert one == {k: _native(v) for k, v in table.iloc[i].items()}
        assert type(one["start_overdue_days"]) is int and type(one["reclaimable"]) is bool


def _native(value):
    return value.item() if isinstance(value, np.generic) else value


def test_missing_columns_and_string_columns():
    """A partial store (no contract columns) and a store read with string dtypes."""
    bare = pd.DataFrame({"code": ["A1", "A2"]})
    table = deadlines.deadlines(bare, date(2030, 1, 1))
    assert table["start_deadline"].tolist() == [None, None]
    assert table["idle_years"].tolist() == [0, 0] and not table["gov_cause"].any()
    text = _parcels(random.Random(3), 200).astype(
        {"code": "string", "agreed_start": "string", CONSTRUCTION_FIELD: "string"}
    )
    text["agreed_start"] = text["agreed_start"].where(text["agreed_start"] != "nan")
    got = deadlines.deadlines(text, date(2024, 6, 1))
    as_objects = text.astype(object).where(text.notna(), None)
    _same(got, reference.deadlines(as_objects, date(2024, 6, 1)))


def test_unreadable_extension_and_empty_status_are_read_as_none():
    """Where the former table raised (tests/deadlines_reference.py says why)."""
    row = {
        "code": "X",
        "agreed_start": "2019-11-01",
        "extension_days": "soon",
        CONSTRUCTION_FIELD: pd.NA,
    }
    with pytest.raises(ValueError):
        reference.parcel_deadlines(row, date(2020, 11, 1))
    got = deadlines.parcel_deadlines(row, date(2020, 11, 1))
    assert got["start_deadline"] == date(2019, 11, 1)
    assert (got["start_overdue_days"], got["idle_years"]) == (366, 1)


def test_an_empty_table_has_the_columns():
    got = deadlines.deadlines(pd.DataFrame({"code": []}), date(2024, 1, 1))
    assert list(got.columns) == list(deadlines.DEADLINE_COLUMNS) and got.empty
