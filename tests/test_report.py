"""The meeting pack (gis.meeting.pack_files): PDF pages, Chinese text, rendering, and the workbook."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import shapely
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from gis.meeting import annotations as meeting_annotations
from gis.meeting import pack as meeting_pack
from gis.meeting import pack_files, pack_map, pack_style
from gis.store import ParkStore
from tests.actors import ACTOR

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2021, 6, 30)
#: A rendering of the map page, kept for people to look at (not compared).
PREVIEW = ROOT / "docs" / "meeting-pack-page1.png"


@pytest.fixture(scope="module")
def pack_store(sample_store_path, tmp_path_factory) -> ParkStore:
    """The sample park with two decisions of one meeting sketched on it."""
    path = tmp_path_factory.mktemp("pack") / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    store = ParkStore(path)
    parcels = store.read("parcels").to_crs("EPSG:4326")
    target = parcels.iloc[0]
    meeting_annotations.add_annotation(
        store,
        shapely.affinity.scale(target.geometry, 0.6, 0.6),
        meeting_annotations.AnnotationInput(
            "限期三个月内开工，否则启动收回程序", "2021-07-01", "规划科", target.code
        ),
        actor=ACTOR,
    )
    meeting_annotations.add_annotation(
        store,
        target.geometry.centroid,
        meeting_annotations.AnnotationInput("现场踏勘", "2021-07-01", "规划科"),
        actor=ACTOR,
    )
    return store


@pytest.fixture(scope="module")
def pack(pack_store) -> tuple[bytes, pack_style.PackOptions]:
    options = pack_style.PackOptions(
        as_of=AS_OF, lang="zh", is_sample=True, meeting_date=date(2021, 7, 1), made_on=AS_OF
    )
    return pack_files.meeting_pack_pdf(pack_store.read_all(), options), options


def test_pdf_has_the_expected_pages_and_chinese_text(pack, pack_store):
    data, _ = pack
    frames = pack_store.read_all()
    overdue = meeting_pack.overdue_parcels(frames, AS_OF)
    assert len(overdue) > 0
    # Map; key figures with targets; the overdue list (20 rows a page); the decision log.
    expected = 1 + 1 + math.ceil(len(overdue) / pack_files.ROWS_PER_PAGE) + 1
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == expected
    assert pack_files.pdf_page_count(data) == expected
    assert reader.metadata.title == "园区建设推进会议材料"
    for page in reader.pages:  # A4 landscape, in points
        assert round(float(page.mediabox.width)) == 842
        assert round(float(page.mediabox.height)) == 595

    texts = [page.extract_text() for page in reader.pages]
    first = texts[0]
    for words in ("园区建设推进会议材料", "数据截至 2021-06-30", "出让状态", "交地", "万洋区块"):
        assert words in first, words
    assert ("示意数据" in first and "北" in first and "km" in first) or " m" in first
    assert "关键指标" in texts[1] and "年度目标完成情况" in texts[1] and "工业用地出让" in texts[1]
    assert "逾期与闲置地块" in texts[2] and overdue.iloc[0]["code"] in texts[2]
    assert "会议决定记录" in texts[-1] and "限期三个月内开工" in texts[-1]
    assert all(f"第 {n} 页" in text for n, text in enumerate(texts, 1))


def test_pdf_embeds_a_truetype_cjk_font(pack):
    data, _ = pack
    reader = PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descendants = [
        f.get_object()["/DescendantFonts"][0].get_object()
        for f in fonts.values()
        if "/DescendantFonts" in f.get_object()
    ]
    assert descendants, "no CID font embedded"
    for font in descendants:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded, not referenced by name
        # TrueType outlines: the embedded file must not be CFF ("OTTO") declared as TrueType.
        assert descriptor["/FontFile2"].get_object().get_data()[:4] != b"OTTO"


def test_pdf_renders_with_poppler(pack, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm not found: run test.sh, which installs poppler-utils")
    data, _ = pack
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(data)
    result = subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Mismatch" not in result.stderr, result.stderr  # a font poppler had to patch up
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    image = Image.open(pages[0]).convert("RGB")
    assert image.width > image.height  # landscape
    pixels = np.asarray(image.resize((image.width // 4, image.height // 4))).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 50, "the map page looks blank"
    # The sale-status colour of delivered land (#1e88e5) is painted on the map.
    delivered = np.array([0x1E, 0x88, 0xE5])
    assert (np.abs(pixels.astype(int) - delivered).max(axis=1) <= 40).mean() > 0.01
    PREVIEW.parent.mkdir(exist_ok=True)
    shutil.copyfile(pages[0], PREVIEW)


def test_xlsx_has_the_same_tables(pack_store):
    options = pack_style.PackOptions(as_of=AS_OF, lang="zh", meeting_date=date(2021, 7, 1))
    book = load_workbook(io.BytesIO(pack_files.meeting_pack_xlsx(pack_store.read_all(), options)))
    assert book.sheetnames == ["关键指标", "年度目标完成情况", "逾期与闲置地块", "会议决定记录"]
    overdue = meeting_pack.overdue_parcels(pack_store.read_all(), AS_OF)
    sheet = book["逾期与闲置地块"]
    assert sheet.max_row == len(overdue) + 1
    assert [c.value for c in sheet[1]][:2] == ["地块编号", "区块"]
    notes = [row[1] for row in book["会议决定记录"].iter_rows(min_row=2, values_only=True)]
    assert sorted(notes) == ["现场踏勘", "限期三个月内开工，否则启动收回程序"]


def test_english_pack(pack_store):
    options = pack_style.PackOptions(as_of=AS_OF, lang="en", title="Committee meeting")
    data = pack_files.meeting_pack_pdf(pack_store.read_all(), options)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Committee meeting" in text and "Land-sale status" in text and "Delivered" in text


def test_missing_cjk_font_is_a_clear_error(monkeypatch, pack_store):
    pack_style.cjk_font_family.cache_clear()
    monkeypatch.setattr(pack_style, "CJK_FAMILIES", ("No Such Font",))
    monkeypatch.setattr(pack_style, "CJK_FONT_FILES", ())
    try:
        with pytest.raises(pack_style.ReportError) as info:
            pack_files.meeting_pack_pdf(pack_store.read_all(), pack_style.PackOptions(as_of=AS_OF))
        assert info.value.key == "mtg_pack_font_missing"
    finally:
        pack_style.cjk_font_family.cache_clear()
        pack_style._bold.cache_clear()


@pytest.mark.parametrize(("span", "length"), [(900, 100), (4000, 500), (12000, 2000), (60, 10)])
def test_scale_bar_lengths_are_round(span, length):
    assert pack_map.nice_length(span) == length


def test_pack_with_a_saved_scenario(sample_store_path, tmp_path):
    from gis.reuse import run, scenarios

    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    store = ParkStore(path)
    scenarios.ensure_baseline(store, store.read_all(), actor=ACTOR)
    sid = scenarios.save_scenario(
        store, run.run_scenario(store.read_all()), name="全部盘活方案", actor=ACTOR
    )
    frames = store.read_all()
    table = meeting_pack.scenario_comparison(frames, [sid])
    assert "全部盘活方案" in table.columns and "全部盘活方案 较基准变化" in table.columns
    options = pack_style.PackOptions(as_of=AS_OF, scenario_ids=(sid,))
    reader = PdfReader(io.BytesIO(pack_files.meeting_pack_pdf(frames, options)))
    last = reader.pages[-1].extract_text()
    assert "盘活方案对比" in last and "全部盘活方案" in last
    book = load_workbook(io.BytesIO(pack_files.meeting_pack_xlsx(frames, options)))
    assert book.sheetnames[-1] == "盘活方案对比"
