"""The 亩均 evaluation's settings: indicators, figures, classes, overrides and
:class:`EfficiencyConfig` (weights, benchmarks, cuts, key-supervision rules), kept in the
store's settings.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import pandas as pd

from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor
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


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float)


def _text(value: Any) -> str | None:
    """``value`` as stripped text, or None when empty (None, NaN, NA, blank)."""
    if is_missing(value):
        return None
    text = str(value).strip()
    return text or None
