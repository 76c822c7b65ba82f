"""From a source file's columns to ours: suggestions, value conversion and the import itself.

The import is all-or-nothing: :func:`run_import` backs the store up, then runs one
:meth:`~gis.store.ParkStore.transaction` whose ``change`` (:func:`merge`) re-reads the
current layers under the writers' lock, checks everything and returns the new frames —
or raises :class:`ValidationError`, and nothing is written.

Choices for imported parcels (history stays consistent, see :mod:`gis.history`):

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

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import guard, schema, vocabulary
from gis._errors import ValidationError
from gis.access import Actor
from gis.crs import M2_PER_HECTARE, M2_PER_MU, m2_to_mu
from gis.exchange import shp_fields
from gis.exchange.geometry import (
    AREA_UNITS,
    GeometryReport,
    area_mismatches,
    area_unit_fit,
    clean,
    overlaps,
)
from gis.store import Frame, ParkStore

#: Layers that can be imported, in the order the UI offers them.
IMPORT_LAYERS: tuple[str, ...] = (
    "parcels",
    "blocks",
    "buildings",
    "vacant_spaces",
    "enterprises",
    "park_boundary",
)
#: ``add`` refuses codes that exist; ``update`` updates them and adds the rest; ``replace``
#: does as ``update`` and removes every row of the layer the file does not hold.
MODES: tuple[str, ...] = ("add", "update", "replace")

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

# Which layer a spatial default is looked up in: (column, reference layer, its column).
SPATIAL_DEFAULTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "parcels": (("block_id", "blocks", "block_id"),),
    "buildings": (("parcel_code", "parcels", "code"),),
    "vacant_spaces": (
        ("building_id", "buildings", "building_id"),
        ("parcel_code", "parcels", "code"),
    ),
    "enterprises": (("parcel_code", "parcels", "code"),),
}
_REFERENCE_LAYERS = {
    "parcels": ("blocks",),
    "buildings": ("parcels",),
    "vacant_spaces": ("parcels", "buildings"),
    "enterprises": ("parcels",),
    "blocks": (),
    "park_boundary": (),
}
_STATUS_COLUMNS = vocabulary.STATUS_FIELDS
#: Land-area columns checked against the area computed from the imported shapes.
LAND_AREA_COLUMNS: dict[str, str] = {"parcels": "area_m2_cert", "blocks": "planned_area_mu"}
_NUMBER_CLEAN = re.compile(r"[,，\s]")
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


def unit_factor(source_column: str, column: schema.Column) -> float:
    """Multiplier from the source column's unit (in its name) to ours, for areas."""
    name = str(source_column).lower()
    if column.unit == "m²":
        if "公顷" in name or "(ha)" in name or "hectare" in name:
            return M2_PER_HECTARE
        if "亩" in name or "(mu)" in name:
            return M2_PER_MU
    if column.unit == "亩":
        if "公顷" in name or "(ha)" in name:
            return m2_to_mu(M2_PER_HECTARE)
        if "m²" in name or "m2" in name or "平方米" in name:
            return m2_to_mu(1.0)
    return 1.0


