"""Tile basemaps: what an administrator configures and what the map may offer (#18).

Pure and typed (no streamlit). Four kinds of basemap:

- none — the default: no tiles, nothing leaves the app's origin;
- 天地图 (vector or imagery, each with its annotation layer) when a key is configured;
- one XYZ or WMTS URL template (an intranet service), with its attribution;
- a local tiles file (MBTiles) or folder (``{z}/{x}/{y}.png``), served by the app itself
  (:mod:`gis.basemap.tiles`).

Where the configuration lives: the ``settings`` layer of the store, row :data:`SETTINGS_KEY`
(JSON of :class:`BasemapConfig`, written from the 数据 page), and environment variables
(:data:`ENV_VARS`), which win over the stored values.

Alignment: the park's data are CGCS2000 (EPSG:4490), which the map draws as WGS 84; tiles in
CGCS2000 or WGS 84 need no shift. Tiles of the commercial web maps are in GCJ-02 (高德, 腾讯)
or BD-09 (百度) and sit 500–1,100 m off in 莲都: such a service is **refused** with a message
that names the offset (computed with :func:`wgs84_to_gcj02` / :func:`gcj02_to_bd09`), never
drawn misaligned.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import pandas as pd

from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor

SETTINGS_KEY = "basemap_config"

ENV_TIANDITU_KEY = "PARK_TIANDITU_KEY"
ENV_URL = "PARK_BASEMAP_URL"
ENV_KIND = "PARK_BASEMAP_KIND"
ENV_NAME = "PARK_BASEMAP_NAME"
ENV_ATTRIBUTION = "PARK_BASEMAP_ATTRIBUTION"
ENV_DATUM = "PARK_BASEMAP_DATUM"
ENV_MAX_ZOOM = "PARK_BASEMAP_MAX_ZOOM"
ENV_FILE = "PARK_BASEMAP_FILE"
ENV_FILE_ATTRIBUTION = "PARK_BASEMAP_FILE_ATTRIBUTION"
ENV_VARS = (
    ENV_TIANDITU_KEY,
    ENV_URL,
    ENV_KIND,
    ENV_NAME,
    ENV_ATTRIBUTION,
    ENV_DATUM,
    ENV_MAX_ZOOM,
    ENV_FILE,
    ENV_FILE_ATTRIBUTION,
)

Datum = Literal["cgcs2000", "wgs84", "gcj02", "bd09"]
DATUMS: tuple[str, ...] = ("cgcs2000", "wgs84", "gcj02", "bd09")
#: Datums drawn under the park's layers as they are (PROJ: a null shift at map scale).
ALIGNED_DATUMS = ("cgcs2000", "wgs84")
ServiceKind = Literal["xyz", "wmts"]
SERVICE_KINDS: tuple[str, ...] = ("xyz", "wmts")

#: Hosts of commercial web maps and the datum of their tiles, whatever the user says.
COMMERCIAL_HOSTS: tuple[tuple[str, str], ...] = (
    ("autonavi.com", "gcj02"),
    ("amap.com", "gcj02"),
    ("map.qq.com", "gcj02"),
    ("gtimg.com", "gcj02"),
    ("tencent.com", "gcj02"),
    ("baidu.com", "bd09"),
    ("bdimg.com", "bd09"),
    ("bdstatic.com", "bd09"),
)

# ---------------------------------------------------------------- 天地图
TIANDITU_SUBDOMAINS = tuple(str(i) for i in range(8))  # t0 … t7
TIANDITU_MAX_ZOOM = 18
TIANDITU_ATTRIBUTION = "天地图 · 国家地理信息公共服务平台"
#: Web Mercator ("_w") tile sets: (base layer, annotation layer) per choice. The lon/lat
#: ("_c") sets need another map projection than Leaflet's and are not offered.
TIANDITU_SETS = {"tianditu_vec": ("vec", "cva"), "tianditu_img": ("img", "cia")}


def tianditu_template(layer: str, key: str) -> str:
    """The Leaflet URL template of 天地图 WMTS layer ``layer`` (vec, cva, img, cia …), Web
    Mercator tile set, subdomains ``{s}`` = t0 … t7, with the key ``tk``."""
    if not re.fullmatch(r"[a-z]{3}", layer):
        raise ValueError(f"not a 天地图 layer name: {layer!r}")
    return (
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
    )


def check_tianditu_key(key: str) -> str:
    """The key stripped; :class:`ValidationError` unless it is 16–64 hex digits/letters."""
    key = key.strip()
    if not re.fullmatch(r"[0-9A-Za-z]{16,64}", key):
        raise ValidationError("bm_bad_key")
    return key


def mask_key(key: str) -> str:
    """A key as it may be shown: its last 4 characters only (``••••••••1a2b``)."""
    key = key.strip()
    if not key:
        return ""
    return "•" * 8 + (key[-4:] if len(key) >= 12 else "")


# ---------------------------------------------------------------- URL templates
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_WMTS_NAMES = {"tilematrix": "z", "tilerow": "y", "tilecol": "x"}


def normalise_template(url: str, kind: str = "xyz") -> str:
    """A service's URL template checked and written for Leaflet (``{z}``, ``{x}``, ``{y}``,
    optional ``{s}``). Raises :class:`ValidationError` naming the problem.

    XYZ: ``https://host/path/{z}/{x}/{y}.png`` (``{-y}`` for TMS rows). WMTS: a KVP
    ``GetTile`` URL or a RESTful template of a Web Mercator (GoogleMapsCompatible) tile
    matrix set, with ``{TileMatrix}``, ``{TileRow}``, ``{TileCol}`` or ``{z}``/``{y}``/``{x}``.
    """
    url = url.strip()
    if kind not in SERVICE_KINDS:
        raise ValidationError("bm_bad_kind", kind=kind)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("bm_bad_url_scheme", url=url)
    if any(c in url for c in "\"'<>\\` \t\r\n"):
        raise ValidationError("bm_bad_url_chars", url=url)
    if kind == "wmts":
        url = _PLACEHOLDER.sub(
            lambda m: "{" + _WMTS_NAMES.get(m.group(1).lower(), m.group(1)) + "}", url
        )
    names = _PLACEHOLDER.findall(url)
    unknown = sorted(set(names) - {"z", "x", "y", "-y", "s"})
    if unknown:
        raise ValidationError("bm_bad_url_placeholder", names=", ".join(unknown))
    if "{s}" in parts.netloc and "{s}" not in url:
        raise ValidationError("bm_bad_url_scheme", url=url)  # pragma: no cover - defensive
    missing = [n for n in ("z", "x") if n not in names]
    if "y" not in names and "-y" not in names:
        missing.append("y")
    if missing:
        raise ValidationError("bm_bad_url_missing", names=", ".join(missing))
    return url


def template_hosts(url: str, subdomains: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The hosts the browser will ask for tiles of ``url`` (``{s}`` expanded)."""
    host = urlsplit(url.replace("{s}", "s")).netloc
    raw = urlsplit(url).netloc
    if "{s}" in raw:
        return tuple(raw.replace("{s}", s) for s in subdomains or ("a", "b", "c"))
    return (host,)


