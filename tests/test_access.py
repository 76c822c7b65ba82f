"""Each write path in gis, called as each role (#13): allowed ones write and are audited
with the user, the event and the rows changed; refused ones raise AccessError, write
nothing and leave a "refused" row in the audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
import shapely

from gis._errors import AccessError
from gis.auth import admin
from gis.auth.access import ADMIN, DATA_MANAGER, EDITOR, VIEWER, Actor
from gis.basemap import sources
from gis.efficiency import adjustments, config
from gis.exchange.figures import run_figures_import
from gis.exchange.import_merge import run_import
from gis.meeting import annotations as meeting_annotations
from gis.meeting import views
from gis.parcels import lifecycle
from gis.reuse import candidates, run, scenarios
from gis.store import ParkStore
from gis.targets import definitions
from tests.actors import ACTOR, ADMINISTRATOR
from tests.store_kit import digest
from tests.test_exchange_import import prepared_from
from tests.test_exchange_txt import SAMPLE
from tests.test_figures_import import prepared_from as figures_prepared_from
from tests.test_reuse import BAD_ROWS
from tests.tiny_park import tiny_park

TODAY = date(2021, 6, 30)
#: One actor per role; "block_editor" is an editor of block B2 only (P1 and P2 lie in B1).
ROLES = {
    "viewer": Actor("v1", VIEWER, display_name="查看员", client="10.0.0.1"),
    "editor": Actor("e1", EDITOR, display_name="编辑员", client="10.0.0.2"),
    "block_editor": Actor("e2", EDITOR, blocks=frozenset({"B2"}), client="10.0.0.3"),
    "data_manager": Actor("d1", DATA_MANAGER, client="10.0.0.4"),
    "admin": Actor("a1", ADMIN, client="10.0.0.5"),
}
EDITORS = {"editor", "data_manager"}  # block-bound writes on B1 parcels
ANY_EDITOR = {"editor", "block_editor", "data_manager"}
DATA = {"data_manager"}
ADMINS = {"admin"}
# A point inside P1 (B1): the annotation's place, in lon/lat.
_P1 = tiny_park()["parcels"].set_index("code").geometry["P1"].centroid
P1_POINT = shapely.Point(_P1.x, _P1.y)


@dataclass(frozen=True)
class Write:
    name: str
    event: str
    allowed: set[str]  # the roles that may (by hand, from the role list)
    call: Callable[[ParkStore, Actor], object]
    setup: Callable[[ParkStore], object] | None = None
    writes: bool = True  # changes the park's data (raises the data version)


def _status(store, actor):
    change = lifecycle.StatusChange("P2", "sale_status", "ACQUIRING", date(2021, 1, 5), "输入框")
    return lifecycle.record_changes(store, [change], actor=actor, today=TODAY)


def _annotation(store):
    item = meeting_annotations.AnnotationInput("收回闲置地块", "2021-06-01", parcel_code="P1")
    return meeting_annotations.add_annotation(store, P1_POINT, item, actor=ACTOR)


def _view(store):
    return views.save_view(store, name="全园", state=views.ViewState(zoom=14), actor=ACTOR)


def _two_views(store):
    _view(store)
    views.save_view(store, name="碧湖", state=views.ViewState(zoom=15), actor=ACTOR)


def _run(store):
    return run.run_scenario(store.read_all(), space_ids=[], candidate_ids=[])


def _scenario(store):
    scenarios.ensure_baseline(store, store.read_all(), actor=ACTOR)
    return scenarios.save_scenario(store, _run(store), name="试点", actor=ACTOR)


def _targets(store, actor):
    frame = store.read("targets")
    frame.loc[0, "target_value"] = float(frame.loc[0, "target_value"]) + 10
    return definitions.save_targets(store, frame, actor=actor)


def _candidates(store, actor):
    frame = BAD_ROWS.iloc[[0]].copy()  # made valid as in tests/test_reuse.py
    frame["need_height_m"] = [6]
    return candidates.save_candidates(store, frame, actor=actor)


def _adjustments(store, actor):
    base = dict.fromkeys(config.ADJUSTMENT_FIELDS)
    rows = pd.DataFrame(
        [{**base, "enterprise_id": "E1", "bonus_points": 2.0, "reason": "专精特新"}]
    )
    return adjustments.save_adjustments(store, rows, year=2020, actor=actor)


def _import(store, actor):
    prepared = prepared_from("d07.txt", SAMPLE.encode("gbk"))
    return run_import(store, prepared, defaults={"block_id": "B1"}, actor=actor, source="d07.txt")


def _figures(store, actor):
    text = "企业编号,年份,营业收入\nE1,2021,6000\n"
    _, prepared = figures_prepared_from("f.csv", text.encode("gbk"), "enterprise_years")
    return run_figures_import(
        store, "enterprise_years", prepared, actor=actor, expected_version=None, source="f.csv"
    )


def _backup_then_change(store):
    admin.backup(store, actor=ADMINISTRATOR)
    _status(store, ACTOR)  # something to undo


WRITES = [
    Write("record_changes", "status_change", EDITORS, _status),
    Write(
        "add_annotation",
        "add_annotation",
        EDITORS,
        lambda s, a: meeting_annotations.add_annotation(
            s,
            P1_POINT,
            meeting_annotations.AnnotationInput("决定", "2021-06-01", parcel_code="P1"),
            actor=a,
        ),
    ),
    Write(
        "update_annotation",
        "update_annotation",
        EDITORS,
        lambda s, a: meeting_annotations.update_annotation(
            s,
            "A0001",
            expected_version=1,
            item=meeting_annotations.AnnotationInput(
                "改为限期开工", "2021-06-01", parcel_code="P1"
            ),
            actor=a,
        ),
        setup=_annotation,
    ),
    Write(
        "delete_annotation",
        "delete_annotation",
        EDITORS,
        lambda s, a: meeting_annotations.delete_annotation(s, "A0001", expected_version=1, actor=a),
        setup=_annotation,
    ),
    Write(
        "save_view",
        "save_view",
        ANY_EDITOR,
        lambda s, a: views.save_view(s, name="万洋", state=views.ViewState(), actor=a),
    ),
    Write(
        "move_view",
        "move_view",
        ANY_EDITOR,
        lambda s, a: views.move_view(s, "V0002", -1, actor=a),
        setup=_two_views,
    ),
    Write(
        "delete_view",
        "delete_view",
        ANY_EDITOR,
        lambda s, a: views.delete_view(s, "V0001", actor=a),
        setup=_view,
    ),
    Write(
        "ensure_baseline",
        "save_scenario",
        ANY_EDITOR,
        lambda s, a: scenarios.ensure_baseline(s, s.read_all(), actor=a),
    ),
    Write(
        "save_scenario",
        "save_scenario",
        ANY_EDITOR,
        lambda s, a: scenarios.save_scenario(s, _run(s), name="全部", actor=a),
        setup=lambda s: scenarios.ensure_baseline(s, s.read_all(), actor=ACTOR),
    ),
    Write(
        "delete_scenario",
        "delete_scenario",
        ANY_EDITOR,
        lambda s, a: scenarios.delete_scenario(s, "S001", actor=a),
        setup=_scenario,
    ),
    Write("save_targets", "save_targets", DATA, _targets),
    Write("save_candidates", "save_candidates", DATA, _candidates),
    Write(
        "efficiency.save_config",
        "save_config",
        DATA,
        lambda s, a: config.save_config(s, config.EfficiencyConfig(max_bonus_points=8.0), actor=a),
    ),
    Write("save_adjustments", "save_adjustments", DATA, _adjustments),
    Write("run_import", "import", DATA, _import),
    Write("run_figures_import", "import", DATA, _figures),
    Write(
        "remove_sample",
        "remove_sample",
        DATA,
        lambda s, a: admin.remove_sample(s, actor=a),
        writes=False,
    ),  # the tiny park has no sample rows: nothing to remove
    Write(
        "basemaps.save_config",
        "save_settings",
        ADMINS,
        lambda s, a: sources.save_config(
            s, sources.BasemapConfig(file_path="/srv/tiles/park.mbtiles"), actor=a
        ),
    ),
    Write("backup", "backup", ADMINS, lambda s, a: admin.backup(s, actor=a), writes=False),
    Write(
        "restore",
        "restore",
        ADMINS,
        lambda s, a: admin.restore(s, s.backups()[0], actor=a),
        setup=_backup_then_change,
    ),
    Write(
        "record_export",
        "export",
        set(ROLES),
        lambda s, a: admin.record_export(s, actor=a, target="parcels shp", rows=4),
        writes=False,
    ),
]


@pytest.fixture
def store(tmp_path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)


def _last(store: ParkStore) -> dict:
    row = store.audit_trail().sort_values("audit_id").iloc[-1].to_dict()
    row["details"] = json.loads(row["details"])
    return row


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_each_write_as_each_role(store, write: Write, role: str):
    actor = ROLES[role]
    if write.setup is not None:
        write.setup(store)
    version, before, trail = store.data_version(), digest(store), len(store.audit_trail())
    if role in write.allowed:
        write.call(store, actor)
        if write.writes:
            assert store.data_version() > version
        audit = _last(store)
        assert (audit["username"], audit["role"], audit["event"], audit["outcome"]) == (
            actor.username,
            actor.role,
            write.event,
            "ok",
        )
        assert audit["client"] == actor.client
        if write.writes and write.name != "restore":
            assert audit["details"]["changes"], audit  # the rows changed, with keys
    else:
        with pytest.raises(AccessError) as refused:
            write.call(store, actor)
        assert store.data_version() == version
        assert digest(store) == before  # nothing written
        assert len(store.audit_trail()) == trail + 1
        audit = _last(store)
        assert (audit["username"], audit["event"], audit["outcome"]) == (
            actor.username,
            write.event,
            "refused",
        )
        assert audit["details"]["error"] == refused.value.key


def test_the_table_covers_every_role_and_the_admin_edits_no_data():
    # By hand from the issue: viewer reads, editor edits statuses and notes, data manager
    # the imports and rules, the administrator only accounts/backups/settings.
    allowed_to = {name: {w.name for w in WRITES if name in w.allowed} for name in ROLES}
    assert allowed_to["viewer"] == {"record_export"}
    assert allowed_to["admin"] == {"basemaps.save_config", "backup", "restore", "record_export"}
    assert "record_changes" not in allowed_to["block_editor"]
    assert allowed_to["editor"] < allowed_to["data_manager"]


def test_a_status_change_carries_the_account_not_the_typed_name(store):
    editor = ROLES["editor"]
    _status(store, editor)  # the change says "输入框" as its author
    events = store.read("status_events")
    assert events.iloc[-1]["author"] == "编辑员（e1）"
    audit = _last(store)
    changes = audit["details"]["changes"]
    assert len(changes["status_events"]["added"]) == 1  # the new event's key
    [changed] = changes["parcels"]["changed"]
    assert changed["key"] == "P2"
    assert changed["values"]["sale_status"] == ["PLANNED", "ACQUIRING"]
    assert audit["target"] == "P2"


def test_a_block_editor_may_change_their_own_block_only(store):
    mine = Actor("e3", EDITOR, blocks=frozenset({"B1"}))
    _status(store, mine)  # P2 lies in B1
    other = Actor("e4", EDITOR, blocks=frozenset({"B2"}))
    version = store.data_version()
    change = lifecycle.StatusChange("P3", "sale_status", "SOLD", date(2021, 3, 20))
    lifecycle.record_changes(store, [change], actor=other, today=TODAY)  # P3 lies in B2
    assert store.data_version() == version + 1
    both = [lifecycle.StatusChange("P1", "construction_status", "COMPLETED", date(2021, 5, 1))]
    with pytest.raises(AccessError) as refused:
        lifecycle.record_changes(store, both, actor=other, today=TODAY)
    assert refused.value.key == "access_block" and refused.value.params["blocks"] == "B1"
    assert store.data_version() == version + 1
    assert _last(store)["outcome"] == "refused"


def test_nobody_signed_in_is_refused_and_recorded(store):
    version = store.data_version()
    with pytest.raises(AccessError) as refused:
        _status(store, None)
    assert refused.value.key == "access_signed_out"
    assert store.data_version() == version
    audit = _last(store)
    assert (audit["username"], audit["outcome"]) == ("", "refused")


def test_an_annotation_on_another_block_is_refused(store):
    other = ROLES["block_editor"]  # B2 only; P1 lies in B1
    free = meeting_annotations.AnnotationInput("无地块的标注", "2021-06-01")
    meeting_annotations.add_annotation(
        store, P1_POINT, free, actor=other
    )  # no parcel named: allowed
    with pytest.raises(AccessError):
        meeting_annotations.add_annotation(
            store,
            P1_POINT,
            meeting_annotations.AnnotationInput("x", "2021-06-01", parcel_code="P1"),
            actor=other,
        )
    _annotation(store)  # A0002 on P1, by the data manager
    with pytest.raises(AccessError):
        meeting_annotations.delete_annotation(store, "A0002", expected_version=1, actor=other)
    assert list(store.read("annotations")["annotation_id"]) == ["A0001", "A0002"]
