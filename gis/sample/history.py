"""The sample parcels' life: a profile per parcel, the status dates stepped from its anchor
(domain.md §2.2) and the status-change events a clerk would have recorded.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from random import Random

from gis import vocabulary as voc
from gis.sample.geometry import _planning
from gis.sample.plan import (
    BLOCK_PLANS,
    CONS_CHAIN,
    EARLIEST,
    H1_START,
    PROFILES,
    REF,
    SALE_CHAIN,
    Profile,
    Row,
    _day,
    _Parcel,
    _rand_date,
    _Timeline,
)

#: Parcels the seed names; 诚远电机's parcel is one of 碧湖's "mature" ones.
FORCED_PROFILES = {
    ("WY", "12B"): "h1_paid",
    ("WY", "12C"): "h1_contracted",
    ("BH", "D07"): "h1_delivered",
    ("NS", "A3"): "h1_sold",
    ("BH", "F"): "revitalised",
    ("WY", "3号"): "supply",
}


#: Relative weight of each profile per block; the counts follow the block's size.
PROFILE_MIX: dict[str, dict[str, int]] = {
    "WY": dict(
        wy_batch1=5,
        wy_batch2=5,
        wy_start21=5,
        wy_build=9,
        delivered=3,
        paid=1,
        contracted=1,
        listed=2,
        supply=1,
        banked=2,
        planned=1,
    ),
    "BH": dict(
        mature=28,
        building=10,
        shell=2,
        idle=5,
        late_build=3,
        delivered=3,
        paid=1,
        contracted=1,
        listed=1,
        supply=3,
        banked=4,
        acquiring=2,
        planned=3,
    ),
    "NS": dict(planned=3, acquiring=4, banked=3, supply=2, mature=2),
    "CC": dict(
        mature=20,
        building=14,
        shell=3,
        idle=5,
        late_build=4,
        delivered=4,
        paid=1,
        contracted=1,
        listed=1,
        supply=3,
        banked=5,
        acquiring=3,
        planned=3,
    ),
    "LQ": dict(
        mature=6,
        building=16,
        shell=2,
        idle=3,
        late_build=2,
        delivered=6,
        paid=2,
        contracted=1,
        listed=2,
        supply=4,
        banked=7,
        acquiring=6,
        planned=5,
    ),
}


SKIP_CHANCE = {"ACQUIRING": 0.25, "IN_SUPPLY_PLAN": 0.2, "PAID": 0.2}  # optional steps


#: Days from the previous step (domain.md §2.2). SOLD is drawn as listing days + 0-2,
#: PAID counts from the deal (paid in full within 30 days), STARTED is 6 months ± slack.
GAP_DAYS = {
    "ACQUIRING": (30, 150),
    "BANKED": (90, 300),
    "IN_SUPPLY_PLAN": (20, 150),
    "LISTED": (50, 150),
    "CONTRACTED": (3, 14),
    "PAID": (15, 30),
    "DELIVERED": (20, 150),
    "STARTED": (183 - 45, 183 + 60),
    "COMPLETED": (365, 670),
    "IN_PRODUCTION": (30, 240),
    "AT_CAPACITY": (365, 900),
}


LATE_GAP_DAYS = {"STARTED": (183 + 90, 183 + 300), "COMPLETED": (760, 980)}


LATE_CHANCE = 0.15


CLERKS = ("张敏", "李强", "王芳", "陈磊", "刘洋")


EVENT_NOTES = dict(
    PLANNED="纳入控规工业用地",
    ACQUIRING="启动征收与房屋拆迁",
    BANKED="净地入库储备",
    IN_SUPPLY_PLAN="列入年度供地计划",
    LISTED="发布出让公告并挂牌",
    SOLD="挂牌成交，签订成交确认书",
    CONTRACTED="签订国有建设用地使用权出让合同",
    PAID="出让价款缴清",
    DELIVERED="签订交地确认书",
    STARTED="取得施工许可证并开工",
    COMPLETED="竣工验收备案",
    IN_PRODUCTION="企业投产",
    AT_CAPACITY="达产复核通过",
)


def _steps(prof: Profile, path: list[str], rng: Random) -> tuple[dict[str, int], int]:
    """Days between consecutive steps of ``path``, and the listing period."""
    gaps, listing_days = dict(GAP_DAYS, **dict(prof.gaps)), rng.randint(10, 20)
    step = {}
    for c in path[1:]:
        late = c in LATE_GAP_DAYS and not prof.on_time and rng.random() < LATE_CHANCE
        step[c] = (
            rng.randint(*(LATE_GAP_DAYS if late else gaps)[c])
            if c != "SOLD"
            else (listing_days + rng.randint(0, 2))
        )  # the deal closes the listing
    if "PAID" in step:  # within 30 days of the deal, after the contract
        step["PAID"] = max(1, step["PAID"] - step["CONTRACTED"])
    return step, listing_days


def _draw_timeline(prof: Profile, rng: Random) -> _Timeline:
    """Dates for one parcel: the anchor in its window, then steps backwards and forwards."""
    keep = {prof.anchor, prof.sale_cap}
    path = [c for c in SALE_CHAIN if c in keep or rng.random() >= SKIP_CHANCE.get(c, 0.0)]
    path += CONS_CHAIN[1:]
    step, listing_days = _steps(prof, path, rng)
    i0 = path.index(prof.anchor)
    dates = {prof.anchor: _rand_date(rng, _day(prof.start), _day(prof.end, last=True))}
    for i in range(i0 - 1, -1, -1):
        dates[path[i]] = dates[path[i + 1]] - timedelta(days=step[path[i + 1]])
    caps = {
        **dict.fromkeys(SALE_CHAIN[SALE_CHAIN.index(prof.sale_cap) + 1 :]),
        **dict.fromkeys(CONS_CHAIN[CONS_CHAIN.index(prof.cons_cap) + 1 :]),
    }
    for prev, c in zip(path[i0:], path[i0 + 1 :], strict=False):
        d = dates[prev] + timedelta(days=step[c])
        if c in caps or d > REF:
            break
        dates[c] = d
    tl = _Timeline(dates)
    if "LISTED" in dates:  # the notice comes ≥ 20 days before the listing, which runs ≥ 10
        tl.notice = dates["LISTED"] - timedelta(days=rng.randint(20, 35))
        tl.listing_end = dates["LISTED"] + timedelta(days=listing_days)
    return tl


def _fits(tl: _Timeline, prof: Profile) -> bool:
    """Does a drawn timeline tell the profile's story (and keep the seed's H1 sales four)?"""
    deal = tl.dates.get("SOLD")
    return (
        min(tl.dates.values()) >= EARLIEST
        and (not deal or deal < H1_START or _day(prof.start) >= H1_START)
        and tl.sale in (prof.need_sale or SALE_CHAIN)
        and tl.cons in (prof.need_cons or CONS_CHAIN)
        and (
            not prof.idle_days
            or (
                tl.cons == "NOT_STARTED"
                and tl.sale == "DELIVERED"
                and (REF - tl.agreed_start).days >= prof.idle_days
            )
        )
        and (not prof.late_completion or tl.agreed_completion < REF)
    )


def _timeline(prof: Profile, rng: Random) -> _Timeline:
    """Draw until the timeline fits the profile (a few tries at most)."""
    for _ in range(500):
        tl = _draw_timeline(prof, rng)
        if _fits(tl, prof):
            return tl
    raise RuntimeError(f"no timeline fits {prof}")  # pragma: no cover


def _quotas(mix: dict[str, int], n: int) -> list[str]:
    """``n`` profile names in the mix's proportions (largest remainder)."""
    raw = {name: w * n / sum(mix.values()) for name, w in mix.items()}
    counts = {name: int(x) for name, x in raw.items()}
    for name in sorted(raw, key=lambda k: int(raw[k]) - raw[k])[: n - sum(counts.values())]:
        counts[name] += 1
    return [name for name in mix for _ in range(counts[name])]


