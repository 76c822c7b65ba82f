"""Reading uploaded files into a frame of their own columns and raw coordinates.

Formats: GeoPackage, GeoJSON, zipped Shapefile, KML, DXF, CSV / XLSX (a WKT column or
lon/lat — or X/Y — columns) and 界址点 TXT. Every reader works on the uploaded bytes in a
private temporary folder, refuses what :mod:`gis.exchange.limits` forbids, and turns any
failure into a :class:`~gis._errors.ValidationError` with a message key — the caller
never sees a GDAL, zip or parser traceback.
"""

from __future__ import annotations

import io
import shutil
import stat
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gis._errors import ValidationError
from gis.crs import M2_PER_HECTARE
from gis.excel import read_xlsx
from gis.exchange import boundary_txt
from gis.exchange.encoding import (
    EncodingGuess,
    decode,
    guess_dbf_encoding,
    guess_text_encoding,
    normalize,
)
from gis.exchange.limits import DEFAULT_LIMITS, Limits, check_upload

#: Upload formats by file extension.
FORMATS: dict[str, str] = {
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".zip": "shp",
    ".kml": "kml",
    ".dxf": "dxf",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".txt": "txt",
}
#: Formats whose text encoding is detected (and can be overridden).
TEXT_FORMATS = frozenset({"shp", "csv", "txt", "dxf"})

WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "几何图形", "空间信息")
X_COLUMNS = ("lon", "lng", "longitude", "经度", "x", "x坐标", "东坐标", "easting")
Y_COLUMNS = ("lat", "latitude", "纬度", "y", "y坐标", "北坐标", "northing")
_KML_NOISE = (
    "description",
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "snippet",
    "id",
)


@dataclass
class Source:
    """An uploaded file as read: its own columns, raw coordinates (x = easting / lon)."""

    name: str
    format: str
    frame: gpd.GeoDataFrame
    declared_crs: str | None = None
    encoding: EncodingGuess | None = None
    layers: tuple[str, ...] = ()
    layer: str | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)
    text_preview: str = ""
    header: dict[str, str] = field(default_factory=dict)
    stated_area_m2: pd.Series | None = None


def file_format(name: str) -> str:
    """The format of an upload by its extension; ``ValidationError`` if unsupported."""
    suffix = Path(name).suffix.lower()
    if suffix == ".shp":
        raise ValidationError("exchange_shp_not_zipped")
    if suffix == ".dwg":
        raise ValidationError("exchange_dwg")
    if suffix not in FORMATS:
        raise ValidationError(
            "exchange_format_unsupported", suffix=suffix or name[:30], formats=supported_list()
        )
    return FORMATS[suffix]


def supported_list() -> str:
    return " ".join(sorted(set(FORMATS)))


