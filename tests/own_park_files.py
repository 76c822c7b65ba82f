"""A park of one's own, as the files a committee brings: built from code with fixed values.

Everything is laid out in EPSG:4549 (CGCS2000 / 3° GK CM 120E, metres) as rectangles, so
every area in 亩 is exact (mu = m² × 15 / 10000): 100 m × 100 m = 15 亩, × 80 m = 12 亩,
× 60 m = 9 亩, × 40 m = 6 亩. The files are what a user uploads on the 数据 page:

- ``园区范围.kml``: the park boundary (KML, EPSG:4326);
- ``区块.geojson``: two blocks, 东区 (B1, 智能装备制造) and 西区 (B2);
- ``地块.zip``: seven parcels, a shapefile written in GBK *without* a ``.cpg`` (as ArcGIS on
  Chinese Windows writes it), Chinese column names, statuses as labels, ISO dates;
- ``建筑.geojson`` and ``闲置空间.geojson``: one plant on D01 with one vacant space;
- ``企业名录.xlsx``: four firms with 经度/纬度 points and their parcels;
- ``企业年度数据2024.xlsx`` and ``2025年1-6月企业月报.xlsx``: yearly and year-to-date figures;
- ``意向企业.xlsx``: two candidate firms for the reuse run (the 闲置盘活 page's upload).

Hand-computed results (as of :data:`AS_OF`, 2025-06-30) are constants below and are
explained where they are defined.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

PARK_NAME = "测试园区"
AS_OF = date(2025, 6, 30)  # the date the park is looked at
EARLY = date(2018, 12, 31)  # the as-of check: D01 was sold, not yet delivered
ORIGIN = (480_000.0, 3_136_000.0)  # EPSG:4549 metres, near 丽水 (inside the app's area)
WIDTH = 100.0  # every parcel is 100 m wide; its depth sets its area


@dataclass(frozen=True)
class Parcel:
    code: str
    name: str
    block: str
    land_use: str  # as the file states it (a label)
    sale: str  # 出让状态 label
    build: str  # 建设状态 label
    depth_m: float
    x: float  # west edge, metres east of ORIGIN
    y: float  # south edge, metres north of ORIGIN
    deal: str = ""  # 成交日期
    delivery: str = ""  # 交地日期
    start: str = ""  # 开工日期 (实际开工)
    notice: str = ""  # 公告日期

    @property
    def mu(self) -> float:
        return WIDTH * self.depth_m * 15 / 10_000

    def box(self) -> shapely.Polygon:
        x0, y0 = ORIGIN[0] + self.x, ORIGIN[1] + self.y
        return shapely.box(x0, y0, x0 + WIDTH, y0 + self.depth_m)


# Blocks: 东区 B1 x 0–500 m, 西区 B2 x 500–1000 m (both y 0–400 m); the park is both.
PARCELS: tuple[Parcel, ...] = (
    # Sold 2018, delivered 2019, started 2019: 成交 on 2018-12-31 (the as-of check).
    Parcel("D01", "一号地块", "B1", "工业用地", "交地", "开工", 100, 20, 20,
           deal="2018-05-10", delivery="2019-03-01", start="2019-06-01"),
    # Sold this year (2025): counted.
    Parcel("D02", "二号地块", "B1", "工业用地", "成交", "未开工", 80, 20, 200, deal="2025-03-15"),
    # Sold and delivered this year: counted.
    Parcel("D03", "三号地块", "B2", "工业用地", "交地", "未开工", 60, 520, 20,
           deal="2025-05-20", delivery="2025-06-10"),
    # Sold in December 2024, delivered in 2025: sold last year, not counted.
    Parcel("D04", "四号地块", "B2", "工业用地", "交地", "未开工", 40, 520, 200,
           deal="2024-12-20", delivery="2025-02-01"),
    # Sold this year but not industrial land: not counted.
    Parcel("D05", "五号地块", "B2", "商住用地", "成交", "未开工", 80, 700, 20, deal="2025-04-01"),
    # Listed, not sold: not counted.
    Parcel("D06", "六号地块", "B1", "工业用地", "挂牌", "未开工", 60, 200, 20, notice="2025-05-01"),
    # Sold after the as-of date (2025-08-01): not counted on 2025-06-30.
    Parcel("D07", "七号地块", "B2", "工业用地", "成交", "未开工", 40, 700, 200, deal="2025-08-01"),
)  # fmt: skip
#: 工业用地出让 in 2025 as of 2025-06-30: D02 12 亩 + D03 9 亩 (D04 was sold in 2024, D05
#: is 商住用地, D06 is only listed, D07 is sold after the as-of date).
LAND_SOLD_MU = 12.0 + 9.0
LAND_SOLD_TARGET_MU = 60.0
LAND_SOLD_PROGRESS_PCT = LAND_SOLD_MU / LAND_SOLD_TARGET_MU * 100  # 35 %


@dataclass(frozen=True)
class Firm:
    firm_id: str
    name: str
    parcel: str
    industry: str
    land_mu: float
    production_start: str
    revenue_wan: float  # 2024, all below 2000万元: every firm is 规下
    tax_wan: float  # 2024
    kwh: float  # 2024
    h1_revenue_wan: float  # 2025 1–6月
    h1_tax_wan: float
    h1_investment_wan: float


FIRMS: tuple[Firm, ...] = (
    Firm("E01", "甲精密机械", "D01", "C34", 15, "2020-05-01", 1800, 75, 1_500_000, 900, 40, 5000),
    Firm("E02", "乙电器", "D03", "C38", 9, "2021-03-01", 900, 18, 900_000, 450, 9, 3000),
    Firm("E03", "丙五金", "D04", "C33", 6, "2022-01-01", 500, 6, 600_000, 250, 3, 2000),
    Firm("E04", "丁仪表", "D02", "C40", 12, "2023-01-01", 1200, 24, 600_000, 600, 12, 0),
)
EVALUATION_YEAR = 2024  # the latest complete year before 2025-06-30
# 亩均 of 规下 firms (2024): score = 50·(tax/mu ÷ mean) + 50·(tax/kWh ÷ mean).
#   tax per mu (万元/亩):  E01 75/15 = 5, E02 18/9 = 2, E03 6/6 = 1, E04 24/12 = 2 → mean 2.5
#   tax per kWh (元/kWh): E01 0.5,       E02 0.2,       E03 0.1,     E04 0.4     → mean 0.3
#   scores: E01 100 + 83.33 = 183.33, E04 40 + 66.67 = 106.67, E02 40 + 33.33 = 73.33,
#           E03 20 + 16.67 = 36.67 → ranks 1..4 of 4 → percentiles .25 .50 .75 1.0 → A B C D
EXPECTED_SCORES = {"E01": 550 / 3, "E04": 320 / 3, "E02": 220 / 3, "E03": 110 / 3}
EXPECTED_CLASSES = {"E01": "A", "E04": "B", "E02": "C", "E03": "D"}
# 有效投资 2025 1–6月: 5000 + 3000 + 2000 + 0 万元 = 10000万元 = 1.0 亿元.
INVESTMENT_YI = 1.0
INVESTMENT_TARGET_YI = 4.0

# Reuse: one vacant space in the plant on D01, two candidates; only C01 fits (C02 needs
# at least 5000 m² of a 2000 m² space), so the run places C01 in V01, the whole 2000 m².
SPACE_ID, BUILDING_ID, SPACE_M2 = "V01", "JZ01", 2000.0
PLACED = {("C01", "V01")}


def to_4326(geoms) -> list:
    return list(gpd.GeoSeries(list(geoms), crs="EPSG:4549").to_crs("EPSG:4326"))


def blocks_4549() -> dict[str, shapely.Polygon]:
    x0, y0 = ORIGIN
    return {
        "B1": shapely.box(x0, y0, x0 + 500, y0 + 400),
        "B2": shapely.box(x0 + 500, y0, x0 + 1000, y0 + 400),
    }


def parcel_centroid_4326(code: str) -> tuple[float, float]:
    parcel = next(p for p in PARCELS if p.code == code)
    point = to_4326([parcel.box().centroid])[0]
    return point.x, point.y


# ------------------------------------------------------------------ files
def boundary_kml() -> bytes:
    x0, y0 = ORIGIN
    ring = to_4326([shapely.box(x0, y0, x0 + 1000, y0 + 400)])[0].exterior.coords
    coords = " ".join(f"{x:.8f},{y:.8f},0" for x, y in ring)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>园区范围</name>
<Placemark><name>{PARK_NAME}</name><Polygon><outerBoundaryIs><LinearRing>
<coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>
""".encode()