def commercial_datum(url: str) -> str | None:
    """The datum of a commercial web map's host in ``url`` (``gcj02``/``bd09``), else None."""
    host = (urlsplit(url.replace("{s}", "s")).hostname or "").lower()
    for suffix, datum in COMMERCIAL_HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return datum
    return None


# ---------------------------------------------------------------- GCJ-02 / BD-09
_A = 6378245.0  # Krasovsky 1940, as used by the GCJ-02 obfuscation
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def _out_of_china(lon: float, lat: float) -> bool:
    return not (73.66 < lon < 135.05 and 3.86 < lat < 53.55)


def _shift_lat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _shift_lon(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS 84 (or CGCS2000) lon/lat to GCJ-02 (高德, 腾讯); unchanged outside China."""
    if _out_of_china(lon, lat):
        return lon, lat
    dlat = _shift_lat(lon - 105.0, lat - 35.0)
    dlon = _shift_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float, *, tolerance: float = 1e-9) -> tuple[float, float]:
    """GCJ-02 to WGS 84 by fixed-point iteration (exact to ``tolerance`` degrees)."""
    x, y = lon, lat
    for _ in range(30):
        gx, gy = wgs84_to_gcj02(x, y)
        dx, dy = gx - lon, gy - lat
        x, y = x - dx, y - dy
        if abs(dx) < tolerance and abs(dy) < tolerance:
            break
    return x, y


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 to BD-09 (百度)."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 to GCJ-02."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS 84 (or CGCS2000) to BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def ground_distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two lon/lat points (mean Earth radius)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def datum_offset_m(datum: str, lon: float, lat: float) -> float:
    """How far tiles in ``datum`` would sit from CGCS2000 data at (lon, lat), in metres."""
    if datum in ALIGNED_DATUMS:
        return 0.0
    shifted = wgs84_to_gcj02(lon, lat) if datum == "gcj02" else wgs84_to_bd09(lon, lat)
    return ground_distance_m((lon, lat), shifted)


# ---------------------------------------------------------------- the configuration
@dataclass(frozen=True)
class ServiceConfig:
    """One XYZ or WMTS service (e.g. the 政务外网 mirror of 天地图)."""

    url: str
    name: str = ""
    kind: str = "xyz"
    attribution: str = ""
    datum: str = "cgcs2000"
    subdomains: str = ""
    max_zoom: int = 18


@dataclass(frozen=True)
class BasemapConfig:
    """What an administrator configured (the ``settings`` row; environment variables win).

    ``tianditu_key`` empty: no 天地图. ``service`` None: no XYZ/WMTS service. ``file_path``
    empty: no local tiles file.
    """

    tianditu_key: str = ""
    service: ServiceConfig | None = None
    file_path: str = ""
    file_attribution: str = ""
    #: Which values came from the environment (shown so, not editable in the app).
    from_env: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> str:
        raw = asdict(self)
        raw.pop("from_env")
        return json.dumps(raw, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> BasemapConfig:
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict):
                raise TypeError("not an object")
            service = raw.get("service")
            return cls(
                tianditu_key=str(raw.get("tianditu_key") or ""),
                service=ServiceConfig(**service) if service else None,
                file_path=str(raw.get("file_path") or ""),
                file_attribution=str(raw.get("file_attribution") or ""),
            )
        except (TypeError, ValueError) as exc:
            raise ValidationError("bm_bad_settings", reason=str(exc)) from exc


def config_from_settings(settings: pd.DataFrame) -> BasemapConfig:
    """The stored configuration (the last :data:`SETTINGS_KEY` row), or none configured."""
    if settings is None or not len(settings):
        return BasemapConfig()
    rows = settings[settings["key"] == SETTINGS_KEY]
    if not len(rows):
        return BasemapConfig()
    return BasemapConfig.from_json(str(rows["value_json"].iloc[-1]))


def with_environment(config: BasemapConfig, env: Mapping[str, str] | None = None) -> BasemapConfig:
    """``config`` with the values set in the environment (:data:`ENV_VARS`) put over it."""
    env = os.environ if env is None else env
    used: list[str] = []
    key = env.get(ENV_TIANDITU_KEY, "").strip()
    if key:
        config, used = replace(config, tianditu_key=key), [*used, ENV_TIANDITU_KEY]
    url = env.get(ENV_URL, "").strip()
    if url:
        try:
            max_zoom = int(env.get(ENV_MAX_ZOOM, "") or 18)
        except ValueError:
            max_zoom = 18
        service = ServiceConfig(
            url=url,
            name=env.get(ENV_NAME, "").strip(),
            kind=env.get(ENV_KIND, "").strip().lower() or "xyz",
            attribution=env.get(ENV_ATTRIBUTION, "").strip(),
            datum=env.get(ENV_DATUM, "").strip().lower() or "cgcs2000",
            max_zoom=max_zoom,
        )
        config, used = replace(config, service=service), [*used, ENV_URL]
    path = env.get(ENV_FILE, "").strip()
    if path:
        attribution = env.get(ENV_FILE_ATTRIBUTION, "").strip() or config.file_attribution
        config = replace(config, file_path=path, file_attribution=attribution)
        used.append(ENV_FILE)
    return replace(config, from_env=tuple(used))


def check_service(
    service: ServiceConfig, *, at: tuple[float, float] = (119.92, 28.45)
) -> ServiceConfig:
    """``service`` with its template normalised; :class:`ValidationError` for a bad template,
    datum or zoom, and for a GCJ-02/BD-09 service (refused: the message names the offset
    at ``at``, lon/lat — by default 莲都)."""
    url = normalise_template(service.url, service.kind)
    datum = commercial_datum(url) or service.datum
    if datum not in DATUMS:
        raise ValidationError("bm_bad_datum", datum=datum)
    if datum not in ALIGNED_DATUMS:
        offset = round(datum_offset_m(datum, *at))
        raise ValidationError("bm_datum_refused", datum=DATUM_LABELS[datum], metres=offset)
    if not 1 <= int(service.max_zoom) <= 22:
        raise ValidationError("bm_bad_zoom", zoom=service.max_zoom)
    subdomains = "".join(service.subdomains.split())
    if "{s}" in url and not subdomains:
        subdomains = "abc"
    return replace(service, url=url, datum=datum, subdomains=subdomains)


#: How datums are named in messages (the same in both languages).
DATUM_LABELS = {
    "cgcs2000": "CGCS2000",
    "wgs84": "WGS 84",
    "gcj02": "GCJ-02",
    "bd09": "BD-09",
}


# ---------------------------------------------------------------- what the map offers
@dataclass(frozen=True)
class TileTemplate:
    """One Leaflet tile layer: URL template, ``{s}`` subdomains, deepest zoom with tiles."""

    url: str
    subdomains: tuple[str, ...] = ()
    max_native_zoom: int = 18
    min_zoom: int = 0


@dataclass(frozen=True)
class Basemap:
    """A basemap the map may offer. ``layers`` empty: no tiles (the offline default)."""

    code: str
    label_zh: str
    label_en: str
    kind: Literal["none", "remote", "local"] = "none"
    layers: tuple[TileTemplate, ...] = ()
    attribution: str = ""
    #: For a local file: its path on the server (the PDF reads it).
    local_path: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh

    @property
    def hosts(self) -> tuple[str, ...]:
        """The hosts the browser asks for this basemap's tiles (none: same origin)."""
        if self.kind != "remote":
            return ()
        found: list[str] = []
        for layer in self.layers:
            found += [h for h in template_hosts(layer.url, layer.subdomains) if h not in found]
        return tuple(found)


NO_BASEMAP = Basemap("none", "无底图", "No basemap")


@dataclass(frozen=True)
class Offer:
    """The basemaps to offer and the configured ones refused, as (label, error) pairs."""

    basemaps: tuple[Basemap, ...]
    refused: tuple[tuple[str, ValidationError], ...] = ()


def offered_basemaps(
    config: BasemapConfig,
    *,
    local_url: str | None = None,
    local_info: tuple[str, int, int] | None = None,
    at: tuple[float, float] = (119.92, 28.45),
) -> Offer:
    """The basemaps ``config`` makes available, :data:`NO_BASEMAP` first (the default).

    ``local_url`` is the same-origin template the app serves the local file's tiles under
    and ``local_info`` its (name, min zoom, max zoom) (see :mod:`gis.basemap.tiles`); without them a
    configured file is not offered. A service that fails :func:`check_service` is refused.
    """
    offered: list[Basemap] = [NO_BASEMAP]
    refused: list[tuple[str, ValidationError]] = []
    if config.tianditu_key:
        try:
            key = check_tianditu_key(config.tianditu_key)
        except ValidationError as exc:
            refused.append(("天地图", exc))
        else:
            for code, (base, notes) in TIANDITU_SETS.items():
                zh, en = (
                    ("天地图 矢量", "Tianditu map")
                    if base == "vec"
                    else ("天地图 影像", "Tianditu imagery")
                )
                layers = tuple(
                    TileTemplate(
                        tianditu_template(name, key), TIANDITU_SUBDOMAINS, TIANDITU_MAX_ZOOM
                    )
                    for name in (base, notes)
                )
                offered.append(Basemap(code, zh, en, "remote", layers, TIANDITU_ATTRIBUTION))
    if config.service is not None:
        label = config.service.name or urlsplit(config.service.url).hostname or "XYZ"
        try:
            service = check_service(config.service, at=at)
        except ValidationError as exc:
            refused.append((label, exc))
        else:
            subdomains = tuple(service.subdomains)
            layer = TileTemplate(service.url, subdomains, int(service.max_zoom))
            offered.append(
                Basemap("service", label, label, "remote", (layer,), service.attribution)
            )
    if config.file_path and local_url and local_info:
        name, min_zoom, max_zoom = local_info
        label = name or Path(config.file_path).stem
        layer = TileTemplate(local_url, (), max_zoom, min_zoom)
        offered.append(
            Basemap(
                "file",
                label,
                label,
                "local",
                (layer,),
                config.file_attribution,
                local_path=config.file_path,
            )
        )
    return Offer(tuple(offered), tuple(refused))


def settings_with_config(
    settings: pd.DataFrame, config: BasemapConfig, *, author: str, now: str
) -> pd.DataFrame:
    """``settings`` with the :data:`SETTINGS_KEY` row replaced by ``config``."""
    others = settings[settings["key"] != SETTINGS_KEY] if len(settings) else settings
    row = pd.DataFrame(
        [{"key": SETTINGS_KEY, "value_json": config.to_json(), "updated_at": now, "author": author}]
    )
    frames = [f for f in (others, row) if len(f)]
    return pd.concat(frames, ignore_index=True)[list(settings.columns)]


def save_config(store, config: BasemapConfig, *, actor: Actor, now: str | None = None) -> int:
    """Write ``config`` (checked: a bad service or key raises, nothing is written) to the
    store's ``settings`` layer through :meth:`ParkStore.transaction`; the new data version.
    Needs ``settings`` (an administrator's); the author is ``actor.author``."""
    audit = guard.permit(store, actor, "settings", "save_settings", target=SETTINGS_KEY)
    author = actor.author
    if config.tianditu_key:
        config = replace(config, tianditu_key=check_tianditu_key(config.tianditu_key))
    if config.service is not None:
        config = replace(config, service=check_service(config.service))
    now = now or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def change(frames: dict) -> dict:
        return {
            "settings": settings_with_config(frames["settings"], config, author=author, now=now)
        }

    return store.transaction(("settings",), change, audit=audit)
