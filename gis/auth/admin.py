"""Backups, restore and removing the sample, as a signed-in user may do them (#13).

The store's own :meth:`~gis.store.ParkStore.backup`, :meth:`~gis.store.ParkStore.restore`
and :meth:`~gis.store.ParkStore.remove_sample` take no user; the app calls these instead,
which check the permission first (``backup``, ``restore``: an administrator's;
``remove_sample``: a data manager's) and record the action in the audit trail, refused,
failed or done.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gis._errors import ParkError
from gis.auth import guard
from gis.auth.access import Actor
from gis.store import ParkStore
from gis.store.audit import FAILED, REFUSED, AuditEntry
from gis.store.base import SampleRemoval


def _audited(store: ParkStore, audit: AuditEntry, action, describe) -> Any:
    try:
        result = action()
    except ParkError as exc:
        store.record(audit.ended(REFUSED, error=exc.key, params=exc.params))
        raise
    except Exception as exc:
        store.record(audit.ended(FAILED, error=type(exc).__name__))
        raise
    store.record(audit.ended(audit.outcome, **describe(result)))
    return result


def backup(store: ParkStore, *, actor: Actor, reason: str = "manual") -> Path:
    """A backup of ``store`` (:meth:`ParkStore.backup`); needs ``backup``."""
    audit = guard.permit(store, actor, "backup", "backup", target=reason)
    return _audited(
        store, audit, lambda: store.backup(reason=reason), lambda path: {"file": path.name}
    )


def restore(store: ParkStore, backup: str | os.PathLike[str], *, actor: Actor) -> int:
    """Replace the store's data with ``backup`` (:meth:`ParkStore.restore`; the current
    state is backed up first); needs ``restore``. Returns the new data version."""
    name = Path(backup).name
    audit = guard.permit(store, actor, "restore", "restore", target=name)
    return _audited(
        store, audit, lambda: store.restore(backup), lambda version: {"version": version}
    )


def remove_sample(
    store: ParkStore, *, actor: Actor, expected_version: int | None = None
) -> SampleRemoval:
    """Delete the built-in sample park's rows (:meth:`ParkStore.remove_sample`); needs
    ``remove_sample``."""
    audit = guard.permit(store, actor, "remove_sample", "remove_sample", target="sample")
    return _audited(
        store,
        audit,
        lambda: store.remove_sample(expected_version=expected_version),
        lambda result: {
            "removed": result.removed,
            "backup": result.backup.name if result.backup else "",
            "version": result.version,
        },
    )


def record_export(
    store: ParkStore, *, actor: Actor, target: str, rows: int | None = None, **details: Any
) -> None:
    """Record that ``actor`` took data out of the system: ``target`` (what: the layer,
    format or file name) with ``rows`` rows; needs ``export`` (every role has it)."""
    facts = {"rows": rows, **details} if rows is not None else dict(details)
    audit = guard.permit(store, actor, "export", "export", target=target, details=facts)
    store.record(audit)
