"""Signing in and out: lock-out after failed attempts, sessions kept as hashed cookie
tokens, idle and absolute time-outs, expired sessions removed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from gis import schema
from gis._errors import AccessError
from gis.auth.accounts import (
    _SESSIONS,
    USERNAME_RE,
    Account,
    AuthConfig,
    _account,
    _iso,
    _now,
    _refuse,
    _row,
    _time,
    _write_row,
    find_account,
)
from gis.auth.passwords import verify_password
from gis.store import AuditEntry, ParkStore
from gis.store.audit import REFUSED


# --------------------------------------------------------------------- signing in
@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: the cookie's token and the account."""

    token: str
    account: Account


def sign_in(
    store: ParkStore,
    username: str,
    password: str,
    *,
    client: str = "",
    config: AuthConfig | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Check the password and start a session; :class:`AccessError` otherwise:
    ``signin_failed`` (unknown user, wrong password, disabled account: the same answer)
    or ``signin_locked``. Every attempt is audited; the attempt that reaches the limit
    locks the account (event ``lockout``)."""
    config = config or AuthConfig.from_env()
    now = now or _now()
    username = (username or "").strip().lower()
    row = _row(store, username) if USERNAME_RE.match(username) else None
    entry = AuditEntry(username or "?", "sign_in", target=username, client=client)
    if row is None:
        verify_password("", password)  # same time as a known name
        _refuse(store, entry, "signin_failed", reason="unknown_user")
    account = _account(row)
    entry = AuditEntry(username, "sign_in", role=account.role, target=username, client=client)
    if account.locked(now):
        _refuse(
            store,
            entry,
            "signin_locked",
            reason="locked",
            until=_local_minute(account.locked_until),
        )
    good = verify_password(str(row.get("password_hash") or ""), password)
    if account.disabled:
        _refuse(store, entry, "signin_failed", reason="disabled")
    if not good:
        _failed_attempt(store, account, entry, config, now)
    values = {"failed_count": 0, "locked_until": None}
    return open_session(store, account, entry, values=values, client=client, config=config, now=now)


def open_session(
    store: ParkStore,
    account: Account,
    entry: AuditEntry,
    *,
    values: Mapping[str, Any] | None = None,
    method: str = "password",
    client: str = "",
    config: AuthConfig | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """A session of ``account``, whose sign-in was checked (by password, or by a single
    sign-on provider in :mod:`gis.auth.oidc`); ``entry`` is audited with the session id and
    ``values`` written to the account with the sign-in time."""
    config = config or AuthConfig.from_env()
    now = now or _now()
    _expire_sessions(store, config, now)
    token, sid = start_session(store, account.username, client=client, now=now, method=method)
    row = {**(values or {}), "last_sign_in_at": _iso(now)}
    _write_row(store, account.username, entry.ended(entry.outcome, session=sid), row)
    return SignedIn(token, account)


def start_session(
    store: ParkStore,
    username: str,
    *,
    token: str | None = None,
    client: str = "",
    now: datetime | None = None,
    method: str = "password",
) -> tuple[str, str]:
    """A new session of ``username`` (whose password was checked): ``(token, session
    id)``. ``token`` is random unless given (the test suite's browsers bring their own).
    A session not opened by password has its ``method`` before its id (``oidc-…``): that
    keeps the sessions table as it is in existing stores."""
    token = token or secrets.token_urlsafe(32)
    now = now or _now()
    prefix = "" if method == "password" else f"{method}-"
    session = {
        "session_id": prefix + secrets.token_hex(8),
        "token_hash": token_hash(token),
        "username": username,
        "created_at": _iso(now),
        "last_seen_at": _iso(now),
        "client": client,
    }
    store.transaction(
        [_SESSIONS],
        lambda frames, _n: {
            _SESSIONS: pd.DataFrame([session], columns=list(schema.SESSIONS.column_names))
        },
        rows={_SESSIONS: ("session_id", [session["session_id"]])},
    )
    return token, session["session_id"]


def _failed_attempt(
    store: ParkStore, account: Account, entry: AuditEntry, config: AuthConfig, now: datetime
) -> None:
    count = account.failed_count + 1
    values: dict[str, Any] = {"failed_count": count}
    if count >= config.lockout_attempts:
        until = now + timedelta(minutes=config.lockout_minutes)
        values |= {"failed_count": 0, "locked_until": _iso(until)}
        _write_row(
            store,
            account.username,
            entry.ended(REFUSED, reason="bad_password", attempt=count),
            values,
        )
        store.record(
            AuditEntry(
                account.username,
                "lockout",
                role=account.role,
                outcome=REFUSED,
                target=account.username,
                client=entry.client,
                details={"attempts": count, "until": _iso(until)},
            )
        )
        raise AccessError("signin_locked", until=_local_minute(until))
    _write_row(
        store, account.username, entry.ended(REFUSED, reason="bad_password", attempt=count), values
    )
    raise AccessError("signin_failed")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    """A live session: its account and when it was last seen (for the throttle)."""

    session_id: str
    account: Account
    last_seen_at: datetime

    @property
    def method(self) -> str:
        """How it was opened: ``password``, or ``oidc`` (single sign-on, no password rules)."""
        method, dash, _ = self.session_id.rpartition("-")
        return method if dash else "password"


def resume_session(
    store: ParkStore,
    token: str,
    *,
    client: str = "",
    config: AuthConfig | None = None,
    now: datetime | None = None,
) -> Session | None:
    """The session of the cookie ``token``, or ``None`` (unknown, signed out, timed out,
    account disabled). An idle session is ended and its time-out audited; a live one's
    last-seen time is written when it is older than :attr:`AuthConfig.touch_seconds`."""
    config = config or AuthConfig.from_env()
    now = now or _now()
    if not token:
        return None
    found = _session_row(store, token_hash(token))
    if found is None:
        return None
    last_seen = _time(found["last_seen_at"]) or now
    sid, username = str(found["session_id"]), str(found["username"])
    if now - last_seen > timedelta(minutes=config.idle_minutes):
        _delete_session(
            store,
            sid,
            AuditEntry(
                username,
                "time_out",
                target=username,
                client=client,
                details={"session": sid, "last_seen": _iso(last_seen)},
            ),
        )
        return None
    account = find_account(store, username)
    if account is None or account.disabled:
        _delete_session(store, sid, None)
        return None
    if now - last_seen >= timedelta(seconds=config.touch_seconds):
        _touch(store, sid, now)
        last_seen = now
    return Session(sid, account, last_seen)


def sign_out(store: ParkStore, token: str, *, client: str = "") -> bool:
    """End the session of ``token`` (audited); ``False`` if there was none."""
    found = _session_row(store, token_hash(token)) if token else None
    if found is None:
        return False
    username = str(found["username"])
    account = find_account(store, username)
    entry = AuditEntry(
        username,
        "sign_out",
        role=account.role if account else "",
        target=username,
        client=client,
        details={"session": str(found["session_id"])},
    )
    _delete_session(store, str(found["session_id"]), entry)
    return True


def _session_row(store: ParkStore, digest: str) -> dict | None:
    frame = store.read(_SESSIONS)
    hit = frame[frame["token_hash"].astype(str) == digest]
    return hit.iloc[0].to_dict() if len(hit) else None


def _delete_session(store: ParkStore, sid: str, entry: AuditEntry | None) -> None:
    store.transaction(
        [_SESSIONS],
        lambda frames, _n: {_SESSIONS: frames[_SESSIONS].iloc[0:0]},
        rows={_SESSIONS: ("session_id", [sid])},
    )
    if entry is not None:
        store.record(entry)


def _touch(store: ParkStore, sid: str, now: datetime) -> None:
    def change(frames, _n):
        frame = frames[_SESSIONS]
        if frame.empty:  # signed out meanwhile
            return None
        frame["last_seen_at"] = _iso(now)
        return {_SESSIONS: frame}

    store.transaction([_SESSIONS], change, rows={_SESSIONS: ("session_id", [sid])})


def _expire_sessions(store: ParkStore, config: AuthConfig, now: datetime) -> None:
    """End the sessions idle too long that nobody came back to (each audited)."""
    frame = store.read(_SESSIONS)
    limit = now - timedelta(minutes=config.idle_minutes)
    for row in frame.to_dict("records"):
        seen = _time(row["last_seen_at"])
        if seen is None or seen < limit:
            username = str(row["username"])
            _delete_session(
                store,
                str(row["session_id"]),
                AuditEntry(
                    username,
                    "time_out",
                    target=username,
                    details={
                        "session": str(row["session_id"]),
                        "last_seen": str(row["last_seen_at"]),
                    },
                ),
            )


def _local_minute(moment: datetime | None) -> str:
    """A time for a message: the server's local time to the minute."""
    return moment.astimezone().strftime("%H:%M") if moment else ""


def local_time(moment: datetime | None) -> str:
    """A time for a list: the server's local date and time to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""
