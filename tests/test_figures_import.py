"""Importing the firms' economic figures (统计局 / 税务局 tables): reading GBK CSV and xlsx,
suggesting the mapping, units, finding the firms, every refusal named by row, upserts, and
nothing written unless everything is right."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from gis import schema
from gis._errors import StoreError, ValidationError
from gis.exchange import figures_cells, figures_fields, figures_read, figures_suggest
from gis.exchange.figures import figures_template, run_figures_import
from gis.exchange.figures_cells import parse_months, parse_year
from gis.exchange.figures_prepare import prepare_figures
from gis.exchange.figures_preview import preview_figures
from gis.exchange.figures_read import read_figure_table
from gis.exchange.figures_suggest import suggest_figure_mapping
from gis.exchange.mapping import suggest_mapping
from gis.i18n import MESSAGES, error_text
from gis.store import ParkStore
from tests.actors import ACTOR
from tests.store_kit import digest
from tests.tiny_park import tiny_park

CREDIT_E1 = "91331100MA2A000011"
CREDIT_E2 = "91331100MA2A000022"
NEEDED = ("enterprise_years", "period_figures", "enterprises", "parcels")


def tiny_park_with_codes():
    """The tiny park with credit codes on its two firms."""
    frames = tiny_park()
    firms = frames["enterprises"]
    firms["credit_code"] = [CREDIT_E1, CREDIT_E2]
    return frames


@pytest.fixture
def store(tmp_path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park_with_codes)


def current(store: ParkStore) -> dict:
    return {name: store.read(name) for name in NEEDED}


def csv_bytes(text: str, encoding: str = "gbk") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, title: str = "Sheet1") -> bytes:
    """A workbook whose first sheet holds ``rows`` from A1 (None for an empty cell)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def prepared_from(name: str, data: bytes, layer: str, **options):
    table = read_figure_table(name, data)
    mapping = suggest_figure_mapping(layer, table.columns)
    return table, prepare_figures(table, layer=layer, mapping=mapping, **options)


def problem(prepared_or_preview, key: str) -> ValidationError:
    found = [p for p in prepared_or_preview.problems if p.key == key]
    assert found, [p.key for p in prepared_or_preview.problems]
    return found[0]


# ---------------------------------------------------------------- the good paths
def test_gbk_csv_with_a_title_yuan_units_and_firms_found_by_name(store):
    """The statistics bureau's CSV: two title rows, a blank line, a total row, GBK."""
    text = (
        "2021年规上工业企业主要指标,,,,\n"
        "单位：元,,,,\n"
        "企业名称,年份,营业收入,税收(元),用电量(万千瓦时)\n"
        '测试阀门有限公司,2021,"1,250,000",50000,36\n'
        "\n"
        "合计,2021,1250000,50000,36\n"
    )
    version = store.data_version()
    table, prepared = prepared_from("2021年统计.csv", csv_bytes(text), "enterprise_years")
    assert table.encoding.encoding == "GB18030"
    assert table.header_row == 3 and table.rows == [4, 6]
    assert table.period() == (2021, None) and table.title_unit() == "元"
    assert prepared.ok, [error_text(p, "en") for p in prepared.problems]
    assert ("figures_note_skipped_total", {"rows": "6"}) in prepared.notes
    units = {p["column"]: p["unit"] for k, p in prepared.notes if k == "figures_note_unit"}
    assert units == {"税收(元)": "元", "用电量(万千瓦时)": "万千瓦时"}
    by_title = [p for k, p in prepared.notes if k == "figures_note_title_unit"]
    assert by_title == [{"unit": "元", "columns": "营业收入"}]

    preview = preview_figures(current(store), prepared)
    assert preview.ok and (preview.added, preview.replaced) == (1, 0)
    assert list(preview.rows["matched_by"]) == ["name"]
    assert ("figures_note_by_name", {"rows": "4"}) in preview.notes
    outcome = run_figures_import(
        store, "enterprise_years", prepared, actor=ACTOR, expected_version=version
    )
    assert (outcome.added, outcome.replaced, outcome.version) == (1, 0, version + 1)
    assert outcome.backup in store.backups()
    years = store.read("enterprise_years").set_index(["enterprise_id", "year"])
    e2 = years.loc[("E2", 2021)]
    assert e2["revenue_wan"] == pytest.approx(125.0)  # 1 250 000 元 (title's 单位：元)
    assert e2["tax_wan"] == pytest.approx(5.0)  # 50 000 元 (header's 元)
    assert e2["kwh"] == pytest.approx(360_000.0)  # 36 万千瓦时
    assert pd.isna(e2["value_added_wan"])
    assert years.loc[("E1", 2020), "revenue_wan"] == 5000.0  # the stored row is kept
    assert ACTOR.author in store.meta()["last_import"]


