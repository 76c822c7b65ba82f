"""Basemaps (#18): 天地图 templates, XYZ/WMTS validation, GCJ-02/BD-09 refusal, local tiles
files (MBTiles y-flip, folders), the app's tile route, settings, the map and the PDF.

Every tiles file is made here (:func:`make_mbtiles`): synthetic fields with a magenta
marker whose centre is at a known lon/lat — no imagery is downloaded or committed.
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import sqlite3
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader
from pyproj import Transformer

from gis._errors import ValidationError
from gis.basemap import sources, tiles
from gis.basemap.sources import BasemapConfig, ServiceConfig
from gis.crs import AREA_CRS
from gis.i18n import error_text, t
from gis.meeting import pack_files, pack_style
from gis.store import ParkStore
from layers.assets import asset_urls
from layers.parkmap import build_park_map
from tests.actors import ADMINISTRATOR
from ui.session import ACTOR_KEY

SHOTS = Path("/tmp/shots")
MAGENTA = (255, 0, 255)
FIELDS = ((122, 150, 92), (160, 142, 104), (98, 128, 80), (140, 160, 110))
MARKER_RADIUS = 3  # px, a filled disc
RING = (7, 9)  # px, inner and outer radius of the ring around it


# ---------------------------------------------------------------- a tiles file made here
def tile_image(z: int, x: int, y: int, marker: tuple[float, float] | None) -> bytes:
    """A 256 px tile: fields ~150 m wide (the same ground at every zoom) and the marker."""
    gy, gx = np.mgrid[0:256, 0:256].astype(float) + 0.5
    gx, gy = gx + x * 256, gy + y * 256
    at14 = 2.0 ** (14 - z)  # the same ground pattern at every zoom
    index = ((gx * at14 // 48) + 2 * (gy * at14 // 48)).astype(int) % len(FIELDS)
    rgb = np.array(FIELDS, dtype=np.uint8)[index]
    if marker is not None:
        mx, my = tiles.lonlat_to_pixel(*marker, z)
        d = np.hypot(gx - mx, gy - my)
        rgb[(d <= MARKER_RADIUS) | ((d >= RING[0]) & (d <= RING[1]))] = MAGENTA
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def tiles_over(bounds: tuple[float, float, float, float], z: int):
    minx, miny, maxx, maxy = bounds
    x0, y0 = (int(v // 256) for v in tiles.lonlat_to_pixel(minx, maxy, z))
    x1, y1 = (int(v // 256) for v in tiles.lonlat_to_pixel(maxx, miny, z))
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            yield x, y


def make_mbtiles(
    path: Path,
    bounds: tuple[float, float, float, float],
    *,
    marker: tuple[float, float] | None,
    zooms: range = range(13, 18),
    name: str = "测试影像",
    attribution: str = "© 测绘局 <测试>",
) -> Path:
    """An MBTiles file over ``bounds`` (lon/lat) with rows in the TMS scheme; an existing
    file gains the tiles of ``zooms``."""
    con = sqlite3.connect(path)
    if not con.execute("SELECT name FROM sqlite_master WHERE name='tiles'").fetchone():
        con.executescript(
            "CREATE TABLE metadata (name TEXT, value TEXT);"
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
            " tile_data BLOB);"
        )
        meta = {"name": name, "format": "png", "attribution": attribution}
        meta["bounds"] = ",".join(str(v) for v in bounds)
        con.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    for z in zooms:
        for x, y in tiles_over(bounds, z):
            row = (1 << z) - 1 - y  # TMS
            con.execute(
                "INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, row, tile_image(z, x, y, marker))
            )
    con.commit()
    con.close()
    return path


def marker_centre(rgb: np.ndarray) -> tuple[float, float]:
    """The centre (x, y, continuous pixel coordinates) of the magenta pixels of ``rgb``."""
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    ys, xs = np.nonzero((r > 200) & (g < 60) & (b > 200))
    assert len(xs) > 20, "no marker drawn"
    return float(xs.mean()) + 0.5, float(ys.mean()) + 0.5


# ---------------------------------------------------------------- 天地图 and templates
KEY = "0123456789abcdef0123456789abcdef"  # a made-up key of the right form


def test_tianditu_choices_carry_the_key_and_the_eight_subdomains():
    offer = sources.offered_basemaps(BasemapConfig(tianditu_key=KEY))
    codes = [b.code for b in offer.basemaps]
    assert codes == ["none", "tianditu_vec", "tianditu_img"]
    vec = offer.basemaps[1]
    assert [layer.url.split("/")[3] for layer in vec.layers] == ["vec_w", "cva_w"]
    assert all(f"tk={KEY}" in layer.url and "{s}" in layer.url for layer in vec.layers)
    assert vec.layers[0].subdomains == tuple("01234567")
    assert vec.hosts == tuple(f"t{i}.tianditu.gov.cn" for i in range(8))
    img = offer.basemaps[2]
    assert "LAYER=img" in img.layers[0].url and "LAYER=cia" in img.layers[1].url
    assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in img.layers[0].url


def test_no_key_no_tianditu_and_a_bad_key_is_refused():
    assert [b.code for b in sources.offered_basemaps(BasemapConfig()).basemaps] == ["none"]
    offer = sources.offered_basemaps(BasemapConfig(tianditu_key="x'; alert(1)"))
    assert [b.code for b in offer.basemaps] == ["none"]
    assert offer.refused[0][1].key == "bm_bad_key"


def test_environment_wins_over_the_settings():
    stored = BasemapConfig(tianditu_key="a" * 32, file_path="/stored.mbtiles")
    env = {
        sources.ENV_TIANDITU_KEY: KEY,
        sources.ENV_URL: "http://10.1.2.3/tiles/{z}/{x}/{y}.png",
        sources.ENV_NAME: "政务外网影像",
        sources.ENV_FILE: "/env.mbtiles",
    }
    config = sources.with_environment(stored, env)
    assert config.tianditu_key == KEY
    assert config.service.name == "政务外网影像"
    assert config.file_path == "/env.mbtiles"
    assert set(config.from_env) == {sources.ENV_TIANDITU_KEY, sources.ENV_URL, sources.ENV_FILE}
    assert sources.with_environment(stored, {}) == stored


def test_key_is_masked_to_its_last_four_characters():
    assert sources.mask_key(KEY) == "••••••••cdef"
    assert KEY[:-4] not in sources.mask_key(KEY)
    assert sources.mask_key("short") == "••••••••"
    assert sources.mask_key("") == ""


@pytest.mark.parametrize(
    ("url", "kind", "expected"),
    [
        ("https://img.example.gov.cn/t/{z}/{x}/{y}.png", "xyz", None),
        ("http://10.0.0.5/tms/{z}/{x}/{-y}.jpg", "xyz", None),
        (
            "http://10.0.0.5/wmts?REQUEST=GetTile&TILEMATRIX={TileMatrix}&TILEROW={TileRow}"
            "&TILECOL={TileCol}",
            "wmts",
            "http://10.0.0.5/wmts?REQUEST=GetTile&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
        ),
    ],
)
def test_valid_templates(url, kind, expected):
    assert sources.normalise_template(url, kind) == (expected or url)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("javascript:alert(1)//{z}/{x}/{y}", "bm_bad_url_scheme"),
        ("ftp://host/{z}/{x}/{y}.png", "bm_bad_url_scheme"),
        ("https://host/{z}/{x}.png", "bm_bad_url_missing"),
        ("https://host/{z}/{x}/{y}.png?k={key}", "bm_bad_url_placeholder"),
        ('https://host/{z}/{x}/{y}.png"><script>', "bm_bad_url_chars"),
    ],
)
def test_bad_templates_are_refused_with_their_message(url, key):
    with pytest.raises(ValidationError) as caught:
        sources.normalise_template(url, "xyz")
    assert caught.value.key == key
    assert error_text(caught.value, "zh") and error_text(caught.value, "en")


# ---------------------------------------------------------------- GCJ-02 / BD-09
def test_datum_conversions_match_the_published_reference_values():
    # Reference values of the widely used coordtransform library for (116.404, 39.915).
    assert sources.wgs84_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.41024449916938, 39.91640428150164), abs=1e-9
    )
    assert sources.gcj02_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41036949371029, 39.92133699351022), abs=1e-9
    )
    assert sources.bd09_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.39762729119315, 39.90865673957631), abs=1e-9
    )
    back = sources.gcj02_to_wgs84(*sources.wgs84_to_gcj02(119.92, 28.45))
    assert back == pytest.approx((119.92, 28.45), abs=1e-8)
    assert sources.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)  # outside China: unchanged


def test_gcj02_and_bd09_services_are_refused_naming_the_offset():
    gcj = ServiceConfig(url="https://tiles.example.cn/{z}/{x}/{y}.png", datum="gcj02")
    with pytest.raises(ValidationError) as caught:
        sources.check_service(gcj)
    # In 莲都 GCJ-02 is 500–1,100 m off (the issue); the message gives the computed figure.
    metres = caught.value.params["metres"]
    assert 500 <= metres <= 1100
    assert metres == round(sources.datum_offset_m("gcj02", 119.92, 28.45))
    assert f"{metres} 米" in error_text(caught.value, "zh")
    # 高德's host is GCJ-02 and 百度's BD-09 whatever the form says.
    amap = ServiceConfig(url="https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}")
    baidu = ServiceConfig(url="https://maponline0.bdimg.com/tile/?x={x}&y={y}&z={z}")
    for service, datum in ((amap, "GCJ-02"), (baidu, "BD-09")):
        offer = sources.offered_basemaps(BasemapConfig(service=service))
        assert [b.code for b in offer.basemaps] == ["none"]
        assert offer.refused[0][1].params["datum"] == datum
    bd = sources.datum_offset_m("bd09", 119.92, 28.45)
    assert 500 <= bd <= 1200 and bd > metres


def test_a_cgcs2000_service_is_offered_with_its_host_only():
    service = ServiceConfig(
        url="http://10.8.0.2:8080/img/{z}/{x}/{y}.png", name="政务外网", attribution="浙江"
    )
    (none, offered) = sources.offered_basemaps(BasemapConfig(service=service)).basemaps
    assert none.kind == "none" and offered.kind == "remote"
    assert offered.hosts == ("10.8.0.2:8080",)


# ---------------------------------------------------------------- local tiles
MARK = (119.9123456, 28.4567891)
BOUNDS = (119.905, 28.450, 119.920, 28.463)


def test_mbtiles_rows_are_flipped_and_folders_are_xyz(tmp_path):
    path = make_mbtiles(tmp_path / "t.mbtiles", BOUNDS, marker=MARK, zooms=range(15, 16))
    tileset = tiles.open_tiles(path)
    assert tileset.info.name == "测试影像" and tileset.info.min_zoom == 15
    px, py = tiles.lonlat_to_pixel(*MARK, 15)
    x, y = int(px // 256), int(py // 256)
    data = tileset.tile(15, x, y)
    assert data is not None
    image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    cx, cy = marker_centre(image)
    assert (cx, cy) == pytest.approx((px - x * 256, py - y * 256), abs=0.5)
    # The TMS row of this tile read as an XYZ row is another place (or nothing).
    assert tileset.tile(15, x, (1 << 15) - 1 - y) != data
    assert tileset.tile(15, -1, y) is None
    # The same tiles in a {z}/{x}/{y}.png folder read the same.
    folder = tmp_path / "folder"
    (folder / "15" / str(x)).mkdir(parents=True)
    (folder / "15" / str(x) / f"{y}.png").write_bytes(data)
    assert tiles.open_tiles(folder).tile(15, x, y) == data
    with pytest.raises(ValidationError):
        tiles.open_tiles(tmp_path / "missing.mbtiles")
    (tmp_path / "bad.mbtiles").write_bytes(b"not sqlite at all" * 10)
    with pytest.raises(ValidationError) as caught:
        tiles.open_tiles(tmp_path / "bad.mbtiles")
    assert caught.value.key == "bm_bad_tiles_file"


def test_the_tile_route_serves_published_files_only(tmp_path):
    path = make_mbtiles(tmp_path / "t.mbtiles", BOUNDS, marker=None, zooms=range(14, 15))
    x, y = next(iter(tiles_over(BOUNDS, 14)))
    assert tiles.serve_tile(tiles.token_for(path), 14, x, y) is None  # not published yet
    token = tiles.publish(path)
    data, media_type = tiles.serve_tile(token, 14, x, y)
    assert media_type == "image/png" and data.startswith(b"\x89PNG")
    assert tiles.serve_tile(token, 14, x + 50, y) is None
    assert str(tmp_path) not in tiles.url_template(token, "/base")
    assert tiles.url_template(token, "/base") == f"/base/park-tiles/{token}/{{z}}/{{x}}/{{y}}"


def test_print_imagery_lines_up_with_projected_coordinates(tmp_path):
    path = make_mbtiles(tmp_path / "t.mbtiles", BOUNDS, marker=MARK, zooms=range(14, 18))
    to_m = Transformer.from_crs("EPSG:4326", AREA_CRS, always_xy=True)
    mx, my = to_m.transform(*MARK)
    extent = (mx - 400.0, my - 300.0, mx + 400.0, my + 300.0)
    image = tiles.imagery_for_extent(tiles.open_tiles(path), extent, AREA_CRS, width_px=800)
    assert image.shape == (600, 800, 4)  # 1 m per pixel
    cx, cy = marker_centre(image[..., :3])
    # The marker is at the centre of the extent: pixel (400, 300), within a pixel.
    assert (cx, cy) == pytest.approx((400.0, 300.0), abs=1.0)
    # 1 m/px at 28.46°N: zoom 17 (1.05 m/px) is the least as fine.
    assert tiles.choose_zoom(1.0, MARK[1], tiles.open_tiles(path).info) == 17


# ---------------------------------------------------------------- the map's HTML
ASSETS = asset_urls()


def test_map_offers_the_basemaps_with_none_chosen_and_text_escaped(sample_store_path):
    frames = ParkStore(sample_store_path).read_all()
    evil = 'Evil <img src=x onerror="alert(1)">'
    file_map = sources.Basemap(
        "file",
        evil,
        evil,
        "local",
        (sources.TileTemplate("/park-tiles/abc/{z}/{x}/{y}", (), 17, 13),),
        attribution="<b>测绘局</b> {{ 7*7 }}",
        local_path="/x.mbtiles",
    )
    offered = sources.offered_basemaps(BasemapConfig(tianditu_key=KEY)).basemaps
    html = build_park_map(frames, assets=ASSETS, basemaps=(*offered, file_map)).get_root().render()
    names = [
        json.loads(raw)
        for raw in re.findall(r'^\s*("(?:[^"\\]|\\.)*") : basemap_layer_', html, re.M)
    ]
    assert names == [
        "无底图(离线)",
        "天地图 矢量(需联网)",
        "天地图 影像(需联网)",
        "Evil &lt;img src=x onerror=&quot;alert(1)&quot;&gt;(本地文件)",  # Leaflet: innerHTML
    ]
    assert "<img src=x" not in html and "<b>测绘局" not in html
    assert "\\u0026lt;b\\u0026gt;测绘局\\u0026lt;/b\\u0026gt; {\\u007b 7*7 }}" in html
    # Only "no basemap" is added to the map: no tile is asked for until a user picks one.
    added = [line for line in html.splitlines() if ".addTo(map_" in line and "basemap" in line]
    assert len(added) == 1, added
    # Without a configured basemap the map has no base layer and no tile layer at all.
    plain = build_park_map(frames, assets=ASSETS).get_root().render()
    assert "L.tileLayer" not in plain and "无底图" not in plain


# ---------------------------------------------------------------- settings in the store
def test_settings_round_trip_and_refusal_writes_nothing(store_copy, tmp_path):
    store = ParkStore(store_copy)
    path = make_mbtiles(tmp_path / "t.mbtiles", BOUNDS, marker=None, zooms=range(14, 15))
    config = BasemapConfig(
        tianditu_key=KEY,
        service=ServiceConfig(
            url="http://10.0.0.5/wmts?M={TileMatrix}&R={TileRow}&C={TileCol}", kind="wmts"
        ),
        file_path=str(path),
    )
    sources.save_config(store, config, actor=ADMINISTRATOR)
    read = sources.config_from_settings(store.read("settings"))
    assert read.tianditu_key == KEY and read.file_path == str(path)
    other_key = KEY[::-1]
    sources.save_config(store, replace(config, tianditu_key=other_key), actor=ADMINISTRATOR)
    saved = store.audit_trail().iloc[-1]
    assert (saved["username"], saved["event"], saved["outcome"]) == ("admin", "save_settings", "ok")
    assert "tianditu_key" in saved["details"], "the change is named"
    assert KEY not in saved["details"] and other_key not in saved["details"], "keys masked"
    sources.save_config(store, config, actor=ADMINISTRATOR)
    assert read.service.url == "http://10.0.0.5/wmts?M={z}&R={y}&C={x}"
    version = store.data_version()
    bad = BasemapConfig(service=ServiceConfig(url="https://a.example/{z}/{x}/{y}", datum="bd09"))
    with pytest.raises(ValidationError):
        sources.save_config(store, bad, actor=ADMINISTRATOR)
    assert store.data_version() == version
    assert sources.config_from_settings(store.read("settings")) == read
    # The other settings rows are kept.
    keys = set(store.read("settings")["key"])
    assert sources.SETTINGS_KEY in keys


# ---------------------------------------------------------------- the meeting pack
def test_meeting_pack_draws_the_local_imagery_under_the_parcels(sample_store_path, tmp_path):
    frames = ParkStore(sample_store_path).read_all()
    parcels = frames["parcels"]
    bounds = tuple(parcels.total_bounds)
    pad = 0.01
    area = (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    path = make_mbtiles(tmp_path / "t.mbtiles", area, marker=None, zooms=range(12, 15))
    as_of = date(2021, 6, 30)
    options = pack_style.PackOptions(
        as_of=as_of, is_sample=True, imagery=(str(path), "© 测绘局 2021"), made_on=as_of
    )
    pdf = pack_files.meeting_pack_pdf(frames, options)
    page1 = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "底图：© 测绘局 2021" in page1
    plain = pack_files.meeting_pack_pdf(frames, pack_style.PackOptions(as_of=as_of, made_on=as_of))
    assert "底图" not in PdfReader(io.BytesIO(plain)).pages[0].extract_text()

    # Rendered, the map shows the fields' colours (imagery) where the plain pack has none.
    def field_share(data: bytes, name: str) -> float:
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            [
                *("pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile"),
                *(str(tmp_path / f"{name}.pdf"), str(tmp_path / name)),
            ],
            check=True,
        )
        png = tmp_path / f"{name}.png"
        if name == "imagery":
            SHOTS.mkdir(exist_ok=True)
            shutil.copyfile(png, SHOTS / "basemap-pdf.png")
        rgb = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3).astype(int)
        near = np.abs(rgb[:, None, :] - np.array(FIELDS)[None]).max(axis=2).min(axis=1)
        return float((near <= 4).mean())

    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm not found: run test.sh, which installs poppler-utils")
    assert field_share(pdf, "imagery") > 0.02
    assert field_share(plain, "plain") < 0.001


def test_an_unreadable_tiles_file_is_said_on_the_pdf_map(sample_store_path, tmp_path):
    frames = ParkStore(sample_store_path).read_all()
    as_of = date(2021, 6, 30)
    missing = str(tmp_path / "gone.mbtiles")
    options = pack_style.PackOptions(as_of=as_of, imagery=(missing, "x"), made_on=as_of)
    text = (
        PdfReader(io.BytesIO(pack_files.meeting_pack_pdf(frames, options))).pages[0].extract_text()
    )
    assert "找不到瓦片文件" in text


def test_zoom_choice_is_clamped_to_the_file():
    info = tiles.TilesInfo("x", "", 12, 16, None)
    assert tiles.choose_zoom(0.1, 28.45, info) == 16
    assert tiles.choose_zoom(10_000.0, 28.45, info) == 12
    # 156543.03 m/px at zoom 0 on the equator; at 28.45°N zoom z gives 137,660 / 2**z m/px.
    per_px = tiles.EQUATOR_M_PER_PX * math.cos(math.radians(28.45))
    assert tiles.choose_zoom(per_px / 2**14, 28.45, tiles.TilesInfo("x", "", 0, 20, None)) == 14


# ---------------------------------------------------------------- the settings section
def test_settings_section_saves_masks_the_key_and_refuses_gcj02(store_copy, tmp_path, monkeypatch):
    from tests.apptest_kit import assert_no_exception, texts
    from tests.test_data_page import RUN_TIMEOUT, open_page

    for name in sources.ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    path = make_mbtiles(tmp_path / "t.mbtiles", BOUNDS, marker=None, zooms=range(14, 16))
    at = open_page("zh")
    at.session_state["data_tabs_zh"] = t("tab_basemap", "zh")
    at.run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    # A data manager sees the basemaps offered, not the settings: an administrator's (#13).
    assert t("roles_need_admin", "zh") in texts(at.caption)
    assert not [b for b in at.button if b.key == "bm_save"]
    at.session_state[ACTOR_KEY] = ADMINISTRATOR
    at.run(timeout=RUN_TIMEOUT)
    assert t("bm_key_none", "zh") in texts(at.caption)

    # A GCJ-02 service is refused with the offset; nothing is written.
    version = ParkStore(store_copy).data_version()
    at.text_input(key="bm_url").set_value("https://tiles.example.cn/{z}/{x}/{y}.png")
    at.selectbox(key="bm_datum").set_value("gcj02")
    at.button(key="bm_save").click().run(timeout=RUN_TIMEOUT)
    assert any("GCJ\\-02" in e and "米" in e for e in texts(at.error)), texts(at.error)
    assert ParkStore(store_copy).data_version() == version

    # A key, a CGCS2000 service and the file are saved; the key is shown masked only.
    at.text_input(key="bm_key_input").set_value(KEY)
    at.selectbox(key="bm_datum").set_value("cgcs2000")
    at.text_input(key="bm_name").set_value("政务外网")
    at.text_input(key="bm_path").set_value(str(path))
    at.button(key="bm_save").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    stored = sources.config_from_settings(ParkStore(store_copy).read("settings"))
    assert stored.tianditu_key == KEY and stored.file_path == str(path)
    assert stored.service.name == "政务外网"
    assert t("bm_key_current", "zh", masked="••••••••cdef") in texts(at.caption)
    shown = [*texts(at.caption), *texts(at.markdown), *(w.value for w in at.text_input)]
    assert not any(KEY in str(s) for s in shown)
    offered = " ".join(texts(at.markdown))
    for label in ("天地图 矢量(需联网)", "政务外网(需联网)", "测试影像(本地文件)"):
        assert label.replace("(", "\\(").replace(")", "\\)") in offered, offered
