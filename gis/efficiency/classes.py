"""Classes A–D: a score's class, the cut-offs of a year, a predicted class for a new
score, and the counts of firms and parcels by class.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gis._errors import ValidationError
from gis.efficiency.config import CLASSES, EfficiencyConfig
from gis.values import is_finite


def _class_of(score: float, percentile: float, config: EfficiencyConfig) -> str:
    if config.class_mode == "absolute":
        bounds, value, higher_is_better = config.absolute_thresholds, score, True
    else:
        bounds, value, higher_is_better = config.percentile_cuts, percentile, False
    for code, bound in zip(CLASSES[:3], bounds, strict=True):
        if (value >= bound) if higher_is_better else (value <= bound + 1e-12):
            return code
    return "D"


def class_cutoffs(
    evaluation: pd.DataFrame,
    *,
    above_scale: bool,
    config: EfficiencyConfig = EfficiencyConfig(),
) -> tuple[float, float, float]:
    """Lowest scores that reach A, B and C in one group of an evaluation.

    Absolute mode: the thresholds. Percentile mode: the lowest score among the group's
    graded firms whose class by rank (``class_computed``, before any override) is that
    class or better (``inf`` when no firm reached it). Overrides do not move the cut-offs:
    a NOT_GRADED firm is managed as B whatever its score, a FORCE_D firm is D whatever its
    rank.
    """
    if config.class_mode == "absolute":
        return config.absolute_thresholds
    members = evaluation[_graded(evaluation) & (evaluation["above_scale"] == above_scale)]
    by_rank = members["class_computed"] if "class_computed" in members else members["class_code"]
    cuts = []
    for i in range(3):
        better = members[by_rank.isin(CLASSES[: i + 1])]["score"]
        cuts.append(float(better.min()) if len(better) else math.inf)
    return cuts[0], cuts[1], cuts[2]


def _graded(evaluation: pd.DataFrame) -> pd.Series:
    """The firms that were ranked (evaluated and not NOT_GRADED)."""
    column = "graded" if "graded" in evaluation else "evaluated"
    return evaluation[column].fillna(False).astype(bool)


def predict_class(
    score: float,
    *,
    above_scale: bool,
    evaluation: pd.DataFrame,
    config: EfficiencyConfig = EfficiencyConfig(),
) -> str:
    """The class a new ``score`` would get against an existing evaluation's cut-offs.

    The evaluation's firms keep their classes: a score at or above the lowest A score of
    its group (规上 or 规下) is A, and so on (see :func:`class_cutoffs`); in absolute mode
    the thresholds decide. A group that no firm was evaluated in cannot rank a score:
    :class:`ValidationError` ``efficiency_no_reference``.
    """
    if not is_finite(score):
        raise ValidationError("efficiency_param_negative", name="score", value=score)
    if config.class_mode == "percentile":
        members = _graded(evaluation) & (evaluation["above_scale"] == above_scale)
        if not members.any():
            raise ValidationError("efficiency_no_reference", above_scale=above_scale)
    for code, cut in zip(
        CLASSES[:3], class_cutoffs(evaluation, above_scale=above_scale, config=config), strict=True
    ):
        if score >= cut:
            return code
    return "D"


def class_counts(evaluation: pd.DataFrame) -> pd.DataFrame:
    """Firms per class and group: rows A–D, columns ``above`` and ``below``."""
    done = evaluation[evaluation["evaluated"].astype(bool)]
    table = pd.DataFrame(index=list(CLASSES))
    for above, name in ((True, "above"), (False, "below")):
        counts = done[done["above_scale"] == above]["class_code"].value_counts()
        table[name] = [int(counts.get(c, 0)) for c in CLASSES]
    return table


def parcel_classes(evaluation: pd.DataFrame) -> pd.DataFrame:
    """One row per parcel with a graded firm: the parcel's class is its **main firm's**.

    The main firm is the evaluated firm with the most land on the parcel (an owner
    before a tenant on a tie, then the better score). Columns: ``parcel_code``,
    ``class_code`` (the main firm's final class, overrides applied), ``main_firm``,
    ``score``, ``graded`` (False when the main firm is evaluated but not graded — shown as
    B — and when there is no main firm), ``firms`` (every firm on the parcel with its
    class, '、'-joined), ``key_supervision`` (any firm on the parcel flagged),
    ``ks_firms`` (the flagged firms).
    """
    ev = evaluation.dropna(subset=["parcel_code"])
    rows = []
    for code, firms in ev.groupby("parcel_code", sort=True):
        graded = firms[firms["evaluated"].astype(bool)]
        flagged = firms[firms["key_supervision"].astype(bool)]
        if graded.empty and flagged.empty:
            continue
        main = None
        if len(graded):
            main = (
                graded.assign(_owner=~graded["tenant"].astype(bool))
                .sort_values(["land_mu", "_owner", "score"], ascending=False, kind="stable")
                .iloc[0]
            )
        rows.append(
            {
                "parcel_code": code,
                "class_code": None if main is None else main["class_code"],
                "main_firm": None if main is None else main["name"],
                "score": np.nan if main is None else float(main["score"]),
                "graded": False if main is None else bool(main.get("graded", True)),
                "firms": "、".join(
                    f"{r['name']}({r['class_code']})" if r["evaluated"] else str(r["name"])
                    for _, r in firms.iterrows()
                ),
                "key_supervision": bool(len(flagged)),
                "ks_firms": "、".join(flagged["name"].astype(str)),
            }
        )
    columns = [
        "parcel_code",
        "class_code",
        "main_firm",
        "score",
        "graded",
        "firms",
        "key_supervision",
        "ks_firms",
    ]
    return pd.DataFrame(rows, columns=columns)