def test_xlsx_period_figures_by_credit_code_and_projects_by_parcel(store):
    rows = [
        ["2021年1-6月 企业与项目月报"],
        [],
        ["对象类型", "纳税人识别号", "纳税人名称", "地块编号", "1-6月营业收入", "实缴税金(元)"],
        ["企业", CREDIT_E1.lower(), "随便写的名称", None, 2000, 300000],
        ["企业", f" {CREDIT_E2} ", None, None, "800.5", "—"],
        ["项目", None, None, "P2", None, None],
    ]
    table, _ = prepared_from("月报.xlsx", xlsx_bytes(rows), "period_figures")
    assert table.header_row == 3 and table.rows == [4, 5, 6] and table.period() == (2021, 6)
    mapping = suggest_figure_mapping("period_figures", table.columns)
    assert mapping["credit_code"] == "纳税人识别号" and mapping["subject_id"] == "地块编号"
    assert mapping["revenue_wan"] == "1-6月营业收入" and mapping["tax_wan"] == "实缴税金(元)"
    assert mapping["year"] is None and mapping["months"] is None
    # The project row has no figure: skipped. A year and months for the whole file.
    prepared = prepare_figures(table, layer="period_figures", mapping=mapping, year=2021, months=6)
    assert prepared.ok, [p.key for p in prepared.problems]
    assert ("figures_note_skipped_empty", {"rows": "6"}) in prepared.notes
    preview = preview_figures(current(store), prepared)
    assert preview.ok
    assert list(preview.rows["subject_id"]) == ["E1", "E2"]
    assert list(preview.rows["matched_by"]) == ["credit_code", "credit_code"]
    run_figures_import(store, "period_figures", prepared, actor=ACTOR, expected_version=None)
    stored = store.read("period_figures").set_index("subject_id")
    assert stored.loc["E1", "tax_wan"] == pytest.approx(30.0)
    assert pd.isna(stored.loc["E2", "tax_wan"])  # "—" is no figure
    assert stored.loc["E2", "revenue_wan"] == pytest.approx(800.5)
    assert set(stored["subject_kind"]) == {"enterprise"}
    assert set(stored["months"]) == {6} and set(stored["year"]) == {2021}


def test_a_project_report_takes_investment_by_parcel_code(store):
    text = "地块编号,年份,累计月数,完成投资(万元)\nP1,2022,3,120\nP4,2022,3,0\n"
    _, prepared = prepared_from("项目.csv", csv_bytes(text, "utf-8"), "period_figures")
    assert problem(prepared, "figures_unmapped").params["columns"] == "对象类型"
    _, prepared = prepared_from(
        "项目.csv", csv_bytes(text, "utf-8"), "period_figures", kind="project"
    )
    assert prepared.ok
    preview = preview_figures(current(store), prepared)
    assert preview.ok and list(preview.rows["matched_by"]) == ["parcel", "parcel"]
    assert list(preview.rows["name"]) == ["测试P1地块", "测试P4地块"]
    periods = preview.periods
    assert periods[["year", "months", "rows", "added"]].values.tolist() == [[2022, 3, 2, 2]]


@pytest.mark.parametrize(
    "name", ["测试阀门有限公司", " 测试阀门 有限公司 ", "测试阀门有限公司\u3000"]
)
def test_names_match_exactly_up_to_spaces(store, name):
    text = f"企业名称,年度,税收\n{name},2021,7\n"
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    preview = preview_figures(current(store), prepared)
    assert preview.ok and list(preview.rows["enterprise_id"]) == ["E2"]