# ---------------------------------------------------------------- values
def is_blank(value: object) -> bool:
    """True for a missing value or text that is only white space."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


_TRUE = {"1", "true", "t", "yes", "y", "是", "√", "有", "x"}
_FALSE = {"0", "false", "f", "no", "n", "否", "×", "无", ""}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def convert(value: object, dtype: str) -> object:
    """One cell as our ``dtype``; ``ValueError`` if it cannot be read."""
    if is_blank(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if dtype == "str":
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # a code typed as a number in Excel
        return str(value).strip()
    if dtype in ("float", "int"):
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(_NUMBER_CLEAN.sub("", str(value)))
        if not math.isfinite(number):
            raise ValueError(value)
        if dtype == "int":
            if not number.is_integer():
                raise ValueError(value)
            return int(number)
        return number
    if dtype == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text.endswith(".0"):
            text = text[:-2]
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(value)
    if dtype == "date":
        if isinstance(value, (datetime, pd.Timestamp)):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (int, float)) and 20000 <= value <= 80000:  # an Excel serial day
            return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
        text = str(value).strip()
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        raise ValueError(value)
    return str(value).strip()  # datetime: kept as given


@functools.cache  # vocabularies are constant: one table each, not one per imported cell
def _code_lookup(items: tuple) -> dict[str, str]:
    table = {}
    for item in items:
        for text in (item.code, item.label_zh, item.label_en):
            table[normalise_name(text)] = item.code
    return table


_LAND_USE_WORDS = (
    ("新型产业", "M0"),
    ("m0", "M0"),
    ("仓储", "WAREHOUSE"),
    ("物流", "WAREHOUSE"),
    ("工业", "INDUSTRIAL"),
    ("m1", "INDUSTRIAL"),
    ("m2", "INDUSTRIAL"),
    ("m3", "INDUSTRIAL"),
    ("商", "COMMERCIAL_RESIDENTIAL"),
    ("住", "COMMERCIAL_RESIDENTIAL"),
    ("公用", "PUBLIC_UTILITY"),
)


def land_use_code(text: str) -> str:
    """A land-use code from a code or a Chinese/English label (``ValueError`` if unknown)."""
    key = normalise_name(text)
    exact = _code_lookup(vocabulary.LAND_USES).get(key)
    if exact:
        return exact
    for word, code in _LAND_USE_WORDS:
        if word in key:
            return code
    raise ValueError(text)


def status_code(field_name: str, text: str) -> str:
    """A status code of ``field_name`` from a code or a label (``ValueError`` if unknown)."""
    code = _code_lookup(vocabulary.statuses(field_name)).get(normalise_name(text))
    if code is None:
        raise ValueError(text)
    return code


# ---------------------------------------------------------------- preparing
@dataclass
class Prepared:
    """Source features in our columns, ready to merge.

    ``features`` holds the mapped columns (converted) and the geometry in EPSG:4490;
    ``problems`` are the errors found (the import is refused while there are any);
    ``stated_area_m2`` the area the file states per kept feature (TXT), if any;
    ``warnings`` (message key, params) what the preview should point out before anything is
    written but that does not block the import (e.g. an area column in another unit).
    """

    layer: str
    features: gpd.GeoDataFrame
    mapped: tuple[str, ...]
    problems: list[ValidationError] = field(default_factory=list)
    geometry: GeometryReport = field(default_factory=GeometryReport)
    stated_area_m2: pd.Series | None = None
    source_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    warnings: list[tuple[str, dict]] = field(default_factory=list)


def prepare(
    placed: gpd.GeoDataFrame,
    *,
    layer: str,
    mapping: Mapping[str, str | None],
    stated_area_m2: pd.Series | None = None,
) -> Prepared:
    """Clean the geometries of ``placed`` (EPSG:4490) and convert the mapped columns."""
    if layer not in IMPORT_LAYERS:
        raise ValueError(f"unknown import layer {layer!r}; expected one of {IMPORT_LAYERS}")
    spec = schema.layer_spec(layer)
    target = "Point" if spec.geometry_type == "Point" else "Polygon"
    kept, report, rows = clean(placed, target=target)
    problems: list[ValidationError] = []
    data: dict[str, list] = {}
    mapped = tuple(c for c, src in mapping.items() if src)
    for name in mapped:
        column = spec.column(name)
        source = mapping[name]
        if source not in kept.columns:
            problems.append(ValidationError("import_column_missing", column=str(source)))
            continue
        factor = unit_factor(source, column)
        values, bad = [], []
        for position, raw in zip(rows, kept[source].tolist(), strict=True):
            try:
                value = _convert_cell(layer, column, raw)
                if factor != 1.0 and value is not None:
                    value = value * factor
            except (ValueError, TypeError, OverflowError):
                bad.append((int(position) + 1, str(raw)[:30]))
                value = None
            values.append(value)
        if bad:
            problems.append(
                ValidationError(
                    "import_bad_values",
                    column=column.label_zh,
                    rows=", ".join(str(r) for r, _ in bad[:6]),
                    values="、".join(v for _, v in bad[:6]),
                )
            )
        data[name] = values
    features = gpd.GeoDataFrame(
        pd.DataFrame(data, index=range(len(kept))),
        geometry=list(kept.geometry),
        crs=placed.crs,
    )
    stated = None
    if stated_area_m2 is not None:
        stated = pd.Series(np.asarray(stated_area_m2, dtype=float)[rows]).reset_index(drop=True)
    if spec.key not in mapped:
        problems.append(
            ValidationError("import_key_unmapped", column=spec.column(spec.key).label_zh)
        )
    if features.empty:
        problems.append(ValidationError("import_nothing"))
    warnings = _unit_warnings(layer, mapping, data, features)
    return Prepared(layer, features, mapped, problems, report, stated, rows, warnings)


#: What to write in a column's name for :func:`unit_factor` to read it in each unit.
_UNIT_TAGS = {"m²": "m²", "亩 (mu)": "亩", "公顷 (ha)": "公顷"}


def _unit_warnings(
    layer: str, mapping: Mapping[str, str | None], data: Mapping[str, list], features
) -> list[tuple[str, dict]]:
    """A warning when the land-area column's values fit another unit than the one assumed.

    The unit is taken from the source column's name (:func:`unit_factor`); a 面积 or MJ
    column of 亩 figures would be read as m². Comparing the values with the area of the
    shapes tells which unit they are in.
    """
    name = LAND_AREA_COLUMNS.get(layer)
    if name is None or name not in data or features.empty:
        return []
    column = schema.layer_spec(layer).column(name)
    source = str(mapping[name])
    ours = 1.0 if column.unit == "m²" else M2_PER_MU  # m² per unit of our column
    by_factor = {round(m2, 6): unit for unit, m2 in AREA_UNITS.items()}
    assumed = by_factor.get(round(unit_factor(source, column) * ours, 6), "m²")
    values_m2 = [None if v is None else float(v) * ours for v in data[name]]
    fit = area_unit_fit(values_m2, features.geometry, assumed=assumed)
    if fit is None or fit.likely is None:
        return []
    return [
        (
            "import_area_unit_mismatch",
            {
                "column": column.label_zh,
                "source": source,
                "assumed": assumed,
                "likely": fit.likely,
                # The column name that makes unit_factor read the values in that unit.
                "renamed": f"{_UNIT.sub('', source).strip()}({_UNIT_TAGS[fit.likely]})",
                "ratio": f"{fit.ratio:.2%}" if fit.ratio < 0.1 else f"{fit.ratio:.3g}×",
            },
        )
    ]


def _convert_cell(layer: str, column: schema.Column, raw: object) -> object:
    value = convert(raw, column.dtype)
    if value is None:
        return None
    if layer == "parcels" and column.name == "land_use":
        return land_use_code(value)
    if layer == "parcels" and column.name in _STATUS_COLUMNS:
        return status_code(column.name, value)
    return value


# ---------------------------------------------------------------- merging
@dataclass
class MergeResult:
    frames: dict[str, Frame]
    added: list[str]
    updated: list[str]
    overlaps: pd.DataFrame
    area_mismatches: pd.DataFrame
    notes: list[tuple[str, dict]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # codes removed (mode ``replace``)


#: Per layer, the rows of other layers that refer to its codes: (layer, column, the
#: referring row's id column, and for ``period_figures`` the ``subject_kind`` it needs).
#: A ``replace`` import may not remove a code one of these still uses.
REFERRED_BY: dict[str, tuple[tuple[str, str, str, str | None], ...]] = {
    "blocks": (("parcels", "block_id", "code", None),),
    "parcels": (
        ("status_events", "parcel_code", "event_id", None),
        ("buildings", "parcel_code", "building_id", None),
        ("vacant_spaces", "parcel_code", "space_id", None),
        ("enterprises", "parcel_code", "enterprise_id", None),
        ("period_figures", "subject_id", "subject_id", "project"),
        ("annotations", "parcel_code", "annotation_id", None),
    ),
    "buildings": (("vacant_spaces", "building_id", "space_id", None),),
    "enterprises": (
        ("enterprise_years", "enterprise_id", "enterprise_id", None),
        ("evaluation_adjustments", "enterprise_id", "enterprise_id", None),
        ("period_figures", "subject_id", "subject_id", "enterprise"),
    ),
    "vacant_spaces": (),
    "park_boundary": (),
}


def layers_needed(layer: str, mode: str = "add") -> list[str]:
    """The store layers :func:`merge` reads for an import into ``layer`` in ``mode``."""
    extra = ["status_events"] if layer == "parcels" else []
    if mode == "replace":
        extra += [ref for ref, *_ in REFERRED_BY[layer]]
    return list(dict.fromkeys([layer, *extra, *_REFERENCE_LAYERS[layer]]))


def _check_removable(current: Mapping[str, Frame], layer: str, removed: list[str]) -> None:
    """Refuse a ``replace`` that removes codes other layers still refer to, naming them.

    A parcel with a recorded status history is never removed silently: its history is the
    park's record (domain §5), so the import is refused and names the parcels.
    """
    if not removed:
        return
    gone = set(removed)
    for ref_layer, column, _, kind in REFERRED_BY[layer]:
        frame = current.get(ref_layer)
        if frame is None or frame.empty or column not in frame.columns:
            continue
        rows = frame
        if kind is not None and "subject_kind" in frame.columns:
            rows = frame[frame["subject_kind"].astype(str) == kind]
        values = rows[column].dropna().astype(str)
        used = sorted(set(values[values.isin(gone)]))
        if not used:
            continue
        if layer == "parcels" and ref_layer == "status_events":
            raise ValidationError(
                "import_replace_history", values="、".join(used[:12]), count=len(used)
            )
        raise ValidationError(
            "import_replace_referenced",
            layer=schema.layer_spec(layer).label_zh,
            ref_layer=schema.layer_spec(ref_layer).label_zh,
            column=schema.layer_spec(ref_layer).column(column).label_zh,
            values="、".join(used[:12]),
            count=len(used),
        )


def merge(
    current: Mapping[str, Frame],
    prepared: Prepared,
    *,
    mode: str = "add",
    defaults: Mapping[str, object] | None = None,
    author: str = "import",
    effective_date: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> MergeResult:
    """The frames to write for ``prepared`` merged into ``current`` (not modified).

    ``mode`` ``add`` refuses codes that exist; ``update`` updates them and adds the rest;
    ``replace`` does as ``update`` and removes every row of the layer whose code is not in
    the file (``removed``), refused when another layer still refers to a removed code (a
    parcel's status history, its buildings or enterprises, a block's parcels ...): see
    :data:`REFERRED_BY`. Raises :class:`ValidationError` on the first blocking problem.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
    if prepared.problems:
        raise prepared.problems[0]
    layer = prepared.layer
    spec = schema.layer_spec(layer)
    key = spec.key
    defaults = dict(defaults or {})
    effective = (effective_date or date.today()).isoformat()
    now = now or datetime.now(UTC)
    incoming = prepared.features.copy()
    codes = incoming[key]
    if codes.isna().any():
        rows = [int(prepared.source_rows[i]) + 1 for i in np.flatnonzero(codes.isna())]
        raise ValidationError(
            "import_key_blank", column=spec.column(key).label_zh, rows=", ".join(map(str, rows[:8]))
        )
    dupes = codes[codes.duplicated()].unique().tolist()
    if dupes:
        raise ValidationError(
            "import_duplicate_keys",
            column=spec.column(key).label_zh,
            values="、".join(map(str, dupes[:8])),
        )
    existing = current[layer]
    present = set(existing[key].astype(str))
    is_new = ~codes.astype(str).isin(present)
    if mode == "add" and not is_new.all():
        clash = codes[~is_new].tolist()
        raise ValidationError(
            "import_keys_exist",
            column=spec.column(key).label_zh,
            values="、".join(map(str, clash[:8])),
            count=len(clash),
        )
    notes: list[tuple[str, dict]] = list(prepared.warnings)
    new = _complete_new_rows(incoming[is_new.to_numpy()], current, prepared, defaults, spec)
    updated_frame, updated = _apply_updates(existing, incoming[~is_new.to_numpy()], prepared, spec)
    if layer == "parcels" and set(prepared.mapped) & set(_STATUS_COLUMNS) and updated:
        notes.append(("import_status_ignored", {"count": len(updated)}))
    _check_references(new, current, layer)
    removed: list[str] = []
    if mode == "replace":
        incoming_codes = set(codes.astype(str))
        gone = ~updated_frame[key].astype(str).isin(incoming_codes).to_numpy()
        removed = updated_frame.loc[gone, key].astype(str).tolist()
        _check_removable(current, layer, removed)
        updated_frame = updated_frame.loc[~gone]
    frames: dict[str, Frame] = {}
    if layer == "parcels":
        new = _set_status_dates(new, effective)
        frames["status_events"] = _with_events(
            current["status_events"], new, effective, author, note, now
        )
    combined = _concat(updated_frame, new, spec)
    frames[layer] = combined
    # With ``replace`` the rows it removes overlap nothing any more.
    kept = existing[~existing[key].astype(str).isin(removed)] if removed else existing
    over = (
        overlaps(incoming, kept, key=key)
        if spec.geometry_type == "Polygon"
        else pd.DataFrame(columns=["new", "existing", "overlap_m2"])
    )
    mismatch = (
        area_mismatches(incoming, prepared.stated_area_m2, key=key)
        if prepared.stated_area_m2 is not None
        else pd.DataFrame(columns=["code", "stated_m2", "computed_m2", "difference_m2"])
    )
    return MergeResult(frames, new[key].tolist(), updated, over, mismatch, notes, removed)


