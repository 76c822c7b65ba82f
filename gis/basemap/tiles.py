"""Local tiles: MBTiles files and ``{z}/{x}/{y}`` folders, read offline (#18).

- :func:`open_tiles` reads either kind. MBTiles stores rows in the TMS scheme (row 0 at the
  south), so a Web Mercator ``y`` (row 0 at the north) is flipped: ``2**z - 1 - y``.
  A folder holds XYZ rows (``gdal2tiles.py --xyz``), ``.png``, ``.jpg`` or ``.webp``.
- :func:`publish` registers a configured file under a token; the app's tile route
  (``scripts/serve.py``) answers ``/park-tiles/<token>/<z>/<x>/<y>`` with :func:`serve_tile`
  for published files only, so no other file on the server can be read through it.
- :func:`imagery_for_extent` mosaics and reprojects the tiles for a print map (the meeting
  pack draws it under the parcels).
"""

from __future__ import annotations

import hashlib
import io
import math
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gis._errors import ValidationError

TILE_SIZE = 256
ROUTE = "park-tiles"
#: Web Mercator's ground resolution at the equator, zoom 0 (m per pixel of a 256 px tile).
EQUATOR_M_PER_PX = 2 * math.pi * 6378137.0 / TILE_SIZE
_MEDIA = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"RIFF": "image/webp",
    b"GIF8": "image/gif",
}
FOLDER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def media_type(data: bytes) -> str:
    """The image type of tile ``data`` from its first bytes (``application/octet-stream``)."""
    for magic, kind in _MEDIA.items():
        if data.startswith(magic):
            return kind
    return "application/octet-stream"


