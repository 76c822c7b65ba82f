"""Statuses and land-use types as data (domain.md §2.1).

Every code carries its Chinese and English label, its map colour, its legend order,
the statuses it may move to next and the parcel column that holds the date it was
entered. Pages, layers, the store and the lifecycle rules all read this one table;
``tests/test_vocabulary.py`` checks that every code is complete and consistent.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The two status fields a parcel carries.
SALE_FIELD = "sale_status"
CONSTRUCTION_FIELD = "construction_status"
STATUS_FIELDS = (SALE_FIELD, CONSTRUCTION_FIELD)
#: The message naming each status field ("出让状态" / "建设状态").
FIELD_MESSAGES = {SALE_FIELD: "colour_sale", CONSTRUCTION_FIELD: "colour_construction"}


@dataclass(frozen=True)
class Status:
    """One step of a parcel's life cycle."""

    code: str
    label_zh: str
    label_en: str
    color: str
    order: int
    next_codes: tuple[str, ...]
    date_field: str

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class LandUse:
    """A land-use type (规划用途)."""

    code: str
    label_zh: str
    label_en: str
    color: str
    order: int

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


# Land sale: 规划 → 收储 → 储备 → 供地计划 → 挂牌 → 成交 → 合同 → 缴款 → 交地.
# A failed listing (流拍) returns the parcel to the land bank; land already
# state-owned may skip acquisition; the supply plan and full payment are optional
# steps some parcels skip.
SALE_STATUSES: tuple[Status, ...] = (
    Status("PLANNED", "规划", "Planned", "#cfd8dc", 0, ("ACQUIRING", "BANKED"), "plan_date"),
    Status("ACQUIRING", "收储/征迁中", "Acquiring", "#fff59d", 1, ("BANKED",), "acq_start"),
    Status(
        "BANKED", "储备", "Land bank", "#ffd54f", 2, ("IN_SUPPLY_PLAN", "LISTED"), "banked_date"
    ),
    Status(
        "IN_SUPPLY_PLAN",
        "列入供地计划",
        "In supply plan",
        "#ffb74d",
        3,
        ("LISTED",),
        "supply_plan_date",
    ),
    Status("LISTED", "挂牌", "Listed", "#f57c00", 4, ("SOLD", "BANKED"), "listing_start"),
    Status("SOLD", "成交", "Sold", "#ab47bc", 5, ("CONTRACTED",), "deal_date"),
    Status(
        "CONTRACTED",
        "签订出让合同",
        "Contracted",
        "#7e57c2",
        6,
        ("PAID", "DELIVERED"),
        "contract_date",
    ),
    Status("PAID", "价款缴清", "Paid", "#5c6bc0", 7, ("DELIVERED",), "paid_date"),
    Status("DELIVERED", "交地", "Delivered", "#1e88e5", 8, (), "delivery_date"),
)

# Construction: 未开工 → 开工 → 竣工 → 投产 → 达产. Only delivered land can start.
CONSTRUCTION_STATUSES: tuple[Status, ...] = (
    Status("NOT_STARTED", "未开工", "Not started", "#eceff1", 0, ("STARTED",), "delivery_date"),
    Status("STARTED", "开工", "Started", "#fdd835", 1, ("COMPLETED",), "start_date"),
    Status("COMPLETED", "竣工", "Completed", "#9ccc65", 2, ("IN_PRODUCTION",), "completion_date"),
    Status(
        "IN_PRODUCTION", "投产", "In production", "#43a047", 3, ("AT_CAPACITY",), "production_date"
    ),
    Status("AT_CAPACITY", "达产", "At capacity", "#1b5e20", 4, (), "capacity_date"),
)

LAND_USES: tuple[LandUse, ...] = (
    LandUse("INDUSTRIAL", "工业用地", "Industrial", "#8d6e63", 0),
    LandUse("M0", "新型产业用地", "New industrial (M0)", "#a1887f", 1),
    LandUse("WAREHOUSE", "仓储用地", "Warehousing", "#90a4ae", 2),
    LandUse("COMMERCIAL_RESIDENTIAL", "商住用地", "Commercial-residential", "#ef9a9a", 3),
    LandUse("PUBLIC_UTILITY", "公用设施用地", "Public utilities", "#80cbc4", 4),
)

#: Statuses at or after which a parcel counts as sold (出让) for the targets.
SOLD_SALE_CODES = frozenset({"SOLD", "CONTRACTED", "PAID", "DELIVERED"})
#: Construction statuses at or after which a parcel counts as started / producing.
STARTED_CONSTRUCTION_CODES = frozenset({"STARTED", "COMPLETED", "IN_PRODUCTION", "AT_CAPACITY"})
PRODUCING_CONSTRUCTION_CODES = frozenset({"IN_PRODUCTION", "AT_CAPACITY"})

_BY_FIELD: dict[str, tuple[Status, ...]] = {
    SALE_FIELD: SALE_STATUSES,
    CONSTRUCTION_FIELD: CONSTRUCTION_STATUSES,
}


def field_label(field: str, lang: str) -> str:
    """The status field's name in ``lang``."""
    from gis.i18n import t  # local: the vocabulary stays plain data for importers

    return t(FIELD_MESSAGES[field], lang)


def statuses(field: str) -> tuple[Status, ...]:
    """The statuses of ``field`` ('sale_status' or 'construction_status'), in legend order."""
    try:
        return tuple(sorted(_BY_FIELD[field], key=lambda s: s.order))
    except KeyError:
        raise ValueError(
            f"unknown status field {field!r}; expected one of {STATUS_FIELDS}"
        ) from None


def status(field: str, code: str) -> Status:
    """The :class:`Status` with ``code`` in ``field``; ``ValueError`` if there is none."""
    for s in _BY_FIELD.get(field, ()):
        if s.code == code:
            return s
    raise ValueError(f"unknown {field} code {code!r}")


def land_use(code: str) -> LandUse:
    """The :class:`LandUse` with ``code``; ``ValueError`` if there is none."""
    for u in LAND_USES:
        if u.code == code:
            return u
    raise ValueError(f"unknown land-use code {code!r}")


def allowed_next(field: str, code: str) -> tuple[str, ...]:
    """Codes that ``code`` may move to next in ``field``."""
    return status(field, code).next_codes