def _geojson(frame: gpd.GeoDataFrame) -> bytes:
    return frame.to_crs("EPSG:4326").to_json(ensure_ascii=False).encode()


def blocks_geojson() -> bytes:
    shapes = blocks_4549()
    frame = gpd.GeoDataFrame(
        {
            "区块编号": ["B1", "B2"],
            "区块名称": ["东区", "西区"],
            "主导产业": ["智能装备制造", "时尚轻工"],
        },
        geometry=[shapes["B1"], shapes["B2"]],
        crs="EPSG:4549",
    )
    return _geojson(frame)


def parcels_shapefile_zip(workdir: Path) -> bytes:
    """Seven parcels in EPSG:4549 with Chinese column names, GBK, no .cpg, LDID 0."""
    folder = workdir / "parcels_shp"
    folder.mkdir(parents=True, exist_ok=True)
    frame = gpd.GeoDataFrame(
        {
            "地块编号": [p.code for p in PARCELS],
            "地块名称": [p.name for p in PARCELS],
            "区块": [p.block for p in PARCELS],
            "用地性质": [p.land_use for p in PARCELS],
            "出让状态": [p.sale for p in PARCELS],
            "建设状态": [p.build for p in PARCELS],
            "公告日期": [p.notice or None for p in PARCELS],
            "成交日期": [p.deal or None for p in PARCELS],
            "交地日期": [p.delivery or None for p in PARCELS],
            "实际开工": [p.start or None for p in PARCELS],
        },
        geometry=[p.box() for p in PARCELS],
        crs="EPSG:4549",
    )
    pyogrio.write_dataframe(frame, folder / "地块.shp", encoding="GBK")
    (folder / "地块.cpg").unlink(missing_ok=True)
    dbf = bytearray((folder / "地块.dbf").read_bytes())
    dbf[29] = 0  # no language driver id: the encoding must be detected
    (folder / "地块.dbf").write_bytes(bytes(dbf))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def plant_4549() -> shapely.Polygon:
    x0, y0 = ORIGIN[0] + 40, ORIGIN[1] + 40  # inside D01 (20..120 × 20..120)
    return shapely.box(x0, y0, x0 + 60, y0 + 50)


