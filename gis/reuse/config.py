"""The reuse rules' reference data and settings: GB/T 4754 divisions, leading chains, the
hard filters in funnel order, the score parts and :class:`ReuseConfig` (domain.md §6).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from gis._errors import ValidationError
from gis.efficiency import config
from gis.schema import CANDIDATES

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
ABOVE_SCALE_WAN = config.EfficiencyConfig.above_scale_revenue_wan


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


def division(code: object) -> str | None:
    """The GB/T 4754 division (``C34``) of a code such as ``C34``, ``c3411`` or ``C 34``."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return None
    text = re.sub(r"\s+", "", str(code)).upper()
    match = re.fullmatch(r"C(\d{2})\d{0,2}", text)
    if not match or f"C{match.group(1)}" not in GBT4754_DIVISIONS:
        return None
    return f"C{match.group(1)}"


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