def _complete_new_rows(rows, current, prepared, defaults, spec) -> gpd.GeoDataFrame:
    layer = prepared.layer
    out = rows.copy()
    for column in spec.columns:
        if column.name not in out.columns:
            out[column.name] = None
    out = out[[*spec.column_names, "geometry"]].astype({c: object for c in spec.column_names})
    for column_name, ref_layer, ref_column in SPATIAL_DEFAULTS.get(layer, ()):
        missing = out[column_name].isna()
        if missing.any() and ref_layer in current and not current[ref_layer].empty:
            found = _containing(out[missing], current[ref_layer], ref_column)
            out.loc[missing, column_name] = found
            if layer == "vacant_spaces" and column_name == "building_id":
                owners = current["buildings"].set_index("building_id")["parcel_code"]
                fill = out["parcel_code"].isna() & out["building_id"].notna()
                out.loc[fill, "parcel_code"] = out.loc[fill, "building_id"].map(owners)
    if layer == "parcels":
        fixed = {
            "sale_status": "PLANNED",
            "construction_status": "NOT_STARTED",
            "version": 1,
            "extension_days": 0,
            "gov_cause_delay": False,
            "standard_land": False,
        }
        for name, value in fixed.items():
            out[name] = out[name].where(out[name].notna(), value)
        out["version"] = 1
        out["name"] = out["name"].where(out["name"].notna(), out["code"])
        bad = out[
            (out["construction_status"] != "NOT_STARTED") & (out["sale_status"] != "DELIVERED")
        ]
        if not bad.empty:
            raise ValidationError(
                "import_status_inconsistent", values="、".join(bad["code"].astype(str).tolist()[:8])
            )
    if layer in ("buildings", "enterprises", "vacant_spaces"):
        for flag in ("is_vacant", "is_above_scale", "tenant"):
            if flag in out.columns:
                out[flag] = out[flag].where(out[flag].notna(), False)
    for name, value in defaults.items():
        if name in out.columns and value not in (None, ""):
            out[name] = out[name].where(out[name].notna(), value)
    for column in spec.columns:
        if column.required and out[column.name].isna().any():
            missing_codes = out.loc[out[column.name].isna(), spec.key].astype(str).tolist()
            raise ValidationError(
                "import_required_missing",
                column=column.label_zh,
                values="、".join(missing_codes[:8]),
                count=len(missing_codes),
            )
    return gpd.GeoDataFrame(out, geometry="geometry", crs=rows.crs)


