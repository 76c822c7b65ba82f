"""Meeting mode's core (gis.meeting): saved views, annotations, key figures, pack tables."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook
from pyproj import Transformer

from gis import schema
from gis._errors import ValidationError
from gis.i18n import t
from gis.meeting import annotations as meeting_annotations
from gis.meeting import pack, pack_files, pack_style
from gis.meeting import views as meeting_views
from gis.store import ParkStore
from layers.annotations import annotation_layer
from layers.draw import DrawControl, ViewFit, ViewSettings
from tests.actors import ACTOR, AUTHOR
from tests.partial_parks import partial_frames
from tests.tiny_park import tiny_park

AS_OF = date(2021, 6, 30)
# A polygon, a line and a point on the 碧湖 plain (lon/lat, as the browser sends them).
SQUARE = shapely.Polygon(
    [(119.800, 28.340), (119.802, 28.340), (119.802, 28.342), (119.800, 28.342)]
)
LINE = shapely.LineString([(119.80, 28.34), (119.81, 28.35)])
POINT = shapely.Point(119.801, 28.341)


def event(i, code, field, new, day, old=None):
    return {
        "event_id": i,
        "parcel_code": code,
        "field": field,
        "old_status": old,
        "new_status": new,
        "effective_date": day,
        "recorded_at": f"{day}T09:00:00",
        "author": "测试员",
        "note": "",
        "supersedes": None,
    }


def park_with_history(*, p1_extension: int = 0) -> dict:
    """The tiny park with a history: P1 delivered 2019-05-01, agreed start 2019-11-01, never
    started; P4 sold, delivered, started, completed and in production; P2 planned; P3 listed
    in 2021."""
    frames = tiny_park()
    s, c = "sale_status", "construction_status"
    frames["status_events"] = pd.DataFrame(
        [
            event(1, "P1", s, "SOLD", "2019-02-01"),
            event(2, "P1", s, "DELIVERED", "2019-05-01", "SOLD"),
            event(3, "P2", s, "PLANNED", "2018-01-01"),
            event(4, "P3", s, "LISTED", "2021-03-01"),
            event(5, "P4", s, "SOLD", "2016-12-01"),
            event(6, "P4", s, "DELIVERED", "2017-01-01", "SOLD"),
            event(7, "P4", c, "STARTED", "2017-03-01", "NOT_STARTED"),
            event(8, "P4", c, "COMPLETED", "2018-06-01", "STARTED"),
            event(9, "P4", c, "IN_PRODUCTION", "2018-09-01", "COMPLETED"),
        ]
    )
    parcels = frames["parcels"]
    parcels.loc[parcels["code"] == "P1", "extension_days"] = p1_extension
    # P1 never started: its record says so too (a record's start date would count as history).
    parcels.loc[parcels["code"] == "P1", ["construction_status", "start_date"]] = [
        "NOT_STARTED",
        None,
    ]
    return frames


@pytest.fixture
def store(tmp_path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=park_with_history)


# ---------------------------------------------------------------- saved views
def test_view_state_json_round_trip():
    state = meeting_views.ViewState(
        center=(28.34, 119.80),
        zoom=16,
        layers=("blocks", "parcels", "annotations"),
        field="construction_status",
        block_ids=("BH",),
        as_of=AS_OF,
    )
    back = meeting_views.ViewState.from_json(state.to_json())
    assert back == meeting_views.ViewState(
        center=(28.34, 119.80),
        zoom=16,
        layers=("parcels", "blocks", "annotations"),  # canonical order
        field="construction_status",
        block_ids=("BH",),
        as_of=AS_OF,
    )


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        '{"center": [95, 119.8]}',
        '{"zoom": 40}',
        '{"layers": ["parcels", "<script>"]}',
        '{"field": "colour"}',
        '{"as_of": "2021-02-30"}',
    ],
)
def test_bad_view_state_is_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as info:
        meeting_views.ViewState.from_json(raw)
    assert info.value.key == "mtg_view_state_invalid"


def test_saved_views_are_ordered_stepped_and_linked(store):
    ids = [
        meeting_views.save_view(
            store, name=name, state=meeting_views.ViewState(zoom=13 + i), actor=ACTOR
        )
        for i, name in enumerate(["全园", "万洋区块", "碧湖区块"])
    ]
    assert ids == ["V0001", "V0002", "V0003"]
    views = meeting_views.list_views(store.read("saved_views"))
    assert [v.name for v in views] == ["全园", "万洋区块", "碧湖区块"]
    assert [v.position for v in views] == [1, 2, 3]
    # Next and previous, like slides, wrapping at both ends.
    assert meeting_views.step_view(views, None, 1).view_id == "V0001"
    assert meeting_views.step_view(views, "V0001", 1).view_id == "V0002"
    assert meeting_views.step_view(views, "V0003", 1).view_id == "V0001"
    assert meeting_views.step_view(views, "V0001", -1).view_id == "V0003"
    assert meeting_views.view_link("V0002") == "meeting?view=V0002"

    meeting_views.move_view(store, "V0003", -1, actor=ACTOR)
    views = meeting_views.list_views(store.read("saved_views"))
    assert [v.view_id for v in views] == ["V0001", "V0003", "V0002"]
    assert [v.position for v in views] == [1, 2, 3]

    meeting_views.save_view(
        store,
        name="碧湖(改)",
        state=meeting_views.ViewState(zoom=17),
        view_id="V0003",
        actor=ACTOR,
    )
    meeting_views.delete_view(store, "V0001", actor=ACTOR)
    views = meeting_views.list_views(store.read("saved_views"))
    assert [(v.view_id, v.name, v.state.zoom) for v in views] == [
        ("V0003", "碧湖(改)", 17),
        ("V0002", "万洋区块", 14),
    ]
    with pytest.raises(ValidationError, match="mtg_view_not_found"):
        meeting_views.delete_view(store, "V0001", actor=ACTOR)
    with pytest.raises(ValidationError, match="mtg_view_name_missing"):
        meeting_views.save_view(store, name="  ", state=meeting_views.ViewState(), actor=ACTOR)


# ---------------------------------------------------------------- annotations
def test_annotation_save_load_edit_and_stale_edit_refused(store):
    first = meeting_annotations.add_annotation(
        store,
        SQUARE,
        meeting_annotations.AnnotationInput("同意收回闲置地块", date(2021, 7, 1), "李明", "P1"),
        actor=ACTOR,
    )
    second = meeting_annotations.add_annotation(
        store,
        POINT,
        meeting_annotations.AnnotationInput("此处设公交站", "2021-07-01", "李明"),
        actor=ACTOR,
    )
    assert (first, second) == ("A0001", "A0002")
    table = store.read("annotations")
    assert table.crs.to_epsg() == 4490
    assert list(table.columns) == [*schema.ANNOTATIONS.column_names, "geometry"]
    row = table.set_index("annotation_id").loc["A0001"]
    assert (row["note"], row["meeting_date"], row["author"], row["parcel_code"]) == (
        "同意收回闲置地块",
        "2021-07-01",
        AUTHOR,  # the signed-in account, not the name typed ("李明")
        "P1",
    )
    assert int(row["version"]) == 1
    assert row.geometry.equals_exact(SQUARE, 1e-7)  # EPSG:4490 and 4326 agree to < 1e-7°
    assert set(table.geometry.geom_type) == {"Polygon", "Point"}

    # Two people open A0001 at version 1; the first saves a new shape and text.
    version = meeting_annotations.update_annotation(
        store,
        "A0001",
        expected_version=1,
        item=meeting_annotations.AnnotationInput("改为：限期开工", date(2021, 7, 1), "王芳", "P1"),
        geometry=LINE,
        actor=ACTOR,
    )
    assert version == 2
    row = store.read("annotations").set_index("annotation_id").loc["A0001"]
    assert row["note"] == "改为：限期开工" and int(row["version"]) == 2
    assert row.geometry.geom_type == "LineString"
    assert row["updated_at"]

    # The second, still on version 1, is refused with a clear message; nothing changes.
    before = store.data_version()
    with pytest.raises(ValidationError) as info:
        meeting_annotations.update_annotation(
            store,
            "A0001",
            expected_version=1,
            item=meeting_annotations.AnnotationInput("我的修改", date(2021, 7, 1), "赵", None),
            actor=ACTOR,
        )
    assert info.value.key == "mtg_ann_stale"
    assert info.value.params == {"annotation_id": "A0001", "expected": 1, "current": 2}
    assert "已被他人修改" in t("mtg_ann_stale", "zh", **info.value.params)
    assert store.data_version() == before
    assert store.read("annotations").set_index("annotation_id").loc["A0001", "note"] == (
        "改为：限期开工"
    )

    with pytest.raises(ValidationError, match="mtg_ann_stale"):
        meeting_annotations.delete_annotation(store, "A0001", expected_version=1, actor=ACTOR)
    meeting_annotations.delete_annotation(store, "A0001", expected_version=2, actor=ACTOR)
    assert list(store.read("annotations")["annotation_id"]) == ["A0002"]


@pytest.mark.parametrize(
    ("item", "key"),
    [
        (meeting_annotations.AnnotationInput("  ", AS_OF, "李"), "mtg_ann_note_missing"),
        (meeting_annotations.AnnotationInput("决定", "2021-13-01", "李"), "mtg_ann_date_invalid"),
        (meeting_annotations.AnnotationInput("长" * 2001, AS_OF, "李"), "mtg_ann_note_too_long"),
    ],
)
def test_bad_annotation_input_writes_nothing(store, item, key):
    before = store.data_version()
    with pytest.raises(ValidationError) as info:
        meeting_annotations.add_annotation(store, SQUARE, item, actor=ACTOR)
    assert info.value.key == key
    assert store.data_version() == before


@pytest.mark.parametrize(
    ("geojson", "key"),
    [
        ({"type": "MultiPolygon", "coordinates": []}, "mtg_ann_geometry_invalid"),
        ({"type": "Point", "coordinates": ["a", "b"]}, "mtg_ann_geometry_invalid"),
        ({"type": "LineString", "coordinates": [[119.8, 28.34], [119.8, 28.34]]}, None),
        ({"type": "Point", "coordinates": [2.35, 48.85]}, "mtg_ann_geometry_outside"),
        ("<svg>", "mtg_ann_geometry_invalid"),
    ],
)
def test_bad_sketches_are_refused(geojson, key):
    with pytest.raises(ValidationError) as info:
        meeting_annotations.sketch_geometry(
            {"type": "Feature", "properties": {}, "geometry": geojson}
        )
    assert info.value.key == (key or "mtg_ann_geometry_invalid")


def test_sketch_from_the_browser_and_its_parcel():
    frames = tiny_park()
    p1 = frames["parcels"].set_index("code").loc["P1"].geometry
    inside = shapely.affinity.scale(p1, 0.5, 0.5)  # in the middle of P1
    feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(inside)}
    geom = meeting_annotations.sketch_geometry(feature)
    assert geom.geom_type == "Polygon"
    assert meeting_annotations.parcel_at(frames["parcels"], geom) == "P1"
    assert meeting_annotations.parcel_at(frames["parcels"], shapely.Point(119.0, 28.0)) is None


def test_decision_log_and_exports(store):
    meeting_annotations.add_annotation(
        store, SQUARE, meeting_annotations.AnnotationInput("甲", "2021-07-01", "李"), actor=ACTOR
    )
    meeting_annotations.add_annotation(
        store, LINE, meeting_annotations.AnnotationInput("乙", "2021-06-01", "王"), actor=ACTOR
    )
    meeting_annotations.add_annotation(
        store, POINT, meeting_annotations.AnnotationInput("丙", "2021-07-01", "李"), actor=ACTOR
    )
    annotations = store.read("annotations")
    assert meeting_annotations.meeting_dates(annotations) == ["2021-07-01", "2021-06-01"]
    log = pack.decision_log(annotations)
    assert list(log["note"]) == ["甲", "丙", "乙"]  # newest meeting first
    assert list(log["kind"]) == ["Polygon", "Point", "LineString"]
    july = pack.decision_log(annotations, meeting_date=date(2021, 7, 1))
    assert list(july["annotation_id"]) == ["A0001", "A0003"]

    doc = json.loads(meeting_annotations.annotations_geojson(annotations).decode("utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert [f["properties"]["note"] for f in doc["features"]] == ["甲", "乙", "丙"]
    assert doc["features"][0]["geometry"]["type"] == "Polygon"
    assert doc["features"][0]["geometry"]["coordinates"][0][0] == pytest.approx([119.8, 28.34])


# ---------------------------------------------------------------- key figures
@pytest.mark.parametrize(
    ("as_of", "extension", "expected"),
    [
        # (sold, started, in production, idle)
        (date(2021, 6, 30), 0, (2, 1, 1, 1)),  # P1 607 days past its agreed start: idle
        (date(2021, 6, 30), 300, (2, 1, 1, 0)),  # the extension moves the deadline: late only
        (date(2019, 6, 30), 0, (2, 1, 1, 0)),  # before P1's agreed start
        (date(2017, 6, 30), 0, (1, 1, 0, 0)),  # only P4 sold and started
    ],
)
def test_key_figures_hand_worked(as_of, extension, expected):
    frames = park_with_history(p1_extension=extension)
    figures = pack.key_figures(frames, as_of)
    assert (figures.sold, figures.started, figures.in_production, figures.idle) == expected


def test_overdue_list_days_and_kinds():
    late = pack.overdue_parcels(park_with_history(), date(2021, 6, 30))
    assert list(late["code"]) == ["P1"]
    row = late.iloc[0]
    assert row["deadline"] == "2019-11-01"
    assert row["days_late"] == (date(2021, 6, 30) - date(2019, 11, 1)).days == 607
    assert row["kind"] == "idle_1y"
    late = pack.overdue_parcels(park_with_history(p1_extension=300), date(2021, 6, 30))
    assert list(late["kind"]) == ["late_start"]
    assert late.iloc[0]["days_late"] == 607 - 300


def test_targets_progress_counts_land_sold_this_year():
    frames = park_with_history()
    events = frames["status_events"]
    events.loc[events["event_id"] == 1, "effective_date"] = "2021-02-01"  # P1 sold in 2021
    events.loc[events["event_id"] == 2, "effective_date"] = "2021-03-01"
    table = pack.targets_progress(frames, date(2021, 6, 30))
    row = table.set_index("target_id").loc["LAND_SOLD_MU"]
    assert row["target"] == 100.0
    assert row["actual"] == pytest.approx(45.0)  # P1: 30 000 m² certified = 45 mu
    assert row["progress_pct"] == pytest.approx(45.0)


def test_pack_tables_have_chinese_titles_and_columns(store):
    meeting_annotations.add_annotation(
        store,
        SQUARE,
        meeting_annotations.AnnotationInput("甲", "2021-07-01", "李", "P1"),
        actor=ACTOR,
    )
    tables = pack.pack_tables(store.read_all(), as_of=AS_OF, lang="zh")
    assert list(tables) == ["关键指标", "年度目标完成情况", "逾期与闲置地块", "会议决定记录"]
    assert list(tables["逾期与闲置地块"]["地块编号"]) == ["P1"]
    assert list(tables["逾期与闲置地块"]["情况"]) == ["闲置满一年"]
    assert list(tables["会议决定记录"]["决定事项"]) == ["甲"]
    assert list(tables["关键指标"]["数值"]) == [2, 1, 1, 1]
    assert list(tables["关键指标"]["单位"]) == ["宗"] * 4
    english = pack.pack_tables(store.read_all(), as_of=AS_OF, lang="en")
    assert list(english) == [
        "Key figures",
        "Targets and progress",
        "Overdue and idle parcels",
        "Decision log",
    ]


def test_no_scenario_chosen_means_no_comparison():
    assert pack.scenario_comparison({"scenarios": pd.DataFrame()}, []) is None


# ---------------------------------------------------------------- map layers
def test_annotation_layer_and_draw_control_keep_text_as_text(store):
    meeting_annotations.add_annotation(
        store,
        SQUARE,
        meeting_annotations.AnnotationInput("<img src=x onerror=alert(1)>{{ 7*7 }}", AS_OF, "李"),
        actor=ACTOR,
    )
    layer = annotation_layer(store.read("annotations"), lang="zh")
    assert "<img" not in layer.data and "\\u003cimg" in layer.data
    assert "{{" not in layer.data
    draw = DrawControl(lang="zh")
    config = json.loads(draw.config_json.replace("\\u003c", "<").replace("\\u003e", ">"))
    assert config["labels"]["polygon"] == "面"
    assert config["labels"]["need_more"] == "至少需要 {n} 个点"
    settings = ViewSettings(visible=("parcels",), known=meeting_views.LAYER_KEYS, present=True)
    assert '"visible":["parcels","aggregate"]' in settings.config_json  # the grid follows
    hidden = ViewSettings(visible=("blocks",), known=meeting_views.LAYER_KEYS, present=False)
    assert '"visible":["blocks"]' in hidden.config_json and '"aggregate"]' in hidden.config_json


# ---------------------------------------------------------------- what a view shows (#11)
def _lonlat_box(minx: float, miny: float, w: float, h: float) -> tuple[float, ...]:
    """The lon/lat bounds of a rectangle given in EPSG:4549 metres from tiny_park's origin,
    from its four corners transformed one by one (pyproj, not geopandas)."""
    to_lonlat = Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True)
    x0, y0 = 480_000.0 + minx, 3_136_000.0 + miny
    corners = [to_lonlat.transform(x, y) for x in (x0, x0 + w) for y in (y0, y0 + h)]
    lons, lats = [c[0] for c in corners], [c[1] for c in corners]
    return (min(lons), min(lats), max(lons), max(lats))


B1_BOX = _lonlat_box(-10, -10, 400, 200)  # tiny_park's block B1
B2_BOX = _lonlat_box(-10, 390, 560, 150)  # and B2, north of it
PARK_BOX = _lonlat_box(-50, -50, 650, 650)


def _report(box, zoom=17) -> dict:
    """The map component's answer for a screen showing ``box`` (lon/lat)."""
    minx, miny, maxx, maxy = box
    return {
        "center": {"lat": (miny + maxy) / 2, "lng": (minx + maxx) / 2},
        "zoom": zoom,
        "bounds": {
            "_southWest": {"lat": miny, "lng": minx},
            "_northEast": {"lat": maxy, "lng": maxx},
        },
    }


