"""The candidate × space matrix: the hard filters and the soft score of every pair,
vectorised, and the reason a candidate or a space found no feasible pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gis.reuse.config import FILTERS, FIRE_CLASSES, SCORE_PARTS, ReuseConfig, division


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
