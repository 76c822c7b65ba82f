"""Exporting a layer, filtered as on screen, in the formats planners exchange.

GeoPackage, GeoJSON (lon/lat), zipped Shapefile (UTF-8 with ``.cpg``, or GBK for
ArcGIS 10.x; field names ≤ 10 bytes, see :data:`gis.exchange.mapping.SHORT_NAMES`), KML,
DXF (closed polylines plus a text label with the code, via ezdxf), XLSX (Chinese headers
and a WKT column, via :mod:`gis.excel`) and 界址点 TXT (polygon layers). Every format
that is also imported reads back to the same features (``tests/test_exchange_roundtrip``).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from gis import schema, vocabulary
from gis.crs import STORAGE_CRS, area_m2, m2_to_hectares
from gis.excel import XLSX_MIME, labelled_columns, to_xlsx
from gis.exchange import boundary_txt
from gis.exchange.mapping import conform, shapefile_names
from gis.exchange.readers import DXF_LABEL_COLUMN

EXPORT_FORMATS: tuple[str, ...] = ("gpkg", "geojson", "shp", "kml", "dxf", "xlsx", "txt")
EXPORT_LAYERS: tuple[str, ...] = (
    "parcels",
    "blocks",
    "buildings",
    "vacant_spaces",
    "enterprises",
    "park_boundary",
    "context",
)
#: CRS each format is written in unless the caller asks otherwise.
DEFAULT_CRS = {
    "gpkg": STORAGE_CRS,
    "geojson": "EPSG:4326",
    "shp": STORAGE_CRS,
    "kml": "EPSG:4326",
    "dxf": "EPSG:4549",
    "xlsx": STORAGE_CRS,
    "txt": "EPSG:4528",
}
#: Formats whose CRS the user may choose (GeoJSON and KML are lon/lat by definition).
CRS_OPTIONS = {
    "gpkg": (STORAGE_CRS, "EPSG:4549", "EPSG:4528"),
    "shp": (STORAGE_CRS, "EPSG:4549", "EPSG:4528"),
    "dxf": ("EPSG:4549", "EPSG:4528"),
}
SHP_ENCODINGS = ("UTF-8", "GBK")
WKT_COLUMN = "WKT"
_MIME = {
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "shp": "application/zip",
    "kml": "application/vnd.google-earth.kml+xml",
    "dxf": "image/vnd.dxf",
    "xlsx": XLSX_MIME,
    "txt": "text/plain",
}
_EXT = {"shp": "zip"}


def export_filename(layer: str, fmt: str) -> str:
    """The file name :func:`export_layer` gives ``layer`` in format ``fmt``."""
    return f"{layer}.{_EXT.get(fmt, fmt)}"


def export_mime(fmt: str) -> str:
    return _MIME[fmt]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    data: bytes
    mime: str


def filter_for_export(
    frames: dict, layer: str, *, block_ids: Iterable[str] = ()
) -> gpd.GeoDataFrame:
    """``layer`` limited to ``block_ids`` (all when empty), as the map filter shows it.

    Parcels filter by ``block_id``; buildings, vacant spaces and enterprises by the block
    of their parcel; blocks by their id; the park boundary and context are not filtered.
    """
    frame = frames[layer]
    wanted = set(block_ids or ())
    if not wanted:
        return frame
    if layer == "parcels":
        return frame[frame["block_id"].isin(wanted)]
    if layer == "blocks":
        return frame[frame["block_id"].isin(wanted)]
    if layer in ("buildings", "vacant_spaces", "enterprises"):
        parcels = frames["parcels"]
        codes = set(parcels.loc[parcels["block_id"].isin(wanted), "code"])
        return frame[frame["parcel_code"].isin(codes)]
    return frame


def export_layer(
    frame: gpd.GeoDataFrame,
    layer: str,
    fmt: str,
    *,
    crs: str | None = None,
    encoding: str = "UTF-8",
    lang: str = "zh",
    produced_by: str = "",
) -> ExportFile:
    """``frame`` (a layer of the store, EPSG:4490) as a file of format ``fmt``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")
    spec = schema.layer_spec(layer)
    if spec.geometry_type is None:
        raise ValueError(f"{layer!r} is a table, not a map layer")
    crs = crs or DEFAULT_CRS[fmt]
    frame = conform(frame, spec)[[*spec.column_names, "geometry"]].reset_index(drop=True)
    writer = {
        "gpkg": _gpkg,
        "geojson": _geojson,
        "shp": _shp,
        "kml": _kml,
        "dxf": _dxf,
        "xlsx": _xlsx,
        "txt": _txt,
    }[fmt]
    data = writer(frame.to_crs(crs), spec, encoding=encoding, lang=lang, produced_by=produced_by)
    return ExportFile(export_filename(layer, fmt), data, export_mime(fmt))


