"""What changed between two dates: the meeting's "since last time" (issue #17, 2).

:func:`changes_since` reads the status history (:mod:`gis.parcels.history`, recorded events plus
the steps told only by the parcels' own dates) and the other dated records of the store:

- **changes**: the events in force (never a superseded one) whose *effective* date is in
  ``(since, until]``, counted per transition (e.g. 挂牌 → 成交) in 宗 (distinct parcels)
  and 亩 (their areas: the certified area, else the drawn one — :mod:`gis.parcels`). A
  correcting event that is effective in the period is a change too (it states what is
  now held true) and names the event it corrects in ``corrects``.
- **late entries (补录)**: events in force effective on or before ``since`` but *recorded*
  after it (and by ``until``): news at this meeting, though not a change of the period.
  ``recorded_at`` matters for nothing else: the map's as-of replay and the counts follow
  the effective dates, and the history as known now (every correction applied).
- **corrections**: the correcting events (``supersedes`` set) recorded in ``(since,
  until]`` (effective date if the record time is missing), each with the event it
  replaced. A superseded event is never a change.
- **new firms**: the store has no register or first-seen date for a firm; the dates it has
  are ``production_start`` (投产) and ``above_scale_since`` (规上入库), one row per date in
  the period.
- **new figures**: the year-to-date reports (``period_figures``, period ending on the last
  day of month ``months``) and yearly figures (``enterprise_years``, ending 31 December)
  whose period ends in the window, counted per period and kind of subject.
- **annotations**: the meeting annotations whose ``meeting_date`` is in the window.

The default start is :func:`last_meeting_before` — the latest meeting date of the
annotations before the as-of date.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from gis import vocabulary
from gis.crs import m2_to_mu
from gis.parcels import history
from gis.parcels.tables import parcel_area_m2
from gis.values import is_missing, iso_day, iso_days

#: The start used when no meeting was saved before the as-of date.
FALLBACK_DAYS = 30

CHANGE_COLUMNS = (
    "parcel_code",
    "field",
    "old_status",
    "new_status",
    "effective_date",
    "recorded_at",
    "author",
    "note",
    "event_id",
    "derived",
    "corrects",
    "area_mu",
)
TRANSITION_COLUMNS = ("field", "old_status", "new_status", "parcels", "area_mu", "codes")
CORRECTION_COLUMNS = (
    "event_id",
    "parcel_code",
    "field",
    "corrects",
    "wrong_old_status",
    "wrong_new_status",
    "wrong_effective_date",
    "old_status",
    "new_status",
    "effective_date",
    "recorded_at",
    "author",
    "note",
)
FIRM_COLUMNS = ("enterprise_id", "name", "parcel_code", "kind", "date")
FIGURE_COLUMNS = ("source", "subject_kind", "year", "months", "period_end", "rows")
ANNOTATION_COLUMNS = ("annotation_id", "meeting_date", "note", "parcel_code", "author")


@dataclass(frozen=True)
class Changes:
    """What changed in ``(since, until]``; every table has the ``*_COLUMNS`` above."""

    since: date
    until: date
    changes: pd.DataFrame
    transitions: pd.DataFrame
    late: pd.DataFrame
    corrections: pd.DataFrame
    new_firms: pd.DataFrame
    new_figures: pd.DataFrame
    annotations: pd.DataFrame

    def changed_codes(self) -> tuple[str, ...]:
        """Codes of the parcels whose status changed in the period, sorted."""
        return tuple(sorted(set(self.changes["parcel_code"].astype(str))))

    def noted_codes(self) -> tuple[str, ...]:
        """Codes of the parcels with only a late entry or a correction in the period."""
        others = set(self.late["parcel_code"].astype(str)) | set(
            self.corrections["parcel_code"].astype(str)
        )
        return tuple(sorted(others - set(self.changed_codes())))

    def is_empty(self) -> bool:
        return all(
            f.empty
            for f in (
                self.changes,
                self.late,
                self.corrections,
                self.new_firms,
                self.new_figures,
                self.annotations,
            )
        )


def last_meeting_before(annotations: pd.DataFrame, as_of: date) -> date | None:
    """The latest meeting date (of the annotations) strictly before ``as_of``, or None."""
    days = [iso_day(d) for d in annotations.get("meeting_date", pd.Series(dtype=object))]
    earlier = sorted(d for d in days if d is not None and d < as_of.isoformat())
    return date.fromisoformat(earlier[-1]) if earlier else None


def default_since(annotations: pd.DataFrame, as_of: date) -> date:
    """The last meeting before ``as_of``, else :data:`FALLBACK_DAYS` days before it."""
    return last_meeting_before(annotations, as_of) or as_of - timedelta(days=FALLBACK_DAYS)


def changes_since(frames: Mapping[str, pd.DataFrame], since: date, until: date) -> Changes:
    """Everything that changed after ``since`` up to and including ``until`` (see module)."""
    lo, hi = since.isoformat(), until.isoformat()
    parcels = frames["parcels"]
    events = frames["status_events"]
    areas = _areas(parcels)
    every = history.with_derived(parcels, events)
    every = every[every["parcel_code"].notna()].copy()
    every["parcel_code"] = every["parcel_code"].astype(str)
    every["effective_date"] = iso_days(every["effective_date"])
    every["recorded_day"] = iso_days(every["recorded_at"])
    live = history.effective_events(every)
    live = live[live["effective_date"].notna()]
    superseding = pd.to_numeric(live["supersedes"], errors="coerce")

    in_period = live[(live["effective_date"] > lo) & (live["effective_date"] <= hi)]
    changes = _change_rows(in_period, areas)

    recorded = live[~live["derived"].astype(bool) & superseding.isna()]
    late = recorded[
        (recorded["effective_date"] <= lo)
        & recorded["recorded_day"].notna()
        & (recorded["recorded_day"] > lo)
        & (recorded["recorded_day"] <= hi)
    ]
    fixes = every[pd.to_numeric(every["supersedes"], errors="coerce").notna()]
    when = fixes["recorded_day"].where(fixes["recorded_day"].notna(), fixes["effective_date"])
    fixes = fixes[(when > lo) & (when <= hi)]
    # Only the events these corrections replace are looked up (a row each is slow).
    replaced = pd.to_numeric(fixes["supersedes"], errors="coerce")
    wrong = _by_id(every[pd.to_numeric(every["event_id"], errors="coerce").isin(replaced)])
    return Changes(
        since=since,
        until=until,
        changes=changes,
        transitions=_transitions(changes),
        late=_change_rows(late, areas),
        corrections=_corrections(fixes, wrong),
        new_firms=_new_firms(frames["enterprises"], lo, hi),
        new_figures=_new_figures(frames, lo, hi),
        annotations=_annotations(frames["annotations"], lo, hi),
    )


# ---------------------------------------------------------------- parts
def _areas(parcels: pd.DataFrame) -> pd.Series:
    """Area in mu per parcel code (first row of a duplicated code)."""
    if parcels.empty:
        return pd.Series(dtype=float)
    mu = m2_to_mu(parcel_area_m2(parcels))
    codes = parcels["code"].astype(str)
    frame = pd.DataFrame({"code": codes.to_numpy(), "mu": pd.to_numeric(mu).to_numpy()})
    return frame.drop_duplicates("code").set_index("code")["mu"]


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _int_or_none(value: object) -> int | None:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else int(number)


def _by_id(events: pd.DataFrame) -> dict[int, pd.Series]:
    ids = pd.to_numeric(events["event_id"], errors="coerce")
    return {int(i): row for i, (_, row) in zip(ids, events.iterrows(), strict=True) if pd.notna(i)}


def _change_rows(events: pd.DataFrame, areas: pd.Series) -> pd.DataFrame:
    rows = [
        {
            "parcel_code": str(e["parcel_code"]),
            "field": str(e["field"]),
            "old_status": _text(e["old_status"]) or None,
            "new_status": _text(e["new_status"]),
            "effective_date": e["effective_date"],
            "recorded_at": _text(e["recorded_at"]),
            "author": _text(e["author"]),
            "note": _text(e["note"]),
            "event_id": _int_or_none(e["event_id"]),
            "derived": bool(e["derived"]),
            "corrects": _int_or_none(e["supersedes"]),
            "area_mu": float(areas.get(str(e["parcel_code"]), float("nan"))),
        }
        for _, e in events.iterrows()
    ]
    out = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    return out.sort_values(["effective_date", "parcel_code"], kind="stable").reset_index(drop=True)


def _order(field: str, code: object) -> int:
    try:
        return vocabulary.status(field, str(code)).order
    except ValueError:
        return -1


def _transitions(changes: pd.DataFrame) -> pd.DataFrame:
    """Per (field, from, to): distinct parcels (宗), their mu, their codes."""
    rows = []
    keys = changes.assign(old_key=changes["old_status"].fillna(""))
    for (field, old, new), group in keys.groupby(
        ["field", "old_key", "new_status"], sort=False, dropna=False
    ):
        parcels = group.drop_duplicates("parcel_code")
        rows.append(
            {
                "field": field,
                "old_status": old or None,
                "new_status": new,
                "parcels": len(parcels),
                "area_mu": float(parcels["area_mu"].sum(min_count=1)),
                "codes": tuple(sorted(parcels["parcel_code"])),
            }
        )
    out = pd.DataFrame(rows, columns=list(TRANSITION_COLUMNS))
    if out.empty:
        return out
    fields = {f: i for i, f in enumerate(vocabulary.STATUS_FIELDS)}
    out["_f"] = out["field"].map(fields).fillna(len(fields))
    out["_n"] = [_order(f, c) for f, c in zip(out["field"], out["new_status"], strict=True)]
    out["_o"] = [_order(f, c) for f, c in zip(out["field"], out["old_status"], strict=True)]
    out = out.sort_values(["_f", "_n", "_o"], kind="stable")
    return out.drop(columns=["_f", "_n", "_o"]).reset_index(drop=True)


def _corrections(fixes: pd.DataFrame, wrong: dict[int, pd.Series]) -> pd.DataFrame:
    rows = []
    for _, e in fixes.iterrows():
        replaced = _int_or_none(e["supersedes"])
        old = wrong.get(replaced) if replaced is not None else None
        rows.append(
            {
                "event_id": _int_or_none(e["event_id"]),
                "parcel_code": str(e["parcel_code"]),
                "field": str(e["field"]),
                "corrects": replaced,
                "wrong_old_status": None if old is None else _text(old["old_status"]) or None,
                "wrong_new_status": None if old is None else _text(old["new_status"]) or None,
                "wrong_effective_date": None if old is None else old["effective_date"],
                "old_status": _text(e["old_status"]) or None,
                "new_status": _text(e["new_status"]),
                "effective_date": e["effective_date"],
                "recorded_at": _text(e["recorded_at"]),
                "author": _text(e["author"]),
                "note": _text(e["note"]),
            }
        )
    out = pd.DataFrame(rows, columns=list(CORRECTION_COLUMNS))
    return out.sort_values(["recorded_at", "event_id"], kind="stable").reset_index(drop=True)


def _new_firms(enterprises: pd.DataFrame, lo: str, hi: str) -> pd.DataFrame:
    rows = []
    for kind, column in (("production", "production_start"), ("above_scale", "above_scale_since")):
        if column not in enterprises.columns:
            continue
        days = iso_days(enterprises[column])
        inside = days.notna() & (days.fillna("") > lo) & (days.fillna("") <= hi)
        for (_, firm), day in zip(enterprises[inside].iterrows(), days[inside], strict=True):
            if day is not None:
                rows.append(
                    {
                        "enterprise_id": _text(firm["enterprise_id"]),
                        "name": _text(firm["name"]),
                        "parcel_code": _text(firm.get("parcel_code")) or None,
                        "kind": kind,
                        "date": day,
                    }
                )
    out = pd.DataFrame(rows, columns=list(FIRM_COLUMNS))
    return out.sort_values(["date", "enterprise_id"], kind="stable").reset_index(drop=True)


def period_end(year: int, months: int) -> date:
    """The last day of month ``months`` of ``year`` (the end of a 1–N月 report)."""
    return date(year, months, calendar.monthrange(year, months)[1])


def _new_figures(frames: Mapping[str, pd.DataFrame], lo: str, hi: str) -> pd.DataFrame:
    rows = []
    sources = (
        ("period_figures", frames.get("period_figures")),
        ("enterprise_years", frames.get("enterprise_years")),
    )
    for source, table in sources:
        if table is None or table.empty:
            continue
        years = pd.to_numeric(table["year"], errors="coerce")
        if source == "period_figures":
            months = pd.to_numeric(table["months"], errors="coerce")
            kinds = table["subject_kind"].astype(object)
        else:
            months = pd.Series(12, index=table.index, dtype=float)
            kinds = pd.Series("enterprise", index=table.index, dtype=object)
        keys = pd.DataFrame({"kind": kinds, "year": years, "months": months}).dropna()
        keys = keys[(keys["months"] >= 1) & (keys["months"] <= 12)]
        for (kind, year, month), group in keys.groupby(["kind", "year", "months"]):
            end = period_end(int(year), int(month)).isoformat()
            if lo < end <= hi:
                rows.append(
                    {
                        "source": source,
                        "subject_kind": str(kind),
                        "year": int(year),
                        "months": int(month),
                        "period_end": end,
                        "rows": len(group),
                    }
                )
    out = pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))
    return out.sort_values(["period_end", "source", "subject_kind"], kind="stable").reset_index(
        drop=True
    )


def _annotations(annotations: pd.DataFrame, lo: str, hi: str) -> pd.DataFrame:
    rows = []
    for _, a in annotations.iterrows():
        day = iso_day(a["meeting_date"])
        if day is not None and lo < day <= hi:
            rows.append(
                {
                    "annotation_id": _text(a["annotation_id"]),
                    "meeting_date": day,
                    "note": _text(a["note"]),
                    "parcel_code": _text(a["parcel_code"]) or None,
                    "author": _text(a["author"]),
                }
            )
    out = pd.DataFrame(rows, columns=list(ANNOTATION_COLUMNS))
    return out.sort_values(["meeting_date", "annotation_id"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- text
def status_label(field: str, code: object, lang: str) -> str:
    """A status code's label in ``lang`` (the code itself if unknown, "—" if missing)."""
    if is_missing(code) or code == "":
        return "—"
    try:
        return vocabulary.status(field, str(code)).label(lang)
    except ValueError:
        return str(code)


