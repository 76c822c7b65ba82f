"""The audit trail: one append-only row per important action, chained by hashes.

Each row (table ``park_audit``, :data:`gis.schema.AUDIT`) says when, who (user and role),
what (event type, object), how it ended (outcome) and the details (for a write: the
layers, the keys of the rows deleted, changed and added, and each changed value before
and after). The store refuses to change or delete audit rows (triggers), and each row
carries the SHA-256 of its content and of the row before it, so a row altered or removed
outside the app breaks the chain (:func:`broken_links`). 等保 (GB/T 22239-2019) asks for
exactly this: every user, every important action, date and time, type, outcome, details,
protected from deletion and change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from gis import schema
from gis.store.delta import LayerDelta

#: Outcomes of an audited action.
OK, REFUSED, FAILED = "ok", "refused", "failed"
#: How many rows a write's details list per layer and kind before saying "and N more".
DETAIL_ROWS = 50
#: Columns whose values never enter the trail: only that they changed.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})


@dataclass(frozen=True)
class AuditEntry:
    """What to record: the caller says who and what; the store adds time, number, hashes
    and (for a write) which rows changed."""

    username: str
    event: str  # e.g. "status_change", "import", "sign_in", "export"
    role: str = ""
    outcome: str = OK
    target: str = ""  # the object: a layer, a parcel code, a file name, an account
    details: Mapping[str, Any] = field(default_factory=dict)
    client: str = ""  # where from: the browser's address, "cli", ...

    def ended(self, outcome: str, **details: Any) -> AuditEntry:
        return replace(self, outcome=outcome, details={**self.details, **details})


def changes_summary(pairs: Sequence[tuple[pd.DataFrame, LayerDelta]]) -> dict[str, Any]:
    """Per layer: the keys of the rows deleted, changed (with each changed value before
    and after) and added, at most :data:`DETAIL_ROWS` of each."""
    from gis.store.base import row_keys

    out: dict[str, Any] = {}
    for old, delta in pairs:
        spec = delta.spec
        if delta.replace:
            out[spec.name] = {"replaced": len(old), "rows": len(delta.inserted)}
            continue
        entry: dict[str, Any] = {}
        if len(delta.deleted):
            entry["deleted"] = _listed(list(row_keys(delta.deleted, spec)))
        if len(delta.inserted):
            entry["added"] = _listed(list(row_keys(delta.inserted, spec)))
        if len(delta.updated):
            before = dict(zip(row_keys(old, spec), old.to_dict("records"), strict=True))
            changed = []
            for key, row in zip(
                row_keys(delta.updated, spec), delta.updated.to_dict("records"), strict=True
            ):
                was = before.get(key, {})
                values = {
                    c: ["***", "***"]
                    if c in SECRET_COLUMNS
                    else [_redacted(was.get(c)), _redacted(row.get(c))]
                    for c in spec.column_names
                    if _plain(was.get(c)) != _plain(row.get(c))
                }
                if spec.geometry_type is not None and "geometry" in row:
                    old_geom, new_geom = was.get("geometry"), row.get("geometry")
                    if old_geom is None or new_geom is None or not old_geom.equals(new_geom):
                        values["geometry"] = ["…", "…"]
                changed.append({"key": key, "values": values})
            entry["changed"] = _listed(changed)
        if entry:
            out[spec.name] = entry
    return out


def _redacted(value: object) -> object:
    """A value for the trail: secrets inside JSON text (a basemap service key, say:
    fields named ``*key``, ``*password``, ``*token``) replaced by ``***``."""
    plain = _plain(value)
    if not (isinstance(plain, str) and plain.startswith("{")):
        return plain
    try:
        data = json.loads(plain)
    except ValueError:
        return plain
    return json.dumps(_mask(data), ensure_ascii=False, sort_keys=True)


def _mask(data: object) -> object:
    if isinstance(data, dict):
        return {
            k: "***" if str(k).lower().endswith(_SECRET_SUFFIXES) and v else _mask(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_mask(v) for v in data]
    return data


_SECRET_SUFFIXES = ("key", "password", "token", "secret")


def _listed(items: list) -> list:
    if len(items) <= DETAIL_ROWS:
        return items
    return [*items[:DETAIL_ROWS], f"… +{len(items) - DETAIL_ROWS}"]


def _plain(value: object) -> object:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    return value if isinstance(value, str | int | float | bool) else str(value)


def audit_row(entry: AuditEntry, audit_id: int, at: str, prev_hash: str) -> dict[str, Any]:
    """The row to append, with its hash over its content and the previous row's hash."""
    row = {
        "audit_id": audit_id,
        "at": at,
        "username": entry.username,
        "role": entry.role,
        "event": entry.event,
        "outcome": entry.outcome,
        "target": entry.target,
        "details": json.dumps(entry.details, ensure_ascii=False, sort_keys=True, default=str),
        "client": entry.client,
        "prev_hash": prev_hash,
    }
    row["row_hash"] = row_hash(row)
    return row


def row_hash(row: Mapping[str, Any]) -> str:
    content = [str(row.get(c.name) or "") for c in schema.AUDIT.columns if c.name != "row_hash"]
    return hashlib.sha256("\x1f".join(content).encode("utf-8")).hexdigest()


def broken_links(trail: pd.DataFrame) -> list[int]:
    """``audit_id``s of rows whose hash does not match their content or whose previous
    hash does not match the row before (a row changed, inserted or removed outside)."""
    bad: list[int] = []
    previous = ""
    for row in trail.sort_values("audit_id").to_dict("records"):
        clean = {k: (None if _plain(v) is None else v) for k, v in row.items()}
        if str(row.get("prev_hash") or "") != previous or row_hash(clean) != row["row_hash"]:
            bad.append(int(row["audit_id"]))
        previous = str(row["row_hash"])
    return bad
