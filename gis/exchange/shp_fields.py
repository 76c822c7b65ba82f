"""Shapefile field names: one convention, the 国土 pinyin initials planners know.

A dBASE field name holds at most 10 bytes, so the store's column names (``banked_date``)
cannot be used as they are and Chinese labels barely fit (3 characters in UTF-8). Every
exported field is therefore named by the pinyin initials of its Chinese label — ``DKBH``
地块编号, ``CRZT`` 出让状态, ``RKCB`` 入库储备 — as land bureaus do (domain.md §4.4), and
the zip carries a field dictionary (:func:`field_dictionary`) with each field's Chinese
and English label and unit. The importer recognises these names
(:func:`gis.exchange.mapping.shapefile_names`).
"""

from __future__ import annotations

#: Per layer: our column → its shapefile field name (≤ 10 ASCII bytes, unique per layer).
FIELD_NAMES: dict[str, dict[str, str]] = {
    "parcels": {
        "code": "DKBH",  # 地块编号
        "name": "DKMC",  # 地块名称
        "block_id": "QKBH",  # 区块编号
        "land_use": "DKYT",  # 地块用途
        "area_m2_cert": "MJ",  # 面积
        "sale_status": "CRZT",  # 出让状态
        "construction_status": "JSZT",  # 建设状态
        "plan_date": "GHRQ",  # 规划日期
        "acq_start": "SCKS",  # 收储开始
        "banked_date": "RKCB",  # 入库储备
        "supply_plan_date": "GDJH",  # (列入)供地计划
        "notice_date": "CRGG",  # 出让公告
        "listing_start": "GPKS",  # 挂牌开始
        "listing_end": "GPJZ",  # 挂牌截止
        "deal_date": "CJRQ",  # 成交日期
        "deal_price_wan": "CJJ",  # 成交价
        "buyer": "JDDW",  # 竞得单位
        "contract_date": "HTQD",  # 合同签订
        "paid_date": "JKJQ",  # 价款缴清
        "delivery_date": "JDRQ",  # 交地日期
        "agreed_start": "YDKG",  # 约定开工
        "start_date": "SJKG",  # 实际开工
        "agreed_completion": "YDJG",  # 约定竣工
        "completion_date": "JGRQ",  # 竣工日期
        "production_date": "TCRQ",  # 投产日期
        "capacity_date": "DCRQ",  # 达产日期
        "extension_days": "PZYQ",  # 批准延期
        "gov_cause_delay": "ZFYY",  # 政府原因(延误)
        "far_min": "RJL_X",  # 容积率下限
        "far_max": "RJL_S",  # 容积率上限
        "density_min": "JZMD",  # 建筑密度
        "green_max": "LDL",  # 绿地率
        "height_max_m": "JZXG",  # 建筑限高
        "invest_intensity_min": "TZQD",  # 投资强度
        "standard_land": "BZD",  # 标准地
        "floor_area_m2": "JRMJ",  # 计容(建筑)面积
        "version": "BB",  # 版本
        "block_name": "QKMC",  # 区块名称 (added to exports for people)
    },
    "blocks": {
        "block_id": "QKBH",  # 区块编号
        "name": "QKMC",  # 区块名称
        "name_en": "YWMC",  # 英文名称
        "planned_area_mu": "GHMJ",  # 规划面积
        "leading_industry": "ZDCY",  # 主导产业
    },
    "buildings": {
        "building_id": "JZBH",  # 建筑编号
        "parcel_code": "SZDK",  # 所在地块
        "name": "JZMC",  # 建筑名称
        "use": "YT",  # 用途
        "floors": "CS",  # 层数
        "gfa_m2": "JZMJ",  # 建筑面积
        "vacant_gfa_m2": "XZMJ",  # 闲置面积
        "is_vacant": "HXZ",  # 含闲置
    },
    "vacant_spaces": {
        "space_id": "KJBH",  # 空间编号
        "parcel_code": "SZDK",  # 所在地块
        "building_id": "JZBH",  # 建筑编号 (the building it is in)
        "floor": "LC",  # 楼层
        "gfa_m2": "XZMJ",  # 闲置面积
        "clear_height_m": "JG",  # 净高
        "floor_load_kn_m2": "LMHZ",  # 楼面荷载
        "crane_t": "HC",  # 行车
        "power_kva": "GDRL",  # 供电容量
        "fire_class_allowed": "HZWXX",  # 火灾危险性
        "env_restrictions": "HBXZ",  # 环保限制
        "owner_type": "QS",  # 权属
        "mode_allowed": "PHFS",  # 盘活方式
        "rent_yuan_m2_month": "ZJ",  # 租金
        "available_from": "KYRQ",  # 可用日期
    },
    "enterprises": {
        "enterprise_id": "QYBH",  # 企业编号
        "name": "QYMC",  # 企业名称
        "credit_code": "TYSHXYDM",  # 统一社会信用代码
        "industry_code": "HYDM",  # 行业代码
        "parcel_code": "SZDK",  # 所在地块
        "land_mu": "YDMJ",  # 用地面积
        "is_above_scale": "GSQY",  # 规上企业
        "production_start": "TCRQ",  # 投产日期
        "tenant": "ZLQY",  # 租赁企业
        "above_scale_since": "GSRKRQ",  # 规上入库日期
    },
    "park_boundary": {"name": "MC"},  # 名称
    "context": {
        "feature_id": "YSBH",  # 要素编号
        "kind": "LX",  # 类型
        "name": "MC",  # 名称
        "width_m": "KD",  # 宽度
    },
}


def field_name(layer: str, column: str) -> str | None:
    """The shapefile field name of ``column`` of ``layer`` (None when the table has none)."""
    return FIELD_NAMES.get(layer, {}).get(column)