def test_full_width_brackets_in_names_match(tmp_path):
    def park():
        frames = tiny_park_with_codes()
        frames["enterprises"].loc[1, "name"] = "浙江测试(丽水)阀门有限公司"
        return frames

    store = ParkStore.open(tmp_path / "park.gpkg", create=park)
    text = "企业名称,年度,税收\n浙江测试（丽水）阀门有限公司,2021,7\n"
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    assert list(preview_figures(current(store), prepared).rows["enterprise_id"]) == ["E2"]


def test_a_credit_code_the_register_lacks_falls_back_to_the_name(store):
    text = "统一社会信用代码,企业名称,年度,税收\n91330000XXXXXXXXXX,测试阀门有限公司,2021,7\n"
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    preview = preview_figures(current(store), prepared)
    assert preview.ok and list(preview.rows["matched_by"]) == ["name"]


# ---------------------------------------------------------------- refusals, by row
def test_unknown_firms_and_parcels_are_named_with_their_rows(store):
    text = (
        "对象类型,企业或地块编号,企业名称,年度,累计月数,营业收入,固定资产投资\n"
        "企业,E1,,2021,6,10,\n"
        "企业,E9,,2021,6,10,\n"
        "企业,,不存在的公司,2021,6,10,\n"
        "项目,P9,,2021,6,,5\n"
        "项目,P1,,2021,6,,5\n"
    )
    _, prepared = prepared_from("x.csv", csv_bytes(text), "period_figures")
    assert prepared.ok
    preview = preview_figures(current(store), prepared)
    unknown = problem(preview, "figures_unknown_firm")
    assert unknown.params["row_numbers"] == (3, 4)
    assert unknown.params["values"] == "E9、不存在的公司"
    parcel = problem(preview, "figures_unknown_parcel")
    assert parcel.params["row_numbers"] == (5,) and parcel.params["values"] == "P9"
    assert preview.frame is None and preview.added == 0


def test_ambiguous_names_and_conflicting_identifiers(tmp_path):
    def park():
        frames = tiny_park_with_codes()
        frames["enterprises"].loc[1, "name"] = frames["enterprises"].loc[0, "name"]
        return frames

    store = ParkStore.open(tmp_path / "park.gpkg", create=park)
    name = store.read("enterprises")["name"].iloc[0]
    text = (
        "企业编号,统一社会信用代码,企业名称,年度,税收\n"
        f",,{name},2021,1\n"
        f"E1,{CREDIT_E2},,2021,1\n"
        f"E2,{CREDIT_E2},,2021,1\n"
    )
    _, prepared = prepared_from("x.csv", csv_bytes(text, "utf-8"), "enterprise_years")
    preview = preview_figures(current(store), prepared)
    assert problem(preview, "figures_ambiguous_name").params["row_numbers"] == (2,)
    conflict = problem(preview, "figures_firm_conflict")
    assert conflict.params["row_numbers"] == (3,)
    assert conflict.params["values"] == f"E1/{CREDIT_E2}"


@pytest.mark.parametrize(
    ("cells", "key", "rows"),
    [
        (["1999", "2021", "二〇二一"], "figures_bad_year", (2, 4)),
        (["2101", "2021", ""], "figures_bad_year", (2, 4)),
    ],
)
def test_years_outside_2000_to_2100_or_unreadable(store, cells, key, rows):
    body = "".join(f"E1,{year},1\n" for year in cells)
    text = "企业编号,年度,税收\n" + body.replace("E1,2021", "E2,2021")
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    found = problem(prepared, key)
    assert found.params["row_numbers"] == rows
    assert (found.params["low"], found.params["high"]) == (2000, 2100)


