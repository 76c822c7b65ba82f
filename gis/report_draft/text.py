"""The draft's sentences, in the committee's conventions: amounts in 亿元 (from 1亿) or
万元, land in 亩 to one decimal, 同比 as "同比增长x.x%" / "同比下降x.x%", gaps as
【待补充：…】. :func:`blocks` gives the document as (kind, text) pairs in the seed
report's order; kind is ``title``, ``note``, ``sample``, ``h1``, ``h2`` or ``p``."""

from __future__ import annotations

import math

from gis.i18n import t
from gis.parcels import deadlines
from gis.report_draft.figures import Figure, ReportData


def money(wan: float) -> str:
    """万元 → "12.35亿元" from 1亿元 up, else "5,230万元"."""
    if abs(wan) >= 10_000:
        return f"{wan / 10_000:.2f}亿元"
    return f"{wan:,.0f}万元"


def mu(value: float) -> str:
    """亩 to one decimal."""
    return f"{value:.1f}"


def number(value: float) -> str:
    """A count or amount as the clerks write it (no trailing .0)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _sep(lang: str) -> str:
    """Between two sentences: nothing in Chinese, a space in English."""
    return "" if lang == "zh" else " "


def gap(what: str, lang: str) -> str:
    return t("rd_gap", lang, what=what)


def gap_of(fig: Figure, lang: str) -> str:
    return gap(t(fig.gap_key, lang, **fig.gap_params), lang)


def yoy(pct: float | None, lang: str) -> str:
    """同比增长x.x% / 同比下降x.x% / 持平; a gap when last year's figure is missing."""
    if pct is None or not math.isfinite(pct):
        return t("rd_yoy_gap", lang, gap=gap(t("rd_gap_last_year", lang), lang))
    rounded = round(pct, 1)
    if rounded > 0:
        return t("rd_yoy_up", lang, pct=f"{rounded:.1f}")
    if rounded < 0:
        return t("rd_yoy_down", lang, pct=f"{-rounded:.1f}")
    return t("rd_yoy_flat", lang)


def period_name(data: ReportData, lang: str) -> str:
    p = data.period
    if p.kind in ("H1", "H2", "Y"):
        return t(f"rd_period_{p.kind}", lang, year=p.year)
    if p.kind.startswith("Q"):
        return t("rd_period_Q", lang, year=p.year, q=p.kind[1])
    return t("rd_period_range", lang, start=_day(p.start, lang), end=_day(p.end, lang))


