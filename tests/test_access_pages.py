"""The pages as each role sees them (#13): the status form takes its author from the
signed-in account (no author box), and a viewer gets no save button."""

from __future__ import annotations

import json
from datetime import date

from streamlit.testing.v1 import AppTest

from gis.auth.access import EDITOR, VIEWER, Actor
from gis.i18n import t
from gis.store import ParkStore
from tests.apptest_kit import assert_no_exception, texts
from tests.test_parcels_page import (
    APP,
    BUILD,
    RUN_TIMEOUT,
    choose_action,
    date_box,
    note_box,
    status_box,
    submit,
    timeline,
)
from ui.session import ACTOR_KEY


def open_parcel(actor: Actor, code: str = "D07") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.session_state[ACTOR_KEY] = actor
    at.query_params["parcel"] = code
    at.run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    return at


def test_the_status_form_records_the_signed_in_account(store_copy):
    clerk = Actor("liqiang", EDITOR, display_name="李强", client="10.1.2.3")
    at = open_parcel(clerk)
    labels = [w.label for w in at.text_input]
    assert t("edit_author", "zh") not in labels  # no author box to type a name into
    choose_action(at, f"change:{BUILD}")
    status_box(at).set_value("STARTED")
    date_box(at).set_value(date(2021, 6, 28))
    note_box(at).input("取得施工许可证")
    submit(at)
    assert texts(at.success) == ["已保存：D07 建设状态 → 开工(生效 2021-06-28)。"]
    assert timeline(at).iloc[-1]["记录人"] == "李强（liqiang）"
    store = ParkStore(store_copy)
    events = store.read("status_events")
    assert events.iloc[-1]["author"] == "李强（liqiang）"
    trail = store.audit_trail()
    audit = trail[trail["event"] == "status_change"].iloc[-1]
    assert (audit["username"], audit["event"], audit["outcome"], audit["client"]) == (
        "liqiang",
        "status_change",
        "ok",
        "10.1.2.3",
    )
    changed = json.loads(audit["details"])["changes"]["parcels"]["changed"][0]
    assert changed["key"] == "D07"
    assert changed["values"]["construction_status"] == ["NOT_STARTED", "STARTED"]


def test_a_viewer_sees_the_record_but_no_save_button(store_copy):
    version = ParkStore(store_copy).data_version()
    at = open_parcel(Actor("guest", VIEWER))
    assert "D07 · 碧湖区块D07地块" in texts(at.subheader)  # the card and timeline are there
    assert len(timeline(at)) > 0
    submit_labels = {t("edit_submit", "zh"), t("excel_apply", "zh", rows=0)}
    assert not [b for b in at.button if b.label in submit_labels]
    assert not [s for s in at.selectbox if s.label == t("edit_action", "zh")]
    assert t("roles_need_edit", "zh") in texts(at.caption)
    assert ParkStore(store_copy).data_version() == version
    trail = ParkStore(store_copy).audit_trail()  # the parcels.xlsx prepared for the viewer
    exports = trail[(trail["event"] == "export") & (trail["username"] == "guest")]
    assert list(exports["target"]) == ["parcels.xlsx"]


def test_an_editor_of_another_block_gets_no_form(store_copy):
    at = open_parcel(Actor("e_wy", EDITOR, blocks=frozenset({"WY"})))  # D07 lies in 碧湖
    assert not [b for b in at.button if b.label == t("edit_submit", "zh")]
    assert t("roles_need_block", "zh") in texts(at.caption)