def test_view_bounds_are_the_blocks_of_the_view_or_the_park():
    frames = tiny_park()
    b1 = meeting_views.view_bounds(frames, meeting_views.ViewState(block_ids=("B1",)))
    assert b1 == pytest.approx(B1_BOX, abs=1e-9)
    both = meeting_views.view_bounds(frames, meeting_views.ViewState(block_ids=("B1", "B2")))
    union = (
        *(min(a, b) for a, b in zip(B1_BOX[:2], B2_BOX[:2], strict=True)),
        *(max(a, b) for a, b in zip(B1_BOX[2:], B2_BOX[2:], strict=True)),
    )
    assert both == pytest.approx(union, abs=1e-9)
    park = meeting_views.view_bounds(frames, meeting_views.ViewState())
    assert park == pytest.approx(PARK_BOX, abs=1e-9)
    # A block that no longer exists: the whole park.
    gone = meeting_views.view_bounds(frames, meeting_views.ViewState(block_ids=("B9",)))
    assert gone == pytest.approx(PARK_BOX, abs=1e-9)


def test_a_park_with_nothing_drawn_has_no_view_bounds_and_no_fit():
    """The empty store (issue #12): no boundary, block or parcel, so no bounds — never NaN,
    which ViewFit could not encode — and a reported map position is kept as it is."""
    empty = partial_frames("empty")
    assert meeting_views.view_bounds(empty, meeting_views.ViewState()) is None
    assert meeting_views.view_bounds(empty, meeting_views.ViewState(block_ids=("B1",))) is None
    state = meeting_views.ViewState()
    seen = meeting_views.seen_view(state, _report(PARK_BOX, zoom=12), empty)
    assert seen.zoom == 12 and seen.center is not None
    with pytest.raises(ValueError, match="finite"):
        ViewFit((float("nan"),) * 4)
    # Parcels only (no boundary, no block): the view fits the parcels.
    frames = dict(tiny_park())
    frames["park_boundary"] = frames["park_boundary"].iloc[:0]
    frames["blocks"] = frames["blocks"].iloc[:0]
    bounds = meeting_views.view_bounds(frames, meeting_views.ViewState())
    expected = tuple(frames["parcels"].to_crs(4326).total_bounds)
    assert bounds == pytest.approx(expected, abs=1e-9)


