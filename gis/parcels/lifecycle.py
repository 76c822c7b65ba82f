"""Parcel life-cycle rules: allowed status changes, their dates, deadlines and idle land.

Pure functions on the store's frames (domain.md §2). Two parts:

**Status changes.** A change moves one status field ('sale_status' or
'construction_status') of one parcel to a status the vocabulary allows next
(:func:`gis.vocabulary.allowed_next`), effective on a date that is not in the future
and not before the date the current status was entered. Construction can only move on
delivered land (交地) and never be dated before the delivery ("no 开工 before 交地").
A wrong entry is corrected by a new event naming it in ``supersedes``; nothing is ever
deleted or rewritten. :func:`apply_changes` validates a batch against the current
frames and returns the new ``parcels`` and ``status_events`` frames; :func:`record_changes`
runs it inside :meth:`gis.store.ParkStore.transaction`, so the checks (including each
parcel's ``version``, for concurrent editors) and the write are one atomic step.

**Deadlines.** From the contract dates: the agreed start and completion (shifted by an
approved extension), the days a parcel is overdue, and idle land (闲置土地, 闲置土地处置办法
2012): not started :data:`IDLE_YEARS` after the agreed start → idle-land fee of
:data:`IDLE_FEE_RATE` of the deal price; :data:`RECLAIM_YEARS` → land may be taken back
free of charge. A government-caused delay (``gov_cause_delay``) waives fee and reclamation.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd

from gis import guard, i18n, vocabulary
from gis._errors import ParkError, ValidationError
from gis.access import Actor, require
from gis.parcels import history
from gis.store import utc_now
from gis.vocabulary import CONSTRUCTION_FIELD, SALE_FIELD

# ------------------------------------------------------------------ constants (domain.md §2.2)
#: Not started this many years after the (extended) agreed start: idle land, fee due.
IDLE_YEARS = 1
#: Not started this many years after the agreed start: land may be reclaimed free of charge.
RECLAIM_YEARS = 2
#: Idle-land fee (土地闲置费) as a share of the grant (deal) price.
IDLE_FEE_RATE = 0.20
#: An approved extension (``extension_days``) shifts the agreed completion as well as the
#: agreed start: the contract's construction period is kept.
EXTENSION_SHIFTS_COMPLETION = True
#: Construction statuses that count as started for deadlines (开工 or later).
STARTED_CODES = vocabulary.STARTED_CONSTRUCTION_CODES
#: ... and as completed (竣工 or later).
COMPLETED_CODES = frozenset({"COMPLETED", "IN_PRODUCTION", "AT_CAPACITY"})
#: Date formats accepted from typed or imported text (month and day may lack a leading zero).
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
#: The sale status construction waits for.
DELIVERED = "DELIVERED"


# ------------------------------------------------------------------ dates
def add_years(day: date, years: int) -> date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year.

    民法典 第203条 (recalled): a period counted in years ends on the corresponding day; a
    month without that day ends the period on its last day.
    """
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return date(year, day.month, min(day.day, last))


def parse_date(value: object) -> date | None:
    """A date string (:data:`DATE_FORMATS`), ``date`` or ``datetime`` (Excel cells) as a
    date; None if empty.

    Raises ``ValueError`` for anything else.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    text = str(value).strip().split("T")[0].split(" ")[0]
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r}")


# ------------------------------------------------------------------ status changes
@dataclass(frozen=True)
class StatusChange:
    """One requested status change (or, with ``supersedes``, the correction of an event)."""

    code: str
    field: str
    new_status: str
    effective_date: date
    author: str = ""  # record_changes writes the signed-in account's name
    note: str = ""
    supersedes: int | None = None


def _events_of(events: pd.DataFrame, code: str, field: str) -> pd.DataFrame:
    live = history.effective_events(events)
    return live[(live["parcel_code"] == code) & (live["field"] == field)]


def _row(parcels: pd.DataFrame, code: str) -> pd.Series:
    hit = parcels.index[parcels["code"] == code]
    if not len(hit):
        raise ValidationError("parcel_unknown", code=code)
    return parcels.loc[hit[0]]


def delivery_date(row: pd.Series, events: pd.DataFrame) -> date | None:
    """When the parcel was delivered (交地): its live DELIVERED event, else its row's date."""
    sale = _events_of(events, str(row["code"]), SALE_FIELD)
    hits = sale[sale["new_status"] == DELIVERED]
    if len(hits):
        return date.fromisoformat(str(hits["effective_date"].iloc[-1])[:10])
    return safe_date(row.get(vocabulary.status(SALE_FIELD, DELIVERED).date_field))


