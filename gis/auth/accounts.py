"""Accounts, passwords and sign-in sessions (#13): the rules, kept apart from any UI.

Accounts live in the store's ``park_accounts`` system table, sessions in
``park_sessions`` (so several app servers on one PostGIS database share sign-ins). The
rules, as 等保 level 2 (GB/T 22239-2019) asks of an application:

- passwords are kept as Argon2id hashes (argon2-cffi); a new password has at least 10
  characters, three of the four classes (lower case, upper case, digits, symbols) and is
  not the user name; it is due for a change after :attr:`AuthConfig.password_max_days`;
- :attr:`AuthConfig.lockout_attempts` failed sign-ins in a row lock the account for
  :attr:`AuthConfig.lockout_minutes`;
- a session idle for :attr:`AuthConfig.idle_minutes` ends (time-out); the browser holds a
  random token, the store only its SHA-256;
- accounts are never deleted, only disabled; the first start of a store without accounts
  creates ``admin`` with a random one-time password that must be changed at first sign-in;
- sign-in (success and failure), lock-out, sign-out, time-out and every account change
  are recorded in the audit trail.

Every function takes the store; times are UTC (``now`` may be given, for tests).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pandas as pd

from gis import schema
from gis._errors import AccessError, ParkError, ValidationError
from gis.auth.access import ADMIN, ROLES, SYSTEM, Actor, require
from gis.auth.passwords import check_password, hash_password, one_time_password, verify_password
from gis.store import AuditEntry, ParkStore
from gis.store.audit import REFUSED

#: The name of the browser cookie that carries the session token.
COOKIE = "park_session"


#: The account the first start creates.
FIRST_ADMIN = "admin"


USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


_ACCOUNTS = schema.ACCOUNTS.name


_SESSIONS = schema.SESSIONS.name


# --------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class AuthConfig:
    """The sign-in rules' numbers; :meth:`from_env` reads the ``PARK_*`` overrides."""

    lockout_attempts: int = 5  # PARK_LOCKOUT_ATTEMPTS
    lockout_minutes: int = 15  # PARK_LOCKOUT_MINUTES
    idle_minutes: int = 30  # PARK_IDLE_MINUTES
    password_max_days: int = 90  # PARK_PASSWORD_MAX_DAYS (0: never due)
    #: A session's last-seen time is written at most once per this many seconds.
    touch_seconds: int = 60

    ENV: ClassVar[dict[str, str]] = {
        "lockout_attempts": "PARK_LOCKOUT_ATTEMPTS",
        "lockout_minutes": "PARK_LOCKOUT_MINUTES",
        "idle_minutes": "PARK_IDLE_MINUTES",
        "password_max_days": "PARK_PASSWORD_MAX_DAYS",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AuthConfig:
        """The defaults, with each ``PARK_*`` variable that is set (a whole number; the
        attempts and minutes at least 1) taking their place."""
        env = os.environ if env is None else env
        values: dict[str, int] = {}
        for name, var in cls.ENV.items():
            raw = (env.get(var) or "").strip()
            if not raw:
                continue
            try:
                value = int(raw)
            except ValueError:
                value = -1
            least = 0 if name == "password_max_days" else 1
            if value < least:
                raise ValidationError("auth_config_bad", name=var, value=raw, least=least)
            values[name] = value
        return cls(**values)


# --------------------------------------------------------------------- accounts
@dataclass(frozen=True)
class Account:
    """One row of ``park_accounts`` (without its password hash)."""

    username: str
    role: str
    display_name: str = ""
    blocks: frozenset[str] = frozenset()
    must_change: bool = False
    password_changed_at: datetime | None = None
    failed_count: int = 0
    locked_until: datetime | None = None
    disabled: bool = False
    created_at: datetime | None = None
    created_by: str = ""
    last_sign_in_at: datetime | None = None

    def actor(self, client: str = "") -> Actor:
        return Actor(self.username, self.role, self.display_name, self.blocks, client)

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def password_due(self, now: datetime, config: AuthConfig) -> bool:
        """The password is older than the periodic-change rule allows."""
        if not config.password_max_days or self.password_changed_at is None:
            return False
        return now - self.password_changed_at > timedelta(days=config.password_max_days)


def accounts(store: ParkStore) -> list[Account]:
    """Every account, by user name."""
    frame = store.read(_ACCOUNTS)
    return sorted((_account(r) for r in frame.to_dict("records")), key=lambda a: a.username)


def find_account(store: ParkStore, username: str) -> Account | None:
    for account in accounts(store):
        if account.username == username:
            return account
    return None


def create_account(
    store: ParkStore,
    actor: Actor,
    username: str,
    role: str,
    *,
    display_name: str = "",
    blocks: Iterable[str] = (),
    password: str | None = None,
    must_change: bool = True,
) -> str:
    """A new account that must change its password at first sign-in (unless told
    otherwise); returns the password (a one-time one unless ``password`` is given, which
    must meet the rule)."""
    username = (username or "").strip()
    entry = _entry(actor, "account_create", username, role=role, blocks=sorted(blocks))
    try:
        require(actor, "manage_accounts")
        if not USERNAME_RE.match(username):
            raise ValidationError("account_bad_username", username=username)
        _check_role(role)
        if password is None:
            password = one_time_password()
        check_password(password, username)
    except ParkError as exc:
        store.record(entry.ended(REFUSED, error=exc.key))
        raise
    now = _iso(_now())
    row = {
        "username": username,
        "display_name": (display_name or "").strip(),
        "role": role,
        "blocks": ",".join(sorted({str(b).strip() for b in blocks if str(b).strip()})),
        "password_hash": hash_password(password),
        "must_change": must_change,
        "password_changed_at": now,
        "failed_count": 0,
        "locked_until": None,
        "disabled": False,
        "created_at": now,
        "created_by": actor.username,
        "last_sign_in_at": None,
    }

    def change(frames, _next_id):
        if len(frames[_ACCOUNTS]):
            raise ValidationError("account_exists", username=username)
        return {_ACCOUNTS: pd.DataFrame([row], columns=list(schema.ACCOUNTS.column_names))}

    store.transaction([_ACCOUNTS], change, rows=_one(username), audit=entry)
    return password


def ensure_first_admin(store: ParkStore) -> str | None:
    """On a store with no accounts, create ``admin`` (must change its password) and
    return its one-time password; otherwise ``None``. Safe when several servers start
    at once: the check and the insert are one transaction."""
    password = one_time_password()
    now = _iso(_now())
    made: list[bool] = []

    def change(frames):
        if len(frames[_ACCOUNTS]):
            return None
        made.append(True)
        row = {
            "username": FIRST_ADMIN,
            "display_name": "",
            "role": ADMIN,
            "blocks": "",
            "password_hash": hash_password(password),
            "must_change": True,
            "password_changed_at": now,
            "failed_count": 0,
            "disabled": False,
            "created_at": now,
            "created_by": SYSTEM,
        }
        return {_ACCOUNTS: pd.DataFrame([row], columns=list(schema.ACCOUNTS.column_names))}

    audit = AuditEntry(
        SYSTEM,
        "account_create",
        role=SYSTEM,
        target=FIRST_ADMIN,
        details={"first_start": True, "role": ADMIN},
        client="server",
    )
    store.transaction([_ACCOUNTS], change, audit=audit)
    return password if made else None


def set_disabled(store: ParkStore, actor: Actor, username: str, disabled: bool) -> None:
    """Disable (never delete) or enable an account; disabling ends its sessions. An
    administrator cannot disable their own account (someone must remain to manage)."""
    event = "account_disable" if disabled else "account_enable"
    if disabled and actor.username == username:
        _refuse(store, _entry(actor, event, username), "account_not_self")
    values: dict[str, Any] = {"disabled": disabled}
    if not disabled:
        values |= {"failed_count": 0, "locked_until": None}
    _update(store, actor, username, _entry(actor, event, username), values)
    if disabled:
        _end_sessions(store, username)


def reset_password(store: ParkStore, actor: Actor, username: str) -> str:
    """A new one-time password for ``username`` (to be changed at next sign-in); the
    lock is lifted and the account's sessions end. Returns the password."""
    password = one_time_password()
    values = {
        "password_hash": hash_password(password),
        "must_change": True,
        "password_changed_at": _iso(_now()),
        "failed_count": 0,
        "locked_until": None,
    }
    _update(store, actor, username, _entry(actor, "password_reset", username), values)
    _end_sessions(store, username)
    return password


def set_role(
    store: ParkStore,
    actor: Actor,
    username: str,
    role: str,
    blocks: Iterable[str] = (),
    display_name: str | None = None,
) -> None:
    """Give ``username`` ``role`` and the blocks it is limited to (empty: every block)."""
    blocks = sorted({str(b).strip() for b in blocks if str(b).strip()})
    entry = _entry(actor, "role_change", username, role=role, blocks=blocks)
    try:
        _check_role(role)
    except ParkError as exc:
        store.record(entry.ended(REFUSED, error=exc.key))
        raise
    if actor.username == username and role != ADMIN:
        _refuse(store, entry, "account_not_self")
    values: dict[str, Any] = {"role": role, "blocks": ",".join(blocks)}
    if display_name is not None:
        values["display_name"] = display_name.strip()
    _update(store, actor, username, entry, values)


def change_password(
    store: ParkStore, username: str, old: str, new: str, *, client: str = ""
) -> None:
    """The user changes their own password: the old one must be right, the new one meet
    the rule and differ from the old."""
    account = find_account(store, username)
    entry = AuditEntry(
        username,
        "password_change",
        role=account.role if account else "",
        target=username,
        client=client,
    )
    row = _row(store, username)
    if row is None or not verify_password(str(row.get("password_hash") or ""), old):
        _refuse(store, entry, "password_old_wrong")
    if old == new:
        _refuse(store, entry, "password_same")
    try:
        check_password(new, username)
    except ParkError as exc:
        store.record(entry.ended(REFUSED, error=exc.key))
        raise
    values = {
        "password_hash": hash_password(new),
        "must_change": False,
        "password_changed_at": _iso(_now()),
    }
    _write_row(store, username, entry, values)


def _end_sessions(store: ParkStore, username: str) -> None:
    store.transaction(
        [_SESSIONS],
        lambda frames, _n: {_SESSIONS: frames[_SESSIONS].iloc[0:0]},
        rows={_SESSIONS: ("username", [username])},
    )


# --------------------------------------------------------------------- helpers
def _entry(actor: Actor, event: str, username: str, **details: Any) -> AuditEntry:
    return AuditEntry(
        actor.username,
        event,
        role=actor.role,
        target=username,
        client=actor.client,
        details=details,
    )


def _refuse(store: ParkStore, entry: AuditEntry, key: str, **details: Any) -> None:
    """Record the refusal, raise it."""
    store.record(
        entry.ended(REFUSED, error=key, **{k: v for k, v in details.items() if k == "reason"})
    )
    params = {k: v for k, v in details.items() if k != "reason"}
    if key.startswith("signin_"):
        raise AccessError(key, **params)
    raise ValidationError(key, **params)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError("account_bad_role", role=role, roles=", ".join(ROLES))


def _one(username: str) -> dict:
    return {_ACCOUNTS: ("username", [username])}


def _update(store: ParkStore, actor: Actor, username: str, entry: AuditEntry, values: dict) -> None:
    try:
        require(actor, "manage_accounts")
    except ParkError as exc:
        store.record(entry.ended(REFUSED, error=exc.key))
        raise
    _write_row(store, username, entry, values)


def _write_row(
    store: ParkStore, username: str, entry: AuditEntry, values: Mapping[str, Any]
) -> None:
    def change(frames, _next_id):
        frame = frames[_ACCOUNTS]
        if frame.empty:
            raise ValidationError("account_unknown", username=username)
        for column, value in values.items():
            frame[column] = frame[column].astype(object)
            frame.loc[:, column] = value
        return {_ACCOUNTS: frame}

    store.transaction([_ACCOUNTS], change, rows=_one(username), audit=entry)


def _row(store: ParkStore, username: str) -> dict | None:
    frame = store.read(_ACCOUNTS)
    hit = frame[frame["username"].astype(str) == username]
    return hit.iloc[0].to_dict() if len(hit) else None


def _account(row: Mapping[str, Any]) -> Account:
    names = {f.name for f in fields(Account)}
    values = {k: row.get(k) for k in names}
    blocks = _text(values["blocks"])
    return Account(
        username=_text(values["username"]),
        role=_text(values["role"]),
        display_name=_text(values["display_name"]),
        blocks=frozenset(b for b in blocks.split(",") if b),
        must_change=_flag(values["must_change"]),
        password_changed_at=_time(values["password_changed_at"]),
        failed_count=int(_number(values["failed_count"])),
        locked_until=_time(values["locked_until"]),
        disabled=_flag(values["disabled"]),
        created_at=_time(values["created_at"]),
        created_by=_text(values["created_by"]),
        last_sign_in_at=_time(values["last_sign_in_at"]),
    )


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def _flag(value: object) -> bool:
    return False if _missing(value) else str(value).strip().lower() in {"1", "true", "1.0"}


def _number(value: object) -> float:
    return 0 if _missing(value) else float(value)


def _time(value: object) -> datetime | None:
    if _missing(value) or not str(value).strip():
        return None
    parsed = datetime.fromisoformat(str(value).strip())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


_now = now_utc


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
