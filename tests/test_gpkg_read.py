"""Reading GeoPackage layers (gis.store.gpkg_read): each column typed in one pass, each
geometry's WKB cut out of its blob by SQLite. The fast paths must give exactly what the
general conversion gives, whatever an outside tool left in the cells."""

from __future__ import annotations

import random
import sqlite3
import struct

import numpy as np
import pandas as pd
import pytest
import shapely

from gis import schema
from gis.store import ParkStore, gpkg_read, gpkg_sql
from tests.tiny_park import tiny_park

SQUARE = shapely.Polygon([(119.9, 28.4), (119.91, 28.4), (119.91, 28.41), (119.9, 28.41)])


def blob(geometry: shapely.Geometry, envelope_code: int, *, little: bool = True) -> bytes:
    """A GeoPackage blob (GeoPackage 1.3 §2.1.3) with the envelope ``envelope_code`` names."""
    order = "<" if little else ">"
    flags = (envelope_code << 1) | (1 if little else 0)
    minx, miny, maxx, maxy = geometry.bounds
    doubles = {0: (), 1: (minx, maxx, miny, maxy), 2: (minx, maxx, miny, maxy, 0.0, 0.0),
               3: (minx, maxx, miny, maxy, 0.0, 0.0),
               4: (minx, maxx, miny, maxy, 0.0, 0.0, 0.0, 0.0)}[envelope_code]  # fmt: skip
    head = b"GP" + bytes([0, flags]) + struct.pack(f"{order}i", 4490)
    envelope = struct.pack(f"{order}{len(doubles)}d", *doubles)
    return head + envelope + shapely.to_wkb(geometry, byte_order=1 if little else 0)


@pytest.fixture
def store(tmp_path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)


def put_geometries(store: ParkStore, cells: list) -> list[str]:
    """The first parcels' geometry cells set to ``cells``; their codes, in file order."""
    con = gpkg_sql.write_connection(store.path)  # the R-tree triggers' functions
    try:
        rows = con.execute("SELECT fid, code FROM parcels ORDER BY fid").fetchall()[: len(cells)]
        assert len(rows) == len(cells), "the tiny park has too few parcels for this test"
        for (fid, _), cell in zip(rows, cells, strict=True):
            con.execute("UPDATE parcels SET geom = ? WHERE fid = ?", (cell, fid))
    finally:
        con.close()
    return [code for _, code in rows]


def geometries_read(store: ParkStore, cells: list) -> list:
    """What reading the whole layer makes of each of ``cells`` (four parcels at a time)."""
    out = []
    for start in range(0, len(cells), 4):
        codes = put_geometries(store, cells[start : start + 4])
        parcels = read(store).set_index("code")
        out += [parcels.geometry[c] for c in codes]
    return out


def read(store: ParkStore, layer: str = "parcels"):
    with sqlite3.connect(store.path) as con:
        return gpkg_read.read_layer(con, schema.layer_spec(layer))


def test_every_envelope_kind_and_byte_order_gives_the_geometry(store):
    cells = [blob(SQUARE, code, little=little) for code in range(5) for little in (True, False)]
    for got in geometries_read(store, cells):
        assert shapely.equals_exact(got, SQUARE, tolerance=0)


def test_cells_that_are_not_geopackage_blobs_read_as_no_geometry(store):
    wkb_only = shapely.to_wkb(SQUARE)  # a bare WKB, no GeoPackage header
    cells = [None, "POLYGON ((0 0, 1 0, 1 1, 0 0))", wkb_only, b"GP\x00", 42]
    got = geometries_read(store, [*cells, blob(SQUARE, 1)])
    assert [g is None for g in got] == [True] * len(cells) + [False]


def test_a_few_rows_read_the_same_geometry_as_the_whole_layer(store):
    codes = put_geometries(store, [blob(SQUARE, 4), blob(SQUARE, 0, little=False)])
    spec = schema.layer_spec("parcels")
    with sqlite3.connect(store.path) as con:
        some = gpkg_read.read_layer(con, spec, ("code", codes)).set_index("code")
    whole = read(store).set_index("code")
    for code in codes:
        assert shapely.equals_exact(some.geometry[code], whole.geometry[code], tolerance=0)
        assert shapely.equals_exact(some.geometry[code], SQUARE, tolerance=0)


def general(values: list, dtype: str, text: str, monkeypatch) -> object:
    """What the general conversion alone makes of ``values`` (the fast path switched off)."""
    with monkeypatch.context() as m:
        m.setattr(gpkg_read, "_usual_values", lambda *args: None)
        return gpkg_read._typed_values(values, dtype, text=text)


def assert_same(fast: object, slow: object) -> None:
    if isinstance(slow, np.ndarray):
        assert isinstance(fast, np.ndarray) and fast.dtype == slow.dtype
        np.testing.assert_array_equal(fast, slow)
    else:
        pd.testing.assert_series_equal(pd.Series(fast), pd.Series(slow), check_exact=True)


CELLS = {  # what an outside tool may leave in a column, by the column's type
    "float": [1.5, 2, None, -0.0, 1e300, "3.25", "x", True, 2**60, b"\x01"],
    "int": [3, 4.0, 4.7, None, 2**60, 2**53 + 1, "7", "", False],
    "str": ["甲", "", None, 5, 2.5, b"bytes", "\u2028", "a\x00b"],
    "date": ["2024-05-01", None, "2024/5/1", 20240501, ""],
}


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("dtype", sorted(CELLS))
@pytest.mark.parametrize("text", ["str", "object"])
def test_typed_columns_are_what_the_general_conversion_makes(seed, dtype, text, monkeypatch):
    rng = random.Random(seed)
    # Half the columns hold only what the type expects (its first three cells: the fast
    # path), half anything.
    pool = CELLS[dtype][:3] if seed % 2 else CELLS[dtype]
    values = [rng.choice(pool) for _ in range(rng.randint(0, 30))]
    fast = gpkg_read._typed_values(values, dtype, text=text)
    assert_same(fast, general(values, dtype, text, monkeypatch))


def test_the_usual_columns_take_the_fast_path(monkeypatch):
    # Not a timing: that the columns a park normally has never fall back (a fallback would
    # be right but slow, and unnoticed).
    assert gpkg_read._usual_values([1.5, None, 2], "float", "str") is not None
    ints = gpkg_read._usual_values([1, 2, 3], "int", "str")
    assert ints.dtype == np.int64 and ints.tolist() == [1, 2, 3]
    gaps = gpkg_read._usual_values([1, None], "int", "str")
    assert gaps.dtype == np.float64 and np.isnan(gaps[1])
    texts = gpkg_read._usual_values(["甲", None], "date", "str")
    assert list(texts.fillna("-")) == ["甲", "-"]
    assert gpkg_read._usual_values(["甲", 5], "str", "str") is None  # a number among text
    assert gpkg_read._usual_values([b"x"], "str", "str") is None  # bytes are not text
    assert gpkg_read._usual_values([1, "2"], "float", "str") is None


def test_a_whole_park_reads_as_before(store):
    # The layer read the general way (fast paths off) and the usual way are equal.
    fast = read(store)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(gpkg_read, "_usual_values", lambda *args: None)
        slow = read(store)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert len(fast) == len(tiny_park()["parcels"])
