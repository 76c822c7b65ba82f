"""AppTest of the 地块查询 page: search → card → edit → timeline; deep link; refusals; as-of."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gis import vocabulary
from gis.auth.access import EDITOR, Actor
from gis.i18n import t
from gis.parcels import bulk_update, deadlines, history, lifecycle
from gis.store import ParkStore
from tests.apptest_kit import assert_no_exception, signed_in, texts

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "pages/views/parcels.py"
RUN_TIMEOUT = 60
SIGNED_IN = "tester-data-manager"  # tests.apptest_kit.signed_in's user, the author of saves
BUILD = vocabulary.CONSTRUCTION_FIELD


def open_page(**query: str) -> AppTest:
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
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


def labelled(elements, label: str):
    """The one widget of ``elements`` labelled ``label`` (the editor's keys carry the
    parcel and its version, so tests find its widgets by label)."""
    [widget] = [e for e in elements if e.label == label]
    return widget


def action_box(at: AppTest):
    return labelled(at.selectbox, t("edit_action", "zh"))


def status_box(at: AppTest):
    return labelled(at.selectbox, t("edit_new_status", "zh"))


def date_box(at: AppTest):
    return labelled(at.date_input, t("edit_date", "zh"))


def note_box(at: AppTest):
    return labelled(at.text_area, t("edit_note", "zh"))


def choose_action(at: AppTest, action: str) -> None:
    action_box(at).set_value(action).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)


def fill(at: AppTest, status: str, day: date, author: str = "李强", note: str = "") -> None:
    status_box(at).set_value(status)
    date_box(at).set_value(day)
    # No author box (#13): the author is the signed-in account, whatever ``author`` says.
    note_box(at).input(note)


def fill_start(at: AppTest, day: date, author: str = "李强") -> None:
    choose_action(at, f"change:{BUILD}")
    assert status_box(at).options == ["开工"]
    fill(at, "STARTED", day, author, "取得施工许可证")


def construction(store_path: Path, code: str) -> str:
    return str(ParkStore(store_path).read("parcels").set_index("code").loc[code, BUILD])


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
    assert (last["新状态"], last["生效日期"], last["记录人"]) == ("开工", "2021-06-28", SIGNED_IN)
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
    assert date_box(at).value == date(2021, 2, 1)
    row = ParkStore(store_copy).read("parcels").set_index("code").loc["D07"]
    assert row[BUILD] == "NOT_STARTED"


def test_stale_edit_is_refused_with_what_changed(store_copy):
    at = open_page(parcel="D07")  # 张敏 opens D07 (version n) and fills the form ...
    choose_action(at, f"change:{BUILD}")
    fill(at, "STARTED", date(2021, 6, 28), "张敏", "开工仪式")
    # ... meanwhile, in another browser, 李强 records the start.
    other = ParkStore(store_copy)
    version = int(other.read("parcels").set_index("code").loc["D07", "version"])
    lifecycle.record_changes(
        other,
        [lifecycle.StatusChange("D07", BUILD, "STARTED", date(2021, 6, 20), "李强")],
        expected_versions={"D07": version},
        actor=Actor("lq", EDITOR, display_name="李强"),
    )
    submit(at)  # based on version n: refused
    [error] = texts(at.error)
    assert "D07" in error and "李强" in error and "开工" in error and "建设状态" in error
    # Nothing lost: the action, the date, the author and the note stay as typed; the
    # labels and the choices say the parcel's new status.
    assert action_box(at).value == f"change:{BUILD}"
    assert "建设状态：开工 → 下一阶段" in action_box(at).options
    assert status_box(at).options == ["竣工"]
    assert date_box(at).value == date(2021, 6, 28)
    assert note_box(at).value == "开工仪式"
    store = ParkStore(store_copy)
    assert store.read("parcels").set_index("code").loc["D07", BUILD] == "STARTED"

    # Having seen the change, the clerk reloads and saves again.
    at.button(key="edit_reload").click().run(timeout=RUN_TIMEOUT)
    choose_action(at, f"change:{BUILD}")  # the editor starts afresh on the latest version
    assert status_box(at).options == ["竣工"]
    fill(at, "COMPLETED", date(2021, 6, 28), "张敏")
    submit(at)
    assert texts(at.success) == ["已保存：D07 建设状态 → 竣工(生效 2021-06-28)。"]
    assert store.read("parcels").set_index("code").loc["D07", BUILD] == "COMPLETED"


def test_as_of_date_recomputes_card_and_warnings(store_copy):
    at = open_page()
    at.text_input(key="parcel_query").input("D07").run(timeout=RUN_TIMEOUT)
    store = ParkStore(store_copy)
    parcels, events = store.read("parcels"), store.read("status_events")

    def expected_warnings(day: date) -> int:
        return len(deadlines.warnings(history.statuses_as_of(parcels, events, day), day))

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
    choose_action(at, action)
    assert set(status_box(at).options) == {"开工", "未开工"}
    fill(at, "STARTED", date(2021, 6, 25), "李强")
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

    frame = pd.DataFrame(rows, columns=list(bulk_update.TEMPLATE_HEADERS))
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "updates.xlsx", excel.to_xlsx({"更新": frame}), mime


def test_excel_upload_preview_and_apply(store_copy):
    at = open_page()
    at.run(timeout=RUN_TIMEOUT)  # no author box (#13): the signed-in account writes
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
    assert (last["author"], last["note"]) == (SIGNED_IN, "取得施工许可证")


SALE = vocabulary.SALE_FIELD


def test_two_status_changes_in_a_row_on_one_parcel(store_copy):
    at = open_page(parcel="D07")
    before = len(timeline(at))
    fill_start(at, date(2021, 6, 28))
    submit(at)
    assert texts(at.success) == ["已保存：D07 建设状态 → 开工(生效 2021-06-28)。"]
    # The parcel changed: the editor starts afresh, its labels say the new status.
    assert action_box(at).value == f"change:{SALE}"
    assert "建设状态：开工 → 下一阶段" in action_box(at).options
    choose_action(at, f"change:{BUILD}")
    assert status_box(at).options == ["竣工"]
    assert note_box(at).value == ""  # the first change's note is not carried over
    fill(at, "COMPLETED", date(2021, 6, 29), "李强", "竣工验收")
    submit(at)
    assert texts(at.success) == ["已保存：D07 建设状态 → 竣工(生效 2021-06-29)。"]
    assert construction(store_copy, "D07") == "COMPLETED"
    line = timeline(at)
    assert len(line) == before + 2
    assert list(line["新状态"].iloc[-2:]) == ["开工", "竣工"]
    assert list(line["备注"].iloc[-2:]) == ["取得施工许可证", "竣工验收"]


def echo_label(box, label: str) -> None:
    """Make AppTest send ``label`` for the selectbox ``box``, as the browser does: it keeps
    the label the user picked, and Streamlit serialises a selectbox by its label."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    class Echo(type(box)):
        @property
        def _widget_state(self) -> WidgetState:
            state = WidgetState()
            state.id = self.id
            state.string_value = label
            return state

    box.__class__ = Echo


