"""gis.parcels.lifecycle: transitions, date rules, corrections, deadlines, as-of, concurrency, Excel."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from gis import excel, schema, vocabulary
from gis._errors import ValidationError
from gis.auth.access import EDITOR, Actor
from gis.i18n import t
from gis.parcels import bulk_update, deadlines, history, lifecycle
from gis.parcels.lifecycle import StatusChange
from gis.store import ParkStore
from layers.deadlines import deadline_layer, warning_frame
from tests.actors import ACTOR, AUTHOR
from tests.tiny_park import tiny_park

TODAY = date(2021, 6, 30)
SALE, BUILD = vocabulary.SALE_FIELD, vocabulary.CONSTRUCTION_FIELD


@pytest.fixture
def park():
    return tiny_park()


@pytest.fixture
def store(tmp_path: Path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)


def change(code, field, new, day, **kw) -> StatusChange:
    return StatusChange(code, field, new, day, kw.pop("author", "测试员"), **kw)


def with_status(park, code, **values):
    parcels = park["parcels"].copy()
    idx = parcels.index[parcels["code"] == code][0]
    for k, v in values.items():
        parcels.loc[idx, k] = v
    return parcels


def refusal(exc_info) -> str:
    return exc_info.value.key


# ------------------------------------------------------------------ transitions
SALE_PAIRS = [(a.code, b.code) for a in vocabulary.SALE_STATUSES for b in vocabulary.SALE_STATUSES]
BUILD_PAIRS = [
    (a.code, b.code)
    for a in vocabulary.CONSTRUCTION_STATUSES
    for b in vocabulary.CONSTRUCTION_STATUSES
]


@pytest.mark.parametrize(("old", "new"), SALE_PAIRS)
def test_sale_transitions_follow_the_vocabulary(park, old, new):
    # P2 has no construction and no events of its own other than PLANNED; clear them.
    parcels = with_status(park, "P2", sale_status=old, plan_date=None)
    events = park["status_events"].iloc[:0]
    request = change("P2", SALE, new, date(2021, 1, 1))
    if new in vocabulary.allowed_next(SALE, old):
        out, ev = lifecycle.apply_changes(parcels, events, [request], today=TODAY)
        row = out[out["code"] == "P2"].iloc[0]
        assert row[SALE] == new
        assert row[vocabulary.status(SALE, new).date_field] == "2021-01-01"
        assert row["version"] == 2
        assert list(ev["old_status"]) == [old] and list(ev["new_status"]) == [new]
    else:
        with pytest.raises(ValidationError) as exc:
            lifecycle.apply_changes(parcels, events, [request], today=TODAY)
        assert refusal(exc) == "transition_forbidden"


@pytest.mark.parametrize(("old", "new"), BUILD_PAIRS)
def test_construction_transitions_follow_the_vocabulary(park, old, new):
    parcels = with_status(
        park, "P1", construction_status=old, start_date=None, delivery_date="2019-05-01"
    )
    events = park["status_events"].iloc[:0]
    request = change("P1", BUILD, new, date(2021, 1, 1))
    if new in vocabulary.allowed_next(BUILD, old):
        out, _ = lifecycle.apply_changes(parcels, events, [request], today=TODAY)
        assert out.loc[out["code"] == "P1", BUILD].iloc[0] == new
    else:
        with pytest.raises(ValidationError) as exc:
            lifecycle.apply_changes(parcels, events, [request], today=TODAY)
        assert refusal(exc) == "transition_forbidden"


# ------------------------------------------------------------------ date rules
def test_no_start_before_delivery(park):
    parcels = with_status(park, "P1", construction_status="NOT_STARTED", start_date=None)
    events = park["status_events"]
    with pytest.raises(ValidationError) as exc:  # delivered on 2019-05-01
        lifecycle.apply_changes(
            parcels, events, [change("P1", BUILD, "STARTED", date(2019, 4, 30))], today=TODAY
        )
    assert refusal(exc) == "construction_before_delivery"
    assert exc.value.params["delivery"] == "2019-05-01"
    out, _ = lifecycle.apply_changes(
        parcels, events, [change("P1", BUILD, "STARTED", date(2019, 5, 1))], today=TODAY
    )
    assert out.loc[out["code"] == "P1", "start_date"].iloc[0] == "2019-05-01"


@pytest.mark.parametrize("sale", ["PLANNED", "SOLD", "PAID"])
def test_construction_needs_delivered_land(park, sale):
    parcels = with_status(park, "P1", sale_status=sale, construction_status="NOT_STARTED")
    with pytest.raises(ValidationError) as exc:
        lifecycle.apply_changes(
            parcels,
            park["status_events"],
            [change("P1", BUILD, "STARTED", date(2021, 1, 1))],
            today=TODAY,
        )
    assert refusal(exc) == "construction_needs_delivery"
    text = lifecycle.error_message(exc.value, "zh")
    assert "尚未交地" in text and vocabulary.status(SALE, sale).label_zh in text


def test_no_stage_dated_before_the_previous_one(park):
    # P3 was listed on 2021-03-01 (its row; no events).
    request = change("P3", SALE, "SOLD", date(2021, 2, 28))
    with pytest.raises(ValidationError) as exc:
        lifecycle.apply_changes(park["parcels"], park["status_events"], [request], today=TODAY)
    assert refusal(exc) == "date_before_previous"
    assert exc.value.params["previous_date"] == "2021-03-01"
    assert "挂牌" in lifecycle.error_message(exc.value, "zh")
    same_day = change("P3", SALE, "SOLD", date(2021, 3, 1))
    lifecycle.apply_changes(park["parcels"], park["status_events"], [same_day], today=TODAY)


def test_events_date_the_previous_stage(park):
    # P2's PLANNED event is dated 2018-01-01: an acquisition in 2017 is refused.
    with pytest.raises(ValidationError) as exc:
        lifecycle.apply_changes(
            park["parcels"],
            park["status_events"],
            [change("P2", SALE, "ACQUIRING", date(2017, 12, 31))],
            today=TODAY,
        )
    assert refusal(exc) == "date_before_previous"


def test_no_future_dates(park):
    request = change("P2", SALE, "ACQUIRING", date(2021, 7, 1))
    with pytest.raises(ValidationError) as exc:
        lifecycle.apply_changes(park["parcels"], park["status_events"], [request], today=TODAY)
    assert refusal(exc) == "status_date_future"
    ok = change("P2", SALE, "ACQUIRING", TODAY)
    lifecycle.apply_changes(park["parcels"], park["status_events"], [ok], today=TODAY)


def test_sale_status_is_locked_once_building(park):
    request = change("P4", SALE, "DELIVERED", date(2021, 1, 1))
    with pytest.raises(ValidationError) as exc:
        lifecycle.apply_changes(park["parcels"], park["status_events"], [request], today=TODAY)
    assert refusal(exc) in {"transition_forbidden", "sale_locked"}


def test_author_is_required(park):
    with pytest.raises(ValidationError) as exc:
        lifecycle.apply_changes(
            park["parcels"],
            park["status_events"],
            [change("P2", SALE, "ACQUIRING", date(2021, 1, 1), author="  ")],
            today=TODAY,
        )
    assert refusal(exc) == "status_author_missing"


def test_unknown_parcel_and_status(park):
    for request, key in (
        (change("ZZ", SALE, "ACQUIRING", date(2021, 1, 1)), "parcel_unknown"),
        (change("P2", SALE, "BUILT", date(2021, 1, 1)), "status_unknown"),
        (change("P2", "colour", "BANKED", date(2021, 1, 1)), "status_field_unknown"),
    ):
        with pytest.raises(ValidationError) as exc:
            lifecycle.apply_changes(park["parcels"], park["status_events"], [request], today=TODAY)
        assert refusal(exc) == key


def test_inputs_are_not_modified(park):
    before_p, before_e = park["parcels"].copy(), park["status_events"].copy()
    lifecycle.apply_changes(
        park["parcels"],
        park["status_events"],
        [change("P2", SALE, "ACQUIRING", date(2021, 1, 1))],
        today=TODAY,
    )
    pd.testing.assert_frame_equal(park["parcels"], before_p)
    pd.testing.assert_frame_equal(park["status_events"], before_e)


# ------------------------------------------------------------------ corrections
def test_a_wrong_entry_is_corrected_never_deleted(store):
    lifecycle.record_changes(
        store,
        [change("P2", SALE, "ACQUIRING", date(2021, 3, 1), note="误录")],
        today=TODAY,
        actor=ACTOR,
    )
    events = store.read("status_events")
    wrong = int(events["event_id"].max())
    # The right status was BANKED (state-owned land skips acquisition), on 2021-03-05.
    lifecycle.record_changes(
        store,
        [change("P2", SALE, "BANKED", date(2021, 3, 5), supersedes=wrong, note="更正")],
        today=TODAY,
        actor=ACTOR,
    )
    events = store.read("status_events")
    assert wrong in set(events["event_id"])  # the wrong entry is still there
    line = history.timeline(events, "P2")
    assert list(line["new_status"]) == ["PLANNED", "ACQUIRING", "BANKED"]
    assert list(line["superseded"]) == [False, True, False]
    fix = line.iloc[-1]
    assert int(fix["supersedes"]) == wrong and fix["old_status"] == "PLANNED"
    row = store.read("parcels").set_index("code").loc["P2"]
    assert row[SALE] == "BANKED" and row["banked_date"] == "2021-03-05"
    assert pd.isna(row["acq_start"])  # the wrong status's date is cleared on the row
    assert row["version"] == 3
    # Replay agrees with the row, as of any date.
    parcels = store.read("parcels")
    assert history.statuses_as_of(parcels, events, date(2021, 3, 4)).set_index("code").loc[
        "P2", SALE
    ] == ("PLANNED")
    assert history.statuses_as_of(parcels, events, TODAY).set_index("code").loc["P2", SALE] == (
        "BANKED"
    )


def test_only_the_latest_entry_can_be_corrected(store):
    lifecycle.record_changes(
        store, [change("P2", SALE, "ACQUIRING", date(2021, 1, 1))], today=TODAY, actor=ACTOR
    )
    lifecycle.record_changes(
        store, [change("P2", SALE, "BANKED", date(2021, 2, 1))], today=TODAY, actor=ACTOR
    )
    events = store.read("status_events")
    older = int(events.loc[events["new_status"] == "ACQUIRING", "event_id"].iloc[0])
    with pytest.raises(ValidationError) as exc:
        lifecycle.record_changes(
            store,
            [change("P2", SALE, "BANKED", date(2021, 1, 2), supersedes=older)],
            today=TODAY,
            actor=ACTOR,
        )
    assert refusal(exc) == "correction_not_latest"
    with pytest.raises(ValidationError) as exc:
        lifecycle.record_changes(
            store,
            [change("P1", SALE, "BANKED", date(2021, 1, 2), supersedes=older)],
            today=TODAY,
            actor=ACTOR,
        )
    assert refusal(exc) == "correction_unknown"


def test_a_correction_may_revert_to_the_previous_status(store):
    lifecycle.record_changes(
        store, [change("P2", SALE, "ACQUIRING", date(2021, 1, 1))], today=TODAY, actor=ACTOR
    )
    wrong = int(store.read("status_events")["event_id"].max())
    lifecycle.record_changes(
        store,
        [change("P2", SALE, "PLANNED", date(2021, 1, 1), supersedes=wrong)],
        today=TODAY,
        actor=ACTOR,
    )
    row = store.read("parcels").set_index("code").loc["P2"]
    assert row[SALE] == "PLANNED" and pd.isna(row["acq_start"])


# ------------------------------------------------------------------ one transaction
def test_a_batch_is_all_or_nothing(store):
    version = store.data_version()
    before = store.read("status_events")
    good = change("P2", SALE, "ACQUIRING", date(2021, 1, 1))
    bad = change("P3", SALE, "DELIVERED", date(2021, 4, 1))  # LISTED → DELIVERED: forbidden
    with pytest.raises(ValidationError):
        lifecycle.record_changes(store, [good, bad], today=TODAY, actor=ACTOR)
    assert store.data_version() == version
    pd.testing.assert_frame_equal(store.read("status_events"), before)
    assert store.read("parcels").set_index("code").loc["P2", SALE] == "PLANNED"


def test_a_batch_may_step_a_parcel_through_several_stages(store):
    steps = [
        change("P3", SALE, "SOLD", date(2021, 3, 20)),
        change("P3", SALE, "CONTRACTED", date(2021, 3, 30)),
        change("P3", SALE, "DELIVERED", date(2021, 5, 6)),
        change("P3", BUILD, "STARTED", date(2021, 6, 1)),
    ]
    lifecycle.record_changes(store, steps, today=TODAY, actor=ACTOR)
    row = store.read("parcels").set_index("code").loc["P3"]
    assert (row[SALE], row[BUILD], row["version"]) == ("DELIVERED", "STARTED", 5)
    assert (row["deal_date"], row["delivery_date"], row["start_date"]) == (
        "2021-03-20",
        "2021-05-06",
        "2021-06-01",
    )
    events = store.read("status_events")
    assert events["event_id"].is_unique
    assert list(history.timeline(events, "P3")["new_status"]) == [
        "SOLD",
        "CONTRACTED",
        "DELIVERED",
        "STARTED",
    ]


# ------------------------------------------------------------------ concurrency
def test_a_stale_save_is_refused_with_what_changed(store):
    first, second = ParkStore(store.path), ParkStore(store.path)  # two browsers
    seen = int(first.read("parcels").set_index("code").loc["P2", "version"])
    assert seen == int(second.read("parcels").set_index("code").loc["P2", "version"])
    lifecycle.record_changes(
        first,
        [change("P2", SALE, "BANKED", date(2021, 2, 1))],
        expected_versions={"P2": seen},
        today=TODAY,
        actor=Actor("lq", EDITOR, display_name="李强"),
    )
    version = second.data_version()
    with pytest.raises(ValidationError) as exc:
        lifecycle.record_changes(
            second,
            [change("P2", SALE, "ACQUIRING", date(2021, 2, 2), author="张敏")],
            expected_versions={"P2": seen},
            today=TODAY,
            actor=ACTOR,
        )
    assert refusal(exc) == "parcel_stale"
    zh, en = (
        lifecycle.error_message(exc.value, "zh"),
        lifecycle.error_message(exc.value, "en"),
    )
    assert "P2" in zh and "李强" in zh and "储备" in zh and "出让状态" in zh
    assert "P2 was changed" in en and "李强" in en and "Land bank" in en
    assert second.data_version() == version  # nothing written
    assert store.read("parcels").set_index("code").loc["P2", SALE] == "BANKED"


def test_concurrent_threads_on_one_parcel_one_wins(store):
    seen = int(store.read("parcels").set_index("code").loc["P2", "version"])
    results: list[str] = []
    lock = threading.Lock()

    def save(i: int) -> None:
        handle = ParkStore(store.path)
        try:
            lifecycle.record_changes(
                handle,
                [change("P2", SALE, "BANKED", date(2021, 1, 1 + i), author=f"用户{i}")],
                expected_versions={"P2": seen},
                today=TODAY,
                actor=ACTOR,
            )
            outcome = "saved"
        except ValidationError as exc:
            outcome = exc.key
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["parcel_stale"] * 3 + ["saved"]
    events = store.read("status_events")
    assert (events["parcel_code"] == "P2").sum() == 2  # PLANNED + the one save


def test_concurrent_threads_on_different_parcels_lose_nothing(store):
    requests = [
        change("P2", SALE, "ACQUIRING", date(2021, 1, 1)),
        change("P3", SALE, "SOLD", date(2021, 3, 10)),
        change("P1", BUILD, "COMPLETED", date(2021, 5, 1)),
    ]
    errors: list[BaseException] = []

    def save(request: StatusChange) -> None:
        try:
            lifecycle.record_changes(ParkStore(store.path), [request], today=TODAY, actor=ACTOR)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(r,)) for r in requests]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    parcels = store.read("parcels").set_index("code")
    assert (parcels.loc["P2", SALE], parcels.loc["P3", SALE], parcels.loc["P1", BUILD]) == (
        "ACQUIRING",
        "SOLD",
        "COMPLETED",
    )
    events = store.read("status_events")
    assert events["event_id"].is_unique and len(events) == 4


# ------------------------------------------------------------------ deadlines (hand-worked)
def parcel(**kw) -> dict:
    base = {
        "code": "X",
        "agreed_start": "2019-11-01",
        "agreed_completion": "2021-11-01",
        "extension_days": 0,
        "gov_cause_delay": False,
        "deal_price_wan": 1000.0,
        "construction_status": "NOT_STARTED",
    }
    return {**base, **kw}


@pytest.mark.parametrize(
    ("as_of", "overdue", "idle"),
    [
        (date(2019, 11, 1), 0, 0),  # the agreed day itself is not late
        (date(2019, 11, 2), 1, 0),
        (date(2020, 10, 31), 365, 0),  # 2020 is a leap year: one day short of a year
        (date(2020, 11, 1), 366, 1),  # the anniversary: idle one year (以上 includes it)
        (date(2021, 10, 31), 730, 1),
        (date(2021, 11, 1), 731, 2),  # two years: may be reclaimed
    ],
)
def test_start_overdue_and_idle(as_of, overdue, idle):
    got = deadlines.parcel_deadlines(parcel(), as_of)
    assert got["start_overdue_days"] == overdue
    assert got["idle_years"] == idle
    assert got["idle_fee_wan"] == (200.0 if idle else 0.0)  # 20 % of 1000 万元
    assert got["reclaimable"] == (idle == 2)


def test_idle_from_29_february():
    row = parcel(agreed_start="2020-02-29")
    assert deadlines.add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert deadlines.parcel_deadlines(row, date(2021, 2, 27))["idle_years"] == 0
    got = deadlines.parcel_deadlines(row, date(2021, 2, 28))
    assert (got["idle_years"], got["start_overdue_days"]) == (1, 365)
    assert deadlines.parcel_deadlines(row, date(2022, 2, 28))["idle_years"] == 2
    assert deadlines.add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


def test_extension_shifts_the_deadlines():
    got = deadlines.parcel_deadlines(parcel(extension_days=180), date(2020, 11, 1))
    # 2019-11-01 + 180 days: 29 (Nov) + 31 + 31 + 29 (Feb 2020) + 31 + 29 = 2020-04-29.
    assert got["start_deadline"] == date(2020, 4, 29)
    assert got["start_overdue_days"] == 186  # 1 (Apr 30) + 31 + 30 + 31 + 31 + 30 + 31 + 1
    assert got["idle_years"] == 0
    assert got["completion_deadline"] == date(2022, 4, 30)


def test_government_cause_waives_fee_and_reclamation():
    got = deadlines.parcel_deadlines(parcel(gov_cause_delay=True), date(2022, 1, 1))
    assert got["idle_years"] == 2 and got["gov_cause"]
    assert got["idle_fee_wan"] == 0.0 and not got["reclaimable"]


def test_completion_overdue_and_started_land_is_not_idle():
    got = deadlines.parcel_deadlines(parcel(construction_status="STARTED"), date(2022, 1, 1))
    assert (got["start_overdue_days"], got["idle_years"]) == (0, 0)
    assert got["completion_overdue_days"] == 61  # 2021-11-01 → 2022-01-01: 30 + 31
    done = deadlines.parcel_deadlines(parcel(construction_status="COMPLETED"), date(2022, 1, 1))
    assert done["completion_overdue_days"] == 0


def test_no_contract_dates_no_deadlines():
    got = deadlines.parcel_deadlines(
        parcel(agreed_start=None, agreed_completion=None), date(2030, 1, 1)
    )
    assert got["start_deadline"] is None and got["start_overdue_days"] == 0
    assert got["idle_years"] == 0


# ------------------------------------------------------------------ as of a date
def test_warnings_replay_the_history(park):
    """P1 agreed to start 2019-11-01 and started on 2021-01-15 (its event says so)."""
    parcels = with_status(
        park, "P1", agreed_start="2019-11-01", agreed_completion="2022-11-01", deal_price_wan=500.0
    )
    events = pd.concat(
        [
            park["status_events"],
            pd.DataFrame(
                [
                    dict(
                        event_id=i,
                        parcel_code=code,
                        field=fld,
                        old_status=old,
                        new_status=new,
                        effective_date=day,
                        recorded_at=day + "T09:00:00",
                        author="测试员",
                        note="",
                        supersedes=None,
                    )
                    for i, (code, fld, old, new, day) in enumerate(
                        [
                            ("P1", SALE, None, "DELIVERED", "2019-05-01"),
                            ("P1", BUILD, "NOT_STARTED", "STARTED", "2021-01-15"),
                        ],
                        start=10,
                    )
                ]
            ),
        ],
        ignore_index=True,
    )

    def warn(day: date) -> pd.DataFrame:
        return deadlines.warnings(history.statuses_as_of(parcels, events, day), day)

    before = warn(date(2020, 12, 31)).set_index("code")
    assert before.loc["P1", "idle_years"] == 1
    assert before.loc["P1", "start_overdue_days"] == 426  # 366 + 30 (Nov-Dec 2020) + 30
    assert before.loc["P1", "idle_fee_wan"] == 100.0
    assert "P1" not in set(warn(date(2021, 1, 15))["code"])  # started that day
    early = warn(date(2019, 12, 31)).set_index("code")
    assert early.loc["P1", "start_overdue_days"] == 60  # 29 days of November + 31
    assert early.loc["P1", "idle_years"] == 0


def test_deadline_layer_draws_the_warnings(park):
    parcels = with_status(park, "P2", agreed_start="2019-01-01", deal_price_wan=300.0)
    late = warning_frame(parcels, date(2021, 6, 30))
    assert list(late["code"]) == ["P2"] and late["kind"].iloc[0] == "warn_idle_2y"
    layer = deadline_layer(parcels, as_of=date(2021, 6, 30), lang="zh")
    assert layer.data.count('"type":"Feature"') == 1
    assert '"f":60.0' in layer.data  # the idle fee: 20 % of 300 万元
    assert "闲置满2年" in layer.spec_json
    empty = deadline_layer(parcels, as_of=date(2018, 1, 1), lang="en")
    assert empty.data.count('"type":"Feature"') == 0


# ------------------------------------------------------------------ Excel in and out
def sheet(rows: list[list[object]]) -> pd.DataFrame:
    data = excel.to_xlsx({"更新": pd.DataFrame(rows, columns=list(bulk_update.TEMPLATE_HEADERS))})
    return excel.read_xlsx(data)


def test_excel_round_trip(store):
    table = sheet(
        [
            ["P3", "出让状态", "成交", "2021-03-20", "网上挂牌成交"],
            ["p3", "sale_status", "CONTRACTED", "2021-03-30", None],
            ["Ｐ２", "Land-sale status", "Acquiring", date(2021, 4, 1), "征收启动"],
        ]
    )
    frames = store.read_all()
    checks = bulk_update.check_update_rows(
        table, frames["parcels"], frames["status_events"], author="李强", today=TODAY
    )
    assert [c.error for c in checks] == [None, None, None]
    assert [c.row for c in checks] == [2, 3, 4]
    lifecycle.record_changes(store, [c.change for c in checks], today=TODAY, actor=ACTOR)
    parcels = store.read("parcels").set_index("code")
    assert (parcels.loc["P3", SALE], parcels.loc["P2", SALE]) == ("CONTRACTED", "ACQUIRING")
    assert parcels.loc["P2", "acq_start"] == "2021-04-01"
    events = store.read("status_events")
    # The author is the signed-in account, not the name given to the check.
    assert set(events.loc[events["event_id"] > 1, "author"]) == {AUTHOR}

    # Export: Chinese headers with units, labels instead of codes; it reads back.
    from gis.parcels.tables import enrich_parcels

    enriched = enrich_parcels(
        store.read("parcels"), store.read("blocks"), store.read("enterprises")
    )
    table = excel.labelled_columns(bulk_update.parcel_export(enriched, "zh"), schema.PARCELS)
    back = excel.read_xlsx(excel.to_xlsx({"地块": table}))
    assert {"地块编号", "出让面积(m²)", "成交价(万元)", "批准延期(天)", "出让状态"} <= set(
        back.columns
    )
    assert list(back["地块编号"]) == ["P1", "P2", "P3", "P4"]
    assert list(back["出让状态"]) == ["交地", "收储/征迁中", "签订出让合同", "交地"]
    assert list(back["标准地"]) == ["是", "否", "否", "否"]


def test_excel_bad_rows_each_get_a_message(store):
    table = sheet(
        [
            ["ZZ9", "出让状态", "收储/征迁中", "2021-01-01", ""],  # unknown code
            ["P3", "出让状态", "交地", "2021-04-01", ""],  # LISTED → DELIVERED: forbidden
            ["P2", "出让状态", "收储/征迁中", "2021-13-45", ""],  # bad date
            ["P2", "出让状态", "收储/征迁中", "2021-02-01", ""],  # fine
            ["P2", "出让状态", "收储/征迁中", "2021-02-01", ""],  # duplicate of row 5
            ["P2", "颜色", "储备", "2021-03-01", ""],  # unknown field
            ["P1", "建设状态", "竣工", "2099-01-01", ""],  # future
            ["P1", "建设状态", "已建成", "2021-01-01", ""],  # unknown status
        ]
    )
    frames = store.read_all()
    checks = bulk_update.check_update_rows(
        table, frames["parcels"], frames["status_events"], author="李强", today=TODAY
    )
    keys = [c.error.key if c.error else None for c in checks]
    assert keys == [
        "parcel_unknown",
        "transition_forbidden",
        "status_date_invalid",
        None,
        "status_row_duplicate",
        "status_field_unknown",
        "status_date_future",
        "status_unknown",
    ]
    zh = [lifecycle.error_message(c.error, "zh") for c in checks if c.error]
    en = [lifecycle.error_message(c.error, "en") for c in checks if c.error]
    assert "ZZ9" in zh[0] and "不存在" in zh[0] and "does not exist" in en[0]
    assert "挂牌" in zh[1] and "交地" in zh[1] and "'Listed' to 'Delivered'" in en[1]
    assert "2021-13-45" in zh[2] and "YYYY-MM-DD" in en[2]
    assert "第 5 行" in zh[3] and "row 5" in en[3]


def test_excel_missing_columns(store):
    table = excel.read_xlsx(excel.to_xlsx({"s": pd.DataFrame({"地块编号": ["P1"], "备注": ["x"]})}))
    frames = store.read_all()
    with pytest.raises(ValidationError) as exc:
        bulk_update.check_update_rows(
            table, frames["parcels"], frames["status_events"], author="x", today=TODAY
        )
    assert refusal(exc) == "excel_missing_columns"
    assert "字段" in lifecycle.error_message(exc.value, "zh")


def test_every_refusal_has_a_message_in_both_languages():
    keys = [
        "parcel_unknown",
        "status_field_unknown",
        "status_unknown",
        "status_author_missing",
        "status_date_future",
        "status_date_invalid",
        "transition_forbidden",
        "date_before_previous",
        "construction_needs_delivery",
        "construction_before_delivery",
        "sale_locked",
        "correction_unknown",
        "correction_not_latest",
        "parcel_stale",
        "status_row_duplicate",
    ]
    for key in keys:
        assert t(key, "zh") and t(key, "en")


def test_sample_store_copy_accepts_an_edit(sample_store_path, tmp_path):
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    store = ParkStore(path)
    row = store.read("parcels").set_index("code").loc["D07"]
    assert (row[SALE], row[BUILD]) == ("DELIVERED", "NOT_STARTED")
    lifecycle.record_changes(
        store,
        [change("D07", BUILD, "STARTED", date(2021, 6, 28), author="李强")],
        expected_versions={"D07": int(row["version"])},
        today=TODAY,
        actor=ACTOR,
    )
    parcels, events = store.read("parcels"), store.read("status_events")
    now = history.statuses_as_of(parcels, events, TODAY).set_index("code")
    assert now.loc["D07", BUILD] == "STARTED"
    before = history.statuses_as_of(parcels, events, date(2021, 6, 27)).set_index("code")
    assert before.loc["D07", BUILD] == "NOT_STARTED"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-06-28", date(2021, 6, 28)),
        ("2021/6/8", date(2021, 6, 8)),
        ("2021.06.28", date(2021, 6, 28)),
        ("2021年6月28日", date(2021, 6, 28)),
        ("2021-06-28 00:00:00", date(2021, 6, 28)),
        ("2020-02-29", date(2020, 2, 29)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(text, expected):
    assert lifecycle.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2021-02-29", "2021-13-01", "28/06/2021", "昨天"])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        lifecycle.parse_date(text)