def test_months_must_be_january_to_a_month_1_to_12(store):
    text = (
        "企业编号,年度,月份,税收\nE1,2021,1-6月,1\nE2,2021,13,1\nE1,2022,4-6月,1\n"
        "E2,2022,0,1\nE1,2023,半年,1\nE2,2023,12月,1\n"
    )
    _, prepared = prepared_from("x.csv", csv_bytes(text), "period_figures", kind="enterprise")
    found = problem(prepared, "figures_bad_months")
    assert found.params["row_numbers"] == (3, 4, 5, 6)
    assert found.params["values"] == "13、4-6月、0、半年"


def test_numbers_must_be_numbers_and_not_negative(store):
    text = (
        "企业编号,年度,营业收入,税收,年平均职工人数\n"
        "E1,2021,abc,1,10\n"
        "E2,2021,5,-3,10.5\n"
        "E1,2022,1e3,,\n"
        "E2,2022,-,-2,-\n"
    )
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    keys = sorted(
        (p.key, p.params.get("column"), p.params["row_numbers"]) for p in prepared.problems
    )
    assert keys == [
        ("figures_bad_number", "主营业务收入", (2,)),
        ("figures_bad_number", "年平均职工人数", (3,)),
        ("figures_negative", "评价税收", (3, 5)),
    ]
    assert "-3" in problem(prepared, "figures_negative").params["values"]


def test_duplicates_within_the_file_are_refused_after_the_firms_are_found(store):
    text = (
        "企业编号,企业名称,年度,税收\n"
        "E2,,2021,1\n"
        "E1,,2021,1\n"
        ",测试阀门有限公司,2021,2\n"  # E2 again, by name
        "E2,,2022,1\n"
    )
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    assert prepared.ok
    found = problem(preview_figures(current(store), prepared), "figures_duplicates")
    assert found.params["row_numbers"] == (2, 4)
    assert found.params["values"] == "E2/2021"


def test_required_fields_unmapped_and_no_figures(store):
    table = read_figure_table("x.csv", csv_bytes("备注,营业收入\n甲,1\n"))
    prepared = prepare_figures(
        table, layer="period_figures", mapping=suggest_figure_mapping("period_figures", ["x"])
    )
    unmapped = problem(prepared, "figures_unmapped").params["columns"]
    assert unmapped == "对象类型；企业或地块编号、统一社会信用代码、企业名称；年度；累计月数"
    assert problem(prepared, "figures_no_figures")
    given = prepare_figures(
        table,
        layer="period_figures",
        mapping={"firm_name": "备注", "revenue_wan": "营业收入"},
        year=2021,
        months=3,
        kind="enterprise",
    )
    assert not [p for p in given.problems if p.key in ("figures_unmapped", "figures_no_figures")]


def test_projects_take_investment_only_and_every_row_needs_a_subject(store):
    text = (
        "对象类型,企业或地块编号,年度,累计月数,营业收入,固定资产投资\n"
        "项目,P1,2021,6,10,5\n"
        "工厂,E1,2021,6,10,\n"
        "企业,,2021,6,10,\n"
        "项目,,2021,6,,5\n"
    )
    _, prepared = prepared_from("x.csv", csv_bytes(text), "period_figures")
    found = problem(prepared, "figures_project_figures")
    assert found.params["row_numbers"] == (2,) and found.params["columns"] == "营业收入(累计)"
    assert problem(prepared, "figures_bad_kind").params["row_numbers"] == (3,)
    assert problem(prepared, "figures_no_subject").params["row_numbers"] == (4, 5)


def test_every_problem_reads_in_both_languages(store):
    text = "企业编号,年度,税收\nE9,1999,-1\nE1,2021,x\n"
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    preview = preview_figures(current(store), prepared)
    assert {p.key for p in preview.problems} >= {
        "figures_bad_year",
        "figures_negative",
        "figures_bad_number",
        "figures_unknown_firm",
    }
    for p in preview.problems:
        assert p.key in MESSAGES
        for lang in ("zh", "en"):
            text_ = error_text(p, lang)
            assert p.params["rows"] in text_ and "{" not in text_


# ---------------------------------------------------------------- upsert and all-or-nothing
def stored_years(store) -> pd.DataFrame:
    return store.read("enterprise_years").set_index(["enterprise_id", "year"]).sort_index()


