"""AppTest of the sign-in gate, the change-password form and the 账号与审计 admin page (#13)."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gis.auth import accounts, sessions
from gis.auth.access import ADMIN, DATA_MANAGER, VIEWER, Actor, command_line_actor
from gis.i18n import t
from gis.store import ParkStore
from tests.apptest_kit import assert_clean, signed_in, texts
from ui.navigation import admin_pages

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
RUN_TIMEOUT = 60
CLI = command_line_actor("tester")


def everything_sent(at: AppTest) -> str:
    """The text of every element the run produced, the sidebar's included."""
    parts = []
    for node in [*at.main, *at.sidebar]:
        for attr in ("value", "body", "label", "proto"):
            if hasattr(node, attr):
                parts.append(str(getattr(node, attr)))
    return "\n".join(parts)


def test_signed_out_run_sends_no_park_data_only_the_way_to_the_login(store_copy):
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.query_params["parcel"] = "D07"
    at.run()
    assert not at.exception
    sent = everything_sent(at)
    # The redirect (the browser adds its own address as ?next=) and the plain link.
    assert "location.replace('/auth/login'" in sent and 'href="/auth/login"' in sent
    for leak in ("D07", str(store_copy), "park.gpkg", "示意数据", "碧湖"):
        assert leak not in sent, leak
    assert len(at.sidebar) == 0
    assert not at.selectbox and not at.date_input and not at.dataframe


def test_must_change_shows_only_the_password_form_until_changed(store_copy):
    store = ParkStore(store_copy)
    one_time = accounts.create_account(store, CLI, "zhao", DATA_MANAGER)
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT), username="zhao")
    at.run()
    assert_clean(at)
    assert texts(at.title) == [t("pw_change_title", "zh")]
    assert len(at.sidebar) == 0 and not at.dataframe  # nothing of the park yet
    assert "D07" not in everything_sent(at)

    at.text_input(key="pw_old_first").input(one_time)
    at.text_input(key="pw_new_first").input("abcdefghij")
    at.text_input(key="pw_again_first").input("abcdefghij")
    at.button[0].click().run()
    assert t("password_too_simple", "zh", min=10) in texts(at.error)
    assert accounts.find_account(store, "zhao").must_change

    at.text_input(key="pw_old_first").input(one_time)
    at.text_input(key="pw_new_first").input("Lotus-Park-2021")
    at.text_input(key="pw_again_first").input("Lotus-Park-2021x")
    at.button[0].click().run()
    assert texts(at.error) == [t("pw_mismatch", "zh")]

    at.text_input(key="pw_old_first").input(one_time)
    at.text_input(key="pw_new_first").input("Lotus-Park-2021")
    at.text_input(key="pw_again_first").input("Lotus-Park-2021")
    at.button[0].click().run()
    assert_clean(at)
    assert not accounts.find_account(store, "zhao").must_change
    assert t("pw_changed", "zh") in texts(at.success)
    assert "园区一张图" in texts(at.header)  # the map page, now
    assert any("zhao" in c for c in texts(at.sidebar.caption))
    assert sessions.sign_in(store, "zhao", "Lotus-Park-2021")


def test_admin_page_is_registered_for_administrators_only():
    def paths(actor):
        return [p.name for p in admin_pages(actor)]

    assert "admin" in paths(Actor("a", ADMIN))
    for role in (VIEWER, DATA_MANAGER):
        assert "admin" not in paths(Actor("x", role))