def _assign_profiles(parcels: list[_Parcel], rng: Random) -> None:
    """Profiles, land uses, timelines and planning indicators for every parcel."""
    for plan in BLOCK_PLANS:
        mine = [p for p in parcels if p.block is plan]
        free = [p for p in mine if (plan.block_id, p.code) not in FORCED_PROFILES]
        rng.shuffle(free)
        for p, name in zip(free, _quotas(PROFILE_MIX[plan.block_id], len(free)), strict=True):
            p.profile = name
        for p in mine:
            p.profile = FORCED_PROFILES.get((plan.block_id, p.code), p.profile)
        if plan.block_id == "BH":
            rng.choice([p for p in free if p.profile == "mature"]).profile = "chengyuan"
    pool = [
        p
        for p in parcels
        if p.block.block_id != "WY"
        and p.profile != "chengyuan"
        and (p.block.block_id, p.code) not in FORCED_PROFILES
    ]
    for use, n, profiles in (
        ("PUBLIC_UTILITY", 2, {"planned", "banked"}),
        ("WAREHOUSE", 3, {"mature", "building", "delivered"}),
        ("M0", 3, {"building", "delivered", "banked", "supply"}),
    ):
        fit = [p for p in pool if p.profile in profiles and p.land_use == "INDUSTRIAL"]
        for p in rng.sample(fit, n):
            p.land_use = use
    next(p for p in parcels if p.code == "3号").land_use = "COMMERCIAL_RESIDENTIAL"
    for p in parcels:
        p.tl = _timeline(PROFILES[p.profile], rng)
        p.planning = _planning(p, rng)


def _status_events(parcels: list[_Parcel], rng: Random) -> list[Row]:
    """One event per transition each parcel passed through; ids in chronological order."""
    events = []
    for p in parcels:
        prev, last = {voc.SALE_FIELD: None, voc.CONSTRUCTION_FIELD: "NOT_STARTED"}, datetime.min
        for code, eff in sorted(p.tl.dates.items(), key=lambda kv: kv[1]):
            fld = voc.SALE_FIELD if code in SALE_CHAIN else voc.CONSTRUCTION_FIELD
            # recorded a few days later, in office hours, never after the reference date
            lag = min(rng.randint(0, 4), (REF - eff).days)
            at = datetime.combine(eff + timedelta(days=lag), time(8, 30))
            last = max(at + timedelta(minutes=rng.randint(0, 540)), last + timedelta(minutes=7))
            note = EVENT_NOTES[code]
            if p.profile == "revitalised" and code == "IN_PRODUCTION":
                note = "闲置厂房盘活，引进新企业投产"
            events.append(
                {
                    "parcel_code": p.code,
                    "field": fld,
                    "old_status": prev[fld],
                    "new_status": code,
                    "effective_date": eff.isoformat(),
                    "recorded_at": last.isoformat(timespec="seconds"),
                    "author": rng.choice(CLERKS),
                    "note": note,
                    "supersedes": None,
                }
            )
            prev[fld] = code
    events.sort(key=lambda e: (e["effective_date"], e["recorded_at"], e["parcel_code"]))
    return [{"event_id": i, **e} for i, e in enumerate(events, start=1)]
