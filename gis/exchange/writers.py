"""Exporting a layer, filtered as on screen, in the formats planners exchange.

GeoPackage, GeoJSON (lon/lat), zipped Shapefile (UTF-8 with ``.cpg``, or GBK for
ArcGIS 10.x; field names ≤ 10 bytes, all pinyin initials, see
:mod:`gis.exchange.shp_fields`, with a field dictionary in the zip), KML,
DXF (closed polylines plus a text label with the code, via ezdxf), XLSX (Chinese headers
and a WKT column, via :mod:`gis.excel`) and 界址点 TXT (polygon layers). Every format
that is also imported reads back to the same features (``tests/test_exchange_roundtrip``).

Codes or labels (decided in issue #11):

- Files for people — Shapefile, KML and Excel (:data:`LABELLED_FORMATS`) — carry labels in
  the export language where the store keeps codes: 交地 not ``DELIVERED``, 工业用地 not
  ``INDUSTRIAL``, 是/否 not ``True``/``False``, and parcels get the block's name
  (万洋区块) beside its id (``WY``). The labels come from the same labeller as 地块查询's
  export (:func:`gis.parcels.bulk_update.parcel_export`). They still import back into the app: the
  importer reads Chinese and English status and land-use labels and 是/否 / Yes/No
  (:mod:`gis.exchange.mapping`), and ignores the added block-name column.
- GeoPackage and GeoJSON (:data:`CODED_FORMATS`) are the data-exchange formats: they keep
  the store's codes and column names, exactly as the store holds them.
- DXF carries only the code as a label; 界址点 TXT has its own fixed Chinese format.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from gis import i18n, schema, vocabulary
from gis.crs import STORAGE_CRS, area_m2, m2_to_hectares
from gis.excel import XLSX_MIME, labelled_columns, to_xlsx
from gis.exchange import boundary_txt
from gis.exchange.import_merge import conform
from gis.exchange.mapping import shapefile_names
from gis.exchange.readers import DXF_LABEL_COLUMN
from gis.exchange.shp_fields import field_name
from gis.parcels.bulk_update import parcel_export

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
#: Formats written for people: labels instead of codes (see the module docstring).
LABELLED_FORMATS: tuple[str, ...] = ("shp", "kml", "xlsx")
#: Formats written for data exchange and re-import: the store's codes as they are.
CODED_FORMATS: tuple[str, ...] = ("gpkg", "geojson")
#: The column with the block's name added to labelled parcel exports (after ``block_id``).
BLOCK_NAME_COLUMN = "block_name"
#: Message key naming each CRS offered (``crs_name_<EPSG code>`` in gis.messages.exchange).
CRS_NAME_KEY = "crs_name_{code}"
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


def field_dictionary_filename(layer: str) -> str:
    """The name of the field dictionary inside a Shapefile zip of ``layer``."""
    return f"{layer}_fields.csv"


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
    block_names: Mapping[str, str] | None = None,
) -> ExportFile:
    """``frame`` (a layer of the store, EPSG:4490) as a file of format ``fmt``.

    In :data:`LABELLED_FORMATS` the values are labels in ``lang``, and parcels get a
    block-name column from ``block_names`` (block id → name) when it is given.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")
    spec = schema.layer_spec(layer)
    if spec.geometry_type is None:
        raise ValueError(f"{layer!r} is a table, not a map layer")
    crs = crs or DEFAULT_CRS[fmt]
    frame = conform(frame, spec)[[*spec.column_names, "geometry"]].reset_index(drop=True)
    if fmt in LABELLED_FORMATS:
        frame = labelled_values(frame, spec, lang=lang, block_names=block_names)
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


def labelled_values(
    frame: gpd.GeoDataFrame,
    spec: schema.LayerSpec,
    *,
    lang: str,
    block_names: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """``frame`` with labels for people where the store keeps codes (same columns).

    Parcels go through :func:`gis.parcels.bulk_update.parcel_export` (statuses, land use, 是/否);
    other layers' yes/no columns get the same 是/否 words. Parcels also get
    :data:`BLOCK_NAME_COLUMN` after ``block_id`` when ``block_names`` is given.
    """
    if spec.name == "parcels":
        table = parcel_export(frame, lang)
        if block_names is not None:
            names = table["block_id"].map(lambda b: block_names.get(b, b))
            table.insert(table.columns.get_loc("block_id") + 1, BLOCK_NAME_COLUMN, names)
    else:
        table = pd.DataFrame(frame.drop(columns="geometry")).copy()
        yes, no = i18n.t("parcel_yes", lang), i18n.t("parcel_no", lang)
        for column in spec.columns:
            if column.dtype == "bool":
                table[column.name] = table[column.name].map(
                    lambda v: None if pd.isna(v) else yes if v else no
                )
    return gpd.GeoDataFrame(table, geometry=frame.geometry.values, crs=frame.crs)


def crs_name(code: str, lang: str) -> str:
    """A CRS choice as people recognise it: ``EPSG:4549 CGCS2000 3度带 CM120E``."""
    key = CRS_NAME_KEY.format(code=code.split(":")[-1])
    return f"{code} {i18n.t(key, lang)}" if key in i18n.MESSAGES else code


def shapefile_fields(spec: schema.LayerSpec, columns: Iterable[str]) -> dict[str, str]:
    """Our column → shapefile field name for ``columns`` (the schema's and added ones)."""
    names = shapefile_names(spec)
    return {c: names.get(c) or field_name(spec.name, c) or c[:10] for c in columns}


def field_dictionary(spec: schema.LayerSpec, columns: Iterable[str]) -> bytes:
    """The field dictionary shipped in the Shapefile zip: a CSV (UTF-8 with BOM, so
    Excel opens it) with each field's name, Chinese and English label, unit and type
    (``str`` for the labelled columns)."""
    fields = shapefile_fields(spec, columns)
    rows = []
    for column, field in fields.items():
        if column == BLOCK_NAME_COLUMN:
            col = schema.BLOCKS.column("name")
            dtype = "str"
        else:
            col = spec.column(column)
            dtype = "str" if column in _LABELLED_COLUMNS else col.dtype
        rows.append(
            {
                "field": field,
                "label_zh": col.label_zh,
                "label_en": col.label_en,
                "unit": col.unit,
                "type": dtype,
                "column": column,
            }
        )
    table = pd.DataFrame(rows, columns=["field", "label_zh", "label_en", "unit", "type", "column"])
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


_LABELLED_COLUMNS = frozenset(
    (
        *vocabulary.STATUS_FIELDS,
        "land_use",
        *(c.name for spec in schema.LAYERS for c in spec.columns if c.dtype == "bool"),
    )
)


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
    columns = [c for c in frame.columns if c != "geometry"]
    renamed = frame.rename(columns=shapefile_fields(spec, columns))
    with _tempdir() as tmp:
        folder = Path(tmp)
        _gdal(renamed, spec, folder / f"{spec.name}.shp", "ESRI Shapefile", encoding=encoding)
        (folder / f"{spec.name}.cpg").write_text(encoding, encoding="ascii")
        (folder / field_dictionary_filename(spec.name)).write_bytes(field_dictionary(spec, columns))
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
    table = table.rename(columns={BLOCK_NAME_COLUMN: schema.BLOCKS.column("name").label(lang)})
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