def future_date_error(day: date, *, today: date | None = None) -> ValidationError | None:
    """The refusal of an effective date after ``today`` (default: the real today), or None.

    No status is recorded in the future: a change, an Excel row, an import's date.
    """
    today = today or date.today()
    if day > today:
        return ValidationError("status_date_future", date=day.isoformat(), today=today.isoformat())
    return None


def check_change(
    parcels: pd.DataFrame, events: pd.DataFrame, change: StatusChange, *, today: date
) -> tuple[str | None, pd.Series | None]:
    """Raise :class:`ValidationError` unless ``change`` is allowed; return (from, corrected).

    ``from`` is the status the change starts from (the parcel's current status, or for a
    correction the status before the corrected event); ``corrected`` the event corrected.
    """
    if change.field not in vocabulary.STATUS_FIELDS:
        raise ValidationError("status_field_unknown", field=change.field)
    if change.new_status not in {s.code for s in vocabulary.statuses(change.field)}:
        raise ValidationError("status_unknown", field=change.field, status=change.new_status)
    if not str(change.author or "").strip():
        raise ValidationError("status_author_missing")
    row = _row(parcels, change.code)
    day = change.effective_date
    future = future_date_error(day, today=today)
    if future is not None:
        raise future
    live = _events_of(events, change.code, change.field)
    current = str(row[change.field])
    corrected = None
    if change.supersedes is not None:
        # Only the latest live event of a field can be corrected: history stays a chain.
        all_ids = pd.to_numeric(events["event_id"], errors="coerce")
        target = events[all_ids == int(change.supersedes)]
        if not len(target) or str(target["parcel_code"].iloc[0]) != change.code:
            raise ValidationError("correction_unknown", event=change.supersedes, code=change.code)
        corrected = target.iloc[0]
        if str(corrected["field"]) != change.field:
            raise ValidationError("correction_unknown", event=change.supersedes, code=change.code)
        if not len(live) or int(live["event_id"].iloc[-1]) != int(change.supersedes):
            raise ValidationError(
                "correction_not_latest", event=change.supersedes, code=change.code
            )
        start = corrected["old_status"]
        start = None if pd.isna(start) else str(start)
        if start is None:
            allowed: tuple[str, ...] = tuple(
                s.code for s in vocabulary.statuses(change.field)
            )  # the first event of a field may be corrected to any status
        else:
            allowed = (*vocabulary.allowed_next(change.field, start), start)
        previous = live.iloc[:-1]
    else:
        start = current
        allowed = vocabulary.allowed_next(change.field, current)
        previous = live
    if change.new_status not in allowed:
        raise ValidationError(
            "transition_forbidden",
            code=change.code,
            field=change.field,
            old=start or "",
            new=change.new_status,
        )
    # No stage dated before the previous one.
    if len(previous):
        prev_day = date.fromisoformat(str(previous["effective_date"].iloc[-1])[:10])
        prev_status = str(previous["new_status"].iloc[-1])
    elif change.supersedes is None:
        prev_status = current
        prev_day = safe_date(row.get(vocabulary.status(change.field, current).date_field))
        if change.field == CONSTRUCTION_FIELD and current == "NOT_STARTED":
            prev_day = None  # its "date" is the delivery, checked below
    else:
        prev_day, prev_status = None, ""
    if prev_day is not None and day < prev_day:
        raise ValidationError(
            "date_before_previous",
            code=change.code,
            date=day.isoformat(),
            previous=prev_status,
            previous_date=prev_day.isoformat(),
        )
    if change.field == CONSTRUCTION_FIELD:
        sale = str(row[SALE_FIELD])
        if sale != DELIVERED:
            raise ValidationError("construction_needs_delivery", code=change.code, status=sale)
        delivered = delivery_date(row, events)
        if delivered is not None and day < delivered:
            raise ValidationError(
                "construction_before_delivery",
                code=change.code,
                date=day.isoformat(),
                delivery=delivered.isoformat(),
            )
    elif str(row[CONSTRUCTION_FIELD]) != "NOT_STARTED":
        # Delivered land that is being built on: its sale history is settled.
        raise ValidationError("sale_locked", code=change.code, status=str(row[CONSTRUCTION_FIELD]))
    return start, corrected