def _tempdir():
    return tempfile.TemporaryDirectory(prefix="park-export-")


def _gdal(frame, spec, path: Path, driver: str, **kwargs) -> None:
    geometry_type = "Unknown" if spec.geometry_type == "Geometry" else spec.geometry_type
    pyogrio.write_dataframe(
        frame,
        path,
        layer=kwargs.pop("layer", spec.name),
        driver=driver,
        geometry_type=geometry_type,
        promote_to_multi=False,
        **kwargs,
    )


def _gpkg(frame, spec, **_) -> bytes:
    with _tempdir() as tmp:
        path = Path(tmp) / f"{spec.name}.gpkg"
        _gdal(frame, spec, path, "GPKG")
        return path.read_bytes()


def _geojson(frame, spec, **_) -> bytes:
    with _tempdir() as tmp:
        path = Path(tmp) / f"{spec.name}.geojson"
        _gdal(frame, spec, path, "GeoJSON", RFC7946="YES", WRITE_NAME="NO", COORDINATE_PRECISION=9)
        return path.read_bytes()


def _shp(frame, spec, *, encoding: str, **_) -> bytes:
    if encoding not in SHP_ENCODINGS:
        raise ValueError(f"unknown shapefile encoding {encoding!r}; expected {SHP_ENCODINGS}")
    renamed = frame.rename(columns=shapefile_names(spec))
    with _tempdir() as tmp:
        folder = Path(tmp)
        _gdal(renamed, spec, folder / f"{spec.name}.shp", "ESRI Shapefile", encoding=encoding)
        (folder / f"{spec.name}.cpg").write_text(encoding, encoding="ascii")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, path.name)
        return buffer.getvalue()


def _kml(frame, spec, **_) -> bytes:
    with _tempdir() as tmp:
        path = Path(tmp) / f"{spec.name}.kml"
        _gdal(frame, spec, path, "LIBKML")
        return path.read_bytes()


def _xlsx(frame, spec, *, lang: str, **_) -> bytes:
    table = labelled_columns(pd.DataFrame(frame.drop(columns="geometry")), spec, lang)
    table[WKT_COLUMN] = shapely.to_wkt(frame.geometry.to_numpy(), rounding_precision=9)
    return to_xlsx({spec.label_zh if lang == "zh" else spec.label_en: table})


def _dxf(frame, spec, **_) -> bytes:
    import ezdxf  # local: only DXF exports pay for it

    doc = ezdxf.new("R2010", setup=False)
    doc.header["$INSUNITS"] = 6  # metres
    shapes, labels = spec.label_zh, f"{spec.label_zh}{DXF_LABEL_COLUMN}"
    doc.layers.add(shapes)
    doc.layers.add(labels)
    msp = doc.modelspace()
    for code, geom in zip(frame[spec.key], frame.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        for part in shapely.get_parts(geom):
            if isinstance(part, shapely.Polygon):
                for ring in (part.exterior, *part.interiors):
                    msp.add_lwpolyline(
                        list(ring.coords)[:-1], close=True, dxfattribs={"layer": shapes}
                    )
            elif isinstance(part, shapely.LineString):
                msp.add_lwpolyline(list(part.coords), dxfattribs={"layer": shapes})
            elif isinstance(part, shapely.Point):
                msp.add_point((part.x, part.y), dxfattribs={"layer": shapes})
        at = geom.representative_point() if not isinstance(geom, shapely.Point) else geom
        if code is not None:
            msp.add_text(
                str(code), height=5.0, dxfattribs={"layer": labels, "insert": (at.x, at.y)}
            )
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode("utf-8")


def _txt(frame, spec, *, produced_by: str, encoding: str, **_) -> bytes:
    if spec.geometry_type != "Polygon":
        raise ValueError(f"界址点 TXT holds polygons; {spec.name!r} is {spec.geometry_type}")
    zone = int(frame.crs.to_epsg()) - 4488 if frame.crs.to_epsg() in range(4513, 4534) else 40
    areas = m2_to_hectares(area_m2(frame))
    uses = {u.code: u.label_zh for u in vocabulary.LAND_USES}
    rows = []
    for i, row in frame.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        rows.append(
            {
                "code": row[spec.key],
                "name": row.get("name"),
                "use": uses.get(row.get("land_use"), row.get("land_use")),
                "area_ha": float(areas.iloc[i]),
                "geometry": row.geometry,
            }
        )
    text = boundary_txt.write(
        rows, produced_by=produced_by, produced_on=date.today().isoformat(), zone=zone
    )
    return text.encode("gb18030" if encoding == "GBK" else "utf-8")