def read_upload(
    name: str,
    data: bytes,
    *,
    encoding: str | None = None,
    layer: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Source:
    """Read an uploaded file (its name decides the format).

    ``encoding`` overrides the detected text encoding; ``layer`` picks a layer of a
    multi-layer file (GeoPackage, KML, a zip with several shapefiles, a DXF layer).
    """
    check_upload(name, data, limits)
    fmt = file_format(name)
    if encoding is not None:
        encoding = normalize(encoding)
    reader = _READERS[fmt]
    with warnings.catch_warnings(record=True) as caught, _workdir() as work:
        warnings.simplefilter("always")
        try:
            source = reader(name, data, work, encoding=encoding, layer=layer, limits=limits)
        except ValidationError:
            raise
        except Exception as exc:  # GDAL, ezdxf, pandas: many exception types for bad bytes
            raise ValidationError(
                "exchange_unreadable", name=name[:80], fmt=fmt, reason=_reason(exc)
            ) from exc
    for w in caught:
        source.notes.append(("exchange_reader_warning", {"text": str(w.message)[:160]}))
    if len(source.frame) > limits.max_features:
        raise ValidationError(
            "exchange_too_many_features", count=len(source.frame), limit=limits.max_features
        )
    source.frame = _tidy(source.frame)
    return source


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


@contextmanager
def _workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="park-import-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _tidy(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """2-D geometries named ``geometry``, column names as stripped strings, no CRS."""
    geoms = frame.geometry.to_numpy()
    geoms = shapely.force_2d(np.asarray(geoms, dtype=object))
    data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    data.columns = [str(c).strip() for c in data.columns]
    data = data.reset_index(drop=True)
    return gpd.GeoDataFrame(data, geometry=list(geoms))


def _declared(frame: gpd.GeoDataFrame) -> str | None:
    if frame.crs is None:
        return None
    epsg = frame.crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else frame.crs.to_wkt()


def _read_gdal(path: Path | str, *, layer: str | None = None, **kwargs) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(path, layer=layer, **kwargs)


def _spatial_layers(path: Path) -> list[str]:
    return [str(n) for n, geometry_type in pyogrio.list_layers(path) if geometry_type]


def _pick(layers: list[str], layer: str | None, name: str) -> str:
    if not layers:
        raise ValidationError("exchange_no_spatial_layer", name=name[:80])
    if layer is None:
        return layers[0]
    if layer not in layers:
        raise ValidationError("exchange_layer_missing", layer=layer, layers="、".join(layers))
    return layer


# ---------------------------------------------------------------- GDAL formats
def _read_gpkg(name, data, work, *, encoding, layer, limits) -> Source:
    path = work / "upload.gpkg"
    path.write_bytes(data)
    layers = _spatial_layers(path)
    chosen = _pick(layers, layer, name)
    frame = _read_gdal(path, layer=chosen)
    return Source(name, "gpkg", frame, _declared(frame), layers=tuple(layers), layer=chosen)


def _read_geojson(name, data, work, *, encoding, layer, limits) -> Source:
    path = work / "upload.geojson"
    path.write_bytes(data)
    frame = _read_gdal(path)
    return Source(name, "geojson", frame, _declared(frame))


def _read_kml(name, data, work, *, encoding, layer, limits) -> Source:
    path = work / "upload.kml"
    path.write_bytes(data)
    layers = _spatial_layers(path)
    chosen = _pick(layers, layer, name)
    frame = _read_gdal(path, layer=chosen)
    noise = [c for c in _KML_NOISE if c in frame.columns and _blank(frame[c])]
    frame = frame.drop(columns=noise)
    return Source(name, "kml", frame, "EPSG:4326", layers=tuple(layers), layer=chosen)


def _blank(column: pd.Series) -> bool:
    return bool(column.isna().all() or (column.astype(str).str.strip().isin(["", "0", "-1"])).all())


# ---------------------------------------------------------------- zipped shapefile
def _read_shp_zip(name, data, work, *, encoding, layer, limits) -> Source:
    files = safe_extract(data, work / "zip", limits=limits)
    shps = sorted(p for p in files if p.suffix.lower() == ".shp")
    if not shps:
        inner = sorted(p.name for p in files)[:10]
        raise ValidationError("exchange_zip_no_shp", files="、".join(inner) or "—")
    stems = [str(p.relative_to(work / "zip").with_suffix("")) for p in shps]
    chosen = _pick(stems, layer, name)
    shp = shps[stems.index(chosen)]
    sidecars = {p.suffix.lower(): p for p in shp.parent.iterdir() if p.stem == shp.stem}
    for needed in (".dbf", ".shx"):
        if needed not in sidecars:
            raise ValidationError("exchange_shp_part_missing", part=needed, layer=chosen)
    check_shp_intact(sidecars[".shp"], sidecars[".shx"], layer=chosen)
    cpg = sidecars[".cpg"].read_bytes().decode("ascii", "replace") if ".cpg" in sidecars else None
    if encoding is not None:
        guess = EncodingGuess(encoding, "user")
    else:
        guess = guess_dbf_encoding(sidecars[".dbf"].read_bytes(), cpg=cpg)
    frame = _read_gdal(shp, encoding=guess.encoding)
    declared = _declared(frame) if ".prj" in sidecars else None
    return Source(name, "shp", frame, declared, guess, tuple(stems), chosen)


_SHP_FILE_CODE = 9994  # the first word of every .shp and .shx header
_SHP_HEADER = 100  # bytes of the .shp and .shx headers


def check_shp_intact(shp: Path, shx: Path, *, layer: str) -> None:
    """Refuse a ``.shp`` that is cut short (``exchange_shp_damaged``).

    GDAL reads the records of a truncated ``.shp`` that lie past its end as features
    without geometry, which an import would then drop as "empty" and keep the rest. The
    header states the file's length (in 16-bit words) and the ``.shx`` index each
    record's offset and length, so a missing tail is found before anything is read.
    """
    actual = shp.stat().st_size
    with open(shp, "rb") as fh:
        header = fh.read(_SHP_HEADER)
    index = shx.read_bytes()
    total = max(0, (len(index) - _SHP_HEADER) // 8)
    broken = 0
    for i in range(total):
        offset, length = struct.unpack_from(">ii", index, _SHP_HEADER + 8 * i)
        if offset * 2 + 8 + length * 2 > actual:
            broken += 1
    declared = (
        struct.unpack_from(">i", header, 24)[0] * 2
        if len(header) == _SHP_HEADER and struct.unpack_from(">i", header, 0)[0] == _SHP_FILE_CODE
        else None
    )
    if declared is None or declared > actual or broken:
        raise ValidationError(
            "exchange_shp_damaged",
            layer=layer,
            declared=declared if declared is not None else "—",
            actual=actual,
            broken=broken if declared is not None else total,
            total=total,
        )


def safe_extract(data: bytes, target: Path, *, limits: Limits = DEFAULT_LIMITS) -> list[Path]:
    """Extract a zip into ``target``, refusing bombs, links and paths that leave it.

    Checks the declared sizes first (total and ratio), then counts the bytes actually
    written, since a crafted header can lie. Returns the extracted files.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ValidationError("exchange_zip_unreadable", reason=_reason(exc)) from exc
    if len(infos) > limits.max_zip_members:
        raise ValidationError(
            "exchange_zip_members", count=len(infos), limit=limits.max_zip_members
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise ValidationError(
            "exchange_zip_bomb",
            size_mb=round(total / 1024 / 1024, 1),
            limit_mb=round(limits.max_unzipped_bytes / 1024 / 1024, 1),
        )
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    written, out = 0, []
    for info in infos:
        member = _member_name(info)
        if info.is_dir():
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError("exchange_zip_unsafe_path", path=member[:80])
        parts = PurePosixPath(member.replace("\\", "/")).parts
        if not parts or member.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise ValidationError("exchange_zip_unsafe_path", path=member[:80])
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_zip_ratio * max(
            info.compress_size, 1
        ):
            raise ValidationError(
                "exchange_zip_ratio",
                path=member[:80],
                ratio=int(info.file_size / max(info.compress_size, 1)),
                limit=limits.max_zip_ratio,
            )
        dest = (root / Path(*parts)).resolve()
        if not dest.is_relative_to(root):
            raise ValidationError("exchange_zip_unsafe_path", path=member[:80])
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as src, open(dest, "wb") as fh:
                while chunk := src.read(1024 * 1024):
                    written += len(chunk)
                    if written > limits.max_unzipped_bytes:
                        raise ValidationError(
                            "exchange_zip_bomb",
                            size_mb=round(written / 1024 / 1024, 1),
                            limit_mb=round(limits.max_unzipped_bytes / 1024 / 1024, 1),
                        )
                    fh.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ValidationError("exchange_zip_unreadable", reason=_reason(exc)) from exc
        out.append(dest)
    return out


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name, repairing GBK names stored without the UTF-8 flag (Chinese Windows)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


# ---------------------------------------------------------------- DXF (ezdxf)
DXF_LAYER_COLUMN = "图层"
DXF_LABEL_COLUMN = "标注"
_LABEL_DISTANCE = 50.0  # drawing units: a point's label must be this close


def _dxf_encoding(data: bytes) -> EncodingGuess:
    head = data[:20000].decode("latin-1")
    lines = [line.strip() for line in head.splitlines()]
    values = {}
    for i, line in enumerate(lines[:-2]):
        if line in ("$ACADVER", "$DWGCODEPAGE"):
            values[line] = lines[i + 2]
    version = values.get("$ACADVER", "")
    if version >= "AC1021":  # R2007 and later are always UTF-8
        return EncodingGuess("UTF-8", "declared", detail=version)
    page = values.get("$DWGCODEPAGE", "").upper()
    if page in ("ANSI_936", "GBK", "GB2312"):
        return EncodingGuess("GBK", "declared", detail=page)
    return guess_text_encoding(data)


def _read_dxf(name, data, work, *, encoding, layer, limits) -> Source:
    import ezdxf  # local: only DXF uploads pay for it

    guess = EncodingGuess(encoding, "user") if encoding else _dxf_encoding(data)
    text = decode(data, guess.encoding)
    doc = ezdxf.read(io.StringIO(text))
    shapes: list[tuple[str, shapely.Geometry]] = []
    open_lines: list[tuple[str, shapely.LineString]] = []
    labels: list[tuple[str, float, float]] = []
    for entity in doc.modelspace():
        kind = entity.dxftype()
        lay = str(entity.dxf.get("layer", "0"))
        if kind == "LWPOLYLINE":
            points = [(float(x), float(y)) for x, y in entity.get_points("xy")]
            _add_line(points, bool(entity.closed), lay, shapes, open_lines)
        elif kind == "POLYLINE" and not entity.is_3d_polyline:
            points = [(float(v.dxf.location.x), float(v.dxf.location.y)) for v in entity.vertices]
            _add_line(points, bool(entity.is_closed), lay, shapes, open_lines)
        elif kind == "LINE":
            s, e = entity.dxf.start, entity.dxf.end
            open_lines.append((lay, shapely.LineString([(s.x, s.y), (e.x, e.y)])))
        elif kind in ("POINT", "INSERT"):
            at = entity.dxf.location if kind == "POINT" else entity.dxf.insert
            shapes.append((lay, shapely.Point(at.x, at.y)))
        elif kind in ("TEXT", "MTEXT"):
            content = entity.dxf.text if kind == "TEXT" else entity.plain_text()
            at = entity.dxf.insert
            if str(content).strip():
                labels.append((str(content).strip(), float(at.x), float(at.y)))
    polygonized = 0
    for lay in sorted({lay for lay, _ in open_lines}):
        lines = [line for line_layer, line in open_lines if line_layer == lay]
        faces = shapely.get_parts(shapely.polygonize(lines))
        polygonized += len(faces)
        shapes.extend((lay, face) for face in faces)
    layers = sorted({lay for lay, _ in shapes})
    chosen = None
    if layer is not None:
        chosen = _pick(layers, layer, name)
        shapes = [(lay, g) for lay, g in shapes if lay == chosen]
    frame = gpd.GeoDataFrame(
        {
            DXF_LAYER_COLUMN: [lay for lay, _ in shapes],
            DXF_LABEL_COLUMN: _assign_labels([g for _, g in shapes], labels),
        },
        geometry=[g for _, g in shapes],
    )
    notes = [("exchange_dxf_polygonized", {"count": polygonized})] if polygonized else []
    if frame.empty:
        raise ValidationError("exchange_dxf_empty", name=name[:80])
    return Source(name, "dxf", frame, None, guess, tuple(layers), chosen, notes)


def _add_line(points, closed, lay, shapes, open_lines) -> None:
    if len(points) >= 3 and (closed or points[0] == points[-1]):
        # A closed boundary polyline is a parcel outline (domain.md §4.5).
        shapes.append((lay, shapely.Polygon(points)))
    elif len(points) >= 2:
        open_lines.append((lay, shapely.LineString(points)))


def _assign_labels(geoms: list, labels: list[tuple[str, float, float]]) -> list[str | None]:
    """Each shape's label: the text inside a polygon; for points, the nearest free text
    (one text per point, so several firms at one address keep their own labels)."""
    out: list[str | None] = [None] * len(geoms)
    if not labels:
        return out
    texts = [t for t, _, _ in labels]
    points = shapely.points([(x, y) for _, x, y in labels])
    point_rows = [i for i, g in enumerate(geoms) if isinstance(g, shapely.Point)]
    for i, geom in enumerate(geoms):
        if not isinstance(geom, shapely.Point):
            inside = [t for t, p in zip(texts, points, strict=True) if geom.contains(p)]
            out[i] = inside[0] if inside else None
    if not point_rows:
        return out
    tree = shapely.STRtree(points)
    near_geom, near_text = tree.query(
        np.array([geoms[i] for i in point_rows], dtype=object),
        predicate="dwithin",
        distance=_LABEL_DISTANCE,
    )
    pairs = sorted(
        (float(shapely.distance(geoms[point_rows[a]], points[b])), point_rows[a], int(b))
        for a, b in zip(near_geom, near_text, strict=True)
    )
    taken: set[int] = set()
    for distance, i, j in pairs:
        if distance > _LABEL_DISTANCE:
            break
        if out[i] is None and j not in taken:
            out[i] = texts[j]
            taken.add(j)
    return out


# ---------------------------------------------------------------- tables
def _read_csv(name, data, work, *, encoding, layer, limits) -> Source:
    guess = EncodingGuess(encoding, "user") if encoding else guess_text_encoding(data)
    text = decode(data, guess.encoding)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = max((",", ";", "\t", "，"), key=first.count)
    table = pd.read_csv(
        io.StringIO(text.lstrip("\ufeff")),
        sep=sep,
        dtype=str,
        skipinitialspace=True,
        engine="python",
    )
    source = _table_source(name, "csv", table)
    source.encoding = guess
    source.text_preview = "\n".join(text.splitlines()[:8])
    return source


def _read_xlsx(name, data, work, *, encoding, layer, limits) -> Source:
    return _table_source(name, "xlsx", read_xlsx(data))


def _find(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    for candidate in candidates:
        if candidate in lowered:
            return lowered[candidate]
    return None


def _table_source(name: str, fmt: str, table: pd.DataFrame) -> Source:
    table = table.dropna(how="all").reset_index(drop=True)
    columns = [str(c) for c in table.columns]
    table.columns = columns
    if table.empty:
        raise ValidationError("exchange_table_empty", name=name[:80])
    wkt = _find(columns, WKT_COLUMNS)
    x, y = _find(columns, X_COLUMNS), _find(columns, Y_COLUMNS)
    if wkt is not None:
        texts = table[wkt].astype(object).where(table[wkt].notna(), None)
        texts = [None if v is None or not str(v).strip() else str(v).strip() for v in texts]
        geoms = shapely.from_wkt(texts, on_invalid="ignore")
        bad = [
            i + 2
            for i, (t, g) in enumerate(zip(texts, geoms, strict=True))
            if t is not None and g is None
        ]
        if bad:
            raise ValidationError("exchange_bad_wkt", column=wkt, rows=_rows(bad))
        data = table.drop(columns=[wkt])
    elif x is not None and y is not None:
        xs = pd.to_numeric(table[x].astype(str).str.replace(",", ""), errors="coerce")
        ys = pd.to_numeric(table[y].astype(str).str.replace(",", ""), errors="coerce")
        given = table[x].notna() | table[y].notna()
        bad = [i + 2 for i in np.flatnonzero(given & (xs.isna() | ys.isna()))]
        if bad:
            raise ValidationError("exchange_bad_xy", x=x, y=y, rows=_rows(bad))
        geoms = [
            None if np.isnan(a) or np.isnan(b) else shapely.Point(a, b)
            for a, b in zip(xs, ys, strict=True)
        ]
        data = table.drop(columns=[x, y])
    else:
        raise ValidationError("exchange_table_no_geometry", columns="、".join(columns[:12]))
    return Source(name, fmt, gpd.GeoDataFrame(data, geometry=list(geoms)))


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:8])
    return shown + (" …" if len(rows) > 8 else "")


# ---------------------------------------------------------------- 界址点 TXT
def _read_txt(name, data, work, *, encoding, layer, limits) -> Source:
    guess = EncodingGuess(encoding, "user") if encoding else guess_text_encoding(data)
    text = decode(data, guess.encoding)
    parsed = boundary_txt.parse(text)
    frame = parsed.frame
    stated = frame[boundary_txt.COL_AREA_HA].astype(float) * M2_PER_HECTARE
    source = Source(name, "txt", frame, parsed.crs, guess, header=parsed.header)
    source.stated_area_m2 = stated.reset_index(drop=True)
    source.text_preview = "\n".join(text.splitlines()[:16])
    return source


_READERS = {
    "gpkg": _read_gpkg,
    "geojson": _read_geojson,
    "shp": _read_shp_zip,
    "kml": _read_kml,
    "dxf": _read_dxf,
    "csv": _read_csv,
    "xlsx": _read_xlsx,
    "txt": _read_txt,
}
