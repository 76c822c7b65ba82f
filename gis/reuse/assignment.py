"""The assignment: one candidate per space, optimal for the total score
(``linear_sum_assignment``) with greedy beside it, split spaces offered again, and the
:class:`Matching` it returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from gis.reuse.config import METHODS, SCORE_PARTS, Reason, ReuseConfig
from gis.reuse.matrix import _Arrays, _arrays, _candidate_reason, _Matrix, _matrix, _space_reason

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