def _stale_error(row: pd.Series, events: pd.DataFrame, code: str, expected: int) -> ValidationError:
    own = events[events["parcel_code"] == code]
    if len(own):
        last = own.sort_values(["recorded_at", "event_id"], kind="stable").iloc[-1]
        return ValidationError(
            "parcel_stale",
            code=code,
            field=str(last["field"]),
            status=str(last["new_status"]),
            author=str(last["author"]),
            at=str(last["recorded_at"]).replace("T", " "),
            expected=expected,
            current=int(row["version"]),
        )
    return ValidationError(
        "parcel_stale_plain", code=code, expected=expected, current=int(row["version"])
    )


def apply_changes(
    parcels: pd.DataFrame,
    events: pd.DataFrame,
    changes: Sequence[StatusChange],
    *,
    expected_versions: Mapping[str, int] | None = None,
    today: date | None = None,
    recorded_at: str | None = None,
    next_event_id: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate ``changes`` in order and return the new (parcels, status_events).

    Each change sees the effect of the ones before it (so one batch may move a parcel
    through several steps). ``expected_versions`` maps a parcel code to the ``version``
    the editor saw; a parcel changed since is refused with ``parcel_stale``, naming the
    last change. The inputs are not modified; any refusal raises
    :class:`ValidationError` and nothing is returned. New events are numbered from
    ``next_event_id`` (default: after the largest in ``events``).
    """
    today = today or date.today()
    recorded_at = recorded_at or utc_now()
    parcels = parcels.copy()
    for code, version in (expected_versions or {}).items():
        row = _row(parcels, code)
        if int(row["version"]) != int(version):
            raise _stale_error(row, events, code, int(version))
    new_rows: list[dict] = []
    next_id = next_event_id or (
        int(pd.to_numeric(events["event_id"]).max()) + 1 if len(events) else 1
    )
    working = events
    for change in changes:
        start, corrected = check_change(parcels, working, change, today=today)
        idx = parcels.index[parcels["code"] == change.code][0]
        event = {
            "event_id": next_id,
            "parcel_code": change.code,
            "field": change.field,
            "old_status": start,
            "new_status": change.new_status,
            "effective_date": change.effective_date.isoformat(),
            "recorded_at": recorded_at,
            "author": str(change.author).strip(),
            "note": str(change.note or "").strip(),
            "supersedes": change.supersedes,
        }
        next_id += 1
        new_rows.append(event)
        working = _concat(working, [event])
        # The parcel row follows: its status, the date column of the new status, version.
        if corrected is not None:
            old_field = vocabulary.status(change.field, str(corrected["new_status"])).date_field
            if not (
                change.field == CONSTRUCTION_FIELD and corrected["new_status"] == "NOT_STARTED"
            ):
                parcels.loc[idx, old_field] = None
        parcels.loc[idx, change.field] = change.new_status
        if not (change.field == CONSTRUCTION_FIELD and change.new_status == "NOT_STARTED"):
            column = vocabulary.status(change.field, change.new_status).date_field
            parcels.loc[idx, column] = change.effective_date.isoformat()
        parcels.loc[idx, "version"] = int(parcels.loc[idx, "version"]) + 1
    return parcels, _concat(events, new_rows)


def _concat(events: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return events
    extra = pd.DataFrame(rows, columns=list(events.columns))
    out = pd.concat([events.astype(object), extra.astype(object)], ignore_index=True)
    out["event_id"] = out["event_id"].astype("int64")
    out["supersedes"] = pd.to_numeric(out["supersedes"], errors="coerce").astype("Int64")
    return out


def record_changes(
    store,
    changes: Sequence[StatusChange],
    *,
    actor: Actor,
    expected_versions: Mapping[str, int] | None = None,
    today: date | None = None,
) -> int:
    """Apply ``changes`` to ``store`` (a :class:`gis.store.ParkStore`) in ONE transaction.

    Checks and write happen in one store transaction, so a concurrent edit is either
    seen by the checks or refused; all changes are written, or none. Only the changed
    parcels and their events are read and written, whatever the size of the park.
    Returns the store's new data version.

    ``actor`` needs the permission ``edit_status`` — on the blocks of the parcels
    concerned, if limited to some (checked on the rows read in the transaction); each
    event's author is ``actor.author``, whatever the change says. The write is audited
    (event ``status_change``).
    """
    audit = guard.permit(
        store,
        actor,
        "edit_status",
        "status_change",
        target=guard.listed(c.code for c in changes),
    )
    changes = [replace(c, author=actor.author) for c in changes]
    codes = sorted({str(c.code) for c in changes})

    def change(frames: dict, next_id) -> dict:
        require(actor, "edit_status", blocks=guard.blocks_of(frames["parcels"], codes))
        parcels, events = apply_changes(
            frames["parcels"],
            frames["status_events"],
            changes,
            expected_versions=expected_versions,
            today=today,
            next_event_id=next_id("status_events", "event_id"),
        )
        return {"parcels": parcels, "status_events": events}

    return store.transaction(
        ["parcels", "status_events"],
        change,
        rows={"parcels": ("code", codes), "status_events": ("parcel_code", codes)},
        audit=audit,
    )


# ------------------------------------------------------------------ messages
_STATUS_PARAMS = ("status", "old", "new", "previous")


def error_message(error: ParkError, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """:func:`gis.i18n.error_text`, with status codes and field names as labels in ``lang``."""
    params = dict(error.params)
    field = params.get("field")
    for name in _STATUS_PARAMS:
        code = params.get(name)
        if not code:
            continue
        for fld in (field,) if field in vocabulary.STATUS_FIELDS else vocabulary.STATUS_FIELDS:
            try:
                params[name] = vocabulary.status(fld, str(code)).label(lang)
                break
            except ValueError:
                continue
    if field in vocabulary.STATUS_FIELDS:
        params["field"] = vocabulary.field_label(field, lang)
    if error.key not in i18n.MESSAGES:
        return str(error)
    return i18n.t(error.key, lang, **params)


# ------------------------------------------------------------------ deadlines
DEADLINE_COLUMNS = (
    "code",
    "start_deadline",
    "completion_deadline",
    "start_overdue_days",
    "completion_overdue_days",
    "idle_years",
    "idle_fee_wan",
    "reclaimable",
    "gov_cause",
)


def _shift(day: date | None, days: int) -> date | None:
    return None if day is None else date.fromordinal(day.toordinal() + days)


def parcel_deadlines(row: Mapping, as_of: date) -> dict:
    """Deadlines of one parcel as of ``as_of``; ``row`` carries its statuses as of that day.

    - ``start_deadline``: agreed start + ``extension_days``;
    - ``completion_deadline``: agreed completion (+ extension, see
      :data:`EXTENSION_SHIFTS_COMPLETION`);
    - ``start_overdue_days``: days past the start deadline while not started (0 if none);
    - ``completion_overdue_days``: days past the completion deadline while not completed;
    - ``idle_years``: 0, 1 (≥ :data:`IDLE_YEARS` full years not started after the start
      deadline, the anniversary day included) or 2 (≥ :data:`RECLAIM_YEARS`);
    - ``idle_fee_wan``: :data:`IDLE_FEE_RATE` × deal price when idle, 0 when the delay is
      the government's; ``reclaimable``: idle 2 years and not the government's delay.
    """
    ext = int(row.get("extension_days") or 0) if not pd.isna(row.get("extension_days")) else 0
    agreed_start = safe_date(row.get("agreed_start"))
    agreed_completion = safe_date(row.get("agreed_completion"))
    start_deadline = _shift(agreed_start, ext)
    completion_deadline = _shift(agreed_completion, ext if EXTENSION_SHIFTS_COMPLETION else 0)
    construction = str(row.get(CONSTRUCTION_FIELD) or "NOT_STARTED")
    gov = bool(row.get("gov_cause_delay")) if not pd.isna(row.get("gov_cause_delay")) else False
    started = construction in STARTED_CODES
    completed = construction in COMPLETED_CODES
    start_overdue = 0
    idle = 0
    if start_deadline is not None and not started and as_of > start_deadline:
        start_overdue = (as_of - start_deadline).days
        if as_of >= add_years(start_deadline, RECLAIM_YEARS):
            idle = 2
        elif as_of >= add_years(start_deadline, IDLE_YEARS):
            idle = 1
    completion_overdue = 0
    if completion_deadline is not None and not completed and as_of > completion_deadline:
        completion_overdue = (as_of - completion_deadline).days
    price = pd.to_numeric(row.get("deal_price_wan"), errors="coerce")
    fee = 0.0
    if idle and not gov and not pd.isna(price):
        fee = round(float(price) * IDLE_FEE_RATE, 2)
    return {
        "code": str(row.get("code")),
        "start_deadline": start_deadline,
        "completion_deadline": completion_deadline,
        "start_overdue_days": start_overdue,
        "completion_overdue_days": completion_overdue,
        "idle_years": idle,
        "idle_fee_wan": fee,
        "reclaimable": idle == 2 and not gov,
        "gov_cause": gov,
    }


def safe_date(value: object) -> date | None:
    """:func:`parse_date`, with None for a value that is not a date (stored data)."""
    try:
        return parse_date(value)
    except (TypeError, ValueError):
        return None


def deadlines(parcels: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """:func:`parcel_deadlines` of every parcel; ``parcels`` as of ``as_of``
    (see :func:`gis.parcels.history.statuses_as_of`). One row per parcel, :data:`DEADLINE_COLUMNS`."""
    rows = [parcel_deadlines(r, as_of) for r in parcels.to_dict(orient="records")]
    return pd.DataFrame(rows, columns=list(DEADLINE_COLUMNS))


def warnings(parcels: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The parcels overdue or idle on ``as_of``, worst first (idle years, then days)."""
    table = deadlines(parcels, as_of)
    late = table[
        (table["start_overdue_days"] > 0)
        | (table["completion_overdue_days"] > 0)
        | (table["idle_years"] > 0)
    ]
    order = late.assign(
        _days=late[["start_overdue_days", "completion_overdue_days"]].max(axis=1)
    ).sort_values(["idle_years", "_days", "code"], ascending=[False, False, True])
    return order.drop(columns="_days").reset_index(drop=True)


def warning_kind(row: Mapping) -> str:
    """The message key naming a warning row's worst problem."""
    if row["idle_years"] >= 2:
        return "warn_idle_2y"
    if row["idle_years"] >= 1:
        return "warn_idle_1y"
    if row["start_overdue_days"] > 0:
        return "warn_start_overdue"
    return "warn_completion_overdue"


# ------------------------------------------------------------------ Excel: bulk updates, export
#: Accepted headers of an update sheet (normalised: lower case, no spaces), per column.
UPDATE_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("地块编号", "code", "parcel", "parcelcode", "地块"),
    "field": ("字段", "field", "状态字段"),
    "new_status": ("新状态", "newstatus", "new_status", "status", "状态"),
    "effective_date": ("生效日期", "date", "effectivedate", "effective_date", "日期"),
    "note": ("备注", "note"),
}
#: The template's headers, in order (Chinese, as the clerks use them).
TEMPLATE_HEADERS = ("地块编号", "字段", "新状态", "生效日期", "备注")


