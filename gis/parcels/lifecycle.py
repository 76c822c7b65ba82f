"""Parcel life-cycle rules: allowed status changes and their dates.

Pure functions on the store's frames (domain.md §2). A change moves one status field
('sale_status' or 'construction_status') of one parcel to a status the vocabulary allows next
(:func:`gis.vocabulary.allowed_next`), effective on a date that is not in the future
and not before the date the current status was entered. Construction can only move on
delivered land (交地) and never be dated before the delivery ("no 开工 before 交地").
A wrong entry is corrected by a new event naming it in ``supersedes``; nothing is ever
deleted or rewritten. :func:`apply_changes` validates a batch against the current
frames and returns the new ``parcels`` and ``status_events`` frames; :func:`record_changes`
runs it inside :meth:`gis.store.ParkStore.transaction`, so the checks (including each
parcel's ``version``, for concurrent editors) and the write are one atomic step.

Deadlines and idle land: :mod:`gis.parcels.deadlines`; changes from a spreadsheet:
:mod:`gis.parcels.bulk_update`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd

from gis import i18n, vocabulary
from gis._errors import ParkError, ValidationError
from gis.auth import guard
from gis.auth.access import Actor, require
from gis.parcels import history
from gis.store import utc_now
from gis.vocabulary import CONSTRUCTION_FIELD, SALE_FIELD

#: Date formats accepted from typed or imported text (month and day may lack a leading zero).
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


#: The sale status construction waits for.
DELIVERED = "DELIVERED"


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


def safe_date(value: object) -> date | None:
    """:func:`parse_date`, with None for a value that is not a date (stored data)."""
    try:
        return parse_date(value)
    except (TypeError, ValueError):
        return None