def _containing(features: gpd.GeoDataFrame, reference: gpd.GeoDataFrame, column: str) -> list:
    """Per feature, ``column`` of the reference polygon containing its representative point."""
    points = shapely.point_on_surface(features.geometry.to_numpy())
    ref = reference.to_crs(features.crs) if reference.crs != features.crs else reference
    found: list = [None] * len(points)
    point_idx, ref_idx = ref.sindex.query(points, predicate="within")
    values = ref[column].to_numpy()
    for i, j in zip(point_idx, ref_idx, strict=True):
        if found[i] is None:
            found[i] = values[j]
    return found


def _apply_updates(existing, rows, prepared, spec) -> tuple[gpd.GeoDataFrame, list[str]]:
    if rows.empty:
        return existing, []
    out = existing.copy()
    key = spec.key
    index = {str(k): i for i, k in zip(out.index, out[key], strict=True)}
    columns = [c for c in prepared.mapped if c != key and c not in _STATUS_COLUMNS]
    out = out.astype({c: object for c in columns if c in out.columns})
    updated = []
    for _, row in rows.iterrows():
        at = index[str(row[key])]
        for c in columns:
            if not is_blank(row[c]):
                out.at[at, c] = row[c]
        out.loc[[at], "geometry"] = gpd.GeoSeries([row.geometry], index=[at], crs=rows.crs).to_crs(
            out.crs
        )
        if "version" in spec.column_names:
            out.at[at, "version"] = int(out.at[at, "version"]) + 1
        updated.append(str(row[key]))
    return out, updated