@dataclass(frozen=True)
class RowCheck:
    """One row of an uploaded update sheet: its Excel row number, the change, the refusal."""

    row: int
    values: tuple[str, str, str, str, str]
    change: StatusChange | None
    error: ParkError | None


def _key(text: object) -> str:
    return "".join(str(text or "").lower().split())


def _field_of(value: object) -> str:
    text = _key(value)
    for fld, keys in (
        (SALE_FIELD, ("sale_status", "sale", "出让状态", "出让", "land-salestatus")),
        (CONSTRUCTION_FIELD, ("construction_status", "construction", "建设状态", "建设")),
    ):
        if text in keys:
            return fld
    raise ValidationError("status_field_unknown", field=str(value or ""))


def _status_of(fld: str, value: object) -> str:
    text = _key(value)
    for s in vocabulary.statuses(fld):
        if text in {_key(s.code), _key(s.label_zh), _key(s.label_en)}:
            return s.code
    raise ValidationError("status_unknown", field=fld, status=str(value or ""))


def check_update_rows(
    table: pd.DataFrame,
    parcels: pd.DataFrame,
    events: pd.DataFrame,
    *,
    author: str,
    today: date | None = None,
) -> list[RowCheck]:
    """Check every row of an uploaded sheet (see :func:`gis.excel.read_xlsx`).

    Rows are checked in order, each against the park as the valid rows before it leave
    it, so one sheet may move a parcel through several steps. Every row gets its
    refusal (unknown code, unknown field or status, forbidden transition, bad or future
    date, duplicate row), not just the first. Raises ``excel_missing_columns`` when a
    needed column is absent.
    """
    today = today or date.today()
    found: dict[str, str] = {}
    for header in table.columns:
        for name, keys in UPDATE_HEADERS.items():
            if _key(header) in {_key(k) for k in keys} and name not in found:
                found[name] = header
    missing = [n for n in ("code", "field", "new_status", "effective_date") if n not in found]
    if missing:
        labels = dict(zip(UPDATE_HEADERS, TEMPLATE_HEADERS, strict=True))
        raise ValidationError(
            "excel_missing_columns", columns="、".join(labels[m] for m in missing)
        )
    checks: list[RowCheck] = []
    seen: dict[tuple[str, str, str], int] = {}
    work_parcels, work_events = parcels, events
    for i, record in enumerate(table.to_dict(orient="records"), start=2):

        def cell(name: str, record: dict = record) -> object:
            value = record.get(found[name]) if name in found else None
            return None if value is None or (isinstance(value, float) and pd.isna(value)) else value

        raw_date = cell("effective_date")
        shown_date = raw_date.date().isoformat() if isinstance(raw_date, datetime) else raw_date
        values = tuple(
            "" if v is None else str(v)
            for v in (cell("code"), cell("field"), cell("new_status"), shown_date, cell("note"))
        )
        try:
            code = "".join(unicodedata.normalize("NFKC", str(cell("code") or "")).split())
            if not code:
                raise ValidationError("parcel_unknown", code="")
            fld = _field_of(cell("field"))
            status = _status_of(fld, cell("new_status"))
            try:
                day = parse_date(raw_date)
            except (TypeError, ValueError):
                raise ValidationError("status_date_invalid", value=str(raw_date)) from None
            if day is None:
                raise ValidationError("status_date_missing")
            matches = work_parcels["code"].astype(str).str.upper() == code.upper()
            if matches.any():
                code = str(work_parcels.loc[matches, "code"].iloc[0])
            key = (code, fld, status)
            if key in seen:
                raise ValidationError("status_row_duplicate", row=seen[key])
            seen[key] = i
            change = StatusChange(code, fld, status, day, author, str(cell("note") or ""))
            work_parcels, work_events = apply_changes(
                work_parcels, work_events, [change], today=today
            )
            checks.append(RowCheck(i, values, change, None))
        except ValidationError as exc:
            checks.append(RowCheck(i, values, None, exc))
    return checks