def field_label(field: str, lang: str) -> str:
    try:
        return vocabulary.field_label(field, lang)
    except KeyError:
        return field


def transition_label(field: str, old: object, new: object, lang: str) -> str:
    """E.g. ``挂牌 → 成交``."""
    from gis.i18n import t

    return t(
        "chg_transition",
        lang,
        old=status_label(field, old, lang),
        new=status_label(field, new, lang),
    )


def figures_period(source: str, year: int, months: int, lang: str) -> str:
    from gis.i18n import t

    if source == "enterprise_years":
        return t("chg_figures_year", lang, year=year)
    return t("chg_figures_period", lang, year=year, months=months)


def subject_label(kind: str, lang: str) -> str:
    from gis.i18n import MESSAGES, t

    key = f"chg_subject_{kind}"
    return t(key, lang) if key in MESSAGES else kind


def pack_table(changes: Changes, lang: str) -> pd.DataFrame:
    """One table of everything in ``changes`` for the meeting pack: kind, what, parcels,
    count, mu, date. Transitions first (counted in 宗 and 亩), then late entries,
    corrections, new firms, new figures and annotations."""
    from gis.i18n import t

    rows: list[tuple] = []
    for r in changes.transitions.itertuples(index=False):
        rows.append(
            (
                t("chg_kind_transition", lang),
                f"{field_label(r.field, lang)}: "
                + transition_label(r.field, r.old_status, r.new_status, lang),
                "、".join(r.codes),
                int(r.parcels),
                None if pd.isna(r.area_mu) else round(float(r.area_mu), 1),
                "",
            )
        )
    for r in changes.late.itertuples(index=False):
        rows.append(
            (
                t("chg_kind_late", lang),
                f"{field_label(r.field, lang)}: "
                + transition_label(r.field, r.old_status, r.new_status, lang),
                r.parcel_code,
                1,
                None if pd.isna(r.area_mu) else round(float(r.area_mu), 1),
                f"{r.effective_date} / {str(r.recorded_at)[:10]}",
            )
        )
    for r in changes.corrections.itertuples(index=False):
        rows.append(
            (
                t("chg_kind_correction", lang),
                f"{field_label(r.field, lang)}: " + correction_text(r, lang, short=True),
                r.parcel_code,
                1,
                None,
                str(r.recorded_at)[:10] or r.effective_date,
            )
        )
    for r in changes.new_firms.itertuples(index=False):
        rows.append(
            (
                t("chg_kind_firm", lang),
                f"{t(f'chg_firm_{r.kind}', lang)}: {r.name}",
                r.parcel_code or "",
                1,
                None,
                r.date,
            )
        )
    for r in changes.new_figures.itertuples(index=False):
        rows.append(
            (
                t("chg_kind_figures", lang),
                f"{figures_period(r.source, r.year, r.months, lang)} · "
                f"{subject_label(r.subject_kind, lang)}",
                "",
                int(r.rows),
                None,
                r.period_end,
            )
        )
    for r in changes.annotations.itertuples(index=False):
        rows.append(
            (
                t("chg_kind_annotation", lang),
                r.note,
                r.parcel_code or "",
                1,
                None,
                r.meeting_date,
            )
        )
    columns = [
        t("chg_col_kind", lang),
        t("chg_col_what", lang),
        t("chg_col_codes", lang),
        t("chg_col_count", lang),
        t("chg_col_mu", lang),
        t("chg_col_date", lang),
    ]
    out = pd.DataFrame(rows, columns=columns)
    out[columns[3]] = out[columns[3]].astype("int64")
    out[columns[4]] = out[columns[4]].astype(object)
    return out


def correction_text(r, lang: str, *, short: bool = False) -> str:
    """A correction row (of ``Changes.corrections``) as one sentence (``short``: the
    wrong and the right status and dates only, for the pack's table)."""
    from gis.i18n import t

    if short:
        return t(
            "chg_correction_short",
            lang,
            wrong_new=status_label(r.field, r.wrong_new_status, lang),
            wrong_date=r.wrong_effective_date or "—",
            new=status_label(r.field, r.new_status, lang),
            date=r.effective_date,
        )
    return t(
        "chg_correction_entry",
        lang,
        code=r.parcel_code,
        field=field_label(r.field, lang),
        wrong_old=status_label(r.field, r.wrong_old_status, lang),
        wrong_new=status_label(r.field, r.wrong_new_status, lang),
        wrong_date=r.wrong_effective_date or "—",
        event=r.corrects if r.corrects is not None else "—",
        old=status_label(r.field, r.old_status, lang),
        new=status_label(r.field, r.new_status, lang),
        date=r.effective_date,
    )