def test_save_again_as_the_browser_sends_it(store_copy):
    """The reporter's sequence: after a save, the 操作 box is left as it was and 保存 is
    pressed again. The browser still sends the label the user picked."""
    at = open_page(parcel="D07")
    fill_start(at, date(2021, 6, 28))
    picked = action_box(at)
    picked_id, picked_label = picked.id, picked.options[picked.index]
    submit(at)
    box = action_box(at)
    if box.id == picked_id:  # the same widget: the browser shows (and sends) its old label
        echo_label(box, picked_label)
    save = [b for b in at.button if b.label == t("edit_submit", "zh")]
    if save:
        save[0].click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert construction(store_copy, "D07") == "STARTED"  # recorded once, not twice


def test_choose_an_action_then_switch_parcel_and_save(store_copy):
    at = open_page(parcel="D07")
    choose_action(at, f"change:{BUILD}")
    assert status_box(at).options == ["开工"]
    # Another parcel, found by search: D10 (delivered in 2018, not started).
    store = ParkStore(store_copy)
    parcels = store.read("parcels").set_index("code")
    assert (parcels.loc["D10", SALE], parcels.loc["D10", BUILD]) == ("DELIVERED", "NOT_STARTED")
    at.text_input(key="parcel_query").input("D10").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert any(s.startswith("D10 · ") for s in texts(at.subheader))
    assert action_box(at).value == f"change:{SALE}"  # D07's choice is not D10's
    choose_action(at, f"change:{BUILD}")
    fill(at, "STARTED", date(2021, 6, 28), "王芳", "开工")
    submit(at)
    assert texts(at.success) == ["已保存：D10 建设状态 → 开工(生效 2021-06-28)。"]
    parcels = ParkStore(store_copy).read("parcels").set_index("code")
    assert parcels.loc["D10", BUILD] == "STARTED"
    assert parcels.loc["D07", BUILD] == "NOT_STARTED"


