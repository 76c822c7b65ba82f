"""Vacant-plant reuse (盘活闲置厂房): match candidate firms to idle spaces, and the effects.

The simulation of domain.md §3.3, as plain functions usable from a notebook::

    from gis.reuse import ReuseConfig, run_scenario
    result = run_scenario(frames, space_ids=[...], candidate_ids=[...], config=ReuseConfig())

1. **Hard filters** per candidate × space (:data:`FILTERS`, in funnel order): the park's
   industry whitelist, the space's environmental restrictions, fire class (甲/乙 never on
   an upper floor), ``need_area_min ≤ gfa ≤ need_area_max · 1.2``, clear height, floor
   load, crane and power.
2. **Soft score** in [0, 1]: the weighted mean of industry fit (the block's leading chain
   1.0, another leading chain of the park 0.6, other 0.2), area fit
   (``1 − |need − area| / area`` with ``need`` the middle of the candidate's range), the
   parcel's tax per mu after entry and the candidate's jobs per 1000 m² (both min-max
   normalised over the feasible pairs of the run).
3. **Assignment**: one candidate per space and one space per candidate, optimal for the
   total score (:func:`scipy.optimize.linear_sum_assignment`), with greedy (best pair
   first) computed beside it for comparison. With ``allow_split``, a space offered for
   lease or split transfer may be cut: the candidate takes what it needs and the rest,
   if at least ``min_split_unit_m2`` (domain.md §3.1, default 1000 m²), is offered again
   in a next round.
4. **Effects** per parcel (tenants merge into the parcel, 遂昌 practice [S5]) and for the
   park: see :func:`parcel_effects` and :func:`park_totals`.

Everything is a pure function of its inputs and ``seed``: the seed only breaks ties
between equal scores, so a scenario reproduces exactly when re-run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from gis import efficiency, guard
from gis import targets as target_rules
from gis._errors import ValidationError
from gis.access import Actor
from gis.crs import m2_to_mu
from gis.parcels import parcel_area_m2
from gis.schema import CANDIDATES
from gis.values import is_finite, is_missing

# --- reference data (domain.md §6; [I] values are configurable) ------------------------------

#: GB/T 4754-2017 manufacturing divisions (C13–C43): the codes a candidate may carry.
GBT4754_DIVISIONS: dict[str, str] = {
    "C13": "农副食品加工业",
    "C14": "食品制造业",
    "C15": "酒、饮料和精制茶制造业",
    "C16": "烟草制品业",
    "C17": "纺织业",
    "C18": "纺织服装、服饰业",
    "C19": "皮革、毛皮、羽毛及其制品和制鞋业",
    "C20": "木材加工和木、竹、藤、棕、草制品业",
    "C21": "家具制造业",
    "C22": "造纸和纸制品业",
    "C23": "印刷和记录媒介复制业",
    "C24": "文教、工美、体育和娱乐用品制造业",
    "C25": "石油、煤炭及其他燃料加工业",
    "C26": "化学原料和化学制品制造业",
    "C27": "医药制造业",
    "C28": "化学纤维制造业",
    "C29": "橡胶和塑料制品业",
    "C30": "非金属矿物制品业",
    "C31": "黑色金属冶炼和压延加工业",
    "C32": "有色金属冶炼和压延加工业",
    "C33": "金属制品业",
    "C34": "通用设备制造业",
    "C35": "专用设备制造业",
    "C36": "汽车制造业",
    "C37": "铁路、船舶、航空航天和其他运输设备制造业",
    "C38": "电气机械和器材制造业",
    "C39": "计算机、通信和其他电子设备制造业",
    "C40": "仪器仪表制造业",
    "C41": "其他制造业",
    "C42": "废弃资源综合利用业",
    "C43": "金属制品、机械和设备修理业",
}

#: The park's leading industries (主导产业) and their divisions (domain.md §6).
LEADING_INDUSTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("智能装备制造", ("C34", "C35", "C38", "C39", "C40")),
    ("生命健康", ("C27", "C14", "C26")),
    ("时尚轻工", ("C18", "C19", "C21", "C24", "C29")),
    ("新型建设材料", ("C30",)),
)
#: Divisions the park admits: the leading chains plus 小五金 (C33), as in the seed.
DEFAULT_WHITELIST: tuple[str, ...] = tuple(
    sorted({d for _, divs in LEADING_INDUSTRIES for d in divs} | {"C33"})
)
#: Keyword of a space's environmental restriction → divisions it bans [I].
DEFAULT_ENV_BANS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("电镀", ("C33",)),  # electroplating: metal surface treatment is in C33
    ("印染", ("C17",)),  # printing and dyeing of textiles
    ("化工", ("C25", "C26", "C28")),
    ("VOCs", ("C21", "C23", "C26", "C29")),  # high-VOC processes: coating, printing, plastics
)
FIRE_CLASSES = "甲乙丙丁戊"  # GB 50016 production fire-hazard classes, most to least hazardous
#: 规上: main revenue ≥ 2000万元, the evaluation's default line (domain.md §1.2).
ABOVE_SCALE_WAN = efficiency.EfficiencyConfig.above_scale_revenue_wan

#: The hard filters in funnel order: the first that leaves nothing is the reason given.
FILTERS: tuple[str, ...] = (
    "industry",
    "environment",
    "fire",
    "area",
    "height",
    "load",
    "crane",
    "power",
)
SCORE_PARTS: tuple[str, ...] = ("industry_fit", "area_fit", "tax_norm", "jobs_norm")
METHODS = ("optimal", "greedy")


@dataclass(frozen=True)
class ReuseConfig:
    """Weights and rules of the matching (domain.md §3.3); every value is configurable.

    The soft score is ``Σ w·part / Σ w``; weights need not sum to 1.
    """

    w_industry: float = 0.35
    w_area: float = 0.25
    w_tax: float = 0.25
    w_jobs: float = 0.15
    #: A space may exceed the candidate's largest need by this factor.
    area_tolerance: float = 1.2
    fit_leading: float = 1.0
    fit_related: float = 0.6
    fit_other: float = 0.2
    allow_split: bool = False
    min_split_unit_m2: float = 1000.0
    #: Reuse modes under which a space may be cut (出租 lease, 分割转让 split transfer).
    split_modes: tuple[str, ...] = ("出租", "分割转让")
    max_rounds: int = 10
    method: str = "optimal"
    whitelist: tuple[str, ...] = DEFAULT_WHITELIST
    #: Fire classes never allowed above the ground floor of a multi-storey building.
    ground_floor_only_fire: str = "甲乙"
    env_bans: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_ENV_BANS
    leading_industries: tuple[tuple[str, tuple[str, ...]], ...] = LEADING_INDUSTRIES

    def validate(self) -> ReuseConfig:
        """Raise :class:`ValidationError` (``reuse_bad_config``) for an unusable setting."""
        weights = (self.w_industry, self.w_area, self.w_tax, self.w_jobs)
        problems = []
        if any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
            problems.append(f"weights {weights}")
        if not self.area_tolerance >= 1:
            problems.append(f"area_tolerance {self.area_tolerance}")
        if not self.min_split_unit_m2 > 0:
            problems.append(f"min_split_unit_m2 {self.min_split_unit_m2}")
        if self.method not in METHODS:
            problems.append(f"method {self.method!r}")
        if not 1 <= self.max_rounds <= 100:
            problems.append(f"max_rounds {self.max_rounds}")
        for name in ("fit_leading", "fit_related", "fit_other"):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(f"{name} {getattr(self, name)}")
        if problems:
            raise ValidationError("reuse_bad_config", problems="; ".join(problems))
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (tuples become lists)."""
        return _jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReuseConfig:
        """The inverse of :meth:`to_dict`; unknown keys are refused."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError("reuse_bad_config", problems=f"unknown keys {unknown}")
        kwargs = {k: _tupled(v) for k, v in data.items()}
        return cls(**kwargs).validate()


# --- input tables ----------------------------------------------------------------------------


def division(code: object) -> str | None:
    """The GB/T 4754 division (``C34``) of a code such as ``C34``, ``c3411`` or ``C 34``."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return None
    text = re.sub(r"\s+", "", str(code)).upper()
    match = re.fullmatch(r"C(\d{2})\d{0,2}", text)
    if not match or f"C{match.group(1)}" not in GBT4754_DIVISIONS:
        return None
    return f"C{match.group(1)}"


