"""From a source file's columns to ours: suggestions, value conversion and the import itself.

The import is all-or-nothing: :func:`run_import` backs the store up, then runs one
:meth:`~gis.store.ParkStore.transaction` whose ``change`` (:func:`merge`) re-reads the
current layers under the writers' lock, checks everything and returns the new frames —
or raises :class:`ValidationError`, and nothing is written.

Choices for imported parcels (history stays consistent, see :mod:`gis.parcels.history`):

- a new parcel gets ``sale_status`` PLANNED and ``construction_status`` NOT_STARTED unless
  the file states (valid) statuses, ``version`` 1, ``extension_days`` 0 and
  ``gov_cause_delay`` / ``standard_land`` false;
- each new parcel gets a ``status_events`` row for its sale status (and one for its
  construction status unless NOT_STARTED), effective on the status's own date column if
  the file gives it, else on the import's effective date (the UI proposes the as-of date
  on screen, so the parcel shows on the map being looked at); an empty date column of
  that status is set to the same date;
- ``block_id`` missing → the block containing the parcel, else the default chosen;
  ``name`` missing → the code; ``land_use`` accepts codes or Chinese/English labels;
- updating by code changes only the mapped columns with a value (a blank cell never
  erases), and the geometry, and raises ``version`` by one; status columns are never
  changed by an import — a status change needs its own dated event (parcel editing).
"""

from __future__ import annotations

import re

from gis import schema
from gis.exchange import shp_fields

#: Layers that can be imported, in the order the UI offers them.
IMPORT_LAYERS: tuple[str, ...] = (
    "parcels",
    "blocks",
    "buildings",
    "vacant_spaces",
    "enterprises",
    "park_boundary",
)


#: Shapefile field names (≤ 10 bytes): the 国土 pinyin codes planners know (domain §4.4),
#: others shortened. Used by the writer and recognised by the suggestions.
SHORT_NAMES: dict[str, str] = {
    "code": "DKBH",
    "name": "DKMC",
    "block_id": "QKBH",
    "land_use": "DKYT",
    "area_m2_cert": "MJ",
    "sale_status": "CRZT",
    "construction_status": "JSZT",
    "deal_price_wan": "CJJ",
    "buyer": "JDDW",
    "far_min": "RJL_X",
    "far_max": "RJL_S",
    "density_min": "JZMD",
    "green_max": "LDL",
    "height_max_m": "JZXG",
    "invest_intensity_min": "TZQD",
    "enterprise_id": "QYBH",
    "credit_code": "TYSHXYDM",
    "industry_code": "HYDM",
    "parcel_code": "SZDK",
    "building_id": "JZBH",
    "space_id": "KJBH",
}


