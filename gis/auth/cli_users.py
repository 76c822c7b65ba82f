"""``python -m gis users list|add|disable|enable|reset|role``: accounts from the server's
command line (#13), e.g. when the administrator's password is lost. Whoever runs it acts
as :func:`gis.auth.access.command_line_actor` of their operating-system user, and every change
is audited under that name."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable

from gis._errors import ValidationError
from gis.auth import accounts, sessions
from gis.auth.access import ROLES, command_line_actor
from gis.i18n import t
from gis.store import ParkStore

ACTIONS = ("list", "add", "disable", "enable", "reset", "role")


def add_parser(commands, both: Callable[[str], str], store_help: str) -> None:
    users = commands.add_parser(
        "users", help=both("cli_users_help"), description=both("cli_users_help")
    )
    users.add_argument("--store", metavar="PATH", help=store_help)
    users.add_argument("action", choices=ACTIONS)
    users.add_argument("username", nargs="?", help=both("cli_users_username_help"))
    users.add_argument("--role", choices=ROLES, help=both("cli_users_role_help"))
    users.add_argument("--blocks", default="", help=both("cli_users_blocks_help"))
    users.add_argument("--name", default="", help=both("cli_users_name_help"))


def run(store: ParkStore, args: argparse.Namespace, lang: str) -> list[str]:
    actor = command_line_actor(getpass.getuser())
    blocks = [b for b in args.blocks.split(",") if b.strip()]
    if args.action == "list":
        return _list(store, lang)
    if not args.username:
        raise ValidationError("account_bad_username", username="")
    name = args.username
    if args.action == "add":
        role = args.role or "viewer"
        password = accounts.create_account(
            store, actor, name, role, display_name=args.name, blocks=blocks
        )
        return [t("cli_users_created", lang, username=name, role=role, password=password)]
    if args.action in ("disable", "enable"):
        accounts.set_disabled(store, actor, name, args.action == "disable")
        return [t(f"cli_users_{args.action}d", lang, username=name)]
    if args.action == "reset":
        password = accounts.reset_password(store, actor, name)
        return [t("cli_users_reset", lang, username=name, password=password)]
    if not args.role:
        raise ValidationError("account_bad_role", role="", roles=", ".join(ROLES))
    accounts.set_role(store, actor, name, args.role, blocks, display_name=args.name or None)
    return [t("cli_users_role_set", lang, username=name, role=args.role)]


def _list(store: ParkStore, lang: str) -> list[str]:
    rows = accounts.accounts(store)
    if not rows:
        return [t("cli_users_none", lang)]
    now = accounts.now_utc()
    lines = []
    for a in rows:
        state = []
        if a.disabled:
            state.append(t("admin_state_disabled", lang))
        if a.locked(now):
            state.append(t("admin_state_locked", lang, until=sessions.local_time(a.locked_until)))
        if a.must_change:
            state.append(t("admin_state_must_change", lang))
        lines.append(
            t(
                "cli_users_row",
                lang,
                username=a.username,
                role=a.role,
                name=a.display_name or "-",
                blocks=",".join(sorted(a.blocks)) or "*",
                state="; ".join(state) or t("admin_state_ok", lang),
                last=sessions.local_time(a.last_sign_in_at) or "-",
            )
        )
    return lines