def prepare_spaces(frames: Mapping[str, pd.DataFrame], *, year: int | None = None) -> pd.DataFrame:
    """The vacant spaces with what the engine needs about their parcel.

    Adds ``block_id``, ``leading_industry``, ``parcel_mu`` (certified area, GIS area as
    fallback) and ``parcel_tax_wan`` (the parcel's firms' tax in ``year``, default the
    latest year with figures; 0 while the store holds no yearly figures). Geometry is dropped.
    """
    spaces = pd.DataFrame(frames["vacant_spaces"]).drop(columns=["geometry"], errors="ignore")
    parcels = frames["parcels"]
    mu = pd.Series(m2_to_mu(parcel_area_m2(parcels)).to_numpy(), index=parcels["code"])
    blocks = frames["blocks"].set_index("block_id")["leading_industry"]
    block_of = parcels.set_index("code")["block_id"]
    taxes = parcel_figures(frames, year=year)["tax_wan"]
    out = spaces.copy()
    out["block_id"] = out["parcel_code"].map(block_of)
    out["leading_industry"] = out["block_id"].map(blocks)
    out["parcel_mu"] = out["parcel_code"].map(mu).astype(float)
    out["parcel_tax_wan"] = out["parcel_code"].map(taxes).fillna(0.0).astype(float)
    return out.reset_index(drop=True)


def figures_year(enterprise_years: pd.DataFrame) -> int | None:
    """The latest year with enterprise figures, or None when there are none yet."""
    years = pd.to_numeric(enterprise_years["year"], errors="coerce").dropna()
    return None if years.empty else int(years.max())


def evaluation_year(enterprise_years: pd.DataFrame) -> int:
    """The latest year with enterprise figures (``reuse_no_figures`` when there are none)."""
    year = figures_year(enterprise_years)
    if year is None:
        raise ValidationError("reuse_no_figures")
    return year


FIGURES = ("revenue_wan", "output_wan", "tax_wan", "employees")


def parcel_figures(frames: Mapping[str, pd.DataFrame], *, year: int | None = None) -> pd.DataFrame:
    """Per parcel: the summed ``revenue_wan``, ``output_wan``, ``tax_wan``, ``employees`` of
    its enterprises in ``year`` (owners and tenants merged), and ``firms``.

    ``year`` defaults to the latest year with figures; without any, the figures are 0 (a
    park whose yearly figures are not imported yet still has its firms and vacant space).
    """
    years = frames["enterprise_years"]
    year = figures_year(years) if year is None else year
    rows = years[pd.to_numeric(years["year"], errors="coerce") == year]
    firms = pd.DataFrame(frames["enterprises"])[["enterprise_id", "parcel_code"]]
    merged = firms.merge(rows, on="enterprise_id", how="left")
    for col in FIGURES:
        merged[col] = pd.to_numeric(merged[col], errors="coerce").fillna(0.0)
    grouped = merged.groupby("parcel_code")
    out = grouped[list(FIGURES)].sum()
    out["firms"] = grouped["enterprise_id"].nunique()
    return out


# --- the matrix ------------------------------------------------------------------------------


@dataclass
class _Arrays:
    """Column arrays of the candidates (c_*) and spaces (s_*)."""

    c_ids: np.ndarray
    c_div: np.ndarray
    c_min: np.ndarray
    c_max: np.ndarray
    c_height: np.ndarray
    c_load: np.ndarray
    c_crane: np.ndarray
    c_power: np.ndarray
    c_fire: np.ndarray  # index into FIRE_CLASSES, -1 unknown
    c_tax: np.ndarray
    c_jobs: np.ndarray
    s_ids: np.ndarray
    s_gfa: np.ndarray
    s_height: np.ndarray
    s_load: np.ndarray
    s_crane: np.ndarray
    s_power: np.ndarray
    s_fire_mask: np.ndarray  # bit i set: FIRE_CLASSES[i] allowed
    s_upper: np.ndarray  # floor > 1
    s_env: np.ndarray  # restriction text
    s_split: np.ndarray  # may be cut
    s_lead: np.ndarray  # leading-industry name of the block
    s_mu: np.ndarray
    s_tax: np.ndarray


def _num(frame: pd.DataFrame, col: str, default: float = 0.0) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    return pd.to_numeric(frame[col], errors="coerce").fillna(default).to_numpy(dtype=float)


