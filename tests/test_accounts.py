"""Accounts, passwords, lock-out, sessions and their audit (gis.auth.accounts, #13).

Times are passed in (``now=``), so a lock-out's 15 minutes and an idle session's 30 are
checked to the minute without waiting. Most tests use a GeoPackage; the sessions test runs
on PostGIS too (several app servers share one database, and so their sign-ins).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from gis import schema
from gis._errors import AccessError, ValidationError
from gis.auth import accounts, passwords
from gis.auth import sessions as auth_sessions
from gis.auth.access import ADMIN, EDITOR, VIEWER, Actor, command_line_actor
from gis.auth.accounts import AuthConfig
from gis.store import ParkStore
from gis.store.audit import broken_links
from tests.tiny_park import tiny_park

CLI = command_line_actor("tester")
GOOD = "Lotus-Park-2021"


@pytest.fixture
def store(tmp_path: Path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)


@pytest.fixture(params=["gpkg", "postgis"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ParkStore]:
    if request.param == "gpkg":
        yield ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)
        return
    url = request.getfixturevalue("pg_url")
    yield ParkStore.open(url, create=tiny_park)
    from gis.store import postgis

    postgis.close_connections(url)


def trail(store: ParkStore) -> list[dict]:
    rows = store.audit_trail().sort_values("audit_id").to_dict("records")
    for row in rows:
        row["details"] = json.loads(row["details"] or "{}")
    return rows


def events(store: ParkStore) -> list[tuple[str, str, str]]:
    return [(r["username"], r["event"], r["outcome"]) for r in trail(store)]


def make_user(store: ParkStore, name: str = "zhang", role: str = EDITOR) -> str:
    """An account that has set its own password already (``GOOD``)."""
    one_time = accounts.create_account(store, CLI, name, role)
    accounts.change_password(store, name, one_time, GOOD)
    return name


# ---------------------------------------------------------------- the password rule
@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Ab1-", "password_too_short"),
        ("Abcdefgh1", "password_too_short"),  # 9 characters
        ("abcdefghij", "password_too_simple"),  # one class
        ("abcdefgh12", "password_too_simple"),  # two classes
        ("ABCDEFGH-1", None),  # upper, symbol, digit
        ("abcdefgh-1", None),  # lower, symbol, digit
        ("Abcdefghi1", None),  # lower, upper, digit: exactly 10
        ("Zhang-2021x", "password_has_username"),
        ("my-ZHANG-2021", "password_has_username"),
    ],
)
def test_password_rule(password, problem):
    assert passwords.password_problem(password, "zhang") == problem


def test_one_time_passwords_meet_the_rule_and_differ():
    made = {passwords.one_time_password() for _ in range(20)}
    assert len(made) == 20
    assert all(passwords.password_problem(p, "admin") is None for p in made)


def test_config_defaults_and_environment_overrides():
    assert AuthConfig.from_env({}) == AuthConfig(5, 15, 30, 90)
    env = {
        "PARK_LOCKOUT_ATTEMPTS": "3",
        "PARK_LOCKOUT_MINUTES": "60",
        "PARK_IDLE_MINUTES": "10",
        "PARK_PASSWORD_MAX_DAYS": "0",
    }
    assert AuthConfig.from_env(env) == AuthConfig(3, 60, 10, 0)
    for bad in ("0", "x", "-2"):
        with pytest.raises(ValidationError) as caught:
            AuthConfig.from_env({"PARK_IDLE_MINUTES": bad})
        assert caught.value.key == "auth_config_bad"


# ---------------------------------------------------------------- first start
def test_first_start_creates_admin_once_with_a_one_time_password(store):
    version = store.data_version()
    password = accounts.ensure_first_admin(store)
    assert password and passwords.password_problem(password, "admin") is None
    assert accounts.ensure_first_admin(store) is None  # the second start: nothing new
    (admin,) = accounts.accounts(store)
    assert (admin.username, admin.role, admin.must_change) == ("admin", ADMIN, True)
    row = store.read(schema.ACCOUNTS.name).iloc[0]
    assert str(row["password_hash"]).startswith("$argon2id$")
    assert password not in str(row["password_hash"])
    assert events(store) == [("system", "account_create", "ok")]
    # Accounts are not the park's data: cached maps and pages stay valid.
    assert store.data_version() == version


# ---------------------------------------------------------------- signing in
def test_sign_in_resume_and_sign_out(any_store):
    store = any_store
    make_user(store)
    version = store.data_version()
    signed = auth_sessions.sign_in(store, "zhang", GOOD, client="10.0.0.5")
    # The store keeps only the token's hash.
    sessions = store.read(schema.SESSIONS.name)
    assert list(sessions["username"]) == ["zhang"]
    assert signed.token not in set(sessions["token_hash"])
    # Another server (another handle on the same store) knows the session.
    other = ParkStore.open(store.location)
    session = auth_sessions.resume_session(other, signed.token)
    assert session is not None and session.account.username == "zhang"
    assert session.account.actor().author == "zhang"
    assert auth_sessions.sign_out(other, signed.token, client="10.0.0.5") is True
    assert auth_sessions.resume_session(store, signed.token) is None
    assert auth_sessions.sign_out(store, signed.token) is False
    assert events(store)[-2:] == [("zhang", "sign_in", "ok"), ("zhang", "sign_out", "ok")]
    assert trail(store)[-2]["client"] == "10.0.0.5"
    assert store.data_version() == version
    assert broken_links(store.audit_trail()) == []


def test_wrong_password_and_unknown_user_get_the_same_answer_and_are_audited(store):
    make_user(store)
    for name, password in (("zhang", "Wrong-pass-1"), ("nobody", GOOD)):
        with pytest.raises(AccessError) as caught:
            auth_sessions.sign_in(store, name, password)
        assert caught.value.key == "signin_failed"
    rows = trail(store)[-2:]
    assert [(r["username"], r["event"], r["outcome"]) for r in rows] == [
        ("zhang", "sign_in", "refused"),
        ("nobody", "sign_in", "refused"),
    ]
    assert rows[0]["details"]["reason"] == "bad_password"
    assert rows[1]["details"]["reason"] == "unknown_user"


def test_five_failures_lock_for_fifteen_minutes(store):
    make_user(store)
    start = accounts.now_utc()
    for attempt in range(1, 5):
        with pytest.raises(AccessError) as caught:
            auth_sessions.sign_in(store, "zhang", f"Wrong-pass-{attempt}", now=start)
        assert caught.value.key == "signin_failed"
        assert accounts.find_account(store, "zhang").failed_count == attempt
    with pytest.raises(AccessError) as caught:
        auth_sessions.sign_in(store, "zhang", "Wrong-pass-5", now=start)
    assert caught.value.key == "signin_locked"
    account = accounts.find_account(store, "zhang")
    assert account.locked_until == start + timedelta(minutes=15)
    # Locked: even the right password is refused, until the 15 minutes are over.
    for later in (timedelta(0), timedelta(minutes=14, seconds=59)):
        with pytest.raises(AccessError) as caught:
            auth_sessions.sign_in(store, "zhang", GOOD, now=start + later)
        assert caught.value.key == "signin_locked"
    assert auth_sessions.sign_in(store, "zhang", GOOD, now=start + timedelta(minutes=15, seconds=1))
    assert accounts.find_account(store, "zhang").failed_count == 0
    logged = events(store)
    assert logged.count(("zhang", "lockout", "refused")) == 1
    assert logged.count(("zhang", "sign_in", "refused")) == 7
    assert logged[-1] == ("zhang", "sign_in", "ok")


def test_lockout_is_configurable_and_a_success_resets_the_count(store):
    make_user(store)
    config = AuthConfig(lockout_attempts=2, lockout_minutes=1)
    now = accounts.now_utc()
    with pytest.raises(AccessError):
        auth_sessions.sign_in(store, "zhang", "Wrong-pass-1", config=config, now=now)
    auth_sessions.sign_in(store, "zhang", GOOD, config=config, now=now)  # count back to 0
    with pytest.raises(AccessError) as caught:
        auth_sessions.sign_in(store, "zhang", "Wrong-pass-2", config=config, now=now)
    assert caught.value.key == "signin_failed"  # one failure since the success
    with pytest.raises(AccessError) as caught:
        auth_sessions.sign_in(store, "zhang", "Wrong-pass-3", config=config, now=now)
    assert caught.value.key == "signin_locked"
    assert accounts.find_account(store, "zhang").locked_until == now + timedelta(minutes=1)


def test_idle_session_times_out_and_last_seen_is_written_at_most_once_a_minute(store):
    make_user(store)
    config = AuthConfig(idle_minutes=30)
    start = accounts.now_utc()
    token = auth_sessions.sign_in(store, "zhang", GOOD, now=start).token

    def last_seen() -> str:
        return str(store.read(schema.SESSIONS.name)["last_seen_at"].iloc[0])

    assert auth_sessions.resume_session(
        store, token, config=config, now=start + timedelta(seconds=30)
    )
    assert last_seen() == accounts._iso(start)  # throttled: no write within the minute
    later = start + timedelta(minutes=29)
    assert auth_sessions.resume_session(store, token, config=config, now=later)
    assert last_seen() == accounts._iso(later)
    # 30 minutes after the last activity, not after the sign-in: still alive at +58.
    assert auth_sessions.resume_session(
        store, token, config=config, now=later + timedelta(minutes=29)
    )
    gone = later + timedelta(minutes=29) + timedelta(minutes=30, seconds=1)
    assert auth_sessions.resume_session(store, token, config=config, now=gone) is None
    assert store.read(schema.SESSIONS.name).empty
    assert events(store)[-1] == ("zhang", "time_out", "ok")
    assert auth_sessions.resume_session(store, token, config=config, now=gone) is None


def test_sessions_nobody_came_back_to_end_at_the_next_sign_in(store):
    make_user(store)
    make_user(store, "li", VIEWER)
    start = accounts.now_utc()
    auth_sessions.sign_in(store, "zhang", GOOD, now=start)
    auth_sessions.sign_in(store, "li", GOOD, now=start + timedelta(minutes=31))
    assert list(store.read(schema.SESSIONS.name)["username"]) == ["li"]
    assert ("zhang", "time_out", "ok") in events(store)


# ---------------------------------------------------------------- administration
def test_only_account_managers_create_and_the_refusal_is_audited(store):
    with pytest.raises(AccessError):
        accounts.create_account(store, Actor("ed", EDITOR), "wang", VIEWER)
    assert events(store) == [("ed", "account_create", "refused")]
    assert accounts.accounts(store) == []
    with pytest.raises(ValidationError) as caught:
        accounts.create_account(store, CLI, "Bad Name", VIEWER)
    assert caught.value.key == "account_bad_username"
    with pytest.raises(ValidationError) as caught:
        accounts.create_account(store, CLI, "wang", "owner")
    assert caught.value.key == "account_bad_role"
    accounts.create_account(store, CLI, "wang", VIEWER)
    with pytest.raises(ValidationError) as caught:
        accounts.create_account(store, CLI, "wang", EDITOR)
    assert caught.value.key == "account_exists"


def test_disable_ends_sessions_and_refuses_sign_in_enable_restores(store):
    make_user(store)
    admin = Actor("boss", ADMIN)
    token = auth_sessions.sign_in(store, "zhang", GOOD).token
    accounts.set_disabled(store, admin, "zhang", True)
    assert auth_sessions.resume_session(store, token) is None
    with pytest.raises(AccessError) as caught:
        auth_sessions.sign_in(store, "zhang", GOOD)
    assert caught.value.key == "signin_failed"  # no telling a disabled account apart
    assert trail(store)[-1]["details"]["reason"] == "disabled"
    assert [a.username for a in accounts.accounts(store)] == ["zhang"]  # never deleted
    accounts.set_disabled(store, admin, "zhang", False)
    assert auth_sessions.sign_in(store, "zhang", GOOD)
    assert ("boss", "account_disable", "ok") in events(store)
    assert ("boss", "account_enable", "ok") in events(store)


def test_an_administrator_cannot_lock_themselves_out(store):
    admin = Actor("boss", ADMIN)
    accounts.create_account(store, CLI, "boss", ADMIN)
    with pytest.raises(ValidationError) as caught:
        accounts.set_disabled(store, admin, "boss", True)
    assert caught.value.key == "account_not_self"
    with pytest.raises(ValidationError):
        accounts.set_role(store, admin, "boss", VIEWER)
    assert accounts.find_account(store, "boss").role == ADMIN


def test_reset_forces_a_change_and_lifts_the_lock(store):
    make_user(store)
    now = accounts.now_utc()
    for i in range(5):
        with pytest.raises(AccessError):
            auth_sessions.sign_in(store, "zhang", f"Wrong-pass-{i}", now=now)
    one_time = accounts.reset_password(store, Actor("boss", ADMIN), "zhang")
    account = accounts.find_account(store, "zhang")
    assert account.must_change and account.locked_until is None
    with pytest.raises(AccessError):
        auth_sessions.sign_in(store, "zhang", GOOD, now=now)
    signed = auth_sessions.sign_in(store, "zhang", one_time, now=now)
    assert signed.account.must_change
    accounts.change_password(store, "zhang", one_time, "Second-Pass-22")
    assert not accounts.find_account(store, "zhang").must_change


def test_change_password_checks_the_old_one_and_the_rule(store):
    make_user(store)
    for old, new, key in (
        ("Wrong-pass-1", "Second-Pass-22", "password_old_wrong"),
        (GOOD, GOOD, "password_same"),
        (GOOD, "short1A-", "password_too_short"),
        (GOOD, "my-zhang-Pass1", "password_has_username"),
    ):
        with pytest.raises(ValidationError) as caught:
            accounts.change_password(store, "zhang", old, new)
        assert caught.value.key == key
    accounts.change_password(store, "zhang", GOOD, "Second-Pass-22")
    assert auth_sessions.sign_in(store, "zhang", "Second-Pass-22")
    logged = [e for e in events(store) if e[1] == "password_change"]
    assert logged[-5:] == [("zhang", "password_change", "refused")] * 4 + [
        ("zhang", "password_change", "ok")
    ]


def test_role_and_blocks_make_the_actor(store):
    make_user(store, "wang", VIEWER)
    accounts.set_role(store, CLI, "wang", EDITOR, ["B2", "B1", " "], display_name="王工")
    account = accounts.find_account(store, "wang")
    actor = account.actor("10.0.0.9")
    assert (actor.role, actor.blocks, actor.author) == (EDITOR, {"B1", "B2"}, "王工（wang）")
    assert actor.may("edit_status", blocks=["B1"]) and not actor.may("edit_status", blocks=["B3"])
    row = trail(store)[-1]
    assert (row["event"], row["username"], row["target"]) == ("role_change", "cli:tester", "wang")
    changed = row["details"]["changes"]["park_accounts"]["changed"][0]["values"]
    assert changed["role"] == [VIEWER, EDITOR] and changed["blocks"] == ["", "B1,B2"]


def test_password_hashes_never_reach_the_audit_trail(store):
    make_user(store)
    accounts.reset_password(store, CLI, "zhang")
    hashes = set(store.read(schema.ACCOUNTS.name)["password_hash"])
    text = store.audit_trail().to_json()
    assert "$argon2" not in text
    assert not any(h in text for h in hashes)


def test_password_due_after_the_configured_days(store):
    make_user(store)
    account = accounts.find_account(store, "zhang")
    changed = account.password_changed_at
    config = AuthConfig(password_max_days=90)
    assert not account.password_due(changed + timedelta(days=90), config)
    assert account.password_due(changed + timedelta(days=90, seconds=1), config)
    assert not account.password_due(changed + timedelta(days=900), AuthConfig(password_max_days=0))