def _check_references(new: gpd.GeoDataFrame, current: Mapping[str, Frame], layer: str) -> None:
    checks = {
        "parcels": [("block_id", "blocks", "block_id")],
        "buildings": [("parcel_code", "parcels", "code")],
        "vacant_spaces": [
            ("parcel_code", "parcels", "code"),
            ("building_id", "buildings", "building_id"),
        ],
        "enterprises": [("parcel_code", "parcels", "code")],
    }
    for column, ref_layer, ref_column in checks.get(layer, []):
        known = set(current[ref_layer][ref_column].astype(str))
        values = new[column].dropna().astype(str)
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValidationError(
                "import_unknown_reference",
                column=schema.layer_spec(layer).column(column).label_zh,
                values="、".join(unknown[:8]),
            )


def _set_status_dates(new: gpd.GeoDataFrame, effective: str) -> gpd.GeoDataFrame:
    out = new.copy()
    for field_name in _STATUS_COLUMNS:
        for i in out.index:
            code = out.at[i, field_name]
            if field_name == vocabulary.CONSTRUCTION_FIELD and code == "NOT_STARTED":
                continue
            date_field = vocabulary.status(field_name, code).date_field
            if is_blank(out.at[i, date_field]):
                out.at[i, date_field] = effective
    return out