def _text(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[col].fillna("").astype(str).to_numpy(dtype=object)


def _arrays(spaces: pd.DataFrame, candidates: pd.DataFrame, config: ReuseConfig) -> _Arrays:
    fire_index = {c: i for i, c in enumerate(FIRE_CLASSES)}
    masks = {
        text: sum(1 << fire_index[ch] for ch in set(text) if ch in fire_index)
        for text in set(_text(spaces, "fire_class_allowed"))
    }
    modes = _text(spaces, "mode_allowed")
    return _Arrays(
        c_ids=_text(candidates, "candidate_id"),
        c_div=np.array([division(c) or "" for c in _text(candidates, "industry_code")], object),
        c_min=_num(candidates, "need_area_min_m2"),
        c_max=_num(candidates, "need_area_max_m2"),
        c_height=_num(candidates, "need_height_m"),
        c_load=_num(candidates, "need_load_kn_m2"),
        c_crane=_num(candidates, "need_crane_t"),
        c_power=_num(candidates, "need_power_kva"),
        c_fire=np.array(
            [fire_index.get(f.strip(), -1) for f in _text(candidates, "fire_class")], dtype=int
        ),
        c_tax=_num(candidates, "expected_tax_wan"),
        c_jobs=_num(candidates, "expected_jobs"),
        s_ids=_text(spaces, "space_id"),
        s_gfa=_num(spaces, "gfa_m2"),
        s_height=_num(spaces, "clear_height_m"),
        s_load=_num(spaces, "floor_load_kn_m2"),
        s_crane=_num(spaces, "crane_t"),
        s_power=_num(spaces, "power_kva"),
        s_fire_mask=np.array(
            [masks[t] for t in _text(spaces, "fire_class_allowed")], dtype=np.int64
        ),
        s_upper=_num(spaces, "floor", 1.0) > 1,
        s_env=_text(spaces, "env_restrictions"),
        s_split=np.array([config.allow_split and m in config.split_modes for m in modes], bool),
        s_lead=_text(spaces, "leading_industry"),
        s_mu=_num(spaces, "parcel_mu", np.nan),
        s_tax=_num(spaces, "parcel_tax_wan"),
    )


def _lookup(rows: np.ndarray, cols: np.ndarray, table: Mapping[tuple[str, str], float], default):
    """A (len(rows), len(cols)) matrix of ``table[(row, col)]`` built from the distinct values."""
    ur, ri = np.unique(rows.astype(str), return_inverse=True)
    uc, ci = np.unique(cols.astype(str), return_inverse=True)
    small = np.array([[table.get((r, c), default) for c in uc] for r in ur])
    if small.size == 0:
        return np.zeros((len(rows), len(cols)), dtype=small.dtype)
    return small[ri][:, ci]


@dataclass
class _Matrix:
    feasible: np.ndarray  # (n_candidates, n_spaces) bool
    score: np.ndarray  # float, 0 where infeasible
    take: np.ndarray  # m² the candidate would take
    parts: dict[str, np.ndarray]  # per feasible pair, indexed through ``pair``
    first_fail: dict[str, np.ndarray]  # per filter: candidates / spaces left with none
    pair: np.ndarray  # (n_candidates, n_spaces) index into ``parts``, -1 if infeasible


def _matrix(a: _Arrays, config: ReuseConfig) -> _Matrix:
    nc, ns = len(a.c_ids), len(a.s_ids)
    whitelist = set(config.whitelist)
    ok_industry = np.array([d in whitelist for d in a.c_div], bool)[:, None] & np.ones(ns, bool)
    bans = {
        (d, env)
        for env in set(a.s_env)
        for key, divs in config.env_bans
        if key in env
        for d in divs
    }
    ok_env = ~_lookup(a.c_div, a.s_env, dict.fromkeys(bans, True), False).astype(bool)
    bit = np.where(a.c_fire >= 0, 1 << np.maximum(a.c_fire, 0), 0)
    ground_only = np.array(
        [f >= 0 and FIRE_CLASSES[f] in config.ground_floor_only_fire for f in a.c_fire], bool
    )
    ok_fire = ((bit[:, None] & a.s_fire_mask[None, :]) != 0) & ~(
        ground_only[:, None] & a.s_upper[None, :]
    )
    gfa = a.s_gfa[None, :]
    whole = (a.c_min[:, None] <= gfa) & (gfa <= a.c_max[:, None] * config.area_tolerance)
    unit = config.min_split_unit_m2
    cut = np.minimum(a.c_max[:, None], gfa - unit)
    can_cut = a.s_split[None, :] & (cut >= np.maximum(a.c_min[:, None], unit)) & ~whole
    ok_area = whole | can_cut
    take = np.where(whole, gfa, np.where(can_cut, cut, 0.0))
    checks = {
        "industry": ok_industry,
        "environment": ok_env,
        "fire": ok_fire,
        "area": ok_area,
        "height": a.s_height[None, :] >= a.c_height[:, None],
        "load": a.s_load[None, :] >= a.c_load[:, None],
        "crane": a.s_crane[None, :] >= a.c_crane[:, None],
        "power": a.s_power[None, :] >= a.c_power[:, None],
    }
    feasible = np.ones((nc, ns), bool)
    first_fail: dict[str, np.ndarray] = {}
    c_dead = np.zeros(nc, bool)
    s_dead = np.zeros(ns, bool)
    for name in FILTERS:
        feasible &= checks[name]
        c_now = ~feasible.any(axis=1)
        s_now = ~feasible.any(axis=0)
        first_fail["c_" + name] = c_now & ~c_dead
        first_fail["s_" + name] = s_now & ~s_dead
        c_dead, s_dead = c_now, s_now
    del checks

    # Soft score (domain.md §3.3).
    group_of = {d: name for name, divs in config.leading_industries for d in divs}
    fit_table = {
        (d, lead): (
            config.fit_leading
            if group_of.get(d) == lead
            else config.fit_related
            if d in group_of
            else config.fit_other
        )
        for d in set(a.c_div)
        for lead in set(a.s_lead)
    }
    # Only feasible pairs are scored (a few percent of them in a large pipeline).
    rows, cols = np.nonzero(feasible)
    d_values, d_index = np.unique(a.c_div.astype(str), return_inverse=True)
    l_values, l_index = np.unique(a.s_lead.astype(str), return_inverse=True)
    fit_small = np.array(
        [[fit_table.get((d, lead), config.fit_other) for lead in l_values] for d in d_values],
        dtype=float,
    ).reshape(len(d_values), len(l_values))
    pair_take = take[rows, cols]
    safe_take = np.where(pair_take > 0, pair_take, 1.0)
    need = (a.c_min + a.c_max)[rows] / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        tax_after = (a.s_tax[cols] + a.c_tax[rows]) / a.s_mu[cols]
    tax_after = np.where(np.isfinite(tax_after), tax_after, 0.0)
    jobs_density = a.c_jobs[rows] / safe_take * 1000
    parts = {
        "industry_fit": fit_small[d_index[rows], l_index[cols]] if len(rows) else np.zeros(0),
        "area_fit": np.clip(1 - np.abs(need - pair_take) / safe_take, 0.0, 1.0),
        "tax_norm": _minmax(tax_after),
        "jobs_norm": _minmax(jobs_density),
        "tax_per_mu_after": tax_after,
        "jobs_per_1000m2": jobs_density,
    }
    w = np.array([config.w_industry, config.w_area, config.w_tax, config.w_jobs], float)
    pair_score = sum(wk * parts[k] for wk, k in zip(w, SCORE_PARTS, strict=True)) / w.sum()
    score = np.zeros((nc, ns))
    score[rows, cols] = pair_score
    pair = np.full((nc, ns), -1, dtype=np.int32)
    pair[rows, cols] = np.arange(len(rows), dtype=np.int32)
    return _Matrix(feasible, score, take, parts, first_fail, pair)


def _minmax(values: np.ndarray) -> np.ndarray:
    """Min-max scaled to [0, 1] (all 1 when the values are all equal)."""
    if values.size == 0:
        return values.copy()
    lo, hi = float(values.min()), float(values.max())
    if hi - lo <= 1e-12:
        return np.ones_like(values)
    return np.clip((values - lo) / (hi - lo), 0.0, 1.0)


# --- assignment ------------------------------------------------------------------------------

#: Feasible pairs score at least this much, so the optimum never leaves one out for nothing.
MIN_SCORE = 1e-9


def assign(
    score: np.ndarray, feasible: np.ndarray, *, method: str = "optimal", seed: int = 0
) -> list[tuple[int, int]]:
    """(row, column) pairs: at most one per row and per column, feasible pairs only.

    ``optimal`` maximises the total score (:func:`scipy.optimize.linear_sum_assignment`
    on the negated scores, infeasible pairs worth 0 so they are never preferred);
    ``greedy`` takes the best remaining pair first. ``seed`` orders rows and columns
    before solving, which only decides between equal totals or equal scores.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    n_rows, n_cols = feasible.shape
    if n_rows == 0 or n_cols == 0 or not feasible.any():
        return []
    rng = np.random.default_rng(seed)
    row_order, col_order = rng.permutation(n_rows), rng.permutation(n_cols)
    weights = np.where(feasible, np.maximum(score, MIN_SCORE), 0.0)[row_order][:, col_order]
    if method == "optimal":
        rows, cols = linear_sum_assignment(weights, maximize=True)
        pairs = [(int(row_order[r]), int(col_order[c])) for r, c in zip(rows, cols, strict=True)]
        return sorted((r, c) for r, c in pairs if feasible[r, c])
    r_idx, c_idx = np.nonzero(weights > 0)
    values = weights[r_idx, c_idx]
    # Best score first; ties by the seeded order (stable sort keeps it).
    order = np.argsort(-values, kind="stable")
    used_r, used_c = np.zeros(n_rows, bool), np.zeros(n_cols, bool)
    pairs = []
    for k in order:
        r, c = r_idx[k], c_idx[k]
        if not used_r[r] and not used_c[c]:
            used_r[r] = used_c[c] = True
            pairs.append((int(row_order[r]), int(col_order[c])))
            if used_r.all() or used_c.all():
                break
    return sorted(pairs)


def total_score(score: np.ndarray, pairs: Iterable[tuple[int, int]]) -> float:
    """The sum of ``score`` over ``pairs``."""
    return float(sum(score[r, c] for r, c in pairs))


# --- the matching ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a candidate or a space stayed unmatched: a message key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        from gis.i18n import t

        params = dict(self.params)
        if params.get("field") in CANDIDATES.column_names:  # a column: its label in ``lang``
            params["field"] = CANDIDATES.column(params["field"]).label(lang)
        return t(self.key, lang, **params)


@dataclass(frozen=True)
class Matching:
    """Who goes where, and why the others do not.

    ``placements``: one row per candidate placed — ``candidate_id``, ``space_id``,
    ``parcel_code``, ``area_m2`` (taken), ``split`` (a part of the space), ``round``,
    ``score`` and its parts. ``unmatched_candidates`` / ``unmatched_spaces``: ``…_id``,
    ``reason`` (message key), ``params`` (dict) — and for spaces ``remaining_m2``.
    ``optimal_score`` and ``greedy_score`` are the first round's totals of both methods
    (the comparison); ``total_score`` is the sum over the placements actually made.
    """

    placements: pd.DataFrame
    unmatched_candidates: pd.DataFrame
    unmatched_spaces: pd.DataFrame
    method: str
    optimal_score: float
    greedy_score: float
    total_score: float
    feasible_pairs: int

    def reasons(self, lang: str = "zh") -> pd.DataFrame:
        """Both unmatched lists with the reason as text in ``lang``."""
        rows = [
            ("candidate", r.candidate_id, Reason(r.reason, r.params).text(lang))
            for r in self.unmatched_candidates.itertuples()
        ] + [
            ("space", r.space_id, Reason(r.reason, r.params).text(lang))
            for r in self.unmatched_spaces.itertuples()
        ]
        return pd.DataFrame(rows, columns=["kind", "id", "reason"])


PLACEMENT_COLUMNS = (
    "candidate_id",
    "space_id",
    "parcel_code",
    "area_m2",
    "split",
    "round",
    "score",
    *SCORE_PARTS,
    "tax_per_mu_after",
    "jobs_per_1000m2",
)


def match(
    spaces: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    config: ReuseConfig | None = None,
    seed: int = 0,
) -> Matching:
    """Match ``candidates`` to ``spaces`` (see the module docstring).

    ``spaces`` comes from :func:`prepare_spaces` (or has its columns: the vacant-space
    columns plus ``leading_industry``, ``parcel_mu``, ``parcel_tax_wan``); ``candidates``
    has the columns of :data:`gis.schema.CANDIDATES`.
    """
    config = (config or ReuseConfig()).validate()
    spaces = spaces.reset_index(drop=True)
    candidates = candidates.reset_index(drop=True)
    a = _arrays(spaces, candidates, config)
    m = _matrix(a, config)
    optimal = assign(m.score, m.feasible, method="optimal", seed=seed)
    greedy = assign(m.score, m.feasible, method="greedy", seed=seed)
    pairs = optimal if config.method == "optimal" else greedy

    placed: list[dict[str, Any]] = []
    remaining = a.s_gfa.copy()
    _record(placed, pairs, a, m, spaces, remaining, round_no=1)
    for round_no in range(2, config.max_rounds + 1):
        # Cut spaces: what is left (≥ the minimum unit) is offered again.
        left = [
            i
            for i in range(len(spaces))
            if a.s_split[i]
            and remaining[i] < a.s_gfa[i]
            and remaining[i] >= config.min_split_unit_m2
        ]
        free = sorted(set(range(len(candidates))) - {p["_c"] for p in placed})
        if not left or not free:
            break
        rounds_spaces = spaces.iloc[left].copy()
        rounds_spaces["gfa_m2"] = remaining[left]
        sub_c = candidates.iloc[free]
        sa = _arrays(rounds_spaces, sub_c, config)
        sm = _matrix(sa, config)
        sub_pairs = assign(sm.score, sm.feasible, method=config.method, seed=seed + round_no)
        if not sub_pairs:
            break
        before = len(placed)
        _record(placed, sub_pairs, sa, sm, rounds_spaces, remaining, round_no, free, left)
        if len(placed) == before:
            break

    placements = pd.DataFrame(
        [{k: p[k] for k in PLACEMENT_COLUMNS} for p in placed], columns=list(PLACEMENT_COLUMNS)
    )
    placed_c = {p["_c"] for p in placed}
    placed_s = {p["_s"] for p in placed}
    unmatched_c = [
        {
            "candidate_id": a.c_ids[i],
            **_candidate_reason(i, a, m, placed, config.area_tolerance),
        }
        for i in range(len(a.c_ids))
        if i not in placed_c
    ]
    unmatched_s = [
        {
            "space_id": a.s_ids[j],
            "remaining_m2": float(remaining[j]),
            **_space_reason(j, a, m, placed),
        }
        for j in range(len(a.s_ids))
        if j not in placed_s
    ]
    return Matching(
        placements=placements,
        unmatched_candidates=pd.DataFrame(
            unmatched_c, columns=["candidate_id", "reason", "params"]
        ),
        unmatched_spaces=pd.DataFrame(
            unmatched_s, columns=["space_id", "remaining_m2", "reason", "params"]
        ),
        method=config.method,
        optimal_score=total_score(m.score, optimal),
        greedy_score=total_score(m.score, greedy),
        total_score=float(placements["score"].sum()) if len(placements) else 0.0,
        feasible_pairs=int(m.feasible.sum()),
    )


def _record(
    placed: list[dict[str, Any]],
    pairs: list[tuple[int, int]],
    a: _Arrays,
    m: _Matrix,
    spaces: pd.DataFrame,
    remaining: np.ndarray,
    round_no: int,
    c_index: Sequence[int] | None = None,
    s_index: Sequence[int] | None = None,
) -> None:
    for r, c in pairs:
        ci = c_index[r] if c_index is not None else r
        sj = s_index[c] if s_index is not None else c
        take = float(m.take[r, c])
        remaining[sj] -= take
        placed.append(
            {
                "_c": ci,
                "_s": sj,
                "candidate_id": a.c_ids[r],
                "space_id": a.s_ids[c],
                "parcel_code": str(spaces.iloc[c]["parcel_code"]),
                "area_m2": take,
                "split": bool(take < a.s_gfa[c] or round_no > 1),
                "round": round_no,
                "score": float(m.score[r, c]),
                **{
                    k: float(m.parts[k][m.pair[r, c]])
                    for k in (*SCORE_PARTS, "tax_per_mu_after", "jobs_per_1000m2")
                },
            }
        )


def _filter_params(
    name: str, a: _Arrays, i: int | None = None, j: int | None = None, tolerance: float = 1.2
) -> dict:
    """Figures that make a filter reason concrete (the candidate's need, the spaces' range)."""
    if i is not None:
        params: dict[str, Any] = {
            "industry": str(a.c_div[i] or "?"),
            "area_min": round(float(a.c_min[i])),
            "area_max": round(float(a.c_max[i])),
            "largest": round(float(a.s_gfa.max())) if len(a.s_gfa) else 0,
            "smallest": round(float(a.s_gfa.min())) if len(a.s_gfa) else 0,
            "upper": round(float(a.c_max[i]) * tolerance),
            "height": float(a.c_height[i]),
            "load": float(a.c_load[i]),
            "crane": float(a.c_crane[i]),
            "power": float(a.c_power[i]),
            "fire": FIRE_CLASSES[a.c_fire[i]] if a.c_fire[i] >= 0 else "?",
        }
        keep = {
            "industry": ("industry",),
            "environment": ("industry",),
            "fire": ("fire",),
            "area": ("area_min", "area_max", "upper", "smallest", "largest"),
            "height": ("height",),
            "load": ("load",),
            "crane": ("crane",),
            "power": ("power",),
        }[name]
        return {k: params[k] for k in keep}
    assert j is not None
    return {"gfa": round(float(a.s_gfa[j]))} if name == "area" else {}


def _candidate_reason(
    i: int, a: _Arrays, m: _Matrix, placed: list[dict[str, Any]], tolerance: float
) -> dict[str, Any]:
    for name in FILTERS:
        if m.first_fail["c_" + name][i]:
            return {
                "reason": f"reuse_why_c_{name}",
                "params": _filter_params(name, a, i=i, tolerance=tolerance),
            }
    options = np.nonzero(m.feasible[i])[0]
    best = int(options[np.argmax(m.score[i, options])])
    taken_by = next((p["candidate_id"] for p in placed if p["_s"] == best), "—")
    return {
        "reason": "reuse_why_c_outscored",
        "params": {"n": len(options), "space": str(a.s_ids[best]), "other": str(taken_by)},
    }


def _space_reason(j: int, a: _Arrays, m: _Matrix, placed: list[dict[str, Any]]) -> dict[str, Any]:
    for name in FILTERS:
        if m.first_fail["s_" + name][j]:
            return {"reason": f"reuse_why_s_{name}", "params": _filter_params(name, a, j=j)}
    options = np.nonzero(m.feasible[:, j])[0]
    return {"reason": "reuse_why_s_elsewhere", "params": {"n": len(options)}}


# --- effects ---------------------------------------------------------------------------------


def parcel_effects(
    frames: Mapping[str, pd.DataFrame],
    placements: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    year: int | None = None,
) -> pd.DataFrame:
    """Per parcel receiving tenants: figures before and after, tenants merged into the parcel.

    Columns: ``parcel_code``, ``parcel_mu``, ``tenants``, ``area_m2``, ``tax_before`` /
    ``tax_after`` (万元), ``output_before`` / ``output_after`` (万元),
    ``tax_per_mu_before`` / ``_after`` and ``output_per_mu_before`` / ``_after``
    (万元/亩), ``jobs_added``, ``occupancy_before`` / ``_after`` (share of the parcel's
    floor area in use), ``revenue_before`` / ``revenue_after``.
    """
    columns = [
        "parcel_code",
        "parcel_mu",
        "tenants",
        "area_m2",
        "revenue_before",
        "revenue_after",
        "tax_before",
        "tax_after",
        "output_before",
        "output_after",
        "tax_per_mu_before",
        "tax_per_mu_after",
        "output_per_mu_before",
        "output_per_mu_after",
        "jobs_added",
        "occupancy_before",
        "occupancy_after",
    ]
    if placements.empty:
        return pd.DataFrame(columns=columns)
    wanted = ["expected_tax_wan", "expected_output_wan", "expected_revenue_wan", "expected_jobs"]
    cand = candidates.set_index("candidate_id")[wanted]
    joined = placements[["candidate_id", "parcel_code", "area_m2"]].join(cand, on="candidate_id")
    for col in ("expected_tax_wan", "expected_output_wan", "expected_revenue_wan", "expected_jobs"):
        joined[col] = pd.to_numeric(joined[col], errors="coerce").fillna(0.0)
    added = joined.groupby("parcel_code").agg(
        tenants=("candidate_id", "size"),
        area_m2=("area_m2", "sum"),
        tax=("expected_tax_wan", "sum"),
        output=("expected_output_wan", "sum"),
        revenue=("expected_revenue_wan", "sum"),
        jobs=("expected_jobs", "sum"),
    )
    before = parcel_figures(frames, year=year).reindex(added.index).fillna(0.0)
    parcels = frames["parcels"]
    mu = pd.Series(m2_to_mu(parcel_area_m2(parcels)).to_numpy(), index=parcels["code"])
    mu = mu.reindex(added.index)
    buildings = pd.DataFrame(frames["buildings"])
    floor = buildings.groupby("parcel_code")[["gfa_m2", "vacant_gfa_m2"]].sum()
    floor = floor.reindex(added.index).fillna(0.0)
    gfa = floor["gfa_m2"].where(floor["gfa_m2"] > 0)
    out = pd.DataFrame(
        {
            "parcel_mu": mu,
            "tenants": added["tenants"].astype(int),
            "area_m2": added["area_m2"],
            "revenue_before": before["revenue_wan"],
            "revenue_after": before["revenue_wan"] + added["revenue"],
            "tax_before": before["tax_wan"],
            "tax_after": before["tax_wan"] + added["tax"],
            "output_before": before["output_wan"],
            "output_after": before["output_wan"] + added["output"],
            "jobs_added": added["jobs"].astype(int),
            "occupancy_before": 1 - floor["vacant_gfa_m2"] / gfa,
            "occupancy_after": 1 - (floor["vacant_gfa_m2"] - added["area_m2"]).clip(lower=0) / gfa,
        }
    )
    out["tax_per_mu_before"] = out["tax_before"] / out["parcel_mu"]
    out["tax_per_mu_after"] = out["tax_after"] / out["parcel_mu"]
    out["output_per_mu_before"] = out["output_before"] / out["parcel_mu"]
    out["output_per_mu_after"] = out["output_after"] / out["parcel_mu"]
    return out.rename_axis("parcel_code").reset_index()[columns]


def park_totals(
    frames: Mapping[str, pd.DataFrame],
    placements: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    year: int | None = None,
) -> dict[str, float]:
    """Park-wide figures after the placements (domain.md §3.3 item 5).

    Deltas: ``firms_placed``, ``new_above_scale`` (tenants expecting revenue ≥ 2000万),
    ``delta_tax_wan``, ``delta_output_wan``, ``delta_revenue_wan``, ``jobs_added``,
    ``area_let_m2``. Levels: ``idle_before_m2`` / ``idle_after_m2`` (all vacant floor
    area of the park), ``park_tax_wan`` / ``park_output_wan`` (all firms, after) and
    ``park_tax_per_mu`` (after, over the land of parcels with firms or vacant space).
    """
    chosen = candidates.set_index("candidate_id").reindex(placements["candidate_id"])

    def total(col: str) -> float:
        return float(pd.to_numeric(chosen[col], errors="coerce").fillna(0).sum())

    revenue = pd.to_numeric(chosen["expected_revenue_wan"], errors="coerce").fillna(0.0)
    figures = parcel_figures(frames, year=year)
    idle = float(pd.to_numeric(frames["vacant_spaces"]["gfa_m2"], errors="coerce").sum())
    let = float(placements["area_m2"].sum()) if len(placements) else 0.0
    parcels = frames["parcels"]
    mu = pd.Series(m2_to_mu(parcel_area_m2(parcels)).to_numpy(), index=parcels["code"])
    in_use = set(figures.index) | set(frames["vacant_spaces"]["parcel_code"])
    land = float(mu[mu.index.isin(in_use)].sum())
    tax_after = float(figures["tax_wan"].sum()) + total("expected_tax_wan")
    return {
        "firms_placed": float(len(placements)),
        "new_above_scale": float((revenue >= ABOVE_SCALE_WAN).sum()),
        "delta_tax_wan": total("expected_tax_wan"),
        "delta_output_wan": total("expected_output_wan"),
        "delta_revenue_wan": float(revenue.sum()),
        "jobs_added": total("expected_jobs"),
        "area_let_m2": let,
        "idle_before_m2": idle,
        "idle_after_m2": idle - let,
        "park_tax_wan": tax_after,
        "park_output_wan": float(figures["output_wan"].sum()) + total("expected_output_wan"),
        "park_tax_per_mu": tax_after / land if land else 0.0,
    }


# --- classes and key supervision (the one place that uses gis.efficiency) --------------------

#: Figures a tenant brings that the pipeline does not record are estimated from the
#: evaluated firms of its division (the park's when the division has none): ratio → median.
_INTENSITIES = {
    "value_added_wan": "revenue_wan",
    "energy_tce": "revenue_wan",
    "emission_t": "value_added_wan",
    "rd_wan": "revenue_wan",
    "kwh": "revenue_wan",
}


def predict_parcels(
    frames: Mapping[str, pd.DataFrame],
    placements: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    year: int | None = None,
    efficiency_config: Any = None,
) -> pd.DataFrame:
    """Per parcel receiving tenants: the 亩均 class and key-supervision flags before and after.

    Tenants merge into the parcel (遂昌 [S5]): the parcel's firms and its new tenants are
    scored as one firm on the parcel's land, with :func:`gis.efficiency.score_of` against
    the benchmarks of the current evaluation of ``year``, and classed with
    :func:`gis.efficiency.predict_class` against its cut-offs. A tenant's revenue, tax
    and jobs are its expected figures; value added, energy, emissions, R&D and power are
    estimated at the median intensity of evaluated firms of its division (else the park).
    KS-1 compares with the park's medians. Columns: ``parcel_code``, ``score_before`` /
    ``score_after``, ``class_before`` / ``class_after`` (None when not graded),
    ``ks_before`` / ``ks_after`` (e.g. ``"KS2,KS3"``), ``ks_cleared``.
    """
    columns = [
        "parcel_code",
        "score_before",
        "score_after",
        "class_before",
        "class_after",
        "ks_before",
        "ks_after",
        "ks_cleared",
    ]
    if placements.empty:
        return pd.DataFrame(columns=columns)
    year = figures_year(frames["enterprise_years"]) if year is None else year
    if year is None:
        # No yearly figures yet: nothing to grade against, so no class and no KS flag.
        codes = sorted(placements["parcel_code"].astype(str).unique())
        ungraded = {"score_before": np.nan, "score_after": np.nan}
        ungraded |= {"class_before": None, "class_after": None}
        ungraded |= {"ks_before": "", "ks_after": "", "ks_cleared": ""}
        return pd.DataFrame([{"parcel_code": c, **ungraded} for c in codes], columns=columns)
    config = efficiency_config or efficiency.EfficiencyConfig()
    ev = efficiency.evaluate(
        frames["enterprises"],
        frames["enterprise_years"],
        year=year,
        config=config,
        adjustments=frames.get("evaluation_adjustments"),
    )
    done = ev[ev["evaluated"].astype(bool)].copy()
    done["division"] = done["industry_code"].map(division)
    medians: dict[str, pd.Series] = {}
    for figure, base in _INTENSITIES.items():
        ratio = done[figure] / done[base].where(done[base] > 0)
        medians[figure] = ratio.groupby(done["division"]).median()
        medians[figure]["*"] = ratio.median()
    users = done[done["kwh"] >= config.ks1_min_kwh]
    park_tax_kwh = users["tax_per_kwh"].median()
    park_sales_kwh = users["sales_per_kwh"].median()

    parcels = frames["parcels"]
    mu = pd.Series(m2_to_mu(parcel_area_m2(parcels)).to_numpy(), index=parcels["code"])
    cand = candidates.set_index("candidate_id")
    rows = []
    for code, group in placements.groupby("parcel_code", sort=True):
        firms = ev[ev["parcel_code"] == code]
        base = {f: float(firms[f].fillna(0).sum()) for f in efficiency.FIGURES}
        if firms["emission_t"].notna().sum() == 0:
            base["emission_t"] = np.nan
        after = dict(base)
        for cid in group["candidate_id"]:
            c = cand.loc[cid]
            revenue = _float(c.get("expected_revenue_wan"))
            tenant = {
                "revenue_wan": revenue,
                "tax_wan": _float(c.get("expected_tax_wan")),
                "employees": _float(c.get("expected_jobs")),
            }
            div = division(c.get("industry_code")) or "*"
            for figure, basis in _INTENSITIES.items():
                table = medians[figure]
                r = table.get(div, np.nan)
                r = table["*"] if not is_finite(r) else r
                tenant[figure] = (tenant.get(basis, np.nan) if basis in tenant else np.nan) * r
            tenant["emission_t"] = tenant["value_added_wan"] * (
                medians["emission_t"].get(div, medians["emission_t"]["*"])
            )
            for figure, value in tenant.items():
                # A figure the parcel's firms do not report stays unreported (the
                # evaluation imputes it), rather than becoming the tenant's alone.
                if is_finite(value) and (is_finite(after[figure]) or firms.empty):
                    after[figure] = (after[figure] if is_finite(after[figure]) else 0.0) + value
        years = firms["years_producing"].max() if len(firms) else np.nan
        above_now = (
            bool(firms["above_scale"].any())
            or base["revenue_wan"] >= config.above_scale_revenue_wan
        )
        above_after = above_now or after["revenue_wan"] >= config.above_scale_revenue_wan
        s_before, c_before, k_before = _merged_grade(
            base,
            float(mu[code]),
            above_now,
            years,
            len(firms) > 0,
            ev,
            config,
            (park_tax_kwh, park_sales_kwh),
        )
        s_after, c_after, k_after = _merged_grade(
            after,
            float(mu[code]),
            above_after,
            years if len(firms) else 0.0,
            True,
            ev,
            config,
            (park_tax_kwh, park_sales_kwh),
        )
        rows.append(
            {
                "parcel_code": code,
                "score_before": s_before,
                "score_after": s_after,
                "class_before": c_before,
                "class_after": c_after,
                "ks_before": ",".join(k_before),
                "ks_after": ",".join(k_after),
                "ks_cleared": ",".join(k for k in k_before if k not in k_after),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _merged_grade(
    figures: Mapping[str, float],
    land_mu: float,
    above: bool,
    years: float,
    producing: bool,
    ev: pd.DataFrame,
    config: Any,
    park_kwh: tuple[float, float],
) -> tuple[float | None, str | None, list[str]]:
    """(score, class, KS flags) of a parcel's merged figures."""
    if not producing or not figures["revenue_wan"] > 0:
        return None, None, []
    f = figures

    def ratio(num: float, den: float, scale: float = 1.0) -> float:
        return num * scale / den if is_finite(num) and is_finite(den) and den > 0 else np.nan

    indicators = {
        "tax_per_mu": ratio(f["tax_wan"], land_mu),
        "va_per_mu": ratio(f["value_added_wan"], land_mu),
        "va_per_energy": ratio(f["value_added_wan"], f["energy_tce"]),
        "va_per_emission": ratio(f["value_added_wan"], f["emission_t"]),
        "labour_productivity": ratio(f["value_added_wan"], f["employees"]),
        "rd_ratio": ratio(f["rd_wan"], f["revenue_wan"], 100.0),
        "tax_per_kwh": ratio(f["tax_wan"], f["kwh"], 10_000.0),
        "sales_per_kwh": ratio(f["revenue_wan"], f["kwh"], 10_000.0),
    }
    score, grade = None, None
    try:
        bench = efficiency.benchmarks_of(ev, above_scale=above, config=config)
        value = efficiency.score_of(indicators, above_scale=above, benchmarks=bench, config=config)
        if is_finite(value):
            score = float(value)
            grade = efficiency.predict_class(score, above_scale=above, evaluation=ev, config=config)
    except ValidationError:
        pass  # no firm of that group to compare with: not graded
    flags = []
    seasoned = is_finite(years) and years >= config.min_years_ks13
    tax_kwh, sales_kwh = park_kwh
    if (
        seasoned
        and is_finite(f["kwh"])
        and f["kwh"] >= config.ks1_min_kwh
        and (
            (is_finite(tax_kwh) and indicators["tax_per_kwh"] < config.ks1_alpha * tax_kwh)
            or (is_finite(sales_kwh) and indicators["sales_per_kwh"] < config.ks1_alpha * sales_kwh)
        )
    ):
        flags.append("KS1")
    if (
        land_mu >= config.ks2_min_land_mu
        and is_finite(years)
        and years >= config.ks2_min_years
        and not above
    ):
        flags.append("KS2")
    if seasoned and indicators["tax_per_mu"] <= config.ks3_max_tax_per_mu + 1e-9:
        flags.append("KS3")
    return score, grade, [k for k in flags if k in config.ks_rules]


# --- a whole run ---------------------------------------------------------------------------

#: Targets a reuse scenario moves (gis.sample TARGETS ids) → the park total that adds to them.
TARGET_DELTAS = {"FIRMS_IN_PRODUCTION": "firms_placed", "NEW_ABOVE_SCALE_FIRMS": "new_above_scale"}


@dataclass(frozen=True)
class ScenarioRun:
    """One run: its inputs, the matching, the per-parcel effects and the park totals."""

    inputs: dict[str, Any]
    matching: Matching
    parcels: pd.DataFrame
    totals: dict[str, float]

    def results(self) -> dict[str, Any]:
        """The run's results as JSON-ready data (what a saved scenario stores)."""
        m = self.matching
        return _jsonable(
            {
                "placements": m.placements.to_dict(orient="records"),
                "unmatched_candidates": m.unmatched_candidates.to_dict(orient="records"),
                "unmatched_spaces": m.unmatched_spaces.to_dict(orient="records"),
                "parcels": self.parcels.to_dict(orient="records"),
                "totals": self.totals,
                "scores": {
                    "method": m.method,
                    "optimal": m.optimal_score,
                    "greedy": m.greedy_score,
                    "total": m.total_score,
                    "feasible_pairs": m.feasible_pairs,
                },
            }
        )


def run_scenario(
    frames: Mapping[str, pd.DataFrame],
    *,
    space_ids: Sequence[str] | None = None,
    candidate_ids: Sequence[str] | None = None,
    config: ReuseConfig | None = None,
    seed: int = 0,
    year: int | None = None,
    candidates: pd.DataFrame | None = None,
    spaces: pd.DataFrame | None = None,
) -> ScenarioRun:
    """Match, then compute the effects: the one call a page or a notebook needs.

    ``space_ids`` / ``candidate_ids`` select rows (None: all); ``candidates`` and
    ``spaces`` override the store's tables (a saved scenario passes its snapshots, so a
    re-run sees exactly the inputs it was saved with). ``year`` is the evaluation year
    of the enterprises' figures (default: the latest; None while the store has none — the
    matching still runs, the parcels' current figures count as 0 and nothing is graded).
    """
    config = (config or ReuseConfig()).validate()
    year = figures_year(frames["enterprise_years"]) if year is None else int(year)
    all_spaces = prepare_spaces(frames, year=year) if spaces is None else spaces
    all_cands = pd.DataFrame(frames["candidates"]) if candidates is None else candidates
    chosen_s = _select(all_spaces, "space_id", space_ids)
    chosen_c = _select(all_cands, "candidate_id", candidate_ids)
    matching = match(chosen_s, chosen_c, config=config, seed=seed)
    effects = parcel_effects(frames, matching.placements, chosen_c, year=year)
    grades = predict_parcels(frames, matching.placements, chosen_c, year=year)
    parcels = effects.merge(grades, on="parcel_code", how="left") if len(effects) else effects
    totals = park_totals(frames, matching.placements, chosen_c, year=year)
    rank = {"A": 4, "B": 3, "C": 2, "D": 1}
    if len(parcels):
        up = [
            rank.get(str(a), 0) > rank.get(str(b), 0)
            for a, b in zip(parcels["class_after"], parcels["class_before"], strict=True)
        ]
        totals["classes_up"] = float(sum(up))
        totals["ks_cleared"] = float((parcels["ks_cleared"].fillna("") != "").sum())
        totals["tax_per_mu_before"] = float(
            parcels["tax_before"].sum() / parcels["parcel_mu"].sum()
        )
        totals["tax_per_mu_after"] = float(parcels["tax_after"].sum() / parcels["parcel_mu"].sum())
    else:
        totals.update(classes_up=0.0, ks_cleared=0.0, tax_per_mu_before=0.0, tax_per_mu_after=0.0)
    totals["total_score"] = matching.total_score
    inputs = _jsonable(
        {
            "space_ids": list(chosen_s["space_id"].astype(str)),
            "candidate_ids": list(chosen_c["candidate_id"].astype(str)),
            "config": config.to_dict(),
            "seed": int(seed),
            "year": year,
            "spaces": _records(chosen_s),
            "candidates": _records(chosen_c),
        }
    )
    return ScenarioRun(inputs, matching, parcels, totals)


def rerun(frames: Mapping[str, pd.DataFrame], inputs: Mapping[str, Any]) -> ScenarioRun:
    """Run again from saved ``inputs`` (see :attr:`ScenarioRun.inputs`)."""
    return run_scenario(
        frames,
        config=ReuseConfig.from_dict(inputs["config"]),
        seed=int(inputs["seed"]),
        year=inputs.get("year"),
        spaces=pd.DataFrame(inputs["spaces"], columns=_snapshot_columns(inputs["spaces"])),
        candidates=pd.DataFrame(
            inputs["candidates"], columns=_snapshot_columns(inputs["candidates"])
        ),
    )


def target_progress(
    frames: Mapping[str, pd.DataFrame],
    totals: Mapping[str, float],
    *,
    placements: pd.DataFrame | None = None,
    as_of: date | None = None,
) -> pd.DataFrame:
    """Progress towards the targets a scenario moves: value now, after, and the target.

    "Now" is :func:`gis.targets.progress` on ``as_of`` (default: the last day of the
    latest target year), so it reads as on the targets page. "After" adds the scenario:
    for ``FIRMS_IN_PRODUCTION`` the placed firms on parcels the target counts (万洋:
    :func:`gis.targets.counted_parcels`; all placements when ``placements`` is not
    given), for ``NEW_ABOVE_SCALE_FIRMS`` the placed firms expecting ≥ 2000万.
    Columns: ``target_id``, ``label_zh``, ``label_en``, ``unit``, ``target``, ``now``,
    ``after``, ``share_after``.
    """
    columns = ["target_id", "label_zh", "label_en", "unit", "target", "now", "after", "share_after"]
    years = pd.to_numeric(frames["targets"]["year"], errors="coerce").dropna().astype(int)
    if years.empty:
        return pd.DataFrame(columns=columns)
    if as_of is None:
        as_of = date(int(years.max()), 12, 31)
    year = as_of.year if as_of.year in set(years) else int(years.max())
    progress = target_rules.progress(frames, year=year, as_of=as_of).set_index("target_id")
    deltas = {key: float(totals.get(key, 0.0)) for key in TARGET_DELTAS.values()}
    scope = target_rules.counted_parcels(frames, "FIRMS_IN_PRODUCTION")
    if placements is not None and scope is not None:
        deltas["firms_placed"] = float(placements["parcel_code"].astype(str).isin(scope).sum())
    rows = []
    for target_id, delta_key in TARGET_DELTAS.items():
        if target_id not in progress.index:
            continue
        t = progress.loc[target_id]
        goal = float(t["target_value"])
        now = float(t["value"])
        after = now + deltas[delta_key]
        rows.append(
            {
                "target_id": target_id,
                "label_zh": t["label_zh"],
                "label_en": t["label_en"],
                "unit": t["unit"],
                "target": goal,
                "now": now,
                "after": after,
                "share_after": after / goal if goal else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _select(frame: pd.DataFrame, key: str, ids: Sequence[str] | None) -> pd.DataFrame:
    if ids is None:
        return frame.reset_index(drop=True)
    wanted = [str(i) for i in ids]
    return frame[frame[key].astype(str).isin(wanted)].reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    plain = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    plain = plain.astype(object).where(plain.notna(), None)
    return plain.to_dict(orient="records")


def _snapshot_columns(records: list[dict[str, Any]]) -> list[str]:
    return list(records[0]) if records else []


# --- validation of the candidate pipeline ----------------------------------------------------

REQUIRED_FIELDS = (
    "candidate_id",
    "name",
    "industry_code",
    "need_area_min_m2",
    "need_area_max_m2",
    "fire_class",
)
NUMERIC_FIELDS = tuple(c.name for c in CANDIDATES.columns if c.dtype in ("float", "int"))


@dataclass(frozen=True)
class RowIssue:
    """The problems of one row: ``row`` is the spreadsheet row (header = 1)."""

    row: int
    candidate_id: str
    problems: tuple[Reason, ...]

    def text(self, lang: str = "zh") -> str:
        from gis.i18n import t

        joined = "；" if lang == "zh" else "; "
        return t(
            "reuse_row_issue",
            lang,
            row=self.row,
            id=self.candidate_id or "—",
            problems=joined.join(p.text(lang) for p in self.problems),
        )


def candidate_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with headers mapped to the schema's column names.

    Accepts the names themselves, the Chinese or English labels, and labels with their
    unit as :func:`gis.excel.labelled_columns` writes them (``需求面积下限(m²)``).
    """
    names: dict[str, str] = {}
    for c in CANDIDATES.columns:
        for label in (c.name, c.label_zh, c.label_en):
            names[label.strip().lower()] = c.name
            if c.unit:
                names[f"{label}({c.unit})".lower()] = c.name
                names[f"{label} ({c.unit})".lower()] = c.name
    return frame.rename(columns=lambda h: names.get(str(h).strip().lower(), str(h)))


def validate_candidates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Check every row of a candidate table; return it cleaned, and the rows' problems.

    Required: :data:`REQUIRED_FIELDS`. Numbers must parse and not be negative, the
    minimum area need not exceed the maximum, the industry must be a GB/T 4754
    manufacturing division (``C13``–``C43``, 3- or 4-digit classes accepted), the fire
    class one of 甲乙丙丁戊, the ID unique. The cleaned frame has exactly the schema's
    columns, numbers as floats (jobs as ints) and the division as ``industry_code``.
    """
    frame = candidate_columns(pd.DataFrame(frame)).reset_index(drop=True)
    missing_cols = [c for c in REQUIRED_FIELDS if c not in frame.columns]
    if missing_cols:
        raise ValidationError("reuse_missing_columns", columns=", ".join(missing_cols))
    clean = pd.DataFrame({c: frame[c] if c in frame else None for c in CANDIDATES.column_names})
    issues: list[RowIssue] = []
    ids = frame["candidate_id"].map(_blank_to_none)
    duplicated = ids.notna() & ids.astype(str).duplicated(keep=False)
    for i in range(len(frame)):
        problems: list[Reason] = []
        row = frame.iloc[i]
        for col in REQUIRED_FIELDS:
            if _blank_to_none(row[col]) is None:
                problems.append(Reason("reuse_v_missing", {"field": col}))
        numbers: dict[str, float | None] = {}
        for col in NUMERIC_FIELDS:
            raw = _blank_to_none(row[col]) if col in frame.columns else None
            if raw is None:
                numbers[col] = None
                continue
            value = pd.to_numeric(str(raw).replace(",", "").strip(), errors="coerce")
            if not is_finite(value):
                problems.append(Reason("reuse_v_not_number", {"field": col, "value": str(raw)}))
                numbers[col] = None
            elif value < 0:
                problems.append(Reason("reuse_v_negative", {"field": col, "value": f"{value:g}"}))
                numbers[col] = None
            else:
                numbers[col] = float(value)
        lo, hi = numbers.get("need_area_min_m2"), numbers.get("need_area_max_m2")
        if lo is not None and hi is not None and lo > hi:
            problems.append(Reason("reuse_v_min_gt_max", {"lo": f"{lo:g}", "hi": f"{hi:g}"}))
        code = _blank_to_none(row["industry_code"])
        if code is not None and division(code) is None:
            problems.append(Reason("reuse_v_industry", {"value": str(code)}))
        fire = _blank_to_none(row["fire_class"])
        if fire is not None and (
            len(str(fire).strip()) != 1 or str(fire).strip() not in FIRE_CLASSES
        ):
            problems.append(Reason("reuse_v_fire", {"value": str(fire)}))
        if duplicated.iloc[i]:
            problems.append(Reason("reuse_v_duplicate", {"value": str(ids.iloc[i])}))
        if problems:
            issues.append(
                RowIssue(i + 2, "" if ids.iloc[i] is None else str(ids.iloc[i]), tuple(problems))
            )
            continue
        for col, value in numbers.items():
            clean.at[i, col] = value
        clean.at[i, "industry_code"] = division(code)
        clean.at[i, "fire_class"] = str(fire).strip()
        for col in ("candidate_id", "name", "stage"):
            value = _blank_to_none(row[col]) if col in frame.columns else None
            clean.at[i, col] = None if value is None else str(value).strip()
    if not issues:
        for col in NUMERIC_FIELDS:
            clean[col] = pd.to_numeric(clean[col], errors="coerce").astype(float)
        clean["expected_jobs"] = clean["expected_jobs"].round().astype("Int64")
    return clean, issues


def save_candidates(
    store: Any, frame: pd.DataFrame, *, actor: Actor, expected_version: int | None = None
) -> int:
    """Validate ``frame`` and replace the store's candidate table in one transaction.

    Nothing is written unless every row is valid: :class:`ValidationError`
    ``reuse_candidates_invalid`` carries the issues in ``params['issues']``. Needs
    ``edit_candidates``. Returns the new data version.
    """
    audit = guard.permit(store, actor, "edit_candidates", "save_candidates", target="candidates")
    clean, issues = validate_candidates(frame)

    def change(_: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        if issues:
            raise ValidationError("reuse_candidates_invalid", n=len(issues), issues=issues)
        return {"candidates": clean}

    return store.transaction(["candidates"], change, expected_version=expected_version, audit=audit)


def _blank_to_none(value: Any) -> Any:
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    return value


# --- helpers ---------------------------------------------------------------------------------


def _float(value: Any) -> float:
    number = pd.to_numeric(value, errors="coerce")
    return float(number) if is_finite(number) else 0.0


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _tupled(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value


__all__ = [
    "FILTERS",
    "GBT4754_DIVISIONS",
    "LEADING_INDUSTRIES",
    "Matching",
    "Reason",
    "ReuseConfig",
    "RowIssue",
    "ScenarioRun",
    "assign",
    "candidate_columns",
    "division",
    "match",
    "parcel_effects",
    "parcel_figures",
    "park_totals",
    "predict_parcels",
    "prepare_spaces",
    "rerun",
    "run_scenario",
    "save_candidates",
    "target_progress",
    "total_score",
    "validate_candidates",
]