def buildings_geojson() -> bytes:
    frame = gpd.GeoDataFrame(
        {
            "建筑编号": [BUILDING_ID],
            "所在地块": ["D01"],
            "建筑名称": ["一号厂房"],
            "层数": [1],
            "建筑面积": [6000.0],
            "闲置面积": [SPACE_M2],
        },
        geometry=[plant_4549()],
        crs="EPSG:4549",
    )
    return _geojson(frame)


def vacant_spaces_geojson() -> bytes:
    frame = gpd.GeoDataFrame(
        {
            "空间编号": [SPACE_ID],
            "所在地块": ["D01"],
            "所在建筑": [BUILDING_ID],
            "楼层": [1],
            "闲置面积": [SPACE_M2],
            "净高": [8.0],
            "楼面荷载": [10.0],
            "行车": [5.0],
            "供电容量": [500.0],
            "火灾危险性": ["丙丁戊"],
            "盘活方式": ["出租"],
        },
        geometry=[plant_4549().centroid],
        crs="EPSG:4549",
    )
    return _geojson(frame)


def _xlsx(frame: pd.DataFrame, *, title: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, startrow=1 if title else 0)
        if title:
            writer.sheets["Sheet1"].cell(row=1, column=1, value=title)
    return buffer.getvalue()


def enterprises_xlsx() -> bytes:
    points = [parcel_centroid_4326(f.parcel) for f in FIRMS]
    return _xlsx(
        pd.DataFrame(
            {
                "企业编号": [f.firm_id for f in FIRMS],
                "企业名称": [f.name for f in FIRMS],
                "行业代码": [f.industry for f in FIRMS],
                "所在地块": [f.parcel for f in FIRMS],
                "用地面积(亩)": [f.land_mu for f in FIRMS],
                "投产日期": [f.production_start for f in FIRMS],
                "经度": [round(x, 7) for x, _ in points],
                "纬度": [round(y, 7) for _, y in points],
            }
        )
    )


def yearly_figures_xlsx() -> bytes:
    return _xlsx(
        pd.DataFrame(
            {
                "企业编号": [f.firm_id for f in FIRMS],
                "企业名称": [f.name for f in FIRMS],
                "年度": [EVALUATION_YEAR] * len(FIRMS),
                "主营业务收入(万元)": [f.revenue_wan for f in FIRMS],
                "评价税收(万元)": [f.tax_wan for f in FIRMS],
                "用电量(kWh)": [f.kwh for f in FIRMS],
            }
        )
    )