def test_admin_creates_resets_and_disables_accounts_and_reads_the_audit(store_copy):
    store = ParkStore(store_copy)
    accounts.create_account(
        store, CLI, "boss", ADMIN, password="Chief-Park-2021", must_change=False
    )
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT), ADMIN, username="boss")
    at.run()
    assert_clean(at)
    at.switch_page("pages/views/admin.py").run()
    assert_clean(at)
    assert t("page_admin", "zh") in texts(at.header)

    at.text_input(key="admin_new_username").input("wang")
    at.text_input(key="admin_new_name").input("王工")
    at.selectbox(key="admin_new_role").set_value(VIEWER)
    at.button[0].click().run()  # the form's 创建
    assert_clean(at)
    assert t("admin_created", "zh", username="wang") in texts(at.success)
    (one_time,) = [c.value for c in at.code]
    wang = accounts.find_account(store, "wang")
    assert (wang.role, wang.display_name, wang.must_change) == (VIEWER, "王工", True)
    assert sessions.sign_in(store, "wang", one_time)
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["boss", "wang"]

    at.selectbox(key="admin_pick").set_value("wang").run()
    at.button(key="admin_toggle_wang").click().run()
    assert_clean(at)
    assert accounts.find_account(store, "wang").disabled
    states = list(at.dataframe[0].value.iloc[:, 4])
    assert states == [t("admin_state_ok", "zh"), "已停用；待改口令"]
    at.button(key="admin_reset_wang").click().run()
    (second,) = [c.value for c in at.code]
    assert second != one_time and accounts.find_account(store, "wang").must_change

    # The audit tab: the chain is whole; the filters pick rows; the export is audited.
    trail = store.audit_trail()
    assert t("audit_chain_ok", "zh", count=len(trail)) in texts(at.success)
    at.multiselect(key="audit_users").set_value(["boss"]).run()
    shown = at.dataframe[1].value
    assert set(shown.iloc[:, 2]) == {"boss"}
    assert set(shown.iloc[:, 4]) >= {"account_create", "account_disable", "password_reset"}
    at.button(key="audit_make_export").click().run()
    assert_clean(at)
    last = store.audit_trail().iloc[-1]
    assert (last["username"], last["event"], last["target"]) == ("boss", "export", "park_audit")
    assert json.loads(last["details"])["rows"] == len(shown)
    assert at.get("download_button")


def test_admin_page_shows_a_broken_chain(store_copy):
    store = ParkStore(store_copy)
    accounts.create_account(
        store, CLI, "boss", ADMIN, password="Chief-Park-2021", must_change=False
    )
    accounts.create_account(store, CLI, "li", VIEWER)
    # Someone edits the file behind the app's back: drops the trigger, changes row 2.
    import sqlite3

    con = sqlite3.connect(store_copy)
    con.execute('DROP TRIGGER IF EXISTS "park_audit_update_guard"')
    triggers = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in triggers:
        if "park_audit" in name:
            con.execute(f'DROP TRIGGER "{name}"')
    con.execute("UPDATE park_audit SET username = 'x' WHERE audit_id = 2")
    con.commit()
    con.close()
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT), ADMIN, username="boss")
    at.run()
    at.switch_page("pages/views/admin.py").run()
    assert t("audit_chain_broken", "zh", ids="2") in texts(at.error)


def test_sidebar_password_change_in_a_dialog(store_copy):
    """Not due: a button opens the form in a dialog (not three fields in every sidebar,
    #15); a wrong current password stays in the dialog, the right one changes it."""
    store = ParkStore(store_copy)
    one_time = accounts.create_account(store, CLI, "qian", DATA_MANAGER)
    accounts.change_password(store, "qian", one_time, "Lotus-Park-2021")
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT), username="qian")
    at.run()
    assert_clean(at)
    assert not at.text_input  # no form before it is asked for
    assert [b.label for b in at.sidebar.button] == [t("pw_change_title", "zh")]

    at.sidebar.button(key="pw_open").click().run()
    at.text_input(key="pw_old_sidebar").input("Not-The-Password-1")
    at.text_input(key="pw_new_sidebar").input("Lily-Pond-2022")
    at.text_input(key="pw_again_sidebar").input("Lily-Pond-2022")
    at.button(key="FormSubmitter:password_sidebar-" + t("pw_submit", "zh")).click().run()
    assert at.error, "a wrong current password is refused"
    assert sessions.sign_in(store, "qian", "Lotus-Park-2021")

    at.text_input(key="pw_old_sidebar").input("Lotus-Park-2021")
    at.text_input(key="pw_new_sidebar").input("Lily-Pond-2022")
    at.text_input(key="pw_again_sidebar").input("Lily-Pond-2022")
    at.button(key="FormSubmitter:password_sidebar-" + t("pw_submit", "zh")).click().run()
    assert_clean(at)
    assert t("pw_changed", "zh") in texts(at.success)
    assert not at.text_input  # the dialog closed
    assert sessions.sign_in(store, "qian", "Lily-Pond-2022")