def test_replace_upserts_by_identity_and_keeps_other_rows(store):
    store.write(
        {
            "enterprise_years": pd.DataFrame(
                {
                    "enterprise_id": ["E1", "E1", "E2"],
                    "year": [2020, 2021, 2021],
                    "revenue_wan": [5000.0, 6000.0, 100.0],
                    "tax_wan": [150.0, 160.0, 4.0],
                    "kwh": [1.0, 2.0, 3.0],
                }
            ).reindex(columns=schema.ENTERPRISE_YEARS.column_names)
        }
    )
    text = "企业编号,年度,营业收入,税收\nE1,2021,6500,170\nE2,2022,120,5\n"
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    preview = preview_figures(current(store), prepared, mode="replace")
    assert (preview.added, preview.replaced) == (1, 1)
    assert list(preview.rows["action"]) == ["replace", "add"]
    assert preview.cleared == {"用电量": 1}  # E1 2021's kWh: the file has no such column
    assert preview.periods[["year", "rows", "added", "replaced"]].values.tolist() == [
        [2021, 1, 0, 1],
        [2022, 1, 1, 0],
    ]
    run_figures_import(
        store, "enterprise_years", prepared, actor=ACTOR, expected_version=None, mode="replace"
    )
    years = stored_years(store)
    assert len(years) == 4
    assert years.loc[("E1", 2021), ["revenue_wan", "tax_wan"]].tolist() == [6500.0, 170.0]
    assert pd.isna(years.loc[("E1", 2021), "kwh"])
    assert years.loc[("E1", 2020), ["revenue_wan", "kwh"]].tolist() == [5000.0, 1.0]
    assert years.loc[("E2", 2021), ["revenue_wan", "kwh"]].tolist() == [100.0, 3.0]
    assert years.loc[("E2", 2022), "tax_wan"] == 5.0


def test_update_keeps_the_values_the_file_does_not_have(store):
    store.write(
        {
            "enterprise_years": pd.DataFrame(
                {"enterprise_id": ["E1"], "year": [2021], "revenue_wan": [6000.0], "kwh": [2.0]}
            ).reindex(columns=schema.ENTERPRISE_YEARS.column_names)
        }
    )
    text = "企业编号,年度,营业收入,税收\nE1,2021,,170\n"  # the tax bureau's file
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    preview = preview_figures(current(store), prepared, mode="update")
    assert preview.cleared == {} and preview.replaced == 1
    run_figures_import(
        store, "enterprise_years", prepared, actor=ACTOR, expected_version=None, mode="update"
    )
    row = stored_years(store).loc[("E1", 2021)]
    assert row[["revenue_wan", "tax_wan", "kwh"]].tolist() == [6000.0, 170.0, 2.0]


def test_nothing_is_written_on_a_problem(store):
    before, version = digest(store.path), store.data_version()
    text = "企业编号,年度,税收\nE1,2021,1\nE9,2021,1\n"
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    with pytest.raises(ValidationError) as info:
        run_figures_import(store, "enterprise_years", prepared, actor=ACTOR, expected_version=None)
    assert info.value.key == "figures_unknown_firm"
    assert info.value.params["row_numbers"] == (3,)
    _, bad = prepared_from(
        "x.csv", csv_bytes("企业编号,年度,税收\nE1,1999,1\n"), "enterprise_years"
    )
    with pytest.raises(ValidationError) as info:
        run_figures_import(store, "enterprise_years", bad, actor=ACTOR, expected_version=None)
    assert info.value.key == "figures_bad_year"
    assert store.data_version() == version and digest(store.path) == before
    assert store.backups() == []  # refused before a backup was made


def test_the_import_checks_again_under_the_lock(store, monkeypatch):
    """A firm removed by another writer after the preview: refused, nothing written."""
    text = "企业编号,年度,税收\nE2,2021,1\n"
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    assert preview_figures(current(store), prepared).ok
    real = ParkStore.transaction

    def another_writer_first(self, layers, change, **kwargs):
        firms = self.read("enterprises")
        real(self, (), lambda _: {"enterprises": firms[firms["enterprise_id"] != "E2"]})
        return real(self, layers, change, **kwargs)

    monkeypatch.setattr(ParkStore, "transaction", another_writer_first)
    version = store.data_version()
    with pytest.raises(ValidationError) as info:
        run_figures_import(store, "enterprise_years", prepared, actor=ACTOR, expected_version=None)
    assert info.value.key == "figures_unknown_firm"
    assert store.data_version() == version + 1  # the other writer's change only
    assert len(store.read("enterprise_years")) == 1