def test_switching_blocks_after_saving_a_view_does_not_keep_its_position():
    """Filter B1, save view A where the map is; switch to B2: view B must not hold B1's
    centre (issue #11: views saved this way all held the first block's centre)."""
    frames = tiny_park()
    state = meeting_views.change_view(meeting_views.ViewState(), block_ids=("B1",))
    assert (state.center, state.zoom) == (None, None)  # the map fits B1
    view_a = meeting_views.seen_view(state, _report(B1_BOX), frames)
    b1_centre = ((B1_BOX[1] + B1_BOX[3]) / 2, (B1_BOX[0] + B1_BOX[2]) / 2)
    assert view_a.center == pytest.approx(b1_centre) and view_a.zoom == 17

    switched = meeting_views.change_view(view_a, block_ids=("B2",))
    assert switched.block_ids == ("B2",)
    assert (switched.center, switched.zoom) == (None, None)  # fitted to B2, not left on B1
    assert meeting_views.view_bounds(frames, switched) == pytest.approx(B2_BOX, abs=1e-9)
    # Saved before the map reported again, or from B1's stale report: no B1 position.
    assert meeting_views.seen_view(switched, None, frames) == switched
    assert meeting_views.seen_view(switched, {"zoom": 14}, frames) == switched  # a default answer
    assert meeting_views.seen_view(switched, _report(B1_BOX), frames) == switched
    # Once the map shows B2, view B stores B2's centre.
    view_b = meeting_views.seen_view(switched, _report(B2_BOX, zoom=16), frames)
    b2_centre = ((B2_BOX[1] + B2_BOX[3]) / 2, (B2_BOX[0] + B2_BOX[2]) / 2)
    assert view_b.center == pytest.approx(b2_centre) and view_b.zoom == 16
    assert view_b.block_ids == ("B2",)

    # Clearing the filter shows the park, not B2 at zoom 16.
    whole = meeting_views.change_view(view_b, block_ids=())
    assert (whole.center, whole.zoom) == (None, None)
    assert meeting_views.view_bounds(frames, whole) == pytest.approx(PARK_BOX, abs=1e-9)