# ---------------------------------------------------------------- tile math
def lonlat_to_pixel(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Web Mercator global pixel coordinates of (lon, lat) at ``zoom`` (tiles of 256 px)."""
    scale = TILE_SIZE * 2**zoom
    x = (lon + 180.0) / 360.0 * scale
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def pixel_to_lonlat(x: float, y: float, zoom: int) -> tuple[float, float]:
    """The inverse of :func:`lonlat_to_pixel`."""
    scale = TILE_SIZE * 2**zoom
    lon = x / scale * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
    return lon, lat


# ---------------------------------------------------------------- readers
@dataclass(frozen=True)
class TilesInfo:
    """What a tiles file says about itself (MBTiles ``metadata``; a folder: its name)."""

    name: str
    attribution: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None  # lon/lat


class TileSet:
    """A read-only tile set: :meth:`tile` gives a tile's bytes (XYZ numbering) or None."""

    path: Path
    info: TilesInfo

    def tile(self, z: int, x: int, y: int) -> bytes | None:  # pragma: no cover - abstract
        raise NotImplementedError


class MBTiles(TileSet):
    """An MBTiles 1.x file (SQLite): table or view ``tiles`` in the TMS scheme."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with self._connect() as con:
                meta = dict(con.execute("SELECT name, value FROM metadata").fetchall())
                zooms = con.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        except sqlite3.Error as exc:
            raise ValidationError("bm_bad_tiles_file", path=str(path), reason=str(exc)) from exc
        if zooms[0] is None:
            raise ValidationError("bm_bad_tiles_file", path=str(path), reason="no tiles")
        self.info = TilesInfo(
            name=str(meta.get("name") or path.stem),
            attribution=str(meta.get("attribution") or ""),
            min_zoom=int(zooms[0]),
            max_zoom=int(zooms[1]),
            bounds=_bounds(meta.get("bounds")),
        )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        con = self._connect()
        try:
            row = con.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, (1 << z) - 1 - y),  # TMS: row 0 is the southernmost
            ).fetchone()
        finally:
            con.close()
        return bytes(row[0]) if row else None


class TileFolder(TileSet):
    """A folder of ``{z}/{x}/{y}.<png|jpg|webp>`` tiles, XYZ numbering."""

    def __init__(self, path: Path) -> None:
        self.path = path
        zooms = sorted(int(p.name) for p in path.iterdir() if p.is_dir() and p.name.isdigit())
        if not zooms:
            raise ValidationError("bm_bad_tiles_file", path=str(path), reason="no {z} folders")
        self.info = TilesInfo(path.name, "", zooms[0], zooms[-1], None)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        folder = self.path / str(int(z)) / str(int(x))
        for suffix in FOLDER_SUFFIXES:
            candidate = folder / f"{int(y)}{suffix}"
            if candidate.is_file():
                return candidate.read_bytes()
        return None


def _bounds(text: object) -> tuple[float, float, float, float] | None:
    try:
        values = tuple(float(v) for v in str(text).split(","))
    except ValueError:
        return None
    return values if len(values) == 4 else None  # type: ignore[return-value]


def open_tiles(path: str | Path) -> TileSet:
    """An MBTiles file or a tiles folder; :class:`ValidationError` naming the problem."""
    p = Path(path).expanduser()
    if p.is_dir():
        return TileFolder(p)
    if not p.is_file():
        raise ValidationError("bm_tiles_missing", path=str(p))
    return MBTiles(p)


# ---------------------------------------------------------------- the app's tile route
_PUBLISHED: dict[str, Path] = {}
_LOCK = threading.Lock()


def token_for(path: str | Path) -> str:
    """The URL token of a tiles file: a hash of its resolved path (the path is not shown)."""
    resolved = str(Path(path).expanduser().resolve())
    return hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:20]


def publish(path: str | Path) -> str:
    """Let the tile route serve ``path``; returns its token."""
    token = token_for(path)
    with _LOCK:
        _PUBLISHED[token] = Path(path).expanduser().resolve()
    return token


def url_template(token: str, base: str = "") -> str:
    """The same-origin Leaflet template of a published file (``base``: the URL base path)."""
    return f"{base.rstrip('/')}/{ROUTE}/{token}/{{z}}/{{x}}/{{y}}"


def serve_tile(token: str, z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """(bytes, media type) of a tile of a published file; None if unknown or missing."""
    with _LOCK:
        path = _PUBLISHED.get(token)
    if path is None:
        return None
    try:
        data = open_tiles(path).tile(z, x, y)
    except ValidationError:
        return None
    return (data, media_type(data)) if data else None


# ---------------------------------------------------------------- print maps
def choose_zoom(m_per_px: float, lat: float, info: TilesInfo) -> int:
    """The least zoom whose tiles are at least as fine as ``m_per_px`` at ``lat``, kept
    within the file's zooms."""
    cos = max(math.cos(math.radians(lat)), 1e-6)
    wanted = math.ceil(math.log2(EQUATOR_M_PER_PX * cos / max(m_per_px, 1e-3)))
    return int(min(max(wanted, info.min_zoom), info.max_zoom))


def imagery_for_extent(
    tiles: TileSet,
    extent: tuple[float, float, float, float],
    crs: str,
    *,
    width_px: int = 1600,
) -> np.ndarray | None:
    """The tiles resampled onto ``extent`` (minx, miny, maxx, maxy in ``crs``) as an RGBA
    array (row 0 at the top), nearest neighbour; None when the file has no tile there.

    Every output pixel centre is projected to lon/lat and looked up in the Web Mercator
    tiles, so the image lines up with data drawn in ``crs`` (e.g. EPSG:4549 metres). A zoom
    with no tile over the extent falls back to the next coarser one.
    """
    from PIL import Image
    from pyproj import Transformer

    minx, miny, maxx, maxy = extent
    width = int(width_px)
    height = max(1, round(width * (maxy - miny) / (maxx - minx)))
    xs = minx + (np.arange(width) + 0.5) * (maxx - minx) / width
    ys = maxy - (np.arange(height) + 0.5) * (maxy - miny) / height
    gx, gy = np.meshgrid(xs, ys)
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(gx, gy)
    mid_lat = float(np.nanmean(lat))
    zoom = choose_zoom((maxx - minx) / width, mid_lat, tiles.info)
    for z in range(zoom, tiles.info.min_zoom - 1, -1):
        scale = TILE_SIZE * 2**z
        px = (lon + 180.0) / 360.0 * scale
        s = np.sin(np.radians(lat))
        py = (0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)) * scale
        tx, ty = np.floor(px / TILE_SIZE).astype(int), np.floor(py / TILE_SIZE).astype(int)
        out = np.zeros((height, width, 4), dtype=np.uint8)
        found = False
        for x, y in sorted(set(zip(tx.ravel().tolist(), ty.ravel().tolist(), strict=True))):
            data = tiles.tile(z, x, y)
            if not data:
                continue
            img = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
            mask = (tx == x) & (ty == y)
            # A tile may hold 512 px (a "retina" file): scale within the tile.
            col = ((px[mask] - x * TILE_SIZE) * img.shape[1] / TILE_SIZE).astype(int)
            row = ((py[mask] - y * TILE_SIZE) * img.shape[0] / TILE_SIZE).astype(int)
            col, row = np.clip(col, 0, img.shape[1] - 1), np.clip(row, 0, img.shape[0] - 1)
            out[mask] = img[row, col]
            found = True
        if found:
            return out
    return None