def test_a_stale_preview_is_refused(store):
    text = "企业编号,年度,税收\nE2,2021,1\n"
    _, prepared = prepared_from("x.csv", csv_bytes(text), "enterprise_years")
    version = store.data_version()
    store.write({"targets": store.read("targets")})  # someone else writes meanwhile
    with pytest.raises(StoreError) as info:
        run_figures_import(
            store, "enterprise_years", prepared, actor=ACTOR, expected_version=version
        )
    assert info.value.key == "store_stale"
    assert len(store.read("enterprise_years")) == 1


# ---------------------------------------------------------------- the template
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("layer", figures_fields.FIGURE_LAYERS)
def test_template_round_trips(store, layer, lang):
    data = figures_template(layer, lang)
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    example = [c.value for c in sheet[2]]
    assert sheet.max_row == 2 and any("示例" in str(v) for v in example)
    if lang == "zh":
        assert "主营业务收入(万元)" in header or "营业收入(累计)(万元)" in header
    # As given, the example row is skipped: nothing to import.
    table, prepared = prepared_from("template.xlsx", data, layer)
    assert ("figures_note_skipped_example", {"rows": "2"}) in prepared.notes
    assert [p.key for p in prepared.problems] == ["figures_nothing"]
    # The template minus the example row, plus a real one: every field is recognised.
    mapping = suggest_figure_mapping(layer, table.columns)
    assert all(mapping.values()), {k: v for k, v in mapping.items() if not v}
    assert set(mapping.values()) == set(header)
    real = {
        "subject_kind": "enterprise" if lang == "en" else "企业",
        "enterprise_id": "E1",
        "subject_id": "E1",
        "credit_code": CREDIT_E1,
        "firm_name": None,
        "year": 2023,
        "months": 9,
    }
    filled = [real.get(c.name, 1.0) for c in figures_fields.fields(layer)]
    sheet.delete_rows(2)
    sheet.append(filled)
    buffer = io.BytesIO()
    book.save(buffer)
    _, prepared = prepared_from("filled.xlsx", buffer.getvalue(), layer)
    assert prepared.ok, [error_text(p, "en") for p in prepared.problems]
    outcome = run_figures_import(store, layer, prepared, actor=ACTOR, expected_version=None)
    assert (outcome.added, outcome.replaced) == (1, 0)
    row = store.read(layer).iloc[-1]
    assert row["year"] == 2023 and row[figures_fields.figure_columns(layer)[0]] == 1.0


# ---------------------------------------------------------------- reading and parsing
def test_xlsx_row_numbers_survive_blank_rows_and_a_title(store):
    data = xlsx_bytes(
        [
            [None, "2021年度亩均数据"],
            [],
            ["企业编号", "年度", "税收"],
            ["E1", 2021, 1],
            [],
            [],
            ["E9", 2021, 2],
        ]
    )
    table, prepared = prepared_from("x.xlsx", data, "enterprise_years")
    assert table.header_row == 3 and table.rows == [4, 7] and table.title == "2021年度亩均数据"
    assert problem(preview_figures(current(store), prepared), "figures_unknown_firm").params[
        "row_numbers"
    ] == (7,)