def update_template() -> pd.DataFrame:
    """An example update sheet with the template's headers."""
    return pd.DataFrame(
        [["D07", "建设状态", "开工", "2021-06-28", "取得施工许可证"]],
        columns=list(TEMPLATE_HEADERS),
    )


def parcel_export(parcels: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The parcel table for a spreadsheet: labels instead of codes, Yes/No, area in mu.

    Columns keep the schema's names (label them with :func:`gis.excel.labelled_columns`);
    ``area_mu`` is added after ``area_m2_cert`` when the frame carries it.
    """
    from gis import schema  # local: schema is only needed here

    out = pd.DataFrame(parcels.drop(columns=["geometry"], errors="ignore")).copy()
    for fld in vocabulary.STATUS_FIELDS:
        labels = {s.code: s.label(lang) for s in vocabulary.statuses(fld)}
        out[fld] = out[fld].map(lambda c, labels=labels: labels.get(c, c))
    uses = {u.code: u.label(lang) for u in vocabulary.LAND_USES}
    out["land_use"] = out["land_use"].map(lambda c: uses.get(c, c))
    yes, no = i18n.t("parcel_yes", lang), i18n.t("parcel_no", lang)
    for col in schema.PARCELS.columns:
        if col.dtype == "bool" and col.name in out.columns:
            out[col.name] = out[col.name].map(lambda v: "" if pd.isna(v) else yes if v else no)
    columns = [c for c in schema.PARCELS.column_names if c in out.columns]
    if "area_mu" in out.columns:
        columns.insert(columns.index("area_m2_cert") + 1, "area_mu")
        out["area_mu"] = out["area_mu"].astype(float).round(2)
    return out[columns]
