"""AppTest of the 数据 Data page: upload → preview → import, refusals, export, backup/restore."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis.i18n import t
from gis.store import ParkStore
from tests.actors import ADMINISTRATOR
from tests.apptest_kit import assert_no_exception, signed_in, texts
from tests.store_kit import digest
from tests.test_exchange_txt import SAMPLE
from ui.session import ACTOR_KEY

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "pages/views/data.py"
RUN_TIMEOUT = 90
# The sample park has its own D07: the upload is a new parcel X07 at the same place.
UPLOAD = SAMPLE.replace("D07,碧湖区块D07地块", "X07,碧湖区块X07地块").encode("gbk")


def open_page(lang: str = "zh") -> AppTest:
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    at.run(timeout=RUN_TIMEOUT)
    if lang == "en":
        at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    at.switch_page(PAGE).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    return at


def import_preview(at: AppTest, column: str = "地块编号"):
    """The import tab's table of the rows to import (the page has other tables above it)."""
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert tables, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def test_txt_upload_preview_and_import(store_copy):
    store = ParkStore(store_copy)
    version = store.data_version()
    at = open_page()
    assert t("data_heading", "zh") in texts(at.header)
    at.file_uploader[0].set_value(("界址点.txt", UPLOAD, "text/plain")).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    assert t("import_read_ok", "zh", name="界址点.txt", fmt="txt", count=1) in texts(at.success)
    captions = texts(at.caption)
    assert any("GB18030" in c for c in captions), captions
    assert any("EPSG:4528" in c for c in captions), captions
    # The mapping was suggested from the file's field names.
    assert at.selectbox(key="ex_map_parcels_code").value == "地块编号"
    assert at.selectbox(key="ex_map_parcels_area_m2_cert").value == "地块面积(公顷)"
    preview = import_preview(at)
    assert list(preview["地块编号"]) == ["X07"]
    assert list(preview["地块名称"]) == ["碧湖区块X07地块"]
    assert float(preview["面积(亩)"].iloc[0]) == pytest.approx(45.0)
    assert t("import_area_ok", "zh", count=1) in texts(at.success)
    assert t("import_overlaps", "zh") in texts(at.warning)  # it sits on the sample's D07 area
    assert store.data_version() == version  # a preview writes nothing

    at.button(key="ex_import").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    done = [s for s in texts(at.success) if s.startswith("导入完成")]
    assert done and "新增 1 个" in done[0], texts(at.success)
    assert store.data_version() == version + 1
    parcel = store.read("parcels").set_index("code").loc["X07"]
    assert parcel["name"] == "碧湖区块X07地块" and parcel["sale_status"] == "PLANNED"
    backups = store.backups()
    assert len(backups) == 1 and "before-import-parcels" in backups[0].name
    assert backups[0].name in done[0]
    assert not at.file_uploader[0].value  # a fresh uploader for the next file


def test_import_can_be_undone_from_the_backup_tab(store_copy):
    store = ParkStore(store_copy)
    original = set(store.read("parcels")["code"])
    at = open_page()
    at.file_uploader[0].set_value(("x07.txt", UPLOAD, "text/plain")).run(timeout=RUN_TIMEOUT)
    at.button(key="ex_import").click().run(timeout=RUN_TIMEOUT)
    assert "X07" in set(store.read("parcels")["code"])
    backup = store.backups()[0].name
    at.session_state[ACTOR_KEY] = ADMINISTRATOR  # a restore is an administrator's (#13)
    at.run(timeout=RUN_TIMEOUT)
    at.selectbox(key="ex_backup_pick").set_value(backup).run(timeout=RUN_TIMEOUT)
    assert at.button(key="ex_restore").disabled
    at.checkbox(key="ex_restore_confirm").check().run(timeout=RUN_TIMEOUT)
    at.button(key="ex_restore").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert t("backup_restored", "zh", name=backup) in texts(at.success)
    assert set(store.read("parcels")["code"]) == original


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("broken.zip", b"PK\x03\x04 not a zip", "exchange_zip_unreadable"),
        ("drawing.dwg", b"AC1027", "exchange_dwg"),
        ("bad.txt", "5,3.0,D07,x,面,,工业用地,,@\nJ1,1,abc,40480389\n".encode(), "txt_bad_line"),
    ],
)
def test_malformed_upload_is_a_message_and_the_store_is_unchanged(
    store_copy, lang, name, data, key
):
    before = digest(store_copy)
    at = open_page(lang)
    at.file_uploader[0].set_value((name, data, "application/octet-stream")).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    errors = texts(at.error)
    assert len(errors) == 1, errors
    head = t(key, lang, **{p: "§" for p in _params(key)}).split("§")[0]
    assert errors[0].startswith(head), (errors[0], head)
    assert not at.button(key="ex_import") if _has_button(at, "ex_import") else True
    assert digest(store_copy) == before


