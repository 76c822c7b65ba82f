"""Who may do what: roles, permissions and the acting user every write takes.

Four roles (#13): 查看 viewer, 编辑 editor, 数据管理 data manager, 管理员 administrator.
The business roles build on each other (an editor may do what a viewer may; a data
manager what an editor may); the administrator's rights are kept apart — accounts,
backups, restore, settings and the audit trail, but no editing of the park's data —
so that no one account both runs the system and changes its records (least privilege).
An editor may be limited to some blocks (区块负责制 in the seed report).

Every write path in :mod:`gis` takes an :class:`Actor` and calls :func:`require` first; the
UI hides what a role cannot do, but the rule lives here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gis._errors import AccessError

VIEWER, EDITOR, DATA_MANAGER, ADMIN = "viewer", "editor", "data_manager", "admin"
#: The roles an account can have.
ROLES: tuple[str, ...] = (VIEWER, EDITOR, DATA_MANAGER, ADMIN)
#: The role of ``python -m gis`` (never an account's): every right.
SYSTEM = "system"
ROLE_LABELS = {
    VIEWER: ("查看", "Viewer"),
    EDITOR: ("编辑", "Editor"),
    DATA_MANAGER: ("数据管理", "Data manager"),
    ADMIN: ("管理员", "Administrator"),
}

_VIEW = frozenset({"view", "present", "export"})
_EDIT = _VIEW | {"edit_status", "annotate", "save_view", "scenario"}
_DATA = _EDIT | {
    "import",
    "edit_figures",
    "edit_targets",
    "edit_candidates",
    "edit_evaluation",
    "edit_reuse_config",
    "remove_sample",
}
_ADMIN = _VIEW | {"manage_accounts", "backup", "restore", "settings", "read_audit"}

#: What each role may do. Permissions name actions, not pages.
PERMISSIONS: dict[str, frozenset[str]] = {
    VIEWER: _VIEW,
    EDITOR: frozenset(_EDIT),
    DATA_MANAGER: frozenset(_DATA),
    ADMIN: frozenset(_ADMIN),
    SYSTEM: frozenset(_DATA | _ADMIN),
}
#: Permissions a block limit applies to (an editor responsible for some blocks).
BLOCK_BOUND = frozenset({"edit_status", "annotate"})


@dataclass(frozen=True)
class Actor:
    """The signed-in user a write is made for (never a name typed into a form)."""

    username: str
    role: str
    display_name: str = ""
    #: Blocks an editor is limited to; empty: every block.
    blocks: frozenset[str] = field(default_factory=frozenset)
    #: Where the request came from (the browser's address, "cli"), for the audit trail.
    client: str = ""

    @property
    def author(self) -> str:
        """The name written as the author of a record: the person, then the account."""
        return f"{self.display_name}（{self.username}）" if self.display_name else self.username

    def may(self, permission: str, *, blocks: Iterable[str] = ()) -> bool:
        if permission not in PERMISSIONS.get(self.role, frozenset()):
            return False
        if self.blocks and permission in BLOCK_BOUND:
            return all(str(b) in self.blocks for b in blocks)
        return True


def require(actor: Actor | None, permission: str, *, blocks: Iterable[str] = ()) -> Actor:
    """``actor`` if it may do ``permission`` (on parcels of ``blocks``); else
    :class:`AccessError` naming the user, the action and, if that is why, the blocks."""
    if actor is None:
        raise AccessError("access_signed_out", permission=permission)
    blocks = [str(b) for b in blocks]
    if actor.may(permission, blocks=blocks):
        return actor
    outside = sorted(set(blocks) - actor.blocks) if actor.blocks else []
    if permission in PERMISSIONS.get(actor.role, frozenset()) and outside:
        raise AccessError(
            "access_block", user=actor.username, permission=permission, blocks=", ".join(outside)
        )
    raise AccessError("access_denied", user=actor.username, role=actor.role, permission=permission)


def command_line_actor(os_user: str) -> Actor:
    """The actor of ``python -m gis`` commands: whoever can run them on the server already
    holds the data files, so they act with every right, and are audited as such."""
    return Actor(username=f"cli:{os_user}", role=SYSTEM, client="cli")
