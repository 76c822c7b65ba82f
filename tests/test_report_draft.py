"""The work-report draft (.docx, issue #17 items 1 and 3): its numbers on the hand-built
park, read back with python-docx; the GB/T 9704 fonts, sizes and margins; gaps where data
are missing; the command line; the meeting page's download."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from streamlit.testing.v1 import AppTest

from gis import schema
from gis._errors import ValidationError
from gis.i18n import t
from gis.report_draft import figures
from gis.report_draft.docx import report_docx
from gis.store import ParkStore
from tests.apptest_kit import assert_clean, signed_in
from tests.partial_parks import build_partial_store
from tests.tiny_park import tiny_park

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2021, 6, 30)


def _rows(spec, rows):
    return pd.DataFrame({c: [r.get(c) for r in rows] for c in spec.column_names})


def tiny_frames() -> dict:
    """The tiny park plus, in 2021 H1: P2 (一号区块, 10 000 m² = 15.0 亩, industrial) sold on
    2021-05-20, P3 (二号<区块>, no certificate: 300 m × 100 m = 45.0 亩, warehouse) sold on
    2021-04-15; E1's Jan–Jun gross output 5 000万元 in 2020 and 4 600万元 in 2021."""
    frames = tiny_park()
    events = frames["status_events"]
    more = _rows(
        schema.STATUS_EVENTS,
        [
            dict(
                event_id=2,
                parcel_code="P3",
                field="sale_status",
                old_status="LISTED",
                new_status="SOLD",
                effective_date="2021-04-15",
                recorded_at="2021-04-16T09:00:00",
                author="测试员",
                note="",
            ),
            dict(
                event_id=3,
                parcel_code="P2",
                field="sale_status",
                old_status="PLANNED",
                new_status="SOLD",
                effective_date="2021-05-20",
                recorded_at="2021-05-21T09:00:00",
                author="测试员",
                note="",
            ),
        ],
    )
    frames["status_events"] = pd.concat([events, more], ignore_index=True)
    frames["period_figures"] = _rows(
        schema.PERIOD_FIGURES,
        [
            dict(
                subject_kind="enterprise", subject_id="E1", year=2020, months=6, output_wan=5000.0
            ),
            dict(
                subject_kind="enterprise", subject_id="E1", year=2021, months=6, output_wan=4600.0
            ),
        ],
    )
    return frames


def paragraphs(data: bytes) -> list:
    return docx.Document(io.BytesIO(data)).paragraphs


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in paragraphs(data))


# ------------------------------------------------------------------ periods
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2021H1", date(2021, 1, 1), date(2021, 6, 30)),
        ("2021H2", date(2021, 7, 1), date(2021, 12, 31)),
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2021Q1", date(2021, 1, 1), date(2021, 3, 31)),
        ("2021q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("2021-02-03..2021-05-06", date(2021, 2, 3), date(2021, 5, 6)),
    ],
)
def test_periods(text, start, end):
    period = figures.parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "text", ["2021H3", "2021Q5", "H1", "", "2021-06-30..2021-01-01", "2021-02-30..2021-03-01"]
)
def test_bad_periods_are_refused(text):
    with pytest.raises(ValidationError) as caught:
        figures.parse_period(text)
    assert caught.value.key == "rd_bad_period"


# ------------------------------------------------------------------ numbers
def test_numbers_equal_the_hand_computed_ones():
    text = text_of(report_docx(tiny_frames(), "2021H1", AS_OF, park_name="测试园区"))
    assert "测试园区2021年上半年工作总结和下半年工作思路" in text
    # land sold in the period: P2 15.0 亩 + P3 45.0 亩, by block
    assert "完成2宗土地出让工作（一号区块P2地块、二号<区块>P3地块），累计60.0亩。" in text
    # 同比: (4600 − 5000) / 5000 = −8.0 %; E1 is the only (above-size) firm
    assert "2021年上半年，园区实现工业总产值4,600万元，同比下降8.0%。" in text
    assert "规上工业产值4,600万元，同比下降8.0%。" in text
    # the land target counts industrial land only: P2's 15.0 of 100 亩
    assert "工业用地出让：年度目标100亩，已完成15.0亩，完成率15.0%，全年尚需完成85.0亩。" in text
    # the appendix names the records
    assert "依据记录：P2, P3。" in text


def test_a_rise_reads_zengzhang_and_a_year_before_with_nothing_is_a_gap():
    frames = tiny_frames()
    frames["period_figures"].loc[1, "output_wan"] = 5600.0  # +12.0 %
    text = text_of(report_docx(frames, "2021H1", AS_OF))
    assert "工业总产值5,600万元，同比增长12.0%。" in text
    frames["period_figures"] = frames["period_figures"].iloc[[1]]
    text = text_of(report_docx(frames, "2021H1", AS_OF))
    assert "工业总产值5,600万元，同比【待补充：上年同期数据】。" in text


