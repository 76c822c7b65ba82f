"""亩均论英雄: per-mu efficiency evaluation, classes A–D, key supervision and 小升规.

Everything follows domain.md §1 and every number is configuration
(:class:`EfficiencyConfig`, stored in the ``settings`` layer as JSON under
:data:`SETTINGS_KEY`):

- **Who is evaluated** (§1.2). A firm is evaluated in year ``Y`` when it was producing by
  31 December of ``Y``, has a row of figures for ``Y``, is 规上 (above designated size) or
  holds at least ``min_land_mu_small`` mu (3, inclusive), and has every figure its
  weighted indicators need. Otherwise it is listed with an ``exclusion_reason`` — it is
  never silently scored as zero. Firms that moved in later and report figures from their
  old site (the sample's two revitalisation firms) are therefore excluded as not yet
  producing.
- **Indicators** (§1.3): ``tax_per_mu`` and ``va_per_mu`` (万元/亩), ``va_per_energy``
  (万元/吨标煤), ``va_per_emission`` (万元/吨), ``labour_productivity`` (万元/人),
  ``rd_ratio`` (% of main revenue: 黄岩's 0.0302 is 3.02 here), ``tax_per_kwh`` and
  ``sales_per_kwh`` (元/kWh). Land is the firm's own ``land_mu`` (the certificate area;
  a tenant's share of its parcel, pro rata to the floor space it uses).
- **Score** (§1.4): ``Σ w_k · min(x_k / b_k, cap)`` over the group's indicators; 规上 firms
  on six indicators (黄岩 weights 30/20/20/10/10/10), 规下 firms on tax per mu and tax per
  kWh (50/50). A benchmark ``b_k`` left empty is the mean over the group's evaluated
  firms, so an average firm scores about 100. A 规上 firm without emission figures gets
  the mean of the other 规上 firms' emission terms (黄岩's rule).
- **Classes** (§1.5): by percentile of the rank within the group (规上 and 规下 ranked
  separately; A = top 25 % inclusive, B to 70 %, C to 95 %, D the rest) or by absolute
  score thresholds.
- **Adjustments** (§1.4, §1.5; the ``evaluation_adjustments`` layer): 加分 and 减分 move
  the score (``score = base_score + bonus − deduction``, within the configured caps, each
  row backed by a documented reason); an override ``FORCE_D`` (e.g. a serious safety or
  environmental accident, a banned process) makes the class D while the firm is ranked as
  usual; ``NOT_GRADED`` (公益性 firms, start-ups, firms building a major project) keeps the
  firm evaluated but out of the ranking, managed as class B [S9].
- **Key supervision** (§1.7): KS-1 power out of line with tax or sales, KS-2 large, long
  in production and still below size, KS-3 low tax per mu; combined with ``any`` or
  ``all``. Boundaries follow Chinese drafting: 以上/以下 include the number.
- **小升规 pool** (§1.8): 规下 firms with revenue in [1000, 2000) 万元 and growth ≥ 15 %.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from gis import guard
from gis._errors import ValidationError
from gis.access import Actor
from gis.lifecycle import add_years, safe_date
from gis.store import utc_now
from gis.values import is_finite, is_missing

#: The ``settings`` row that holds the configuration (JSON of :meth:`EfficiencyConfig.to_dict`).
SETTINGS_KEY = "efficiency_config"

#: Indicators of 规上 and 规下 firms, in display order.
ABOVE_INDICATORS = (
    "tax_per_mu",
    "va_per_mu",
    "va_per_energy",
    "va_per_emission",
    "labour_productivity",
    "rd_ratio",
)
BELOW_INDICATORS = ("tax_per_mu", "tax_per_kwh")
#: Every indicator the evaluation computes (``sales_per_kwh`` is used by KS-1 only).
INDICATORS = (*ABOVE_INDICATORS, "tax_per_kwh", "sales_per_kwh")
#: Units of the indicators, for tables and exports.
INDICATOR_UNITS = {
    "tax_per_mu": "万元/亩",
    "va_per_mu": "万元/亩",
    "va_per_energy": "万元/吨标煤",
    "va_per_emission": "万元/吨",
    "labour_productivity": "万元/人",
    "rd_ratio": "%",
    "tax_per_kwh": "元/kWh",
    "sales_per_kwh": "元/kWh",
}
#: The figures (columns of ``enterprise_years``, or ``land_mu``) each indicator divides.
_NEEDS = {
    "tax_per_mu": ("tax_wan", "land_mu"),
    "va_per_mu": ("value_added_wan", "land_mu"),
    "va_per_energy": ("value_added_wan", "energy_tce"),
    "va_per_emission": ("value_added_wan", "emission_t"),
    "labour_productivity": ("value_added_wan", "employees"),
    "rd_ratio": ("rd_wan", "revenue_wan"),
    "tax_per_kwh": ("tax_wan", "kwh"),
}
#: Figures that must be positive to divide by (a numerator may be zero).
_DIVISORS = {"land_mu", "energy_tce", "emission_t", "employees", "revenue_wan", "kwh"}
FIGURES = (
    "revenue_wan",
    "value_added_wan",
    "tax_wan",
    "energy_tce",
    "emission_t",
    "employees",
    "rd_wan",
    "kwh",
)
CLASSES = ("A", "B", "C", "D")
#: Exclusion reasons (message keys ``efficiency_reason_<code>``).
REASON_NOT_PRODUCING = "not_producing"
REASON_NO_FIGURES = "no_figures"
REASON_SMALL_LAND = "small_land"
REASON_MISSING_FIGURES = "missing_figures"
MODES = ("percentile", "absolute")
#: Overrides of an evaluation year (the ``override`` column of ``evaluation_adjustments``).
FORCE_D = "FORCE_D"
NOT_GRADED = "NOT_GRADED"
OVERRIDES = (FORCE_D, NOT_GRADED)
#: The class a NOT_GRADED firm is managed as ("参评不定等级，按B类管理", domain.md §1.5 [S9]).
NOT_GRADED_CLASS = "B"
#: The adjustment fields a user records (``year``, ``author`` and ``recorded_at`` are set
#: by :func:`save_adjustments`).
ADJUSTMENT_FIELDS = ("enterprise_id", "bonus_points", "deduction_points", "override", "reason")
COMBINATORS = ("any", "all")
KS_RULES = ("KS1", "KS2", "KS3")


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class EfficiencyConfig:
    """The whole 亩均 configuration; every default is documented and marked [S]/[I].

    Attributes
    ----------
    weights_above, weights_below
        Indicator weights of 规上 and 规下 firms; each set sums to 100. Default: 黄岩
        2021/2022 [S2][S3] — 规上 30/20/20/10/10/10, 规下 50/50.
    benchmarks_above, benchmarks_below
        基准值 per indicator; ``None`` (default) = the mean over the group's evaluated
        firms in the evaluated year [I]. A number replaces the mean (e.g. a county figure).
    indicator_cap
        Optional cap on each ``x / b`` ratio (e.g. 2.0) so one outlier indicator cannot
        dominate; ``None`` (default) = no cap, as in 黄岩's formula [I].
    class_mode
        ``"percentile"`` (default) or ``"absolute"``.
    percentile_cuts
        Upper rank percentiles of A, B and C (default 0.25, 0.70, 0.95 [S9]): a firm
        ranked ``r`` of ``n`` in its group is A when ``r/n ≤ 0.25``, and so on; D is the rest.
    absolute_thresholds
        Lowest scores of A, B and C in absolute mode (default 120, 90, 60 [I]).
    class_labels_zh, class_labels_en
        Names of classes A–D (default the brief's 优先发展/鼓励提升/调整转型/整治淘汰).
    min_land_mu_small
        规下 firms are evaluated from this much land, inclusive (default 3 mu [S4][S5]).
    above_scale_revenue_wan
        规上 line when a firm has no register flag (default 2000万元 [S15]).
    min_years_ks13
        Firms producing for less than this many years are exempt from KS-1 and KS-3
        (default 1 [I]).
    ks1_alpha, ks1_min_kwh, ks1_min_peers
        KS-1 fires when tax or sales per kWh is below ``alpha`` × the peer median
        (default 0.5 [I]); firms using less than ``min_kwh`` (default 100,000 kWh [I]) are
        exempt; peers are the firm's industry division (GB/T 4754, 2 digits) when it has
        at least ``min_peers`` firms (default 3 [I]), else all firms in the park.
    ks2_min_land_mu, ks2_min_years
        KS-2: land ≥ L mu (the seed masks L; default 10 [I]) and ≥ 3 years producing
        [S1], and not above size.
    ks3_max_tax_per_mu
        KS-3: tax per mu ≤ 3.0 万元/亩 [S1].
    ks_rules, ks_combinator
        The rules in force and how they combine: ``"any"`` (default [I]) or ``"all"``.
    pool_min_revenue_wan, pool_min_growth_pct
        小升规 pool: 规下 firms with revenue from 1000万元 up to the 规上 line and growth of
        at least 15 % on the year before (defaults [I], §1.8).
    max_bonus_points, max_deduction_points
        Caps on one firm's 加分 and 减分 in a year (defaults 10 and 20 points [I]: [S8]
        names bonus points but not the local caps). Non-negative; 0 allows none. An
        adjustment above its cap is refused when it is recorded
        (:func:`validate_adjustments`); the evaluation itself trusts the stored values.
    """

    weights_above: Mapping[str, float] = field(
        default_factory=lambda: {
            "tax_per_mu": 30.0,
            "va_per_mu": 20.0,
            "va_per_energy": 20.0,
            "va_per_emission": 10.0,
            "labour_productivity": 10.0,
            "rd_ratio": 10.0,
        }
    )
    weights_below: Mapping[str, float] = field(
        default_factory=lambda: {"tax_per_mu": 50.0, "tax_per_kwh": 50.0}
    )
    benchmarks_above: Mapping[str, float | None] = field(
        default_factory=lambda: dict.fromkeys(ABOVE_INDICATORS)
    )
    benchmarks_below: Mapping[str, float | None] = field(
        default_factory=lambda: dict.fromkeys(BELOW_INDICATORS)
    )
    indicator_cap: float | None = None
    class_mode: str = "percentile"
    percentile_cuts: tuple[float, float, float] = (0.25, 0.70, 0.95)
    absolute_thresholds: tuple[float, float, float] = (120.0, 90.0, 60.0)
    class_labels_zh: tuple[str, str, str, str] = ("优先发展", "鼓励提升", "调整转型", "整治淘汰")
    class_labels_en: tuple[str, str, str, str] = (
        "Priority development",
        "Encourage improvement",
        "Adjust / transform",
        "Rectify / phase out",
    )
    min_land_mu_small: float = 3.0
    above_scale_revenue_wan: float = 2000.0
    min_years_ks13: float = 1.0
    ks1_alpha: float = 0.5
    ks1_min_kwh: float = 100_000.0
    ks1_min_peers: int = 3
    ks2_min_land_mu: float = 10.0
    ks2_min_years: float = 3.0
    ks3_max_tax_per_mu: float = 3.0
    ks_rules: tuple[str, ...] = KS_RULES
    ks_combinator: str = "any"
    pool_min_revenue_wan: float = 1000.0
    pool_min_growth_pct: float = 15.0
    max_bonus_points: float = 10.0
    max_deduction_points: float = 20.0

    def __post_init__(self) -> None:
        # Mappings are frozen too, so a config can be shared (and cached) safely.
        for name in ("weights_above", "weights_below", "benchmarks_above", "benchmarks_below"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        for name in (
            "percentile_cuts",
            "absolute_thresholds",
            "class_labels_zh",
            "class_labels_en",
            "ks_rules",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    # ------------------------------------------------------------ validation
    def validate(self) -> EfficiencyConfig:
        """Return ``self`` if consistent, else raise :class:`ValidationError`.

        Keys: ``efficiency_unknown_indicator``, ``efficiency_weight_negative``,
        ``efficiency_weights_sum`` (each group's weights must sum to 100),
        ``efficiency_benchmark_not_positive``, ``efficiency_cuts_order`` (0 < A < B < C ≤ 1),
        ``efficiency_thresholds_negative``, ``efficiency_thresholds_order`` (A > B > C),
        ``efficiency_param_negative``, ``efficiency_bad_mode``, ``efficiency_bad_combinator``,
        ``efficiency_bad_rule``, ``efficiency_class_labels``, ``adj_bonus_cap_invalid`` and
        ``adj_deduction_cap_invalid`` (the caps on 加分/减分 must be numbers ≥ 0).
        """
        for group, weights, benchmarks, allowed in (
            ("above", self.weights_above, self.benchmarks_above, ABOVE_INDICATORS),
            ("below", self.weights_below, self.benchmarks_below, BELOW_INDICATORS),
        ):
            for name in (*weights, *benchmarks):
                if name not in allowed:
                    raise ValidationError(
                        "efficiency_unknown_indicator", group=group, indicator=name
                    )
            for name, w in weights.items():
                if not is_finite(w) or w < 0:
                    raise ValidationError(
                        "efficiency_weight_negative", group=group, indicator=name, value=w
                    )
            total = float(sum(weights.values()))
            if abs(total - 100.0) > 1e-6:
                raise ValidationError("efficiency_weights_sum", group=group, total=round(total, 4))
            for name, b in benchmarks.items():
                if b is not None and (not is_finite(b) or b <= 0):
                    raise ValidationError(
                        "efficiency_benchmark_not_positive", group=group, indicator=name, value=b
                    )
        a, b, c = self.percentile_cuts
        if not all(is_finite(v) for v in (a, b, c)) or not 0 < a < b < c <= 1:
            raise ValidationError("efficiency_cuts_order", cuts=f"{a}, {b}, {c}")
        ta, tb, tc = self.absolute_thresholds
        if not all(is_finite(v) and v >= 0 for v in (ta, tb, tc)):
            raise ValidationError("efficiency_thresholds_negative", thresholds=f"{ta}, {tb}, {tc}")
        if not ta > tb > tc:
            raise ValidationError("efficiency_thresholds_order", thresholds=f"{ta}, {tb}, {tc}")
        if self.indicator_cap is not None and (
            not is_finite(self.indicator_cap) or self.indicator_cap <= 0
        ):
            raise ValidationError(
                "efficiency_param_negative", name="indicator_cap", value=self.indicator_cap
            )
        for name in (
            "min_land_mu_small",
            "above_scale_revenue_wan",
            "min_years_ks13",
            "ks1_alpha",
            "ks1_min_kwh",
            "ks1_min_peers",
            "ks2_min_land_mu",
            "ks2_min_years",
            "ks3_max_tax_per_mu",
            "pool_min_revenue_wan",
        ):
            value = getattr(self, name)
            if not is_finite(value) or value < 0:
                raise ValidationError("efficiency_param_negative", name=name, value=value)
        if not is_finite(self.pool_min_growth_pct):
            raise ValidationError(
                "efficiency_param_negative",
                name="pool_min_growth_pct",
                value=self.pool_min_growth_pct,
            )
        if self.class_mode not in MODES:
            raise ValidationError("efficiency_bad_mode", value=self.class_mode)
        if self.ks_combinator not in COMBINATORS:
            raise ValidationError("efficiency_bad_combinator", value=self.ks_combinator)
        for rule in self.ks_rules:
            if rule not in KS_RULES:
                raise ValidationError("efficiency_bad_rule", value=rule)
        for labels in (self.class_labels_zh, self.class_labels_en):
            if len(labels) != 4 or not all(str(x).strip() for x in labels):
                raise ValidationError("efficiency_class_labels")
        for name, key in (
            ("max_bonus_points", "adj_bonus_cap_invalid"),
            ("max_deduction_points", "adj_deduction_cap_invalid"),
        ):
            value = getattr(self, name)
            if not isinstance(value, numbers.Real) or isinstance(value, bool):
                raise ValidationError(key, value=value)
            if not is_finite(value) or value < 0:
                raise ValidationError(key, value=value)
        return self

    # ------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (mappings as dicts, tuples as lists)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        return {
            k: dict(v) if isinstance(v, Mapping) else list(v) if isinstance(v, tuple) else v
            for k, v in out.items()
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EfficiencyConfig:
        """A config from :meth:`to_dict` output; unknown keys are refused, missing keys
        take their defaults. The result is validated."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError("efficiency_config_unknown_keys", keys=", ".join(unknown))
        kwargs: dict[str, Any] = {}
        for k, v in data.items():
            kwargs[k] = tuple(v) if isinstance(v, list) else v
        try:
            config = cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise ValidationError("efficiency_config_invalid", reason=str(exc)) from exc
        return config.validate()

    @classmethod
    def from_json(cls, text: str) -> EfficiencyConfig:
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise ValidationError("efficiency_config_invalid", reason=str(exc)) from exc
        if not isinstance(data, dict):
            raise ValidationError("efficiency_config_invalid", reason="not a JSON object")
        return cls.from_dict(data)

    def class_label(self, code: str, lang: str) -> str:
        """The configured name of class ``code`` ('A'–'D') in ``lang``."""
        labels = self.class_labels_zh if lang == "zh" else self.class_labels_en
        return labels[CLASSES.index(code)]


# ---------------------------------------------------------------- settings layer
def config_from_settings(settings: pd.DataFrame) -> EfficiencyConfig:
    """The stored configuration, or the defaults when none is stored.

    A stored value that is not a valid configuration raises :class:`ValidationError`
    (the caller shows it and may fall back to the defaults).
    """
    rows = settings[settings["key"] == SETTINGS_KEY] if len(settings) else settings
    if len(rows) == 0:
        return EfficiencyConfig()
    return EfficiencyConfig.from_json(str(rows["value_json"].iloc[-1]))


def settings_with_config(
    settings: pd.DataFrame, config: EfficiencyConfig, *, author: str, now: str
) -> pd.DataFrame:
    """``settings`` with the ``efficiency_config`` row replaced by ``config`` (validated)."""
    config.validate()
    others = settings[settings["key"] != SETTINGS_KEY] if len(settings) else settings
    row = pd.DataFrame(
        [{"key": SETTINGS_KEY, "value_json": config.to_json(), "updated_at": now, "author": author}]
    )
    frames = [f for f in (others, row) if len(f)]
    return pd.concat(frames, ignore_index=True)[list(settings.columns)]


def save_config(
    store, config: EfficiencyConfig, *, actor: Actor, expected_version: int | None = None
) -> int:
    """Validate ``config`` and write it to the store's ``settings`` layer atomically.

    Other settings rows are kept as they are at the time of the write (read under the
    writers' lock). Needs ``edit_evaluation``; the author is ``actor.author``. Returns
    the new data version.
    """
    audit = guard.permit(store, actor, "edit_evaluation", "save_config", target=SETTINGS_KEY)
    author = actor.author
    config.validate()
    now = utc_now()

    def change(frames: dict) -> dict:
        return {
            "settings": settings_with_config(frames["settings"], config, author=author, now=now)
        }

    return store.transaction(("settings",), change, expected_version=expected_version, audit=audit)


# ---------------------------------------------------------------- adjustments layer
def _points(value: Any) -> float | None:
    """A number of points from an editor cell: empty = 0; None when it is not a number."""
    if _text(value) is None:
        return 0.0
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _year_of(year: Any) -> int:
    try:
        number = float(year)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(year, bool) or not math.isfinite(number) or not number.is_integer():
        raise ValidationError("adj_bad_year", value=year)
    return int(number)


def validate_adjustments(
    frame: pd.DataFrame,
    *,
    enterprises: pd.DataFrame,
    year: int,
    config: EfficiencyConfig = EfficiencyConfig(),
) -> pd.DataFrame:
    """Check one year's 加分/减分 and overrides as typed; return the rows to store.

    ``frame`` holds the columns of :data:`ADJUSTMENT_FIELDS` (a missing column is empty;
    other columns, e.g. ``year``, ``author``, ``recorded_at``, are ignored): one row per
    firm. Rows left wholly empty (an editor's blank new row) are dropped; empty points
    count as 0, an empty override as none. The result has the columns of the
    ``evaluation_adjustments`` layer, ``year`` set to ``year`` and ``author`` /
    ``recorded_at`` empty (:func:`save_adjustments` sets them).

    Raises :class:`ValidationError` (the first problem found, in row order):
    ``adj_bad_year``, ``adj_enterprise_missing`` (a row without a firm),
    ``adj_unknown_enterprise``, ``adj_duplicate_enterprise``, ``adj_bonus_not_number`` /
    ``adj_deduction_not_number``, ``adj_bonus_negative`` / ``adj_deduction_negative``,
    ``adj_bonus_above_cap`` / ``adj_deduction_above_cap`` (over
    ``config.max_bonus_points`` / ``max_deduction_points``), ``adj_unknown_override``,
    ``adj_nothing_set`` (no points and no override), ``adj_reason_missing`` (every row
    rests on a document or decision), and the config's own keys if it is invalid.
    """
    from gis.schema import EVALUATION_ADJUSTMENTS

    config.validate()
    year = _year_of(year)
    names = {
        str(e).strip(): n
        for e, n in zip(enterprises["enterprise_id"], enterprises["name"], strict=True)
        if _text(e) is not None
    }
    frame = pd.DataFrame(frame)
    cells = {
        name: (list(frame[name]) if name in frame else [None] * len(frame))
        for name in ADJUSTMENT_FIELDS
    }
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i in range(len(frame)):
        cell = {name: values[i] for name, values in cells.items()}
        if all(_text(v) is None for v in cell.values()):
            continue  # a blank row
        eid = _text(cell["enterprise_id"])
        if eid is None:
            raise ValidationError("adj_enterprise_missing", row=i + 1)
        if eid not in names:
            raise ValidationError("adj_unknown_enterprise", enterprise=eid)
        firm = f"{eid} {names[eid]}"
        if eid in seen:
            raise ValidationError("adj_duplicate_enterprise", firm=firm)
        seen.add(eid)
        points = {}
        for field_name, kind, cap in (
            ("bonus_points", "bonus", config.max_bonus_points),
            ("deduction_points", "deduction", config.max_deduction_points),
        ):
            value = _points(cell[field_name])
            if value is None:
                raise ValidationError(f"adj_{kind}_not_number", firm=firm, value=cell[field_name])
            if value < 0:
                raise ValidationError(f"adj_{kind}_negative", firm=firm, value=value)
            if value > cap + 1e-9:
                raise ValidationError(f"adj_{kind}_above_cap", firm=firm, value=value, cap=cap)
            points[field_name] = value
        override = _text(cell["override"])
        if override is not None and override.upper() not in OVERRIDES:
            raise ValidationError("adj_unknown_override", firm=firm, value=override)
        override = None if override is None else override.upper()
        if override is None and not any(points.values()):
            raise ValidationError("adj_nothing_set", firm=firm)
        reason = _text(cell["reason"])
        if reason is None:
            raise ValidationError("adj_reason_missing", firm=firm)
        rows.append(
            {
                "enterprise_id": eid,
                "year": year,
                **points,
                "override": override,
                "reason": reason,
                "author": None,
                "recorded_at": None,
            }
        )
    columns = list(EVALUATION_ADJUSTMENTS.column_names)
    out = pd.DataFrame({name: pd.Series([r[name] for r in rows], dtype=object) for name in columns})
    out["year"] = out["year"].astype("int64")
    for name in ("bonus_points", "deduction_points"):
        out[name] = out[name].astype(float)
    return out


def _same_content(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two adjustment rows record the same points, override and reason."""
    for name in ("bonus_points", "deduction_points"):
        x, y = _points(a.get(name)), _points(b.get(name))
        if x is None or y is None or abs(x - y) > 1e-9:
            return False
    return _text(a.get("override")) == _text(b.get("override")) and _text(a.get("reason")) == _text(
        b.get("reason")
    )


def save_adjustments(
    store,
    frame: pd.DataFrame,
    *,
    year: int,
    actor: Actor,
    config: EfficiencyConfig = EfficiencyConfig(),
    expected_version: int | None = None,
) -> int:
    """Replace the 加分/减分 and overrides of ``year`` with ``frame``, atomically.

    ``frame`` is checked by :func:`validate_adjustments` against the store's enterprises
    as they are at the time of the write (under the writers' lock); any problem raises
    :class:`ValidationError` and nothing is written. Rows of other years are kept. A row
    whose points, override and reason are unchanged keeps its ``author`` and
    ``recorded_at``; new and changed rows get ``author`` and the time now
    (:func:`gis.store.utc_now`). When nothing changed nothing is written. Needs
    ``edit_evaluation``; the author is ``actor.author``. Returns the data version after
    the call (the same version when nothing changed).
    """
    from gis.schema import EVALUATION_ADJUSTMENTS

    audit = guard.permit(
        store, actor, "edit_evaluation", "save_adjustments", target=f"adjustments {year}"
    )
    who = _text(actor.author)
    if who is None:
        raise ValidationError("adj_author_missing")
    config.validate()
    year = _year_of(year)
    now = utc_now()
    columns = list(EVALUATION_ADJUSTMENTS.column_names)

    def change(current: dict) -> dict | None:
        rows = validate_adjustments(
            frame, enterprises=current["enterprises"], year=year, config=config
        )
        stored = pd.DataFrame(current["evaluation_adjustments"])
        stored = stored.reindex(columns=columns)
        mine = _num(stored["year"]) == year
        before = {str(r["enterprise_id"]).strip(): r for r in stored[mine].to_dict("records")}
        if set(before) == set(rows["enterprise_id"]) and all(
            _same_content(r, before[r["enterprise_id"]]) for r in rows.to_dict("records")
        ):
            return None  # nothing changed: nothing written
        authors, stamps = [], []
        for r in rows.to_dict("records"):
            old = before.get(r["enterprise_id"])
            keep = old is not None and _same_content(r, old) and _text(old["recorded_at"])
            authors.append(old["author"] if keep else who)
            stamps.append(old["recorded_at"] if keep else now)
        rows["author"] = pd.Series(authors, index=rows.index, dtype=object)
        rows["recorded_at"] = pd.Series(stamps, index=rows.index, dtype=object)
        parts = [part for part in (stored[~mine], rows) if len(part)]
        table = (
            pd.concat(parts, ignore_index=True)[columns]
            if parts
            else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        )
        return {"evaluation_adjustments": table}

    return store.transaction(
        ("evaluation_adjustments", "enterprises"),
        change,
        expected_version=expected_version,
        audit=audit,
    )


# ---------------------------------------------------------------- evaluation
def years_between(start: date, end: date) -> float:
    """Years from ``start`` to ``end``: whole anniversaries plus the rest in days / 365.

    Anniversaries make "投产三年" exact: 2017-12-31 → 2020-12-31 is 3.0 years.
    """
    whole = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        whole -= 1
    anniversary = add_years(start, whole)
    return whole + (end - anniversary).days / 365.0


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float)


def evaluate(
    enterprises: pd.DataFrame,
    enterprise_years: pd.DataFrame,
    *,
    year: int,
    config: EfficiencyConfig = EfficiencyConfig(),
    adjustments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Evaluate every enterprise on its figures of ``year``.

    Returns one row per enterprise (in the order of ``enterprises``) with: identity
    (``enterprise_id``, ``name``, ``parcel_code``, ``industry_code``, ``land_mu``,
    ``above_scale``, ``tenant``, ``production_start``, ``years_producing`` at 31 December
    of ``year``), the year's figures (:data:`FIGURES`), the indicators (:data:`INDICATORS`,
    NaN where a divisor is missing), ``evaluated`` and ``exclusion_reason`` /
    ``exclusion_detail`` (None when evaluated), ``emission_imputed``, ``score``,
    ``class_code``, ``rank`` (1 = best in its group), ``group_size``, ``percentile``, the
    flags ``ks1``, ``ks2``, ``ks3``, ``key_supervision``, and the 小升规 columns
    ``revenue_growth_pct``, ``gap_to_above_scale_wan`` and ``pool``.

    ``adjustments`` (the ``evaluation_adjustments`` layer; rows of other years are
    ignored) adds, per firm: ``bonus_points`` and ``deduction_points`` (0 without a row,
    and where a value is empty), ``override`` (``FORCE_D``, ``NOT_GRADED`` or None) and
    ``adjustment_reason``. For an evaluated firm ``base_score`` is the indicator score and
    ``score = base_score + bonus_points − deduction_points``; ranks, percentiles and
    classes come from ``score``. ``class_computed`` is the class before any override and
    ``class_code`` the final one:

    - ``FORCE_D``: ranked as usual (``class_computed`` from its rank), ``class_code`` D.
    - ``NOT_GRADED``: evaluated (indicators and score shown) but not ranked — it does not
      count in its group's ranks, ``group_size`` or percentiles; ``rank``, ``percentile``
      and ``class_computed`` are empty, ``class_code`` is B (managed as B) and ``graded``
      is False.

    ``graded`` is True for evaluated firms that take part in the grading. Benchmarks (the
    group means) stay over every evaluated firm, graded or not. An adjustment never
    makes an excluded firm evaluated: it keeps its exclusion reason, an empty score and
    class, and its recorded adjustment is still listed. The values are trusted as stored
    (:func:`validate_adjustments` checked them); an empty value counts as 0.

    No input is modified.
    """
    config.validate()
    year_end = date(year, 12, 31)
    firms = pd.DataFrame(enterprises).drop(columns=["geometry"], errors="ignore").copy()
    figures = pd.DataFrame(enterprise_years)
    this = figures[_num(figures["year"]) == year].drop_duplicates("enterprise_id", keep="last")
    prev = figures[_num(figures["year"]) == year - 1].drop_duplicates("enterprise_id", keep="last")

    out = pd.DataFrame(
        {
            "enterprise_id": firms["enterprise_id"].astype(str),
            "name": firms["name"],
            "parcel_code": firms["parcel_code"],
            "industry_code": firms["industry_code"],
            "land_mu": _num(firms["land_mu"]),
            "tenant": firms["tenant"].fillna(False).astype(bool),
            "production_start": firms["production_start"],
        }
    ).reset_index(drop=True)
    fig = this.set_index(this["enterprise_id"].astype(str))
    has_figures = out["enterprise_id"].isin(fig.index)
    for col in FIGURES:
        out[col] = out["enterprise_id"].map(
            _num(fig[col]) if col in fig else pd.Series(dtype=float)
        )
        out[col] = out[col].astype(float)
    prev_rev = _num(prev.set_index(prev["enterprise_id"].astype(str))["revenue_wan"])
    out["revenue_prev_wan"] = out["enterprise_id"].map(prev_rev).astype(float)

    # 规上 in the evaluated year: in the statistics register by 31 December where the
    # register date is known (a firm registered later was 规下 that year), else the
    # register's flag, and the revenue line only where neither is known.
    flag = firms["is_above_scale"].reset_index(drop=True)
    since = (
        firms["above_scale_since"].reset_index(drop=True)
        if "above_scale_since" in firms
        else pd.Series([None] * len(firms))
    )
    by_revenue = out["revenue_wan"] >= config.above_scale_revenue_wan
    out["above_scale"] = [
        _above_scale(safe_date(s), f, bool(r), year_end)
        for s, f, r in zip(since, flag, by_revenue, strict=True)
    ]

    starts = [safe_date(v) for v in out["production_start"]]
    out["years_producing"] = [
        years_between(s, year_end) if s is not None and s <= year_end else np.nan for s in starts
    ]
    producing = pd.Series([s is not None and s <= year_end for s in starts])

    # Indicators: NaN wherever a divisor is missing or not positive.
    def ratio(num: pd.Series, den: pd.Series, scale: float = 1.0) -> pd.Series:
        return (num * scale / den.where(den > 0)).astype(float)

    out["tax_per_mu"] = ratio(out["tax_wan"], out["land_mu"])
    out["va_per_mu"] = ratio(out["value_added_wan"], out["land_mu"])
    out["va_per_energy"] = ratio(out["value_added_wan"], out["energy_tce"])
    out["va_per_emission"] = ratio(out["value_added_wan"], out["emission_t"])
    out["labour_productivity"] = ratio(out["value_added_wan"], out["employees"])
    out["rd_ratio"] = ratio(out["rd_wan"], out["revenue_wan"], 100.0)
    out["tax_per_kwh"] = ratio(out["tax_wan"], out["kwh"], 10_000.0)
    out["sales_per_kwh"] = ratio(out["revenue_wan"], out["kwh"], 10_000.0)

    # Who is evaluated, and why not.
    reasons: list[str | None] = []
    details: list[str | None] = []
    imputed: list[bool] = []
    for i, row in out.iterrows():
        reason, detail, imp = _eligibility(
            row, bool(producing[i]), bool(has_figures[i]), config, year
        )
        reasons.append(reason)
        details.append(detail)
        imputed.append(imp)
    out["exclusion_reason"] = pd.Series(reasons, dtype=object)
    out["exclusion_detail"] = pd.Series(details, dtype=object)
    out["evaluated"] = out["exclusion_reason"].isna()
    out["emission_imputed"] = pd.Series(imputed, dtype=bool) & out["evaluated"]

    # Adjustments of the year: 加分/减分 and overrides (domain.md §1.4, §1.5).
    adj = _year_adjustments(adjustments, year)
    ids = out["enterprise_id"]
    out["bonus_points"] = ids.map(adj["bonus_points"]).fillna(0.0).astype(float)
    out["deduction_points"] = ids.map(adj["deduction_points"]).fillna(0.0).astype(float)
    out["override"] = pd.Series(list(ids.map(adj["override"])), dtype=object).where(
        lambda s: s.isin(OVERRIDES), None
    )
    out["adjustment_reason"] = pd.Series(list(ids.map(adj["reason"])), dtype=object).where(
        lambda s: s.notna(), None
    )
    out["graded"] = (out["evaluated"] & (out["override"] != NOT_GRADED)).astype(bool)

    # Scores, ranks and classes per group: benchmarks over every evaluated firm, ranks
    # over the graded ones.
    out["base_score"] = np.nan
    out["score"] = np.nan
    out["class_computed"] = pd.Series([None] * len(out), dtype=object)
    out["rank"] = pd.Series([pd.NA] * len(out), dtype="Int64")
    out["group_size"] = pd.Series([pd.NA] * len(out), dtype="Int64")
    out["percentile"] = np.nan
    for above in (True, False):
        members = out["evaluated"] & (out["above_scale"] == above)
        if not members.any():
            continue
        group = out[members]
        bench = _benchmarks(group, above=above, config=config)
        base = _scores(group, above=above, benchmarks=bench, config=config)
        out.loc[members, "base_score"] = base
        out.loc[members, "score"] = base + group["bonus_points"] - group["deduction_points"]
        ranked = members & out["graded"]
        if not ranked.any():
            continue
        scores = out.loc[ranked, "score"]
        ranks = scores.rank(ascending=False, method="min").astype(int)
        n = len(scores)
        out.loc[ranked, "rank"] = ranks.astype("Int64")
        out.loc[ranked, "group_size"] = n
        out.loc[ranked, "percentile"] = ranks / n
        out.loc[ranked, "class_computed"] = [
            _class_of(s, p, config) for s, p in zip(scores, ranks / n, strict=True)
        ]
    out["class_code"] = out["class_computed"].where(out["graded"], None)
    out.loc[out["graded"] & (out["override"] == FORCE_D), "class_code"] = "D"
    out.loc[out["evaluated"] & ~out["graded"], "class_code"] = NOT_GRADED_CLASS

    _key_supervision(out, producing, has_figures, config)
    _pool(out, producing, has_figures, config)
    return out


def _year_adjustments(adjustments: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """The adjustments of ``year`` by enterprise id (the last row wins for a repeated id).

    Columns ``bonus_points``, ``deduction_points`` (floats; empty or non-finite = 0),
    ``override`` (upper-case code or None) and ``reason`` (text or None).
    """
    columns = ["bonus_points", "deduction_points", "override", "reason"]
    if adjustments is None or len(adjustments) == 0 or "enterprise_id" not in adjustments:
        return pd.DataFrame(columns=columns, index=pd.Index([], dtype=object))
    frame = pd.DataFrame(adjustments)
    rows = frame[_num(frame["year"]) == year] if "year" in frame else frame.iloc[0:0]
    ids = rows["enterprise_id"].map(_text)
    rows = rows[ids.notna()]
    out = pd.DataFrame(index=pd.Index(ids[ids.notna()], dtype=object))
    for name in ("bonus_points", "deduction_points"):
        values = _num(rows[name]) if name in rows else pd.Series(np.nan, index=rows.index)
        out[name] = values.where(np.isfinite(values), 0.0).to_numpy()
    override = rows["override"] if "override" in rows else pd.Series(None, index=rows.index)
    out["override"] = [None if (v := _text(o)) is None else v.upper() for o in override]
    reason = rows["reason"] if "reason" in rows else pd.Series(None, index=rows.index)
    out["reason"] = [_text(r) for r in reason]
    return out[~out.index.duplicated(keep="last")]


def _text(value: Any) -> str | None:
    """``value`` as stripped text, or None when empty (None, NaN, NA, blank)."""
    if is_missing(value):
        return None
    text = str(value).strip()
    return text or None


def _above_scale(since: date | None, flag: Any, by_revenue: bool, year_end: date) -> bool:
    if since is not None:
        return since <= year_end
    if not is_missing(flag):
        return bool(flag)
    return by_revenue


def _eligibility(
    row: pd.Series, producing: bool, has_figures: bool, config: EfficiencyConfig, year: int
) -> tuple[str | None, str | None, bool]:
    """(reason, detail, emission imputed) for one firm: reason None = evaluated."""
    if not producing:
        start = row["production_start"]
        return REASON_NOT_PRODUCING, (str(start) if safe_date(start) else None), False
    if not has_figures:
        return REASON_NO_FIGURES, str(year), False
    land = row["land_mu"]
    if not row["above_scale"] and is_finite(land) and 0 <= land < config.min_land_mu_small:
        return REASON_SMALL_LAND, f"{land:g}", False
    weights = config.weights_above if row["above_scale"] else config.weights_below
    missing: list[str] = []
    imputed = False
    for indicator, w in weights.items():
        if w <= 0:
            continue
        for figure in _NEEDS[indicator]:
            value = row[figure]
            bad = not is_finite(value) or (figure in _DIVISORS and value <= 0)
            if not bad:
                continue
            if figure == "emission_t" and row["above_scale"]:
                imputed = True  # 黄岩: no emission data → the 规上 average for that indicator
            elif figure not in missing:
                missing.append(figure)
    if missing:
        return REASON_MISSING_FIGURES, ", ".join(missing), False
    return None, None, imputed


def _benchmarks(group: pd.DataFrame, *, above: bool, config: EfficiencyConfig) -> dict[str, float]:
    """The group's benchmark per weighted indicator: configured, else the group mean."""
    weights = config.weights_above if above else config.weights_below
    fixed = config.benchmarks_above if above else config.benchmarks_below
    out = {}
    for indicator in weights:
        b = fixed.get(indicator)
        if b is None:
            values = group[indicator].dropna()
            b = float(values.mean()) if len(values) else float("nan")
        out[indicator] = float(b)
    return out


def benchmarks_of(
    evaluation: pd.DataFrame,
    *,
    above_scale: bool,
    config: EfficiencyConfig = EfficiencyConfig(),
) -> dict[str, float]:
    """The benchmarks an evaluation used for one group (configured values or group means)."""
    members = evaluation["evaluated"].astype(bool) & (evaluation["above_scale"] == above_scale)
    return _benchmarks(evaluation[members], above=above_scale, config=config)


def _terms(
    frame: pd.DataFrame, *, above: bool, benchmarks: Mapping[str, float], config: EfficiencyConfig
) -> pd.DataFrame:
    """``w · min(x / b, cap)`` per indicator; NaN where the indicator is missing."""
    weights = config.weights_above if above else config.weights_below
    terms = {}
    for indicator, w in weights.items():
        b = benchmarks[indicator]
        if not is_finite(b) or b <= 0:  # e.g. every firm's figure is zero: nobody scores on it
            ratio = frame[indicator] * 0.0
        else:
            ratio = frame[indicator] / b
        if config.indicator_cap is not None:
            ratio = ratio.clip(upper=config.indicator_cap)
        terms[indicator] = w * ratio
    return pd.DataFrame(terms, index=frame.index)


def _scores(
    group: pd.DataFrame, *, above: bool, benchmarks: Mapping[str, float], config: EfficiencyConfig
) -> pd.Series:
    terms = _terms(group, above=above, benchmarks=benchmarks, config=config)
    if above and "va_per_emission" in terms:
        # 黄岩: a 规上 firm without emission data gets the 规上 average for that indicator.
        column = terms["va_per_emission"]
        mean = column.mean()  # NaNs skipped: the mean over firms that have the data
        terms["va_per_emission"] = column.fillna(0.0 if math.isnan(mean) else mean)
    return terms.sum(axis=1, min_count=1).astype(float)


def score_of(
    indicators: Mapping[str, float],
    *,
    above_scale: bool,
    benchmarks: Mapping[str, float],
    config: EfficiencyConfig = EfficiencyConfig(),
) -> float:
    """The score of one firm's ``indicators`` against ``benchmarks`` (see :func:`benchmarks_of`).

    A 规上 firm without ``va_per_emission`` gets the full weight of that indicator (the
    average term when benchmarks are means).
    """
    weights = config.weights_above if above_scale else config.weights_below
    row = pd.DataFrame([{k: indicators.get(k, np.nan) for k in weights}], dtype=float)
    terms = _terms(row, above=above_scale, benchmarks=benchmarks, config=config).iloc[0]
    if above_scale and "va_per_emission" in terms and math.isnan(terms["va_per_emission"]):
        terms["va_per_emission"] = weights["va_per_emission"]
    return float(terms.sum())


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


# ---------------------------------------------------------------- key supervision
def _key_supervision(
    out: pd.DataFrame, producing: pd.Series, has_figures: pd.Series, config: EfficiencyConfig
) -> None:
    """Add ``ks1``, ``ks2``, ``ks3`` and ``key_supervision`` (domain.md §1.7)."""
    active = producing & has_figures
    years = out["years_producing"]
    seasoned = active & (years >= config.min_years_ks13)

    # KS-1: tax or sales per kWh below alpha × the peer median; peers = same 2-digit
    # division (when it has enough firms), else the park; tiny power users exempt.
    users = active & (out["kwh"] >= config.ks1_min_kwh)
    division = out["industry_code"].fillna("").astype(str).str[:3]
    peer_frame = out[users]
    park_tax = peer_frame["tax_per_kwh"].median()
    park_sales = peer_frame["sales_per_kwh"].median()
    by_division = peer_frame.groupby(division[users])
    sizes = by_division.size()
    div_tax = by_division["tax_per_kwh"].median()
    div_sales = by_division["sales_per_kwh"].median()
    ks1 = []
    for i in out.index:
        if not (users[i] and seasoned[i]):
            ks1.append(False)
            continue
        d = division[i]
        local = sizes.get(d, 0) >= max(config.ks1_min_peers, 1)
        med_tax = div_tax[d] if local else park_tax
        med_sales = div_sales[d] if local else park_sales
        low_tax = is_finite(med_tax) and out.at[i, "tax_per_kwh"] < config.ks1_alpha * med_tax
        low_sales = (
            is_finite(med_sales) and out.at[i, "sales_per_kwh"] < config.ks1_alpha * med_sales
        )
        ks1.append(bool(low_tax or low_sales))
    out["ks1"] = pd.Series(ks1, index=out.index, dtype=bool)

    # KS-2 大而不规: land ≥ L (以上, inclusive), producing ≥ 3 years, not above size.
    out["ks2"] = (
        active
        & (out["land_mu"] >= config.ks2_min_land_mu)
        & (years >= config.ks2_min_years)
        & ~out["above_scale"].astype(bool)
    ).astype(bool)

    # KS-3 低亩均税收: tax per mu ≤ 3 万元 (以下, inclusive). A tiny tolerance absorbs
    # float division (36 / 12 must be exactly on the line).
    out["ks3"] = (
        (seasoned & (out["tax_per_mu"] <= config.ks3_max_tax_per_mu + 1e-9))
        .fillna(False)
        .astype(bool)
    )

    rules = [r for r in KS_RULES if r in config.ks_rules]
    if not rules:
        out["key_supervision"] = False
        return
    flags = out[[r.lower() for r in rules]]
    combined = flags.any(axis=1) if config.ks_combinator == "any" else flags.all(axis=1)
    out["key_supervision"] = combined.astype(bool)


def _pool(
    out: pd.DataFrame, producing: pd.Series, has_figures: pd.Series, config: EfficiencyConfig
) -> None:
    """小升规 pool (§1.8): growth, the distance to the 规上 line and membership."""
    prev = out["revenue_prev_wan"]
    out["revenue_growth_pct"] = ((out["revenue_wan"] / prev.where(prev > 0) - 1) * 100).astype(
        float
    )
    below = ~out["above_scale"].astype(bool)
    out["gap_to_above_scale_wan"] = (
        (config.above_scale_revenue_wan - out["revenue_wan"]).clip(lower=0).where(below)
    )
    out["pool"] = (
        (
            producing
            & has_figures
            & below
            & (out["revenue_wan"] >= config.pool_min_revenue_wan)
            & (out["revenue_wan"] < config.above_scale_revenue_wan)
            # growth from a ratio: a tiny tolerance keeps "+15 %" on the inclusive line
            & (out["revenue_growth_pct"] >= config.pool_min_growth_pct - 1e-9)
        )
        .fillna(False)
        .astype(bool)
    )


# ---------------------------------------------------------------- helpers for pages
def evaluation_years(enterprise_years: pd.DataFrame) -> list[int]:
    """The years that have figures, newest first."""
    years = _num(enterprise_years["year"]).dropna().astype(int)
    return sorted(set(years), reverse=True)


def default_year(enterprise_years: pd.DataFrame, as_of: date) -> int | None:
    """The latest complete year with figures before ``as_of`` (else the latest year)."""
    years = evaluation_years(enterprise_years)
    complete = [y for y in years if y < as_of.year]
    return complete[0] if complete else (years[0] if years else None)


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


# ---------------------------------------------------------------- tables for people
#: The columns of the key-supervision list and of the 小升规 pool on screen.
SUPERVISION_COLUMNS = (
    "enterprise_id",
    "name",
    "parcel_code",
    "group",
    "land_mu",
    "years_producing",
    "revenue_wan",
    "tax_wan",
    "kwh",
    "tax_per_mu",
    "tax_per_kwh",
    "sales_per_kwh",
    "ks1",
    "ks2",
    "ks3",
    "class_code",
    "exclusion",
)
POOL_COLUMNS = (
    "enterprise_id",
    "name",
    "parcel_code",
    "land_mu",
    "years_producing",
    "revenue_wan",
    "revenue_growth_pct",
    "gap_to_above_scale_wan",
    "tax_per_mu",
    "ks2",
    "class_code",
)


def _column_specs():
    from gis.schema import ENTERPRISE_YEARS, ENTERPRISES
    from gis.schema import Column as C

    firm = ENTERPRISES.column
    return (
        firm("enterprise_id"),
        firm("name"),
        firm("parcel_code"),
        C("industry_code", "str", "行业代码", "Industry"),
        C("group", "str", "企业类型", "Firm type"),
        firm("land_mu"),
        C("years_producing", "float", "投产年限", "Years producing", "年"),
        *(ENTERPRISE_YEARS.column(c) for c in FIGURES),  # labels and units as stored
        C("tax_per_mu", "float", "亩均税收", "Tax per mu", INDICATOR_UNITS["tax_per_mu"]),
        C("va_per_mu", "float", "亩均增加值", "Value added per mu", INDICATOR_UNITS["va_per_mu"]),
        C(
            "va_per_energy",
            "float",
            "单位能耗增加值",
            "Value added per energy",
            INDICATOR_UNITS["va_per_energy"],
        ),
        C(
            "va_per_emission",
            "float",
            "单位排放增加值",
            "Value added per emission",
            INDICATOR_UNITS["va_per_emission"],
        ),
        C(
            "labour_productivity",
            "float",
            "全员劳动生产率",
            "Labour productivity",
            INDICATOR_UNITS["labour_productivity"],
        ),
        C("rd_ratio", "float", "研发经费占比", "R&D share of revenue", "%"),
        C("tax_per_kwh", "float", "单位电耗税收", "Tax per kWh", INDICATOR_UNITS["tax_per_kwh"]),
        C(
            "sales_per_kwh",
            "float",
            "单位电耗销售",
            "Sales per kWh",
            INDICATOR_UNITS["sales_per_kwh"],
        ),
        C("evaluated", "bool", "参评", "Evaluated"),
        C("exclusion", "str", "未参评原因", "Why not evaluated"),
        C("base_score", "float", "基础得分", "Base score"),
        C("bonus_points", "float", "加分", "Bonus points"),
        C("deduction_points", "float", "减分", "Deduction points"),
        C("score", "float", "综合得分", "Score"),
        C("class_code", "str", "分类", "Class"),
        C("class_label", "str", "分类名称", "Class name"),
        C("class_computed", "str", "按得分分类", "Class by score"),
        C("override", "str", "直接定类", "Override"),
        C("graded", "bool", "参与排名定级", "Ranked and graded"),
        C("adjustment_reason", "str", "加减分与定类依据", "Grounds for adjustment"),
        C("rank", "int", "组内排名", "Rank in group"),
        C("group_size", "int", "组内参评企业数", "Firms in group"),
        C("note", "str", "备注", "Note"),
        C("ks1", "bool", "KS-1 用电与税收销售不符", "KS-1 power vs tax/sales"),
        C("ks2", "bool", "KS-2 大而不规", "KS-2 large, still below size"),
        C("ks3", "bool", "KS-3 低亩均税收", "KS-3 low tax per mu"),
        C("key_supervision", "bool", "重点监管", "Key supervision"),
        C("revenue_growth_pct", "float", "营收增长", "Revenue growth", "%"),
        C("gap_to_above_scale_wan", "float", "距规上标准", "Gap to above size", "万元"),
        C("pool", "bool", "小升规培育库", "小升规 pool"),
    )


def evaluation_spec():
    """The evaluation table's columns with Chinese/English labels and units (a
    :class:`gis.schema.LayerSpec`, for :func:`gis.excel.labelled_columns`)."""
    from gis.schema import LayerSpec

    return LayerSpec(
        "efficiency_evaluation",
        None,
        "enterprise_id",
        _column_specs(),
        "亩均评价",
        "Efficiency evaluation",
    )


def evaluation_table(
    evaluation: pd.DataFrame,
    *,
    lang: str,
    config: EfficiencyConfig = EfficiencyConfig(),
    for_export: bool = False,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``evaluation`` for people: reasons and classes in words, headers with units.

    Numbers stay numbers (sortable); flags stay booleans, or become 是/yes and empty for
    an export. Indicators are rounded to 4 decimals. ``columns`` picks and orders a
    subset of :func:`evaluation_spec`'s columns (default: all).
    """
    from gis.excel import labelled_columns
    from gis.i18n import t

    ev = evaluation
    out = pd.DataFrame(index=ev.index)
    spec = evaluation_spec()
    for column in spec.columns:
        if column.name in ev:
            out[column.name] = ev[column.name]
    out["group"] = [
        t("efficiency_group_above" if a else "efficiency_group_below", lang)
        for a in ev["above_scale"]
    ]
    out["exclusion"] = [
        t(f"efficiency_reason_{r}", lang, detail=d if d is not None else "—")
        if isinstance(r, str)
        else ""
        for r, d in zip(ev["exclusion_reason"], ev["exclusion_detail"], strict=True)
    ]
    out["class_label"] = [
        config.class_label(c, lang) if isinstance(c, str) else "" for c in ev["class_code"]
    ]
    out["note"] = [t("eval_emission_imputed", lang) if i else "" for i in ev["emission_imputed"]]
    out["rank"] = ev["rank"].astype("Int64")
    out["group_size"] = ev["group_size"].astype("Int64")
    if "override" in ev:
        out["override"] = [
            t(f"adj_override_{o.lower()}", lang) if o in OVERRIDES else "" for o in ev["override"]
        ]
    rounded = (*INDICATORS, "score", "base_score", "bonus_points", "deduction_points")
    for name in (*rounded, "years_producing", "revenue_growth_pct"):
        if name in ev:
            out[name] = ev[name].astype(float).round(4 if name in INDICATORS else 2)
    out = out[list(columns) if columns else [c.name for c in spec.columns if c.name in out]]
    if for_export:
        for column in spec.columns:
            if column.dtype == "bool" and column.name in out:
                out[column.name] = [
                    t("eval_yes", lang) if bool(v) else "" for v in out[column.name]
                ]
    return labelled_columns(out, spec, lang)


__all__ = [
    "ABOVE_INDICATORS",
    "BELOW_INDICATORS",
    "CLASSES",
    "FORCE_D",
    "INDICATORS",
    "INDICATOR_UNITS",
    "NOT_GRADED",
    "NOT_GRADED_CLASS",
    "OVERRIDES",
    "SETTINGS_KEY",
    "EfficiencyConfig",
    "benchmarks_of",
    "class_counts",
    "class_cutoffs",
    "config_from_settings",
    "default_year",
    "evaluate",
    "evaluation_table",
    "parcel_classes",
    "predict_class",
    "save_adjustments",
    "save_config",
    "score_of",
    "validate_adjustments",
]
