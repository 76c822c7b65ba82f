"""AppTest of the 地块查询 page: search → card → edit → timeline; deep link; refusals; as-of."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gis import history, lifecycle, vocabulary
from gis.i18n import t
from gis.store import ParkStore
from tests.apptest_kit import assert_no_exception, texts

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "pages/views/parcels.py"
RUN_TIMEOUT = 60
BUILD = vocabulary.CONSTRUCTION_FIELD


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run(timeout=RUN_TIMEOUT)
    if not query:
        at.switch_page(PAGE).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    return at


def frame_with(at: AppTest, column: str):
    """The first dataframe on the page with ``column`` (AppTest does not expose keys)."""
    for frame in at.dataframe:
        value = frame.value
        if column in value.columns:
            return value
    raise AssertionError(f"no table with a column {column!r} on the page")


def timeline(at: AppTest):
    return frame_with(at, "#")


def submit(at: AppTest) -> None:
    [button] = [b for b in at.button if b.label in (t("edit_submit", "zh"), t("edit_submit", "en"))]
    button.click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)


def fill_start(at: AppTest, day: date, author: str = "李强") -> None:
    at.selectbox(key="edit_action").set_value(f"change:{BUILD}").run(timeout=RUN_TIMEOUT)
    assert at.selectbox(key=f"edit_status_change:{BUILD}").options == ["开工"]
    at.date_input(key="edit_date").set_value(day)
    at.text_input(key="edit_author").input(author)
    at.text_area(key="edit_note").input("取得施工许可证")


def test_search_card_edit_timeline(store_copy):
    at = open_page()
    assert t("parcels_heading", "zh") in texts(at.header)
    at.text_input(key="parcel_query").input("bh d07").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert "D07 · 碧湖区块D07地块" in texts(at.subheader)  # the best hit opens at once
    assert at.query_params["parcel"] == ["D07"] or at.query_params["parcel"] == "D07"
    assert any("交地 · 未开工" in m for m in texts(at.markdown))
    # Attributes with labels and units from gis.schema.
    card = frame_with(at, t("card_value", "zh"))
    items = dict(zip(card.iloc[:, 0], card.iloc[:, 1], strict=True))
    assert items["出让状态"] == "交地" and items["建设状态"] == "未开工"
    assert items["交地日期"] == "2021-02-25"
    assert items["成交价(万元)"].endswith("万元")
    assert "亩" in items["面积"] and "m²" in items["面积"]
    before = len(timeline(at))

    fill_start(at, date(2021, 6, 28))
    submit(at)
    assert texts(at.success) == ["已保存：D07 建设状态 → 开工(生效 2021-06-28)。"]
    line = timeline(at)
    assert len(line) == before + 1
    last = line.iloc[-1]
    assert (last["新状态"], last["生效日期"], last["记录人"]) == ("开工", "2021-06-28", "李强")
    assert any("交地 · 开工" in m for m in texts(at.markdown))
    # The store: row, event, version — and the history replays to it.
    store = ParkStore(store_copy)
    row = store.read("parcels").set_index("code").loc["D07"]
    assert (row[BUILD], row["start_date"]) == ("STARTED", "2021-06-28")
    events = store.read("status_events")
    assert history.timeline(events, "D07")["new_status"].iloc[-1] == "STARTED"


def test_deep_link_from_the_root_url_opens_the_card(store_copy):
    at = open_page(parcel="d07")  # the default (map) page hands over to the parcel page
    assert "D07 · 碧湖区块D07地块" in texts(at.subheader)
    assert not at.warning or all("D07" not in w for w in texts(at.warning))


def test_unknown_deep_link_is_a_message_not_an_error(store_copy):
    at = open_page(parcel="Z99")
    assert t("deep_link_unknown", "zh", code="Z99") in texts(at.warning)
    assert not at.error


def test_start_before_delivery_is_refused_and_input_kept(store_copy):
    at = open_page(parcel="D07")
    fill_start(at, date(2021, 2, 1))
    submit(at)
    [error] = texts(at.error)
    assert "早于交地日期 2021-02-25" in error
    assert at.text_input(key="edit_author").value == "李强"
    assert at.date_input(key="edit_date").value == date(2021, 2, 1)
    row = ParkStore(store_copy).read("parcels").set_index("code").loc["D07"]
    assert row[BUILD] == "NOT_STARTED"


def test_stale_edit_is_refused_with_what_changed(store_copy):
    at = open_page(parcel="D07")  # 张敏 opens D07 (version n) ...
    # ... meanwhile, in another browser, 李强 records the start.
    other = ParkStore(store_copy)
    version = int(other.read("parcels").set_index("code").loc["D07", "version"])
    lifecycle.record_changes(
        other,
        [lifecycle.StatusChange("D07", BUILD, "STARTED", date(2021, 6, 20), "李强")],
        expected_versions={"D07": version},
    )
    # 张敏's next action reruns the page; the form stays based on version n.
    at.selectbox(key="edit_action").set_value(f"change:{BUILD}").run(timeout=RUN_TIMEOUT)
    at.selectbox(key=f"edit_status_change:{BUILD}").set_value("COMPLETED")
    at.date_input(key="edit_date").set_value(date(2021, 6, 28))
    at.text_input(key="edit_author").input("张敏")
    submit(at)
    [error] = texts(at.error)
    assert "D07" in error and "李强" in error and "开工" in error and "建设状态" in error
    assert at.text_input(key="edit_author").value == "张敏"  # nothing lost
    store = ParkStore(store_copy)
    assert store.read("parcels").set_index("code").loc["D07", BUILD] == "STARTED"

    # Having seen the change, the clerk reloads and saves again.
    at.button(key="edit_reload").click().run(timeout=RUN_TIMEOUT)
    at.selectbox(key=f"edit_status_change:{BUILD}").set_value("COMPLETED")
    submit(at)
    assert texts(at.success) == ["已保存：D07 建设状态 → 竣工(生效 2021-06-28)。"]
    assert store.read("parcels").set_index("code").loc["D07", BUILD] == "COMPLETED"


def test_as_of_date_recomputes_card_and_warnings(store_copy):
    at = open_page()
    at.text_input(key="parcel_query").input("D07").run(timeout=RUN_TIMEOUT)
    store = ParkStore(store_copy)
    parcels, events = store.read("parcels"), store.read("status_events")

    def expected_warnings(day: date) -> int:
        return len(lifecycle.warnings(history.statuses_as_of(parcels, events, day), day))

    headings = texts(at.subheader)
    assert t("warnings_heading", "zh", date="2021-06-30") in headings
    assert len(frame_with(at, t("warn_kind", "zh"))) == expected_warnings(date(2021, 6, 30))

    at.date_input(key="as_of").set_value(date(2021, 1, 1)).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    # D07 was listed on 2020-12-27 and sold on 2021-01-08.
    assert "截至 2021-01-01：挂牌 · 未开工" in texts(at.caption)
    assert t("warnings_heading", "zh", date="2021-01-01") in texts(at.subheader)
    n = expected_warnings(date(2021, 1, 1))
    assert n != expected_warnings(date(2021, 6, 30))
    assert len(frame_with(at, t("warn_kind", "zh"))) == n


def test_correction_is_offered_and_shown_struck(store_copy):
    at = open_page(parcel="D07")
    fill_start(at, date(2021, 6, 28))
    submit(at)
    wrong = int(timeline(at)["#"].iloc[-1])
    action = f"correct:{wrong}"
    at.selectbox(key="edit_action").set_value(action).run(timeout=RUN_TIMEOUT)
    assert set(at.selectbox(key=f"edit_status_{action}").options) == {"开工", "未开工"}
    at.selectbox(key=f"edit_status_{action}").set_value("STARTED")
    at.date_input(key="edit_date").set_value(date(2021, 6, 25))
    submit(at)
    assert texts(at.success)
    line = timeline(at)
    marks = dict(zip(line["#"], line["标记"], strict=True))
    assert marks[wrong].startswith("已被更正")
    assert marks[wrong + 1] == f"更正 #{wrong}"
    assert len(line[line["新状态"] == "开工"]) == 2  # the corrected entry is still listed


def test_english(store_copy):
    at = open_page(parcel="D07")
    at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert "Parcel lookup and status updates" in texts(at.header)
    assert any("Now: Delivered · Not started" in m for m in texts(at.markdown))
    card = frame_with(at, t("card_value", "en"))
    assert "Deal price(万元)" in set(card.iloc[:, 0])


def xlsx(rows: list[list[object]]) -> tuple[str, bytes, str]:
    import pandas as pd

    from gis import excel

    frame = pd.DataFrame(rows, columns=list(lifecycle.TEMPLATE_HEADERS))
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "updates.xlsx", excel.to_xlsx({"更新": frame}), mime


def test_excel_upload_preview_and_apply(store_copy):
    at = open_page()
    at.text_input(key="excel_author").input("王芳").run(timeout=RUN_TIMEOUT)
    bad = xlsx(
        [
            ["D07", "建设状态", "开工", "2021-06-28", "取得施工许可证"],
            ["D07", "建设状态", "达产", "2021-06-29", ""],  # 开工 → 达产: forbidden
            ["Q99", "出让状态", "储备", "2021-06-01", ""],
        ]
    )
    at.file_uploader(key="excel_upload").set_value(bad).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    preview = frame_with(at, t("excel_check", "zh"))
    assert list(preview[t("excel_row", "zh")]) == [2, 3, 4]
    checks = list(preview[t("excel_check", "zh")])
    assert checks[0] == t("excel_ok", "zh")
    assert "不能从“开工”变为“达产”" in checks[1]
    assert "Q99" in checks[2]
    assert t("excel_errors", "zh", errors=2) in texts(at.error)
    assert not [b for b in at.button if b.label.startswith("导入全部")]  # all or nothing

    good = xlsx([["D07", "建设状态", "开工", "2021-06-28", "取得施工许可证"]])
    at.file_uploader(key="excel_upload").set_value(good).run(timeout=RUN_TIMEOUT)
    assert t("excel_ready", "zh", rows=1) in texts(at.success)
    at.button(key="excel_apply").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert t("excel_applied", "zh", rows=1) in texts(at.success)
    store = ParkStore(store_copy)
    assert store.read("parcels").set_index("code").loc["D07", BUILD] == "STARTED"
    last = history.timeline(store.read("status_events"), "D07").iloc[-1]
    assert (last["author"], last["note"]) == ("王芳", "取得施工许可证")
