"""Signed-in users for tests (#13): one per role, and an editor limited to some blocks."""

from __future__ import annotations

from gis.auth.access import ADMIN, DATA_MANAGER, EDITOR, VIEWER, Actor

#: Every right to the park's data (imports, figures, status changes, ...).
DATA = Actor("data", DATA_MANAGER, display_name="数据员", client="test")
EDITOR_ALL = Actor("editor", EDITOR, display_name="编辑员", client="test")
VIEWING = Actor("viewer", VIEWER, display_name="查看员", client="test")
ADMINISTRATOR = Actor("admin", ADMIN, display_name="管理员", client="test")


def editor_of(*blocks: str) -> Actor:
    """An editor responsible for ``blocks`` only."""
    return Actor("block_editor", EDITOR, display_name="区块编辑", blocks=frozenset(blocks))


#: The actor unit tests write as when the role does not matter: may edit the park's data.
ACTOR = DATA
#: What ``ACTOR`` writes as the author of a record.
AUTHOR = ACTOR.author