def _day(day, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def _next(data: ReportData, lang: str) -> str:
    return t("rd_next_H1" if data.period.kind == "H1" else "rd_next_other", lang)


def _economy(data: ReportData, lang: str) -> list[str]:
    out = []
    period = period_name(data, lang)
    for key, msg in (
        ("rd_econ_output", "rd_output"),
        ("rd_econ_above_output", "rd_above_output"),
        ("rd_econ_investment", "rd_investment"),
    ):
        fig = data.figures[key]
        if fig.is_gap:
            out.append(
                t(msg, lang, period=period, value=gap_of(fig, lang), yoy="").rstrip("，,。. ")
                + ("。" if lang == "zh" else ".")
            )
        else:
            out.append(
                t(
                    msg,
                    lang,
                    period=period,
                    value=money(fig.value),
                    yoy=yoy(fig.params["yoy"], lang),
                )
            )
    return [_sep(lang).join(out)]


def _firms(data: ReportData, lang: str) -> list[str]:
    f = data.figures
    names = f["rd_firms_new_above"].params["names"]
    return [
        t("rd_admitted", lang, gap=gap_of(f["rd_firms_admitted"], lang))
        + _sep(lang)
        + t(
            "rd_firms",
            lang,
            period=period_name(data, lang),
            new=number(f["rd_firms_new_above"].value),
            names=t("rd_firms_names", lang, names=names) if names else "",
            until=_day(data.until, lang),
            total=number(f["rd_firms_above_total"].value),
            producing=number(f["rd_firms_producing"].value),
        )
    ]


def _blocks_text(fig: Figure, lang: str) -> str:
    sep = "、" if lang == "zh" else "; "
    return sep.join(
        t("rd_land_block", lang, block=block, codes=("、" if lang == "zh" else ", ").join(codes))
        for block, codes in fig.params["by_block"].items()
    )


def _land(data: ReportData, lang: str) -> list[str]:
    f = data.figures
    sold = f["land_sold"]
    first = (
        t(
            "rd_land_sold",
            lang,
            count=sold.params["count"],
            detail=_blocks_text(sold, lang),
            mu=mu(sold.params["mu"]),
        )
        if sold.params["count"]
        else t("rd_land_sold_none", lang)
    )
    started = f["land_started"]
    floor = started.params.get("floor_wan_m2")
    if not started.params["count"]:
        floor_text = "0万m²" if lang == "zh" else "0 万m²"
    elif floor is None:
        floor_text = gap(t("rd_floor_gap", lang, codes=started.params["floor_missing"]), lang)
    else:
        floor_text = f"{floor:.2f}万m²" if lang == "zh" else f"{floor:.2f} 万m²"
    codes = sorted(c for cs in started.params["by_block"].values() for c in cs)
    sep = "、" if lang == "zh" else ", "
    started_codes = sep.join(codes[:10]) + ("等" if len(codes) > 10 and lang == "zh" else "")
    if lang != "zh" and started_codes:
        started_codes = ": " + started_codes
    second = t(
        "rd_land_progress",
        lang,
        delivered=f["land_delivered"].params["count"],
        delivered_mu=mu(f["land_delivered"].params["mu"]),
        started=started.params["count"],
        started_mu=mu(started.params["mu"]),
        started_codes=started_codes,
        floor=floor_text,
        completed=f["land_completed"].params["count"],
        completed_mu=mu(f["land_completed"].params["mu"]),
        producing=f["land_producing"].params["count"],
        producing_mu=mu(f["land_producing"].params["mu"]),
    )
    return [first + _sep(lang) + second]


def _evaluation(data: ReportData, lang: str) -> list[str]:
    fig = data.figures["rd_eval"]
    if fig.is_gap:
        return [t("rd_eval_gap", lang, gap=gap_of(fig, lang))]
    p = fig.params
    change = "" if p["up"] is None else t("rd_eval_change", lang, up=p["up"], down=p["down"])
    sup = data.figures["rd_supervision"]
    return [
        t(
            "rd_eval",
            lang,
            year=p["year"],
            evaluated=p["evaluated"],
            A=p["A"],
            B=p["B"],
            C=p["C"],
            D=p["D"],
            change=change,
        )
        + _sep(lang)
        + t("rd_supervision", lang, count=number(sup.value))
    ]


def _idle(data: ReportData, lang: str) -> list[str]:
    f = data.figures
    vacant = f["rd_vacant"]
    return [
        t(
            "rd_idle",
            lang,
            until=_day(data.until, lang),
            count=number(f["rd_idle"].value),
            mu=mu(f["rd_idle"].params["mu"]),
            overdue=number(f["rd_overdue"].value),
            vacant_count=vacant.params["count"],
            vacant=f"{vacant.value:.2f}万m²",
        )
        + _sep(lang)
        + t(
            "rd_revitalised",
            lang,
            period=period_name(data, lang),
            gap=gap_of(f["rd_revitalised"], lang),
        )
    ]


def _targets(data: ReportData, lang: str) -> list[str]:
    if not data.target_rows:
        return [t("rd_targets_none", lang, gap=gap(t("rd_gap_targets", lang), lang))]
    out = []
    for row in data.target_rows:
        label = row["label_zh"] if lang == "zh" else row["label_en"]
        unit, goal = str(row["unit"] or ""), number(row["target_value"])
        if not row["computable"]:
            note = t(row["note_key"], lang, **row["note_params"]) if row["note_key"] else ""
            out.append(
                t("rd_target_gap", lang, label=label, goal=goal, unit=unit, gap=gap(note, lang))
            )
        elif row["rate"]:
            out.append(
                t("rd_target_rate", lang, label=label, goal=goal, value=f"{row['value']:.1f}")
            )
        else:
            rest = row["remaining"]
            rest_text = (
                t("rd_target_done", lang)
                if rest <= 0
                else t("rd_target_rest", lang, rest=_amount(rest, unit), unit=unit)
            )
            pct = row["progress_pct"]
            out.append(
                t(
                    "rd_target",
                    lang,
                    label=label,
                    goal=goal,
                    unit=unit,
                    value=_amount(row["value"], unit),
                    pct=f"{pct:.1f}" if math.isfinite(pct) else "—",
                    rest=rest_text,
                )
            )
    return out


def _amount(value: float, unit: str) -> str:
    return (
        mu(value)
        if unit == "亩"
        else f"{value:,.2f}"
        if "万" in unit or "亿" in unit
        else number(value)
    )


def _lists(data: ReportData, lang: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [("h2", t("rd_h2_overdue", lang))]
    kinds = deadlines.warning_kinds(data.overdue)
    for row, kind in zip(data.overdue.to_dict("records"), kinds, strict=True):
        out.append(
            (
                "p",
                t(
                    "rd_overdue_item",
                    lang,
                    code=row["code"],
                    name=row["name"],
                    mu=mu(row["mu"] or 0.0),
                    kind=t(kind, lang),
                ),
            )
        )
    if data.overdue.empty:
        out.append(("p", t("rd_list_none", lang)))
    out.append(("h2", t("rd_h2_idle_list", lang)))
    for row in data.idle.to_dict("records"):
        fee = (
            t("rd_idle_reclaim", lang)
            if row["idle_years"] >= 2
            else t("rd_idle_fee", lang, fee=money(float(row["idle_fee_wan"] or 0.0)))
        )
        out.append(
            (
                "p",
                t(
                    "rd_idle_item",
                    lang,
                    code=row["code"],
                    name=row["name"],
                    mu=mu(row["mu"] or 0.0),
                    years=row["idle_years"],
                    fee=fee,
                ),
            )
        )
    if data.idle.empty:
        out.append(("p", t("rd_list_none", lang)))
    out.append(("h2", t("rd_h2_supervision", lang)))
    sup = data.figures["rd_supervision"]
    if sup.is_gap:
        out.append(("p", gap_of(sup, lang)))
    elif data.supervision.empty:
        out.append(("p", t("rd_list_none", lang)))
    for row in data.supervision.to_dict("records"):
        rules = "、".join(r.upper() for r in ("ks1", "ks2", "ks3") if row.get(r))
        out.append(
            (
                "p",
                t(
                    "rd_supervision_item",
                    lang,
                    name=row["name"],
                    parcel=row["parcel_code"],
                    rules=rules,
                ),
            )
        )
    return out


def _appendix(data: ReportData, lang: str) -> list[tuple[str, str]]:
    out = [
        ("h1", t("rd_h1_appendix", lang)),
        ("p", t("rd_appendix_intro", lang, as_of=_day(data.until, lang))),
    ]
    labels = {
        "rd_econ_output": "rd_label_output",
        "rd_econ_above_output": "rd_label_above_output",
        "rd_econ_investment": "rd_label_investment",
    }
    for key, fig in data.figures.items():
        label_key = labels.get(key) or (
            f"rd_label_{key}" if key.startswith("land_") else key.replace("rd_", "rd_label_")
        )
        out.append(
            (
                "p",
                t(
                    "rd_appendix_item",
                    lang,
                    label=t(label_key, lang),
                    method=t(fig.method_key, lang),
                    sources=fig.sources or t("rd_appendix_none", lang),
                ),
            )
        )
    out.append(
        (
            "p",
            t(
                "rd_appendix_item",
                lang,
                label=t("rd_label_targets", lang),
                method=t("rd_method_targets", lang),
                sources=", ".join(str(r["target_id"]) for r in data.target_rows)
                or t("rd_appendix_none", lang),
            ),
        )
    )
    if data.missing:
        sep = "；" if lang == "zh" else "; "
        out.append(
            (
                "p",
                t(
                    "rd_appendix_missing",
                    lang,
                    what=sep.join(piece.message(lang) for piece in data.missing),
                ),
            )
        )
    return out


def blocks(data: ReportData, lang: str = "zh") -> list[tuple[str, str]]:
    """The whole draft, in the order of the committee's half-year report."""
    period, nxt = period_name(data, lang), _next(data, lang)
    park = data.park_name or t("rd_title_park", lang)
    out: list[tuple[str, str]] = []
    if data.is_sample:
        out.append(("sample", t("rd_sample_mark", lang)))
    out += [
        ("title", t("rd_title", lang, park=park, period=period, next=nxt)),
        ("note", t("rd_draft_note", lang, as_of=_day(data.as_of, lang))),
        ("h1", t("rd_h1_review", lang, period=period)),
    ]
    for heading, part in (
        ("rd_h2_economy", _economy),
        ("rd_h2_firms", _firms),
        ("rd_h2_land", _land),
        ("rd_h2_eval", _evaluation),
        ("rd_h2_idle", _idle),
    ):
        out.append(("h2", t(heading, lang)))
        out += [("p", text) for text in part(data, lang)]
    out.append(("h1", t("rd_h1_targets", lang)))
    out += [("p", text) for text in _targets(data, lang)]
    out.append(("h1", t("rd_h1_next", lang, next=nxt)))
    out += _lists(data, lang)
    out += _appendix(data, lang)
    return out
