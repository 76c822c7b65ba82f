"""The 会议 Meeting page in Streamlit's AppTest: figures, views by link and by step, the
decision log's edit (and a stale edit refused), presentation mode and the meeting pack."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from gis.i18n import t
from gis.meeting import annotations as meeting_annotations
from gis.meeting import pack
from gis.meeting import views as meeting_views
from gis.store import ParkStore
from tests.actors import ACTOR
from tests.apptest_kit import assert_clean, counting, signed_in
from ui import ahead, mapview

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "pages/views/meeting.py"
RUN_TIMEOUT = 90
AS_OF = date(2021, 6, 30)  # the sample park's report date, the sidebar's default


@pytest.fixture
def store(sample_store_path, tmp_path, monkeypatch) -> ParkStore:
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    monkeypatch.setenv("PARK_DB", str(path))
    return ParkStore(path)


def open_page(view: str | None = None, *, present: bool = False) -> AppTest:
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    at.run(timeout=RUN_TIMEOUT)
    if view is not None:
        at.query_params["view"] = view
    if present:
        at.query_params["present"] = "1"
    at.switch_page(PAGE).run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    return at


def three_views(store: ParkStore) -> list[str]:
    blocks = store.read("blocks").set_index("name")["block_id"]
    states = [
        ("全园概览", meeting_views.ViewState(center=(28.345, 119.80), zoom=14, as_of=AS_OF)),
        (
            "万洋区块 · 建设",
            meeting_views.ViewState(
                center=(28.34, 119.79),
                zoom=16,
                field="construction_status",
                block_ids=(blocks["万洋区块"],),
                layers=("parcels", "blocks", "annotations"),
                as_of=date(2021, 3, 31),
            ),
        ),
        (
            "碧湖区块",
            meeting_views.ViewState(zoom=15, block_ids=(blocks["碧湖区块"],), as_of=AS_OF),
        ),
    ]
    return [meeting_views.save_view(store, name=n, state=s, actor=ACTOR) for n, s in states]


def test_key_figures_match_the_store(store):
    at = open_page()
    figures = pack.key_figures(store.read_all(), AS_OF)
    values = {m.label: m.value for m in at.metric}
    assert values == {
        "已出让地块": f"{figures.sold} 宗",
        "已开工": f"{figures.started} 宗",
        "已投产": f"{figures.in_production} 宗",
        "闲置土地": f"{figures.idle} 宗",
    }
    assert figures.idle > 0 and figures.sold > figures.started > figures.in_production > 0
    assert at.toggle(key="mtg_present").value is False


def test_view_link_opens_the_identical_state_and_steps_like_slides(store):
    ids = three_views(store)
    saved = {v.view_id: v for v in meeting_views.list_views(store.read("saved_views"))}

    at = open_page(view=ids[1])
    assert at.session_state["mtg_view_id"] == ids[1]
    assert at.session_state["mtg_state"] == saved[ids[1]].state  # identical state
    assert any("万洋区块 · 建设" in h.value for h in at.subheader)
    # The view's own as-of date drives the figures, though the sidebar was already drawn.
    expected = pack.key_figures(store.read_all(), date(2021, 3, 31))
    assert at.metric[0].value == f"{expected.sold} 宗"

    at.button(key="mtg_next").click().run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert at.session_state["mtg_view_id"] == ids[2]
    assert at.session_state["mtg_state"] == saved[ids[2]].state
    assert at.query_params["view"] == ids[2]
    at.button(key="mtg_next").click().run(timeout=RUN_TIMEOUT)  # wraps to the first
    assert at.session_state["mtg_view_id"] == ids[0]
    at.button(key="mtg_prev").click().run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert at.session_state["mtg_view_id"] == ids[2]
    # Stepping moves the sidebar's date too.
    at.button(key="mtg_prev").click().run(timeout=RUN_TIMEOUT)
    assert at.session_state["mtg_view_id"] == ids[1]
    assert at.session_state["as_of"] == date(2021, 3, 31)
    assert_clean(at)


def step_through(at: AppTest, ids: list[str], store: ParkStore) -> None:
    """Next, next, next from the first view: each view on screen with its own figures."""
    days = {v.view_id: v.state.as_of for v in meeting_views.list_views(store.read("saved_views"))}
    for view_id in (ids[1], ids[2], ids[0]):
        at.button(key="mtg_next").click().run(timeout=RUN_TIMEOUT)
        assert_clean(at)
        assert at.session_state["mtg_view_id"] == view_id
        assert at.session_state["as_of"] == days[view_id]


def test_steps_find_the_other_views_maps_and_figures_made(store, monkeypatch):
    """#15: while a view is on screen the others' maps and key figures are made in the
    background, so a step to another colouring or date builds nothing."""
    ids = three_views(store)
    expected = pack.key_figures(store.read_all(), date(2021, 3, 31))  # the second view's
    at = open_page(view=ids[0])
    assert ahead.done(RUN_TIMEOUT)
    maps = counting(monkeypatch, mapview, "build_park_map")
    figures = counting(monkeypatch, pack, "key_figures")
    at.button(key="mtg_next").click().run(timeout=RUN_TIMEOUT)
    assert at.metric[0].value == f"{expected.sold} 宗"  # made ahead, for the view's date
    at.button(key="mtg_prev").click().run(timeout=RUN_TIMEOUT)
    step_through(at, ids, store)
    assert (maps, figures) == ([], [])


def test_without_work_ahead_a_step_builds_the_views_map(store, monkeypatch):
    """The check above can fail: with nothing made ahead, the steps to the second view
    (another colouring and date) and the third (other blocks) build their maps."""
    monkeypatch.setattr(ahead, "ahead", lambda jobs: None)
    ids = three_views(store)
    at = open_page(view=ids[0])
    maps = counting(monkeypatch, mapview, "build_park_map")
    figures = counting(monkeypatch, pack, "key_figures")
    step_through(at, ids, store)
    assert maps == ["build_park_map"] * 2
    assert figures == ["key_figures"]  # the third view shares the first one's date


def test_link_can_open_presentation_mode(store):
    ids = three_views(store)
    at = open_page(view=ids[2], present=True)
    assert at.toggle(key="mtg_present").value is True
    assert len(at.tabs) == 0
    assert at.session_state["mtg_view_id"] == ids[2]


def test_unknown_view_link_is_reported(store):
    at = open_page(view="V9999")
    assert any("V9999" in w.value for w in at.warning)


def test_save_current_view_from_the_page(store):
    at = open_page()
    at.radio(key="mtg_field_0").set_value("construction_status").run(timeout=RUN_TIMEOUT)
    at.text_input(key="mtg_view_name").input("开工情况")
    at.button(key="FormSubmitter:mtg_view_form-" + t("mtg_view_save", "zh")).click()
    at.run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    views = meeting_views.list_views(store.read("saved_views"))
    assert [(v.name, v.state.field, v.state.as_of) for v in views] == [
        ("开工情况", "construction_status", AS_OF)
    ]
    assert at.session_state["mtg_view_id"] == views[0].view_id
    assert at.query_params["view"] == views[0].view_id


def test_edit_annotation_and_stale_edit_refused(store):
    parcel = store.read("parcels").to_crs("EPSG:4326").iloc[0]
    ann_id = meeting_annotations.add_annotation(
        store,
        parcel.geometry.centroid,
        meeting_annotations.AnnotationInput("原决定", "2021-07-01", "李明", parcel.code),
        actor=ACTOR,
    )
    at = open_page()
    assert "原决定" in at.dataframe[0].value.to_string()
    at.selectbox(key="mtg_edit_pick").set_value(ann_id).run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    at.text_area(key=f"mtg_edit_note_{ann_id}").input("修改后的决定")
    at.button(key=f"FormSubmitter:mtg_edit_{ann_id}-" + t("mtg_ann_update", "zh")).click()
    at.run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    row = store.read("annotations").set_index("annotation_id").loc[ann_id]
    assert (row["note"], int(row["version"])) == ("修改后的决定", 2)

    # Someone else saves the same annotation; this page's next save is refused.
    meeting_annotations.update_annotation(
        store,
        ann_id,
        expected_version=2,
        item=meeting_annotations.AnnotationInput("别人的修改", "2021-07-01", "王芳", parcel.code),
        geometry=shapely.Point(119.8, 28.34),
        actor=ACTOR,
    )
    at.run(timeout=RUN_TIMEOUT)
    at.text_area(key=f"mtg_edit_note_{ann_id}").input("我的第二次修改")
    at.button(key=f"FormSubmitter:mtg_edit_{ann_id}-" + t("mtg_ann_update", "zh")).click()
    at.run(timeout=RUN_TIMEOUT)
    errors = [e.value for e in at.error]
    assert errors == [t("mtg_ann_stale", "zh", annotation_id=ann_id, expected=2, current=3)]
    assert store.read("annotations").set_index("annotation_id").loc[ann_id, "note"] == "别人的修改"


def test_presentation_mode_and_meeting_pack(store):
    at = open_page()
    at.toggle(key="mtg_present").set_value(True).run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert len(at.tabs) == 0  # editing hidden
    assert len(at.metric) == 4  # the key figures stay
    at.button(key="mtg_pack_make").click().run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert any("会议材料已生成" in s.value for s in at.success)
    pdf, xlsx, day = at.session_state["mtg_pack"]
    assert pdf.startswith(b"%PDF") and xlsx.startswith(b"PK") and day == AS_OF.isoformat()


def test_english(store):
    at = open_page()
    at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert [m.label for m in at.metric] == ["Parcels sold", "Started", "In production", "Idle land"]
    assert any("Meeting" in h.value for h in at.subheader)


def _picked(at: AppTest):
    """The view picker (its key changes with each applied view) and the text it shows."""
    (box,) = [s for s in at.selectbox if str(s.key).startswith("mtg_pick_")]
    return box.value, (box.options[box.index] if box.index is not None else None)


def test_switching_blocks_after_a_view_fits_them_and_heading_and_picker_agree(store):
    """Issue #11: open view A (南山, at its centre, zoom 16), switch the filter to 长川: the
    map must fit 长川 (no 南山 centre kept), the heading and the picker both say A was
    changed, and view B saved now holds no 南山 position; then both show B."""
    blocks = store.read("blocks").to_crs("EPSG:4326").set_index("name")
    nanshan = blocks.loc["南山区块"]
    ns_centre = (round(nanshan.geometry.centroid.y, 5), round(nanshan.geometry.centroid.x, 5))
    state_a = meeting_views.ViewState(
        center=ns_centre, zoom=16, block_ids=(nanshan.block_id,), as_of=AS_OF
    )
    view_a = meeting_views.save_view(store, name="南山A", state=state_a, actor=ACTOR)
    at = open_page(view=view_a)
    assert [h.value for h in at.subheader] == ["会议 · 一张图 · 南山A"]
    assert _picked(at) == (view_a, "1. 南山A")
    gen = at.session_state["mtg_gen"]

    changchuan = blocks.loc["长川区块", "block_id"]
    at.multiselect(key=f"mtg_blocks_{gen}").set_value([changchuan]).run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    shown = at.session_state["mtg_state"]
    assert shown.block_ids == (changchuan,)
    assert (shown.center, shown.zoom) == (None, None)  # the map fits 长川, not 南山 at 16
    # The heading and the picker say the same thing: view A, changed and not saved.
    changed = t("mtg_view_modified", "zh", name="南山A")
    assert [h.value for h in at.subheader] == [f"会议 · 一张图 · {changed}"]
    assert _picked(at) == (view_a, f"1. {changed}")

    at.text_input(key="mtg_view_name").input("长川B")
    at.button(key="FormSubmitter:mtg_view_form-" + t("mtg_view_save", "zh")).click()
    at.run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    saved = {v.name: v for v in meeting_views.list_views(store.read("saved_views"))}
    view_b = saved["长川B"]
    assert view_b.state.block_ids == (changchuan,)
    assert view_b.state.center != ns_centre and view_b.state.zoom != 16
    assert (view_b.state.center, view_b.state.zoom) == (None, None)  # fits 长川 when shown
    assert saved["南山A"].state == state_a  # A untouched
    assert [h.value for h in at.subheader] == ["会议 · 一张图 · 长川B"]
    assert _picked(at) == (view_b.view_id, "2. 长川B")


def test_english_strip_has_english_units_and_whole_counts(store):
    at = open_page()
    at.selectbox(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    figures = pack.key_figures(store.read_all(), AS_OF)
    assert [m.value for m in at.metric] == [
        f"{n} parcels" for n in (figures.sold, figures.started, figures.in_production, figures.idle)
    ]
    texts = [p.proto.text for p in at.get("progress")]
    assert texts, "no target progress shown"
    shown = figures.targets.dropna(subset=["actual"]).head(3)
    assert len(texts) == len(shown)
    for text, row in zip(texts, shown.itertuples(index=False), strict=True):
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text  # no Chinese left
        unit = pack.unit_label(row.unit, "en")
        assert unit and f"{unit} (" in text
        if row.unit in ("家", "宗"):  # counts are whole numbers: "23 / 40 firms"
            assert f"{int(row.actual)} / {int(row.target)} firms" in text, text