def test_land_in_another_period_and_as_of_before_the_sale():
    # 2019 H1: only P1 sold (2019-02-01, 30 000 m² = 45.0 亩) and delivered (2019-05-01)
    text = text_of(report_docx(tiny_frames(), "2019H1", date(2019, 6, 30)))
    assert "完成1宗土地出让工作（一号区块P1地块），累计45.0亩。交地1宗45.0亩；" in text
    # as of 2021-05-01 P2 (sold 05-20) is not sold yet
    text = text_of(report_docx(tiny_frames(), "2021H1", date(2021, 5, 1)))
    assert "完成1宗土地出让工作（二号<区块>P3地块），累计45.0亩。" in text


# ------------------------------------------------------------------ layout
def _east_asian(run_or_style) -> str | None:
    rpr = run_or_style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_fonts_sizes_and_margins_follow_gb_t_9704():
    data = report_docx(tiny_frames(), "2021H1", AS_OF, is_sample=True)
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    sizes = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    # Word keeps lengths in twentieths of a point: compare to a tenth of a millimetre
    assert [round(x.mm, 1) for x in sizes] == [210.0, 297.0, 37.0, 35.0, 28.0, 26.0]
    normal = document.styles["Normal"]
    assert normal.font.name == "仿宋_GB2312" and _east_asian(normal) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    by_text = {p.text: p for p in document.paragraphs}

    def run_of(text):
        (run,) = by_text[text].runs
        return run.font.name, _east_asian(run), run.font.size

    title = t("rd_title", "zh", park=t("rd_title_park", "zh"), period="2021年上半年", next="下半年")
    assert run_of(title) == ("方正小标宋简体", "方正小标宋简体", Pt(22))
    assert run_of(t("rd_h1_targets", "zh")) == ("黑体", "黑体", Pt(16))
    assert run_of(t("rd_h2_land", "zh")) == ("楷体_GB2312", "楷体_GB2312", Pt(16))
    body = next(p for p in document.paragraphs if p.text.startswith("完成2宗土地出让"))
    assert run_of(body.text) == ("仿宋_GB2312", "仿宋_GB2312", Pt(16))
    # the sample's mark is on the cover, above the title
    texts = [p.text for p in document.paragraphs]
    assert "示意数据" in texts[0] and texts.index(title) == 1


def test_no_sample_mark_for_own_data():
    assert "示意数据" not in text_of(report_docx(tiny_frames(), "2021H1", AS_OF))


# ------------------------------------------------------------------ missing data
def test_missing_figures_give_marked_gaps(tmp_path):
    path = build_partial_store("no_figures", tmp_path / "park.gpkg")
    text = text_of(report_docx(ParkStore(path).read_all(), "2021H1", AS_OF))
    assert "园区实现工业总产值【待补充：2021年1–6月累计统计数据（月报或年报）】。" in text
    assert f"“亩均论英雄”评价：【待补充：{t('rd_gap_eval', 'zh')}】。" in text
    assert "【待补充：企业准入批次及家数（库中无准入记录）】" in text
    assert "库中尚缺的数据：" in text  # the appendix lists what to import


def test_an_empty_store_gives_gaps_not_numbers(tmp_path):
    path = build_partial_store("empty", tmp_path / "park.gpkg")
    text = text_of(report_docx(ParkStore(path).read_all(), "2021", date(2021, 12, 31)))
    assert "本年度尚未设定目标【待补充：年度目标任务】。" in text
    assert "报告期内无土地成交。" in text
    assert "【待补充：2021年1–12月累计统计数据（月报或年报）】" in text


# ------------------------------------------------------------------ command line, page
def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gis", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )


def test_cli_writes_the_sample_report(sample_store_path, tmp_path):
    out = tmp_path / "report.docx"
    done = run_cli(
        "report",
        "--period",
        "2021H1",
        "--as-of",
        "2021-06-30",
        "--out",
        str(out),
        "--db",
        str(sample_store_path),
    )
    assert done.returncode == 0, done.stderr
    assert t("cli_report_written", "zh", path=str(out)) in done.stdout
    text = text_of(out.read_bytes())
    assert text.startswith(t("rd_sample_mark", "zh"))
    assert "2021年上半年工作总结和下半年工作思路" in text
    assert "完成4宗土地出让工作" in text  # the sample's 12B, 12C, D07, A3 (as the seed)


def test_cli_refuses_a_bad_period(sample_store_path, tmp_path):
    out = tmp_path / "report.docx"
    done = run_cli(
        "report", "--period", "2021H3", "--out", str(out), "--store", str(sample_store_path)
    )
    assert done.returncode == 1
    assert t("rd_bad_period", "zh", period="2021H3") in done.stderr
    assert not out.exists()


def test_meeting_page_offers_the_download(sample_store_path, tmp_path, monkeypatch):
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    monkeypatch.setenv("PARK_DB", str(path))
    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90))
    at.run(timeout=90)
    at.switch_page("pages/views/meeting.py").run(timeout=90)
    assert_clean(at)
    assert at.selectbox(key="rd_period").value == "2021H1"  # the sidebar's 2021-06-30
    buttons = at.get("download_button")
    assert any(t("rd_section_download", "zh") in str(b.proto.label) for b in buttons)
