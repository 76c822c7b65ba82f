"""The store's layers and tables: names, geometry types and columns.

This is the one description of the data model (domain.md §7). The sample park
produces exactly these columns, the store validates against them, and the UI takes
its Chinese and English column labels and units from here.

Dates are stored as ISO strings ``YYYY-MM-DD`` (GeoPackage has no date type that
every reader agrees on); an empty value is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

# dtype vocabulary: "str", "int", "float", "bool", "date" (ISO string), "datetime" (ISO string)


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    label_zh: str
    label_en: str
    unit: str = ""
    required: bool = False

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class LayerSpec:
    name: str
    geometry_type: str | None  # None: a plain table
    key: str  # the unique identifier column
    columns: tuple[Column, ...]
    label_zh: str
    label_en: str
    #: Columns that identify a row together, when ``key`` alone does not (a table of
    #: figures per firm and period); empty = ``key`` is unique.
    unique: tuple[str, ...] = ()

    @property
    def identity(self) -> tuple[str, ...]:
        """The columns whose values are unique per row."""
        return self.unique or (self.key,)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"layer {self.name!r} has no column {name!r}")


C = Column

PARK_BOUNDARY = LayerSpec(
    "park_boundary",
    "Polygon",
    "name",
    (C("name", "str", "名称", "Name", required=True),),
    "园区范围",
    "Park boundary",
)

BLOCKS = LayerSpec(
    "blocks",
    "Polygon",
    "block_id",
    (
        C("block_id", "str", "区块编号", "Block ID", required=True),
        C("name", "str", "区块名称", "Block name", required=True),
        C("name_en", "str", "英文名称", "English name"),
        C("planned_area_mu", "float", "规划面积", "Planned area", "亩"),
        C("leading_industry", "str", "主导产业", "Leading industry"),
    ),
    "区块",
    "Blocks",
)

PARCELS = LayerSpec(
    "parcels",
    "Polygon",
    "code",
    (
        C("code", "str", "地块编号", "Parcel code", required=True),
        C("name", "str", "地块名称", "Parcel name", required=True),
        C("block_id", "str", "所属区块", "Block", required=True),
        C("land_use", "str", "用地性质", "Land use", required=True),
        C("area_m2_cert", "float", "出让面积", "Certified area", "m²"),
        C("sale_status", "str", "出让状态", "Land-sale status", required=True),
        C("construction_status", "str", "建设状态", "Construction status", required=True),
        C("plan_date", "date", "规划日期", "Planned on"),
        C("acq_start", "date", "收储开始", "Acquisition started"),
        C("banked_date", "date", "入库储备", "Banked on"),
        C("supply_plan_date", "date", "列入供地计划", "In supply plan on"),
        C("notice_date", "date", "出让公告", "Sale notice"),
        C("listing_start", "date", "挂牌开始", "Listing start"),
        C("listing_end", "date", "挂牌截止", "Listing end"),
        C("deal_date", "date", "成交日期", "Deal date"),
        C("deal_price_wan", "float", "成交价", "Deal price", "万元"),
        C("buyer", "str", "竞得单位", "Winning bidder"),
        C("contract_date", "date", "合同签订", "Contract date"),
        C("paid_date", "date", "价款缴清", "Paid in full"),
        C("delivery_date", "date", "交地日期", "Delivery date"),
        C("agreed_start", "date", "约定开工", "Agreed start"),
        C("start_date", "date", "实际开工", "Start date"),
        C("agreed_completion", "date", "约定竣工", "Agreed completion"),
        C("completion_date", "date", "竣工日期", "Completion date"),
        C("production_date", "date", "投产日期", "Production date"),
        C("capacity_date", "date", "达产日期", "Capacity date"),
        C("extension_days", "int", "批准延期", "Approved extension", "天"),
        C("gov_cause_delay", "bool", "政府原因延误", "Government-caused delay"),
        C("far_min", "float", "容积率下限", "FAR min"),
        C("far_max", "float", "容积率上限", "FAR max"),
        C("density_min", "float", "建筑密度下限", "Building density min", "%"),
        C("green_max", "float", "绿地率上限", "Green ratio max", "%"),
        C("height_max_m", "float", "建筑限高", "Height limit", "m"),
        C("invest_intensity_min", "float", "投资强度", "Investment intensity", "万元/亩"),
        C("standard_land", "bool", "标准地", "Standard land"),
        C("floor_area_m2", "float", "计容建筑面积", "Floor area (planned)", "m²"),
        C("version", "int", "版本", "Version", required=True),
    ),
    "地块",
    "Parcels",
)

BUILDINGS = LayerSpec(
    "buildings",
    "Polygon",
    "building_id",
    (
        C("building_id", "str", "建筑编号", "Building ID", required=True),
        C("parcel_code", "str", "所在地块", "Parcel", required=True),
        C("name", "str", "建筑名称", "Building name"),
        C("use", "str", "用途", "Use"),  # 厂房 / 办公 / 宿舍 / 仓库
        C("floors", "int", "层数", "Floors"),
        C("gfa_m2", "float", "建筑面积", "Floor area", "m²"),
        C("vacant_gfa_m2", "float", "闲置面积", "Vacant floor area", "m²"),
        C("is_vacant", "bool", "含闲置", "Has vacant space"),
    ),
    "建筑",
    "Buildings",
)

VACANT_SPACES = LayerSpec(
    "vacant_spaces",
    "Point",
    "space_id",
    (
        C("space_id", "str", "空间编号", "Space ID", required=True),
        C("parcel_code", "str", "所在地块", "Parcel", required=True),
        C("building_id", "str", "所在建筑", "Building", required=True),
        C("floor", "int", "楼层", "Floor"),
        C("gfa_m2", "float", "闲置面积", "Vacant floor area", "m²"),
        C("clear_height_m", "float", "净高", "Clear height", "m"),
        C("floor_load_kn_m2", "float", "楼面荷载", "Floor load", "kN/m²"),
        C("crane_t", "float", "行车", "Crane", "t"),
        C("power_kva", "float", "供电容量", "Power", "kVA"),
        C("fire_class_allowed", "str", "火灾危险性", "Fire class allowed"),  # 甲乙丙丁戊 subset
        C("env_restrictions", "str", "环保限制", "Environmental restrictions"),
        C("owner_type", "str", "权属", "Owner type"),
        C("mode_allowed", "str", "盘活方式", "Reuse mode"),
        C("rent_yuan_m2_month", "float", "租金", "Rent", "元/m²·月"),
        C("available_from", "date", "可用日期", "Available from"),
    ),
    "闲置空间",
    "Vacant spaces",
)

ENTERPRISES = LayerSpec(
    "enterprises",
    "Point",
    "enterprise_id",
    (
        C("enterprise_id", "str", "企业编号", "Enterprise ID", required=True),
        C("name", "str", "企业名称", "Enterprise", required=True),
        C("credit_code", "str", "统一社会信用代码", "Credit code"),
        C("industry_code", "str", "行业代码", "Industry (GB/T 4754)"),
        C("parcel_code", "str", "所在地块", "Parcel"),
        C("land_mu", "float", "用地面积", "Land", "亩"),
        C("is_above_scale", "bool", "规上企业", "Above designated size"),
        C("production_start", "date", "投产日期", "In production since"),
        C("tenant", "bool", "租赁企业", "Tenant"),
        # The day the firm entered the statistics register of 规上 firms (入库): the "new
        # above-size firms" target counts these dates (empty: unknown or never).
        C("above_scale_since", "date", "规上入库日期", "Above size since"),
    ),
    "企业",
    "Enterprises",
)

ENTERPRISE_YEARS = LayerSpec(
    "enterprise_years",
    None,
    "enterprise_id",  # unique on (enterprise_id, year)
    (
        C("enterprise_id", "str", "企业编号", "Enterprise ID", required=True),
        C("year", "int", "年度", "Year", required=True),
        C("revenue_wan", "float", "主营业务收入", "Main revenue", "万元"),
        C("output_wan", "float", "工业总产值", "Gross output", "万元"),
        C("value_added_wan", "float", "工业增加值", "Value added", "万元"),
        C("tax_wan", "float", "评价税收", "Tax", "万元"),
        C("energy_tce", "float", "综合能耗", "Energy use", "吨标煤"),
        C("emission_t", "float", "主要污染物排放", "Emissions", "吨"),
        C("employees", "int", "年平均职工人数", "Employees", "人"),
        C("rd_wan", "float", "研发经费", "R&D spending", "万元"),
        C("kwh", "float", "用电量", "Electricity", "kWh"),
        C("investment_wan", "float", "固定资产投资", "Fixed investment", "万元"),
    ),
    "企业年度数据",
    "Enterprise yearly figures",
    unique=("enterprise_id", "year"),
)

PERIOD_FIGURES = LayerSpec(
    "period_figures",
    None,
    "subject_id",  # unique on (subject_kind, subject_id, year, months)
    (
        # A firm's year-to-date report (统计月报 1–N月累计), or a construction project's
        # year-to-date fixed investment (固定资产投资 项目月报) on a parcel.
        C("subject_kind", "str", "对象类型", "Subject", required=True),  # enterprise / project
        C("subject_id", "str", "企业或地块编号", "Enterprise or parcel", required=True),
        C("year", "int", "年度", "Year", required=True),
        C("months", "int", "累计月数", "Months (Jan to)", "月", required=True),
        C("revenue_wan", "float", "营业收入(累计)", "Revenue (YTD)", "万元"),
        C("output_wan", "float", "工业总产值(累计)", "Gross output (YTD)", "万元"),
        C("value_added_wan", "float", "工业增加值(累计)", "Value added (YTD)", "万元"),
        C("tax_wan", "float", "税收(累计)", "Tax (YTD)", "万元"),
        C("investment_wan", "float", "固定资产投资(累计)", "Fixed investment (YTD)", "万元"),
    ),
    "月度累计数据",
    "Year-to-date figures",
    unique=("subject_kind", "subject_id", "year", "months"),
)

EVALUATION_ADJUSTMENTS = LayerSpec(
    "evaluation_adjustments",
    None,
    "enterprise_id",  # unique on (enterprise_id, year)
    (
        # 加分/减分 and overrides of one evaluation year (domain.md §1.4, §1.5).
        C("enterprise_id", "str", "企业编号", "Enterprise ID", required=True),
        C("year", "int", "评价年度", "Evaluation year", required=True),
        C("bonus_points", "float", "加分", "Bonus points"),
        C("deduction_points", "float", "减分", "Deduction points"),
        C("override", "str", "直接定类", "Override"),  # FORCE_D / NOT_GRADED / empty
        C("reason", "str", "依据", "Reason", required=True),
        C("author", "str", "记录人", "Recorded by", required=True),
        C("recorded_at", "datetime", "记录时间", "Recorded at", required=True),
    ),
    "评价加减分与定类",
    "Evaluation adjustments",
    unique=("enterprise_id", "year"),
)

CANDIDATES = LayerSpec(
    "candidates",
    None,
    "candidate_id",
    (
        C("candidate_id", "str", "意向企业编号", "Candidate ID", required=True),
        C("name", "str", "企业名称", "Firm", required=True),
        C("industry_code", "str", "行业代码", "Industry (GB/T 4754)", required=True),
        C("need_area_min_m2", "float", "需求面积下限", "Area needed (min)", "m²"),
        C("need_area_max_m2", "float", "需求面积上限", "Area needed (max)", "m²"),
        C("need_height_m", "float", "净高要求", "Clear height needed", "m"),
        C("need_load_kn_m2", "float", "荷载要求", "Floor load needed", "kN/m²"),
        C("need_crane_t", "float", "行车要求", "Crane needed", "t"),
        C("need_power_kva", "float", "用电需求", "Power needed", "kVA"),
        C("fire_class", "str", "火灾危险性", "Fire class"),
        C("expected_revenue_wan", "float", "预计营收", "Expected revenue", "万元"),
        C("expected_output_wan", "float", "预计产值", "Expected output", "万元"),
        C("expected_tax_wan", "float", "预计税收", "Expected tax", "万元"),
        C("expected_jobs", "int", "预计用工", "Expected jobs", "人"),
        C("stage", "str", "洽谈阶段", "Pipeline stage"),
    ),
    "意向企业",
    "Candidate firms",
)

STATUS_EVENTS = LayerSpec(
    "status_events",
    None,
    "event_id",
    (
        C("event_id", "int", "事件编号", "Event ID", required=True),
        C("parcel_code", "str", "地块编号", "Parcel", required=True),
        C("field", "str", "字段", "Field", required=True),
        C("old_status", "str", "原状态", "From"),
        C("new_status", "str", "新状态", "To", required=True),
        C("effective_date", "date", "生效日期", "Effective date", required=True),
        C("recorded_at", "datetime", "记录时间", "Recorded at", required=True),
        C("author", "str", "记录人", "Author", required=True),
        C("note", "str", "备注", "Note"),
        C("supersedes", "int", "更正事件", "Corrects event"),
    ),
    "状态变更记录",
    "Status history",
)

TARGETS = LayerSpec(
    "targets",
    None,
    "target_id",
    (
        C("target_id", "str", "指标编号", "Target ID", required=True),
        C("year", "int", "年度", "Year", required=True),
        C("label_zh", "str", "指标", "Target (zh)", required=True),
        C("label_en", "str", "指标(英文)", "Target", required=True),
        C("unit", "str", "单位", "Unit"),
        C("target_value", "float", "目标值", "Target value", required=True),
        C("source", "str", "来源", "Source"),
    ),
    "年度目标",
    "Targets",
)

CONTEXT = LayerSpec(
    "context",
    "LineString",
    "feature_id",
    (
        C("feature_id", "str", "要素编号", "Feature ID", required=True),
        C("kind", "str", "类型", "Kind", required=True),  # river / road / expressway
        C("name", "str", "名称", "Name"),
        C("width_m", "float", "宽度", "Width", "m"),
    ),
    "河流与道路",
    "River and roads",
)

SCENARIOS = LayerSpec(
    "scenarios",
    None,
    "scenario_id",
    (
        C("scenario_id", "str", "方案编号", "Scenario ID", required=True),
        C("name", "str", "方案名称", "Scenario", required=True),
        C("based_on", "str", "基于方案", "Based on"),
        C("locked", "bool", "已锁定", "Locked"),
        C("author", "str", "编制人", "Author", required=True),
        C("created_at", "datetime", "创建时间", "Created at", required=True),
        C("seed", "int", "随机种子", "Seed"),
        C("inputs_json", "str", "输入(JSON)", "Inputs (JSON)", required=True),
        C("results_json", "str", "结果(JSON)", "Results (JSON)"),
        C("note", "str", "备注", "Note"),
    ),
    "盘活方案",
    "Reuse scenarios",
)

ANNOTATIONS = LayerSpec(
    "annotations",
    "Geometry",
    "annotation_id",  # points, lines and polygons in one layer
    (
        C("annotation_id", "str", "标注编号", "Annotation ID", required=True),
        C("meeting_date", "date", "会议日期", "Meeting date", required=True),
        C("author", "str", "记录人", "Author", required=True),
        C("note", "str", "决定事项", "Decision / note", required=True),
        C("parcel_code", "str", "相关地块", "Parcel"),
        C("created_at", "datetime", "创建时间", "Created at", required=True),
        C("updated_at", "datetime", "修改时间", "Updated at"),
        C("version", "int", "版本", "Version", required=True),
    ),
    "会议标注",
    "Meeting annotations",
)

SAVED_VIEWS = LayerSpec(
    "saved_views",
    None,
    "view_id",
    (
        C("view_id", "str", "视图编号", "View ID", required=True),
        C("name", "str", "视图名称", "View", required=True),
        C("position", "int", "顺序", "Order", required=True),
        C("state_json", "str", "视图状态(JSON)", "State (JSON)", required=True),
        C("author", "str", "创建人", "Author"),
        C("created_at", "datetime", "创建时间", "Created at"),
    ),
    "保存的视图",
    "Saved views",
)

SETTINGS = LayerSpec(
    "settings",
    None,
    "key",
    (
        C("key", "str", "设置项", "Setting", required=True),
        C("value_json", "str", "取值(JSON)", "Value (JSON)", required=True),
        C("updated_at", "datetime", "修改时间", "Updated at"),
        C("author", "str", "修改人", "Changed by"),
    ),
    "用户设置",
    "User settings",
)

LAYERS: tuple[LayerSpec, ...] = (
    PARK_BOUNDARY,
    BLOCKS,
    PARCELS,
    BUILDINGS,
    VACANT_SPACES,
    ENTERPRISES,
    ENTERPRISE_YEARS,
    PERIOD_FIGURES,
    EVALUATION_ADJUSTMENTS,
    CANDIDATES,
    STATUS_EVENTS,
    TARGETS,
    CONTEXT,
    SCENARIOS,
    ANNOTATIONS,
    SAVED_VIEWS,
    SETTINGS,
)
LAYERS_BY_NAME: dict[str, LayerSpec] = {spec.name: spec for spec in LAYERS}

# --------------------------------------------------------------------- system tables
# Kept in the store beside the park's layers but not part of the park's data: never
# exported, counted, replaced by a restore or shown as a layer; they move with a copy.

ACCOUNTS = LayerSpec(
    "park_accounts",
    None,
    "username",
    (
        C("username", "str", "用户名", "User name", required=True),
        C("display_name", "str", "姓名", "Name"),
        C("role", "str", "角色", "Role", required=True),
        C("blocks", "str", "负责区块", "Blocks"),  # block ids joined by ","; empty: all
        C("password_hash", "str", "口令摘要", "Password hash", required=True),
        C("must_change", "bool", "须改口令", "Must change password"),
        C("password_changed_at", "datetime", "口令修改时间", "Password changed"),
        C("failed_count", "int", "连续失败次数", "Failed attempts"),
        C("locked_until", "datetime", "锁定至", "Locked until"),
        C("disabled", "bool", "已停用", "Disabled"),
        C("created_at", "datetime", "创建时间", "Created at"),
        C("created_by", "str", "创建人", "Created by"),
        C("last_sign_in_at", "datetime", "上次登录", "Last sign-in"),
    ),
    "用户账号",
    "Accounts",
)

AUDIT = LayerSpec(
    "park_audit",
    None,
    "audit_id",
    (
        C("audit_id", "int", "序号", "No.", required=True),
        C("at", "datetime", "时间", "Time", required=True),
        C("username", "str", "用户", "User", required=True),
        C("role", "str", "角色", "Role"),
        C("event", "str", "事件类型", "Event", required=True),
        C("outcome", "str", "结果", "Outcome", required=True),
        C("target", "str", "对象", "Object"),
        C("details", "str", "详情", "Details"),
        C("client", "str", "来源", "Client"),
        C("prev_hash", "str", "前一条摘要", "Previous hash"),
        C("row_hash", "str", "本条摘要", "Hash"),
    ),
    "审计日志",
    "Audit trail",
)

SESSIONS = LayerSpec(
    "park_sessions",
    None,
    "session_id",
    (
        C("session_id", "str", "会话编号", "Session", required=True),
        # SHA-256 of the browser's cookie: the cookie itself is never stored.
        C("token_hash", "str", "令牌摘要", "Token hash", required=True),
        C("username", "str", "用户名", "User name", required=True),
        C("created_at", "datetime", "登录时间", "Signed in", required=True),
        C("last_seen_at", "datetime", "最近活动", "Last seen", required=True),
        C("client", "str", "来源", "Client"),
    ),
    "登录会话",
    "Sessions",
)

SYSTEM_TABLES: tuple[LayerSpec, ...] = (ACCOUNTS, AUDIT, SESSIONS)
_SYSTEM_BY_NAME = {spec.name: spec for spec in SYSTEM_TABLES}
#: Every table the store holds: the park's layers, then the system tables.
ALL_TABLES: tuple[LayerSpec, ...] = LAYERS + SYSTEM_TABLES


def empty_frame(spec: LayerSpec):
    """A frame with ``spec``'s columns and no rows (a GeoDataFrame in EPSG:4490 if spatial)."""
    import geopandas as gpd  # local: keeps this module importable for docs and config tools
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in spec.column_names})
    if spec.geometry_type is None:
        return frame
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs="EPSG:4490"), crs="EPSG:4490")


def layer_spec(name: str) -> LayerSpec:
    try:
        return LAYERS_BY_NAME[name] if name in LAYERS_BY_NAME else _SYSTEM_BY_NAME[name]
    except KeyError:
        raise KeyError(
            f"unknown layer {name!r}; expected one of {sorted(LAYERS_BY_NAME)}"
        ) from None