def period_figures_xlsx() -> bytes:
    return _xlsx(
        pd.DataFrame(
            {
                "企业编号": [f.firm_id for f in FIRMS],
                "企业名称": [f.name for f in FIRMS],
                "营业收入(万元)": [f.h1_revenue_wan for f in FIRMS],
                "税收(万元)": [f.h1_tax_wan for f in FIRMS],
                "固定资产投资(万元)": [f.h1_investment_wan for f in FIRMS],
            }
        ),
        title=f"{AS_OF.year}年1-6月规上工业企业主要指标",
    )


CANDIDATE_ROWS = (
    {
        "意向企业编号": "C01",
        "企业名称": "戊智能装备",
        "行业代码": "C34",
        "需求面积下限(m²)": 1500.0,
        "需求面积上限(m²)": 2500.0,
        "净高要求(m)": 6.0,
        "荷载要求(kN/m²)": 5.0,
        "行车要求(t)": 0.0,
        "用电需求(kVA)": 300.0,
        "火灾危险性": "丁",
        "预计营收(万元)": 3000.0,
        "预计产值(万元)": 3200.0,
        "预计税收(万元)": 100.0,
        "预计用工(人)": 50,
        "洽谈阶段": "意向",
    },
    {
        "意向企业编号": "C02",
        "企业名称": "己重工",
        "行业代码": "C35",
        "需求面积下限(m²)": 5000.0,
        "需求面积上限(m²)": 8000.0,
        "净高要求(m)": 6.0,
        "荷载要求(kN/m²)": 5.0,
        "行车要求(t)": 0.0,
        "用电需求(kVA)": 300.0,
        "火灾危险性": "丁",
        "预计营收(万元)": 8000.0,
        "预计产值(万元)": 8500.0,
        "预计税收(万元)": 300.0,
        "预计用工(人)": 120,
        "洽谈阶段": "意向",
    },
)


def candidates_xlsx() -> bytes:
    return _xlsx(pd.DataFrame(list(CANDIDATE_ROWS)))


def targets_frame() -> pd.DataFrame:
    """The targets a user types on the 目标与亩均 page (ids, year and values)."""
    return pd.DataFrame(
        {
            "target_id": ["LAND_SOLD_MU", "EFFECTIVE_INVESTMENT_YI"],
            "year": [AS_OF.year, AS_OF.year],
            "label_zh": [None, None],
            "label_en": [None, None],
            "unit": [None, None],
            "target_value": [LAND_SOLD_TARGET_MU, INVESTMENT_TARGET_YI],
            "source": ["测试", "测试"],
        }
    )


@dataclass(frozen=True)
class Upload:
    """One file for the 数据 page: its name, bytes, MIME type and target layer."""

    name: str
    data: bytes
    mime: str
    layer: str


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def geodata_uploads(workdir: Path) -> list[Upload]:
    """The geodata files in the order a park is filled (references first)."""
    return [
        Upload("园区范围.kml", boundary_kml(), "application/vnd.google-earth.kml+xml",
               "park_boundary"),
        Upload("区块.geojson", blocks_geojson(), "application/geo+json", "blocks"),
        Upload("地块.zip", parcels_shapefile_zip(workdir), "application/zip", "parcels"),
        Upload("建筑.geojson", buildings_geojson(), "application/geo+json", "buildings"),
        Upload("闲置空间.geojson", vacant_spaces_geojson(), "application/geo+json",
               "vacant_spaces"),
        Upload("企业名录.xlsx", enterprises_xlsx(), XLSX, "enterprises"),
    ]  # fmt: skip


def figure_uploads() -> list[Upload]:
    return [
        Upload("企业年度数据2024.xlsx", yearly_figures_xlsx(), XLSX, "enterprise_years"),
        Upload(f"{AS_OF.year}年1-6月企业月报.xlsx", period_figures_xlsx(), XLSX, "period_figures"),
    ]


def write_all(workdir: Path) -> dict[str, Path]:
    """Every input file written to ``workdir`` (to look at, or open in QGIS)."""
    out = {}
    for upload in [*geodata_uploads(workdir), *figure_uploads()]:
        path = workdir / upload.name
        path.write_bytes(upload.data)
        out[upload.layer] = path
    (workdir / "意向企业.xlsx").write_bytes(candidates_xlsx())
    out["candidates"] = workdir / "意向企业.xlsx"
    (workdir / "targets.json").write_text(
        json.dumps(targets_frame().to_dict(orient="records"), ensure_ascii=False)
    )
    return out
