"""界址点坐标 TXT ("电子报盘"), the boundary-point file of land approval (domain.md §4.6).

::

    [属性描述]
    坐标系=2000国家大地坐标系
    几度分带=3
    带号=40
    ...
    [地块坐标]
    5,3.0000,D07,碧湖区块D07地块,面,,工业用地,,@
    J1,1,3136137.543,40480389.696
    ...

Parcel lines have 9 comma-separated fields ending in ``@`` (point count, area in
**hectares**, number, name, geometry type, map sheet, land use, land-class code); point
lines are ``点号,圈号,X,Y`` with X = **northing** and Y = **easting** (usually with the zone
prefix). Ring 1 is the outer ring; further rings inside it are holes, outside it further
parts. The parser tolerates full-width commas, spaces, blank values and several parcels
per file; the writer emits the same format so parcels can go back to the bureau.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from gis._errors import ValidationError

#: Columns of the frame :func:`parse` returns (the file's own field names).
COL_CODE = "地块编号"
COL_NAME = "地块名称"
COL_USE = "地块用途"
COL_CLASS = "地类编码"
COL_SHEET = "图幅号"
COL_AREA_HA = "地块面积(公顷)"
COL_POINTS = "界址点数"
COL_KIND = "图形属性"

_DATUM_WORDS = (
    ("2000", "CGCS2000"),
    ("西安", "XIAN80"),
    ("1980", "XIAN80"),
    ("北京", "BEIJING54"),
    ("1954", "BEIJING54"),
)
_NUMBER = re.compile(r"^[+-]?\d+(\.\d*)?$")


@dataclass
class _Parcel:
    line: int
    fields: list[str]
    rings: dict[int, list[tuple[float, float]]] = field(default_factory=dict)


@dataclass
class BoundaryFile:
    """A parsed file: the ``[属性描述]`` header and one row per parcel (raw coordinates,
    x = easting, y = northing, no CRS), plus the CRS the header implies (or None)."""

    header: dict[str, str]
    frame: gpd.GeoDataFrame
    crs: str | None


def _split(line: str) -> list[str]:
    return [part.strip() for part in line.replace("，", ",").split(",")]


def parse(text: str) -> BoundaryFile:
    """Parse a 界址点 file; ``ValidationError`` (``txt_*``) names the first bad line."""
    header: dict[str, str] = {}
    parcels: list[_Parcel] = []
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section == "属性描述" or (not section and "=" in line):
            key, _, value = line.partition("=")
            header[key.strip()] = value.strip()
            continue
        parts = _split(line)
        if parts[-1] == "@" or line.endswith("@"):
            if len(parts) < 4:
                raise ValidationError("txt_bad_line", line=number, text=raw[:60])
            parcels.append(_Parcel(number, parts[:-1]))
            continue
        if not parcels:
            raise ValidationError("txt_no_parcel_line", line=number, text=raw[:60])
        if len(parts) < 4 or not (_NUMBER.match(parts[2]) and _NUMBER.match(parts[3])):
            raise ValidationError("txt_bad_line", line=number, text=raw[:60])
        try:
            ring = int(parts[1]) if parts[1] else 1
        except ValueError:
            raise ValidationError("txt_bad_line", line=number, text=raw[:60]) from None
        northing, easting = float(parts[2]), float(parts[3])
        parcels[-1].rings.setdefault(ring, []).append((easting, northing))
    if not parcels:
        raise ValidationError("txt_no_parcels")
    rows, geoms = [], []
    for parcel in parcels:
        f = parcel.fields + [""] * (8 - len(parcel.fields))
        area = f[1].strip()
        try:
            area_ha = float(area) if area else None
        except ValueError:
            raise ValidationError("txt_bad_area", line=parcel.line, value=area[:20]) from None
        rows.append(
            {
                COL_CODE: f[2],
                COL_NAME: f[3],
                COL_KIND: f[4],
                COL_SHEET: f[5],
                COL_USE: f[6],
                COL_CLASS: f[7],
                COL_AREA_HA: area_ha,
                COL_POINTS: f[0],
            }
        )
        geoms.append(_polygon(parcel))
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms)
    return BoundaryFile(header, frame, header_crs(header, frame))


def _polygon(parcel: _Parcel) -> shapely.Geometry:
    rings = []
    for number in sorted(parcel.rings):
        points = parcel.rings[number]
        if len(points) < 3:
            raise ValidationError("txt_short_ring", line=parcel.line, ring=number)
        if points[0] != points[-1]:
            points = [*points, points[0]]
        rings.append(points)
    if not rings:
        raise ValidationError("txt_no_points", line=parcel.line, code=parcel.fields[2][:30])
    # Ring 1 is the outer boundary; a later ring inside the current part is its hole,
    # one outside starts another part.
    parts: list[tuple[list, list]] = []
    for ring in rings:
        if parts and shapely.Polygon(parts[-1][0]).contains(shapely.Point(ring[0])):
            parts[-1][1].append(ring)
        else:
            parts.append((ring, []))
    polygons = [shapely.Polygon(shell, holes) for shell, holes in parts]
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def header_crs(header: dict[str, str], frame: gpd.GeoDataFrame | None = None) -> str | None:
    """The CRS the header states (坐标系 + 几度分带 + 带号), honouring whether the eastings
    in ``frame`` carry the zone prefix; None when the header does not say."""
    name = header.get("坐标系", "")
    datum = next((d for word, d in _DATUM_WORDS if word in name), None)
    zone_text = header.get("带号", "").strip()
    width = header.get("几度分带", "3").strip() or "3"
    if datum is None or not zone_text.isdigit() or width not in ("3", "6"):
        return None
    zone = int(zone_text)
    prefixed = True
    if frame is not None and len(frame):
        minx = frame.total_bounds[0]
        prefixed = minx >= 1e6
    if width == "3":
        central = 3 * zone
        if prefixed:
            base = {"CGCS2000": 4488, "XIAN80": 2324, "BEIJING54": 2376}[datum]
            return f"EPSG:{base + zone}" if 25 <= zone <= 45 else None
        base = {"CGCS2000": 4534, "XIAN80": 2370, "BEIJING54": 2422}[datum]
        return f"EPSG:{base + (central - 75) // 3}" if 75 <= central <= 135 else None
    if datum != "CGCS2000" or not 13 <= zone <= 23:
        return None
    return f"EPSG:{4478 + zone}" if prefixed else f"EPSG:{4502 + zone - 13}"


# ---------------------------------------------------------------- writing
DEFAULT_HEADER = {
    "格式版本号": "1.01",
    "数据产生单位": "",
    "数据产生日期": "",
    "坐标系": "2000国家大地坐标系",
    "几度分带": "3",
    "投影类型": "高斯克吕格",
    "计量单位": "米",
    "带号": "40",
    "精度": "0.001",
    "转换参数": ",,,,,,",
}


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    # A comma (either width) would split the field; 、 keeps the meaning.
    return str(value).replace(",", "、").replace("，", "、").replace("\n", " ").strip()


def write(
    parcels: Iterable[dict],
    *,
    produced_by: str = "",
    produced_on: str = "",
    zone: int = 40,
) -> str:
    """The file for ``parcels``: dicts with ``code``, ``name``, ``use``, ``class_code``,
    ``sheet``, ``area_ha`` and ``geometry`` (Polygon/MultiPolygon in the zone-``zone``
    CRS with prefixed eastings, e.g. EPSG:4528)."""
    header = {
        **DEFAULT_HEADER,
        "数据产生单位": produced_by,
        "数据产生日期": produced_on,
        "带号": str(zone),
    }
    lines = ["[属性描述]", *(f"{k}={v}" for k, v in header.items()), "[地块坐标]"]
    for parcel in parcels:
        geom = parcel["geometry"]
        polygons = list(geom.geoms) if isinstance(geom, shapely.MultiPolygon) else [geom]
        rings = []
        for polygon in polygons:
            rings.append(list(polygon.exterior.coords))
            rings.extend(list(hole.coords) for hole in polygon.interiors)
        count = sum(len(r) for r in rings)
        area_ha = parcel.get("area_ha")
        area = f"{area_ha:.4f}" if area_ha is not None else ""
        lines.append(
            ",".join(
                [
                    str(count),
                    area,
                    _clean(parcel.get("code")),
                    _clean(parcel.get("name")),
                    "面",
                    _clean(parcel.get("sheet")),
                    _clean(parcel.get("use")),
                    _clean(parcel.get("class_code")),
                    "@",
                ]
            )
        )
        number = 0
        for ring_no, ring in enumerate(rings, start=1):
            first = number + 1
            for i, (easting, northing) in enumerate(ring):
                closing = i == len(ring) - 1
                label = first if closing else number + 1
                if not closing:
                    number += 1
                lines.append(f"J{label},{ring_no},{northing:.3f},{easting:.3f}")
    return "\r\n".join(lines) + "\r\n"