def _params(key: str) -> set[str]:
    from gis.i18n import MESSAGES, placeholders

    return placeholders(MESSAGES[key][0])


def _has_button(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def test_points_outside_the_district_are_warned_about(store_copy):
    csv = "企业编号,企业名称,经度,纬度\nE99,北京某公司,116.4,39.9\n".encode()
    at = open_page("en")
    at.file_uploader[0].set_value(("firms.csv", csv, "text/csv")).run(timeout=RUN_TIMEOUT)
    at.selectbox(key="ex_target").set_value("enterprises").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert t("import_outside", "en", count=1) in texts(at.warning)


def test_export_tab_offers_a_download(store_copy):
    at = open_page("en")
    at.selectbox(key="ex_out_format").set_value("shp").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert at.radio(key="ex_out_encoding").options == ["UTF-8", "GBK"]
    blocks = at.multiselect(key="ex_out_blocks")
    blocks.set_value([blocks.options[0]]).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    downloads = at.get("download_button")
    assert len(downloads) == 1
    assert "parcels.zip" in downloads[0].proto.label
    at.selectbox(key="ex_out_layer").set_value("enterprises").run(timeout=RUN_TIMEOUT)
    at.selectbox(key="ex_out_format").set_value("txt").run(timeout=RUN_TIMEOUT)
    assert t("export_txt_polygons", "en") in texts(at.info)


def test_export_tab_says_labels_or_codes_and_names_the_crs(store_copy):
    at = open_page("en")
    at.selectbox(key="ex_out_format").set_value("shp").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    captions = texts(at.caption)
    assert t("export_values_labels", "en") in captions
    assert t("export_shp_fields", "en", filename="parcels_fields.csv") in captions
    assert "EPSG:4549 CGCS2000 3-degree GK CM 120E" in at.selectbox(key="ex_out_crs").options
    at.selectbox(key="ex_out_format").set_value("gpkg").run(timeout=RUN_TIMEOUT)
    captions = texts(at.caption)
    assert t("export_values_codes", "en") in captions
    assert t("export_values_labels", "en") not in captions


def test_land_bureau_shapefile_gbk_without_cpg_or_prj(store_copy, tmp_path):
    """The land bureau's zip: GBK attributes, no .cpg, no .prj, zone-40 coordinates, parcels
    outside every block — the user is told to pick a block, then the import goes through."""
    from tests.test_exchange_encoding import NAMES, shapefile_zip

    # South-west of the sample park, outside its blocks (EPSG:4549 numbers, no .prj).
    codes = ("X01", "X02", "X03")
    data = shapefile_zip(tmp_path, prj=False, codes=codes, origin=(470_000, 3_126_000))
    store = ParkStore(store_copy)
    at = open_page()
    at.file_uploader[0].set_value(("出让地块.zip", data, "application/zip")).run(
        timeout=RUN_TIMEOUT
    )
    assert_no_exception(at)
    captions = texts(at.caption)
    assert any("GB18030" in c for c in captions), captions
    assert any("EPSG:4549" in c and "按坐标量级判断" in c for c in captions), captions
    preview = import_preview(at)
    assert list(preview["地块名称"]) == NAMES
    assert list(preview["用地性质"]) == ["工业用地"] * 3
    errors = texts(at.error)
    assert len(errors) == 1 and "所属区块" in errors[0], errors
    assert at.button(key="ex_import").disabled

    at.selectbox(key="ex_default_block").set_value("BH").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    at.button(key="ex_import").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    parcels = store.read("parcels").set_index("code")
    assert list(parcels.loc[list(codes), "name"]) == NAMES
    assert set(parcels.loc[list(codes), "block_id"]) == {"BH"}


# ---------------------------------------------------------------- enterprise figures
def open_figures_tab(lang: str = "zh") -> AppTest:
    at = open_page(lang)
    assert not [u for u in at.file_uploader if u.key.startswith("fig_file")]  # runs when open
    at.session_state[f"data_tabs_{lang}"] = t("tab_figures", lang)
    at.run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    return at


def figures_upload(at: AppTest, name: str, data: bytes, round_: int = 0) -> AppTest:
    at.file_uploader(key=f"fig_file_{round_}").set_value((name, data, "text/csv"))
    return at.run(timeout=RUN_TIMEOUT)


def figures_table(at: AppTest, lang: str = "zh"):
    tables = [d.value for d in at.dataframe if t("fig_col_row", lang) in d.value.columns]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def test_enterprise_figures_upload_preview_and_import(store_copy):
    """The statistics bureau's GBK CSV: firms by credit code and by name, amounts in 元."""
    store = ParkStore(store_copy)
    firms = store.read("enterprises")
    years = store.read("enterprise_years")
    first, second = firms.iloc[0], firms.iloc[1]
    stored = set(zip(years["enterprise_id"], years["year"], strict=True))
    year = int(years["year"].max())
    expected_actions = [
        "替换" if (first["enterprise_id"], year) in stored else "新增",
        "新增",  # the year after the data's last
    ]
    csv = (
        f"{year}年亩均评价数据,,,,\n"
        "单位：元,,,,\n"
        "统一社会信用代码,企业名称,年份,税收(元),用电量(千瓦时)\n"
        f"{first['credit_code']},,{year},1230000,500000\n"
        f",{second['name']},{year + 1},50000,1000\n"
    ).encode("gbk")
    version = store.data_version()
    at = open_figures_tab()
    assert t("tab_figures", "zh") in [tab.label for tab in at.tabs]
    template = [d for d in at.get("download_button") if "导入模板" in d.proto.label]
    assert len(template) == 1
    figures_upload(at, "亩均数据.csv", csv)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    assert t("fig_read_ok", "zh", name="亩均数据\\.csv", count=2, header=3) in texts(at.success)
    assert at.selectbox(key="fig_map_enterprise_years_credit_code").value == "统一社会信用代码"
    assert at.selectbox(key="fig_map_enterprise_years_tax_wan").value == "税收(元)"
    table = figures_table(at)
    assert list(table["企业或地块编号"]) == [first["enterprise_id"], second["enterprise_id"]]
    assert list(table["识别依据"]) == ["统一社会信用代码", "企业名称"]
    assert list(table["评价税收(万元)"]) == [123.0, 5.0]
    assert list(table["导入后"]) == expected_actions
    added = expected_actions.count("新增")
    caption = t("fig_preview_caption", "zh", added=added, replaced=2 - added)
    assert caption in texts(at.caption)
    assert store.data_version() == version  # a preview writes nothing

    at.button(key="fig_import").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    done = [s for s in texts(at.success) if s.startswith("导入完成")]
    assert done and f"新增 {added} 行" in done[0], texts(at.success)
    assert store.data_version() == version + 1
    after = store.read("enterprise_years").set_index(["enterprise_id", "year"])
    assert after.loc[(first["enterprise_id"], year), "tax_wan"] == 123.0
    assert after.loc[(first["enterprise_id"], year), "kwh"] == 500_000.0
    assert after.loc[(second["enterprise_id"], year + 1), "tax_wan"] == 5.0
    assert len(after) == len(years) + added
    assert "before-import-enterprise_years" in store.backups()[0].name
    assert not at.file_uploader(key="fig_file_1").value  # a fresh uploader


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_enterprise_figures_problems_block_the_import(store_copy, lang):
    before = digest(store_copy)
    csv = "企业编号,年度,累计月数,营业收入\nE0001,1999,6,10\nNOPE,2021,13,-5\n".encode()
    at = open_figures_tab(lang)
    at.selectbox(key="fig_layer").set_value("period_figures").run(timeout=RUN_TIMEOUT)
    figures_upload(at, "bad.csv", csv)
    assert_no_exception(at)
    errors = texts(at.error)
    keys = ("figures_bad_year", "figures_bad_months", "figures_negative", "figures_unknown_firm")
    for key, rows in zip(keys, ("2", "3", "3", "3"), strict=True):
        head = t(key, lang, **{p: "§" for p in _params(key)}).split("§")[0]
        assert any(e.startswith(head) and rows in e for e in errors), (key, errors)
    assert at.button(key="fig_import").disabled
    assert t("import_blocked", lang) in texts(at.info)
    assert digest(store_copy) == before


def test_an_old_xls_is_explained(store_copy):
    at = open_figures_tab("en")
    figures_upload(at, "old.xls", b"\xd0\xcf\x11\xe0")
    assert_no_exception(at)
    assert texts(at.error) == [t("figures_xls", "en")]


def test_a_workbook_sheet_can_be_chosen(store_copy):
    from openpyxl import Workbook

    store = ParkStore(store_copy)
    firm = store.read("enterprises").iloc[0]
    book = Workbook()
    book.active.title = "填表说明"
    book.active.append(["请在“数据”表中填写"])
    sheet = book.create_sheet("数据")
    sheet.append(["企业编号", "年度", "研发经费(万元)"])
    sheet.append([firm["enterprise_id"], 2030, 12.5])
    buffer = io.BytesIO()
    book.save(buffer)
    at = open_figures_tab("en")
    figures_upload(at, "rd.xlsx", buffer.getvalue())
    assert_no_exception(at)
    assert at.selectbox(key="fig_sheet").options == ["填表说明", "数据"]
    assert texts(at.error) == [t("figures_table_empty", "en", name="rd\\.xlsx")]
    at.selectbox(key="fig_sheet").set_value("数据").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    table = figures_table(at, "en")
    assert list(table["R&D spending(万元)"]) == [12.5]
    assert list(table["Action"]) == ["Add"]