def test_sheets_can_be_chosen():
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["这是说明"])
    data_sheet = book.create_sheet("数据")
    for row in (["企业编号", "年度", "税收"], ["E1", 2021, 1]):
        data_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationError) as info:
        read_figure_table("x.xlsx", buffer.getvalue())
    assert info.value.key == "figures_table_empty"
    assert figures_read.sheet_names(buffer.getvalue()) == ("说明", "数据")
    table = read_figure_table("x.xlsx", buffer.getvalue(), sheet="数据")
    assert table.sheets == ("说明", "数据") and table.columns == ["企业编号", "年度", "税收"]
    with pytest.raises(ValidationError) as info:
        read_figure_table("x.xlsx", buffer.getvalue(), sheet="没有")
    assert info.value.key == "figures_sheet_missing"


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "figures_xls"),
        ("x.txt", b"a,b\n1,2\n", "figures_format_unsupported"),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", "xlsx_unreadable"),
        ("empty.csv", b"", "exchange_empty_file"),
        ("header_only.csv", "企业编号,年度\n".encode(), "figures_table_empty"),
        ("bad.csv", b"\xff\xfe\xfa\xfb,\x81\n", "exchange_decode_failed"),
        ("huge_cell.csv", b"a,b\n1," + b"x" * 200_000 + b"\n", "exchange_unreadable"),
    ],
)
def test_unreadable_uploads_are_refused_with_a_key(name, data, key):
    with pytest.raises(ValidationError) as info:
        read_figure_table(name, data, encoding="UTF-8" if name == "bad.csv" else None)
    assert info.value.key == key and key in MESSAGES


def test_utf8_semicolon_csv_and_an_encoding_override():
    text = "企业编号;年度;税收\nE1;2021;1\n"
    table = read_figure_table("x.csv", text.encode("utf-8-sig"))
    assert table.columns == ["企业编号", "年度", "税收"] and table.encoding.source == "bom"
    gbk = read_figure_table("x.csv", text.encode("gbk"), encoding="GBK")
    assert gbk.columns == table.columns and gbk.encoding.source == "user"


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            ["企业名称", "统一社会信用代码", "年份", "主营业务收入", "工业增加值", "实缴税金"],
            {
                "firm_name": "企业名称",
                "credit_code": "统一社会信用代码",
                "year": "年份",
                "revenue_wan": "主营业务收入",
                "value_added_wan": "工业增加值",
                "tax_wan": "实缴税金",
            },
        ),
        (
            ["单位详细名称", "年度", "营业收入(本年累计)", "营业收入(上年同期)", "增速%"],
            {"firm_name": "单位详细名称", "year": "年度", "revenue_wan": "营业收入(本年累计)"},
        ),
        (
            ["企业编号", "年度", "入库税收", "用电(千瓦时)", "综合能耗(吨标准煤)"],
            {
                "enterprise_id": "企业编号",
                "year": "年度",
                "tax_wan": "入库税收",
                "kwh": "用电(千瓦时)",
                "energy_tce": "综合能耗(吨标准煤)",
            },
        ),
        (
            ["企业编号", "年度", "从业人员", "R&D经费", "固定资产投资", "税收"],
            {
                "enterprise_id": "企业编号",
                "year": "年度",
                "employees": "从业人员",
                "rd_wan": "R&D经费",
                "investment_wan": "固定资产投资",
                "tax_wan": "税收",
            },
        ),
        (
            ["企业编号", "年度", "年平均职工人数", "研发费用", "税收（元）"],
            {
                "enterprise_id": "企业编号",
                "year": "年度",
                "employees": "年平均职工人数",
                "rd_wan": "研发费用",
                "tax_wan": "税收（元）",
            },
        ),
    ],
)
def test_yearly_suggestions(columns, expected):
    got = {k: v for k, v in suggest_figure_mapping("enterprise_years", columns).items() if v}
    assert got == expected


def test_period_suggestions_find_months_and_a_period_column():
    got = suggest_figure_mapping("period_figures", ["企业编号", "年份", "累计月数", "完成投资"])
    assert (got["subject_id"], got["year"], got["months"]) == ("企业编号", "年份", "累计月数")
    assert got["investment_wan"] == "完成投资"
    period = suggest_figure_mapping("period_figures", ["纳税人名称", "报告期", "营业收入"])
    assert period["year"] == period["months"] == "报告期"
    assert period["firm_name"] == "纳税人名称"