def test_a_future_date_blocks_the_save_and_is_kept(store_copy):
    at = open_page(parcel="D07")
    version = ParkStore(store_copy).data_version()
    future = date.today() + timedelta(days=200)
    fill_start(at, future)
    submit(at)
    [error] = texts(at.error)
    assert error == t(
        "status_date_future", "zh", date=future.isoformat(), today=date.today().isoformat()
    )
    assert "晚于今天" in error and "不能登记未来的状态" in error
    assert date_box(at).value == future  # the typed date is kept, not replaced
    assert not at.success
    store = ParkStore(store_copy)
    assert store.data_version() == version  # nothing written
    assert construction(store_copy, "D07") == "NOT_STARTED"
    # In English, the same refusal in English.
    at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    choose_en = [b for b in at.selectbox if b.label == t("edit_action", "en")]
    choose_en[0].set_value(f"change:{BUILD}").run(timeout=RUN_TIMEOUT)
    [box] = [d for d in at.date_input if d.label == t("edit_date", "en")]
    box.set_value(future)
    [button] = [b for b in at.button if b.label == t("edit_submit", "en")]
    button.click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert texts(at.error) == [
        t("status_date_future", "en", date=future.isoformat(), today=date.today().isoformat())
    ]
    assert store.data_version() == version


def test_search_says_the_real_total_and_finds_codes_without_zeros(store_copy):
    at = open_page()
    parcels = ParkStore(store_copy).read("parcels")
    in_block = int(parcels["name"].str.contains("碧湖").sum())  # 碧湖区块D07地块, ...
    assert in_block > 12
    at.text_input(key="parcel_query").input("碧湖").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert f"找到 {in_block} 个地块 · 显示前 12 个" in texts(at.caption)
    hits = [b for b in at.button if b.key and b.key.startswith("hit_")]
    assert len(hits) == 12
    at.text_input(key="parcel_query").input("d7").run(timeout=RUN_TIMEOUT)
    assert "D07 · 碧湖区块D07地块" in texts(at.subheader)
    assert "找到 1 个地块" in texts(at.caption)


def test_timeline_is_full_width_below_the_columns(store_copy):
    at = open_page(parcel="D07")
    line = timeline(at)
    assert len(line) > 0 and "记录时间" in line.columns
    for column in at.columns:  # the card and the map columns hold no timeline
        assert all("#" not in f.value.columns for f in column.dataframe)
    assert any("#" in f.value.columns for f in at.main.dataframe)


def test_downloads_are_files_ready_before_the_click(store_copy):
    """A deferred download (``data=callable``) is lost when a rerun comes first: the
    button then spins and no file arrives. Both files are built with the page."""
    at = open_page(parcel="D07")
    buttons = {d.proto.label: d.proto for d in at.get("download_button")}
    for label in (t("excel_template", "zh"), t("excel_export", "zh")):
        proto = buttons[label]
        assert not proto.HasField("deferred_file_id"), label
        assert proto.url, label  # the file is in the media store already


def test_a_future_as_of_date_is_refused_visibly(store_copy):
    """The sidebar's date takes any typed date; one after today is said, not dropped."""
    at = open_page(parcel="D07")
    future = date.today() + timedelta(days=30)
    at.date_input(key="as_of").set_value(future).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    today = date.today().isoformat()
    assert at.date_input(key="as_of").value == future  # kept as typed ...
    message = t("as_of_future", "zh", date=future.isoformat(), latest=today)
    assert message in texts(at.sidebar.error)  # ... and refused, visibly
    assert t("warnings_heading", "zh", date=today) in texts(at.subheader)