def _with_events(events, new, effective, author, note, now) -> pd.DataFrame:
    ids = pd.to_numeric(events["event_id"], errors="coerce")
    next_id = int(ids.max()) + 1 if len(ids.dropna()) else 1
    recorded = now.strftime("%Y-%m-%dT%H:%M:%S")
    rows = []
    for _, parcel in new.iterrows():
        for field_name in _STATUS_COLUMNS:
            code = parcel[field_name]
            if field_name == vocabulary.CONSTRUCTION_FIELD and code == "NOT_STARTED":
                continue
            when = parcel[vocabulary.status(field_name, code).date_field] or effective
            rows.append(
                {
                    "event_id": next_id,
                    "parcel_code": parcel["code"],
                    "field": field_name,
                    "old_status": None,
                    "new_status": code,
                    "effective_date": when,
                    "recorded_at": recorded,
                    "author": author,
                    "note": note,
                    "supersedes": None,
                }
            )
            next_id += 1
    return _concat(events, pd.DataFrame(rows), schema.STATUS_EVENTS)


def _concat(existing: Frame, new: Frame, spec: schema.LayerSpec) -> Frame:
    columns = list(spec.column_names)
    parts = [conform(f, spec) for f in (existing, new) if len(f)]
    if not parts:
        return conform(existing, spec)
    if spec.geometry_type is None:
        return conform(pd.concat([p[columns] for p in parts], ignore_index=True), spec)
    crs = existing.crs or new.crs
    parts = [p.to_crs(crs) for p in parts]
    frame = pd.concat([pd.DataFrame(p[[*columns, "geometry"]]) for p in parts], ignore_index=True)
    return conform(gpd.GeoDataFrame(frame, geometry="geometry", crs=crs), spec)


