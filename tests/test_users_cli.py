"""``python -m gis users …`` and the first start's one-time admin password (#13)."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from gis.auth import accounts, sessions
from gis.store import ParkStore
from gis.store.cli import main
from tests.tiny_park import tiny_park
from ui.auth_routes import announce_first_admin


@pytest.fixture
def store(tmp_path: Path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_users_commands_manage_accounts_and_are_audited(store, capsys):
    at = ("--store", store.location)
    code, out, _ = run(capsys, "users", *at, "list")
    assert (code, out.strip()) == (0, "还没有账号。")
    code, out, _ = run(
        capsys,
        "--lang",
        "en",
        "users",
        *at,
        "add",
        "wang",
        "--role",
        "editor",
        "--blocks",
        "B1",
        "--name",
        "王工",
    )
    assert code == 0
    password = out.strip().split("one-time password: ")[1].split(" ")[0]
    assert sessions.sign_in(store, "wang", password).account.must_change
    code, out, _ = run(capsys, "users", *at, "list")
    assert out.split("\t")[:4] == ["wang", "editor", "王工", "B1"] and "待改口令" in out
    assert run(capsys, "users", *at, "disable", "wang")[0] == 0
    assert accounts.find_account(store, "wang").disabled
    assert run(capsys, "users", *at, "enable", "wang")[0] == 0
    code, out, _ = run(capsys, "users", *at, "role", "wang", "--role", "viewer")
    assert code == 0 and accounts.find_account(store, "wang").role == "viewer"
    code, out, _ = run(capsys, "users", *at, "reset", "wang")
    fresh = out.strip().split("一次性口令：")[1].split("（")[0]
    assert fresh != password and sessions.sign_in(store, "wang", fresh)
    code, _, err = run(capsys, "users", *at, "add", "wang")
    assert code == 1 and "已存在" in err
    who = {r for r in store.audit_trail()["username"] if r.startswith("cli:")}
    assert who == {f"cli:{getpass.getuser()}"}
    events = list(store.audit_trail()["event"])
    for event in (
        "account_create",
        "account_disable",
        "account_enable",
        "role_change",
        "password_reset",
    ):
        assert event in events


def test_first_start_prints_the_admin_password_once(store, capsys):
    password = announce_first_admin(lambda: store)
    out = capsys.readouterr().out
    assert password and password in out and "admin" in out
    assert announce_first_admin(lambda: store) is None
    assert capsys.readouterr().out == ""
    assert accounts.find_account(store, "admin").must_change