def test_other_changes_keep_the_map_where_it_is():
    state = meeting_views.ViewState(center=(28.34, 119.8), zoom=16, block_ids=("B1",))
    coloured = meeting_views.change_view(state, field="construction_status")
    assert (coloured.center, coloured.zoom, coloured.field) == (
        (28.34, 119.8),
        16,
        "construction_status",
    )
    same = meeting_views.change_view(state, block_ids=("B1",), layers=("parcels",))
    assert (same.center, same.zoom, same.layers) == ((28.34, 119.8), 16, ("parcels",))


def test_a_view_changed_on_screen_is_marked_modified():
    saved = meeting_views.ViewState(center=(28.34, 119.8), zoom=16, block_ids=("B1",), as_of=AS_OF)
    assert not meeting_views.is_modified(saved, saved)
    assert not meeting_views.is_modified(
        saved, meeting_views.with_view(saved, center=(28.3, 119.7), zoom=12)
    )
    assert meeting_views.is_modified(saved, meeting_views.change_view(saved, block_ids=("B2",)))
    assert meeting_views.is_modified(
        saved, meeting_views.change_view(saved, field="construction_status")
    )
    assert meeting_views.is_modified(
        saved, meeting_views.change_view(saved, as_of=date(2021, 3, 31))
    )