def conform(frame: Frame, spec: schema.LayerSpec) -> Frame:
    """``frame`` with each column of ``spec`` in one dtype GeoPackage writes faithfully."""
    out = frame.copy()
    for column in spec.columns:
        if column.name not in out.columns:
            out[column.name] = None
        values = out[column.name]
        if column.dtype == "float":
            out[column.name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column.dtype == "int":
            numbers = pd.to_numeric(values, errors="coerce")
            out[column.name] = (
                numbers.astype("int64") if numbers.notna().all() else numbers.astype("Int64")
            )
        elif column.dtype == "bool":
            flags = values.astype(object).where(values.notna(), None)
            if flags.notna().all():
                out[column.name] = flags.astype(bool)
            else:
                out[column.name] = flags.astype("boolean")
        else:
            texts = values.astype(object).where(values.notna(), None)
            out[column.name] = texts.map(lambda v: v if v is None else str(v))
    return out


# ---------------------------------------------------------------- running
@dataclass(frozen=True)
class ImportOutcome:
    version: int
    backup: Path
    added: list[str]
    updated: list[str]
    removed: list[str] = field(default_factory=list)


def run_import(
    store: ParkStore,
    prepared: Prepared,
    *,
    mode: str = "add",
    defaults: Mapping[str, object] | None = None,
    actor: Actor,
    effective_date: date | None = None,
    note: str = "",
    expected_version: int | None = None,
    source: str = "",
) -> ImportOutcome:
    """Back the store up, then merge ``prepared`` in one transaction (all or nothing).

    ``mode`` as :func:`merge`; with ``replace`` the check of references to removed codes
    runs inside the transaction, on the data as it is then. Needs ``import``; the
    author of the status events it writes is ``actor.author``; the import is audited
    (event ``import``, with ``source``, the file's name)."""
    audit = guard.permit(
        store,
        actor,
        "import",
        "import",
        target=prepared.layer,
        details={"mode": mode, "source": source, "rows": len(prepared.features)},
    )
    author = actor.author
    if prepared.problems:
        raise prepared.problems[0]
    backup = store.backup(reason=f"before-import-{prepared.layer}")
    result: dict[str, MergeResult] = {}

    def change(current: dict[str, Frame]) -> dict[str, Frame]:
        merged = merge(
            current,
            prepared,
            mode=mode,
            defaults=defaults,
            author=author,
            effective_date=effective_date,
            note=note,
        )
        result["merge"] = merged
        return merged.frames

    version = store.transaction(
        layers_needed(prepared.layer, mode),
        change,
        expected_version=expected_version,
        audit=audit,
    )
    merged = result["merge"]
    return ImportOutcome(version, backup, merged.added, merged.updated, merged.removed)