def shapefile_names(spec: schema.LayerSpec) -> dict[str, str]:
    """Our column → a unique shapefile field name of at most 10 bytes."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for column in spec.columns:
        name = (
            shp_fields.field_name(spec.name, column.name)
            or SHORT_NAMES.get(column.name)
            or column.name[:10]
        )
        base, n = name, 1
        while name.upper() in used:
            suffix = str(n)
            name = base[: 10 - len(suffix)] + suffix
            n += 1
        used.add(name.upper())
        out[column.name] = name
    return out


# Source field names in common use, per layer and column (besides our names and labels).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "parcels": {
        "code": (
            "地块编号",
            "dkbh",
            "编号",
            "宗地编号",
            "zdbh",
            "地块代码",
            "地块号",
            "标注",
            "bh",
        ),
        "name": ("地块名称", "dkmc", "名称", "mc", "宗地名称", "zdmc", "name"),
        "land_use": (
            "用途",
            "dkyt",
            "地块用途",
            "用地性质",
            "规划用途",
            "土地用途",
            "tdyt",
            "ydxz",
        ),
        "area_m2_cert": (
            "面积",
            "mj",
            "出让面积",
            "地块面积",
            "宗地面积",
            "tdmj",
            "crmj",
            "用地面积",
        ),
        "block_id": ("区块", "所属区块", "区块编号", "qkbh"),
        "buyer": ("竞得单位", "受让人", "受让单位", "权利人", "qlr"),
        "deal_price_wan": ("成交价", "成交价格", "成交金额"),
        "deal_date": ("成交时间", "成交日期", "cjrq"),
        "notice_date": ("公告时间", "公告日期"),
        # The bureaus' usual names for the life-cycle dates (the labels are matched too).
        "plan_date": ("规划时间",),
        "delivery_date": ("交地时间", "交付日期", "交付时间"),
        "agreed_start": ("约定开工日期", "约定开工时间", "合同约定开工"),
        "start_date": ("开工日期", "开工时间", "实际开工日期", "实际开工时间"),
        "agreed_completion": ("约定竣工日期", "约定竣工时间", "合同约定竣工"),
        "completion_date": ("竣工时间", "实际竣工", "实际竣工日期"),
        "production_date": ("投产时间",),
        "capacity_date": ("达产时间",),
        "far_max": ("容积率", "rjl"),
        "density_min": ("建筑密度",),
        "green_max": ("绿地率",),
        "height_max_m": ("限高", "建筑高度"),
    },
    "blocks": {
        "block_id": ("区块编号", "qkbh", "编号", "bh", "标注"),
        "name": ("区块名称", "qkmc", "名称", "mc", "name"),
        "planned_area_mu": ("规划面积", "面积", "mj"),
    },
    "buildings": {
        "building_id": ("建筑编号", "jzbh", "楼号", "编号", "标注"),
        "parcel_code": ("所在地块", "地块编号", "dkbh", "szdk"),
        "name": ("建筑名称", "名称", "name"),
        "floors": ("层数", "cs"),
        "gfa_m2": ("建筑面积", "jzmj"),
    },
    "vacant_spaces": {
        "space_id": ("空间编号", "编号", "标注"),
        "parcel_code": ("所在地块", "地块编号", "dkbh"),
        "building_id": ("所在建筑", "建筑编号", "jzbh"),
        "gfa_m2": ("闲置面积", "面积", "mj"),
    },
    "park_boundary": {
        "name": ("园区名称", "名称", "mc", "name", "标注"),
    },
    "enterprises": {
        "enterprise_id": ("企业编号", "qybh", "编号", "标注"),
        "name": ("企业名称", "qymc", "名称", "单位名称", "name"),
        "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
        "industry_code": ("行业代码", "行业", "hydm"),
        "parcel_code": ("所在地块", "地块编号", "dkbh"),
        "above_scale_since": (
            "规上入库日期",
            "入库日期",
            "入库时间",
            "规上入库时间",
            "纳入规上日期",
        ),
    },
}


_UNIT = re.compile(r"[(（][^)）]*[)）]")


def normalise_name(name: str) -> str:
    """A column name for matching: no units in brackets, no spaces, lower case."""
    return _UNIT.sub("", str(name)).replace(" ", "").replace("\u3000", "").strip().lower()


def candidates(layer: str, column: schema.Column) -> list[str]:
    """Source names that suggest ``column`` of ``layer``, best first."""
    names = [
        column.name,
        shapefile_names(schema.layer_spec(layer))[column.name],
        column.label_zh,
        column.label_en,
        *SYNONYMS.get(layer, {}).get(column.name, ()),
    ]
    return [normalise_name(n) for n in names if n]


def suggest_mapping(layer: str, source_columns: list[str]) -> dict[str, str | None]:
    """For each column of ``layer``, the source column that most likely holds it (or None)."""
    spec = schema.layer_spec(layer)
    by_norm: dict[str, str] = {}
    for c in source_columns:
        by_norm.setdefault(normalise_name(c), c)
    used: set[str] = set()
    out: dict[str, str | None] = {c.name: None for c in spec.columns}
    # Two passes: exact names and labels first, synonyms after, so "名称" cannot steal
    # a column that "地块名称" would have matched exactly.
    for strict in (True, False):
        for column in spec.columns:
            if out[column.name] is not None:
                continue
            names = candidates(layer, column)
            for n in names[:4] if strict else names[4:]:
                source = by_norm.get(n)
                if source is not None and source not in used:
                    out[column.name] = source
                    used.add(source)
                    break
    return out
