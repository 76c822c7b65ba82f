"""The check every write path in :mod:`gis` makes first: may this user do it? (#13)

:func:`permit` calls :func:`gis.auth.access.require` and returns the :class:`AuditEntry` the
write then hands to ``store.transaction(..., audit=...)``; a refusal is recorded in the
audit trail (outcome "refused") before :class:`gis._errors.AccessError` is raised, so a
refused attempt leaves a trace and writes nothing. :func:`blocks_of` gives the blocks of
the parcels a block-bound write concerns (an editor limited to some blocks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from gis._errors import AccessError
from gis.auth.access import Actor, require
from gis.store.audit import REFUSED, AuditEntry


def entry(
    actor: Actor | None,
    event: str,
    *,
    target: str = "",
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """The audit entry of ``event`` done by ``actor`` (nobody signed in: no user name)."""
    return AuditEntry(
        actor.username if actor is not None else "",
        event,
        role=actor.role if actor is not None else "",
        target=str(target),
        details=dict(details or {}),
        client=actor.client if actor is not None else "",
    )


def permit(
    store: Any,
    actor: Actor | None,
    permission: str,
    event: str,
    *,
    target: str = "",
    blocks: Iterable[str] = (),
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """The audit entry for a write ``actor`` may make; else the refusal is recorded in
    ``store``'s audit trail and :class:`AccessError` raised."""
    audit = entry(
        actor, event, target=target, details={"permission": permission, **(details or {})}
    )
    try:
        require(actor, permission, blocks=blocks)
    except AccessError as exc:
        store.record(audit.ended(REFUSED, error=exc.key, params=exc.params))
        raise
    return audit


def blocks_of(parcels: pd.DataFrame, codes: Iterable[object]) -> list[str]:
    """The blocks (``block_id``) of the parcels ``codes`` among ``parcels``; a parcel
    without a block counts as block ""."""
    wanted = {str(c) for c in codes if c is not None and str(c).strip()}
    if not wanted or parcels is None or parcels.empty:
        return []
    hit = parcels[parcels["code"].astype(str).isin(wanted)]
    return sorted({"" if pd.isna(b) else str(b) for b in hit["block_id"]})


def store_blocks_of(store: Any, actor: Actor | None, codes: Iterable[object]) -> list[str]:
    """:func:`blocks_of` read from ``store`` — only when ``actor`` is limited to some
    blocks (otherwise the blocks do not matter and the park is not read)."""
    if actor is None or not actor.blocks:
        return []
    return blocks_of(store.read("parcels"), codes)


def listed(keys: Iterable[object], most: int = 10) -> str:
    """``keys`` as an audit target: the first ``most`` of them, then how many more."""
    items = sorted({str(k) for k in keys})
    extra = f" … +{len(items) - most}" if len(items) > most else ""
    return ", ".join(items[:most]) + extra