@pytest.mark.parametrize(
    ("header", "unit", "factor"),
    [
        ("税收(元)", "万元", 1e-4),
        ("税收（千元）", "万元", 0.1),
        ("营业收入(亿元)", "万元", 1e4),
        ("营业收入(万元)", "万元", 1.0),
        ("营业收入/元", "万元", 1e-4),
        ("营业收入(本年累计)", "万元", 1.0),
        ("用电量(万千瓦时)", "kWh", 1e4),
        ("用电量(kW·h)", "kWh", 1.0),
        ("综合能耗(千克标准煤)", "吨标煤", 1e-3),
        ("排放量(千克)", "吨", 1e-3),
    ],
)
def test_units_from_the_header(header, unit, factor):
    column = next(c for c in schema.ENTERPRISE_YEARS.columns if c.unit == unit)
    assert figures_cells.figure_unit_factor(header, column) == pytest.approx(factor)


def test_a_title_unit_applies_to_amounts_without_their_own():
    revenue = schema.ENTERPRISE_YEARS.column("revenue_wan")
    kwh = schema.ENTERPRISE_YEARS.column("kwh")
    assert figures_cells.figure_unit_factor("营业收入", revenue, default_unit="元") == 1e-4
    assert figures_cells.figure_unit_factor("营业收入(万元)", revenue, default_unit="元") == 1.0
    assert figures_cells.figure_unit_factor("用电量", kwh, default_unit="元") == 1.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (6, 6),
        (6.0, 6),
        ("6", 6),
        ("6月", 6),
        ("6月份", 6),
        ("1-6月", 6),
        ("1—6月", 6),
        ("1～6月", 6),
        ("1至6月", 6),
        ("1-12月累计", 12),
        ("2023年1-6月", 6),
        ("2023-06", 6),
        ("202306", 6),
        ("上半年", 6),
        ("前三季度", 9),
        (datetime(2023, 6, 30), 6),
        ("", None),
        ("—", None),
    ],
)
def test_months(value, expected):
    assert parse_months(value) == expected


@pytest.mark.parametrize("value", ["4-6月", "13", 0, "6.5", 6.5, "半年", "2023"])
def test_months_refused(value):
    with pytest.raises(ValueError):
        parse_months(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2023, 2023),
        (2023.0, 2023),
        ("2023", 2023),
        ("2023年", 2023),
        ("2023年度", 2023),
        ("2023年1-6月", 2023),
        ("2023-06", 2023),
        ("202306", 2023),
        (date(2023, 1, 1), 2023),
        ("2000", 2000),
        ("2100", 2100),
        (None, None),
    ],
)
def test_years(value, expected):
    assert parse_year(value) == expected


@pytest.mark.parametrize("value", ["1999", "2101", 2023.5, "二〇二三年", "23", True])
def test_years_refused(value):
    with pytest.raises(ValueError):
        parse_year(value)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2023年1-6月规上工业企业主要指标", (2023, 6)),
        ("2023年前三季度 税收", (2023, 9)),
        ("亩均数据2022年", (2022, None)),
        ("制表日期 2024-01-06", (None, None)),
        ("2023年报表", (2023, None)),
        ("2023年全年", (2023, 12)),
        ("企业月报", (None, None)),
    ],
)
def test_period_from_a_title_or_file_name(text, period):
    assert figures_cells.guess_period(text) == period


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (["地块编号", "年份", "完成投资"], "project"),
        (["宗地编号", "年份", "完成投资"], "project"),
        (["地块编号", "企业名称", "年份", "营业收入"], "enterprise"),
        (["企业编号", "年份", "营业收入"], "enterprise"),
        (["企业名称", "年份", "营业收入"], "enterprise"),
    ],
)
def test_the_subject_kind_is_suggested_from_the_columns(columns, kind):
    mapping = suggest_figure_mapping("period_figures", columns)
    assert figures_suggest.suggest_kind("period_figures", mapping) == kind
    assert figures_suggest.suggest_kind("enterprise_years", mapping) is None


def test_enterprise_import_recognises_the_above_size_register_date():
    for header in ("规上入库日期", "入库日期", "入库时间"):
        got = suggest_mapping("enterprises", ["企业编号", "企业名称", header])
        assert got["above_scale_since"] == header