# ---------------------------------------------------------------- numbers and units (#11)
def test_one_number_format_per_quantity_and_units_in_the_language():
    assert pack.format_amount(23.0, "家") == "23"
    assert pack.format_amount(40, "家") == "40"
    assert pack.format_amount(1234.56, "亩") == "1,234.6"
    assert pack.format_amount(0.25, "万m²") == "0.2"  # round half to even
    assert pack.format_amount(float("nan"), "家") == "—"
    assert pack.format_amount(None, "亩") == "—"
    assert [pack.unit_label(u, "en") for u in ("亩", "万m²", "家", "宗", "亿元", "%")] == [
        "mu",
        "10,000 m²",
        "firms",
        "parcels",
        "100 million yuan",
        "%",
    ]
    assert [pack.unit_label(u, "zh") for u in ("亩", "家")] == ["亩", "家"]
    assert pack.unit_label("吨", "en") == "吨"  # a unit nobody translated stays as written


def _progress_table(frames, as_of) -> pd.DataFrame:
    """Target progress as gis.targets computes it (floats), one count and one area."""
    return pd.DataFrame(
        {
            "target_id": ["FIRMS_IN_PRODUCTION", "LAND_SOLD_MU"],
            "label_zh": ["累计投产企业", "工业用地出让"],
            "label_en": ["Firms in production", "Land sold"],
            "unit": ["家", "亩"],
            "target": [40.0, 100.0],
            "actual": [23.0, 45.04],
            "progress_pct": [57.5, 45.04],
        }
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pack_workbook_stores_numbers_with_a_unit_column(store, lang, monkeypatch):
    frames = store.read_all()
    data = pack_files.meeting_pack_xlsx(frames, pack_style.PackOptions(as_of=AS_OF, lang=lang))
    book = load_workbook(io.BytesIO(data))
    figures = book[t("mtg_pack_key_figures", lang)]
    rows = list(figures.iter_rows(values_only=True))
    assert rows[0] == (
        t("mtg_pack_figure", lang),
        t("mtg_pack_value", lang),
        t("mtg_col_unit", lang),
    )
    expected = pack.key_figures(frames, AS_OF)
    assert [r[1] for r in rows[1:]] == [2, 1, 1, 1]  # P1 and P4 sold; P4 started/producing
    assert [r[1] for r in rows[1:]] == [
        expected.sold,
        expected.started,
        expected.in_production,
        expected.idle,
    ]
    assert all(type(r[1]) is int for r in rows[1:])  # numbers, not "2 宗"
    assert {r[2] for r in rows[1:]} == {"宗" if lang == "zh" else "parcels"}

    monkeypatch.setattr(pack, "targets_progress", _progress_table)
    data = pack_files.meeting_pack_xlsx(frames, pack_style.PackOptions(as_of=AS_OF, lang=lang))
    book = load_workbook(io.BytesIO(data))

    sheet = book[t("mtg_pack_targets", lang)]
    header, *body = list(sheet.iter_rows(values_only=True))
    by_unit = {r[header.index(t("mtg_col_unit", lang))]: r for r in body}
    firms = by_unit["家" if lang == "zh" else "firms"]
    actual = firms[header.index(t("mtg_col_actual", lang))]
    assert type(actual) is int and actual == 23  # a count: 23 firms, not 23.0
    target = firms[header.index(t("mtg_col_target_value", lang))]
    assert type(target) is int and target == 40
    land = by_unit["亩" if lang == "zh" else "mu"]
    assert land[header.index(t("mtg_col_actual", lang))] == pytest.approx(45.04)
