"""A park of one's own in headless Chromium: from ``python -m gis new`` to every page working.

Everything goes through the app's own UI: the 数据 page's 导入 tab for the boundary (KML),
blocks (GeoJSON), parcels (a GBK shapefile with Chinese column names, statuses and dates),
the plant and its vacant space (GeoJSON) and the enterprises (XLSX); its 企业经济数据 tab
for the yearly and the 1–6月 figures (XLSX); the 闲置盘活 page's Excel upload for the
candidates. The targets are saved with :func:`gis.targets.definitions.save_targets` (what the 目标与亩均
page's table editor calls): typing into Streamlit's canvas table is not what this test is
about. Then each page shows the figures computed by hand in ``tests/own_park_files.py``,
and the map on 2018-12-31 shows D01 as 成交.

Screenshots: ``/tmp/shots/e2e-*.png``; the 数据 page right after ``gis new`` and after the
imports are copied to ``docs/screenshot-onboarding-empty.png`` and
``docs/screenshot-onboarding-complete.png``. Widgets are found by their labels, taken from
the message catalogue (``gis.i18n.t``), so a reworded label does not break the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gis import onboarding, schema
from gis.i18n import t
from gis.store import ParkStore
from gis.targets import definitions
from tests import own_park_files as files
from tests.actors import ACTOR
from tests.browser_kit import (
    MAP_TIMEOUT_S,
    choose_selectbox,
    map_frame,
    record_foreign_requests,
)
from tests.conftest import serve_app
from tests.test_own_park_flow import gis_new

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path("/tmp/shots")
DOCS = ROOT / "docs"
VIEWPORT = {"width": 1600, "height": 1800}
AS_OF_QUERY = f"?as_of={files.AS_OF.isoformat()}"
ZH = "zh"
TIP_JS = """(code) => {
  const layer = window.parkLayers.parcels.getLayers()
      .find(l => l.feature.properties.c === code);
  if (!layer) return null;
  layer._map.fitBounds(layer.getBounds(), {maxZoom: 17});
  layer.openTooltip(layer.getBounds().getCenter());
  const tip = document.querySelector('.leaflet-tooltip');
  return tip ? tip.innerText : null;
}"""
CODES_JS = "() => window.parkLayers.parcels.getLayers().map(l => l.feature.properties.c).sort()"


def shot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"e2e-{name}.png"
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    return path


def goto(page, url: str, path: str) -> None:
    page.goto(f"{url}{path}{AS_OF_QUERY}", wait_until="domcontentloaded")


def layer_label(layer: str) -> str:
    return schema.layer_spec(layer).label_zh


def wait_enabled(page, label: str) -> None:
    page.wait_for_function(
        "(label) => [...document.querySelectorAll('button')].some("
        "b => b.innerText.trim() === label && !b.disabled)",
        arg=label,
    )


def upload_to(page, uploader_label: str, upload: files.Upload) -> None:
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=uploader_label)
    uploader.locator('input[type="file"]').set_input_files(
        files=[{"name": upload.name, "mimeType": upload.mime, "buffer": upload.data}]
    )


def import_geodata(page, url: str, upload: files.Upload) -> None:
    """Upload one file on the 导入 tab, pick its layer, import; wait for the success line."""
    goto(page, url, "/data")
    page.get_by_text(t("data_heading", ZH)).wait_for()
    upload_to(page, t("import_upload", ZH), upload)
    page.get_by_text(f"已读取“{upload.name}”").wait_for()
    choose_selectbox(page, t("import_target", ZH), layer_label(upload.layer))
    page.wait_for_function(
        "(v) => [...document.querySelectorAll('input[aria-label]')].some("
        "i => i.getAttribute('aria-label').startsWith(v[0]) && i.value === v[1])",
        arg=[t("import_target", ZH), layer_label(upload.layer)],
    )
    page.wait_for_timeout(1500)  # the rerun the choice started
    wait_enabled(page, t("import_button", ZH))
    page.get_by_role("button", name=t("import_button", ZH), exact=True).click()
    page.get_by_text("导入完成").wait_for()


def import_figures(page, url: str, upload: files.Upload) -> None:
    goto(page, url, "/data")
    page.get_by_role("tab", name=t("tab_figures", ZH)).click()
    page.get_by_text(t("fig_template", ZH)).wait_for()
    label = layer_label(upload.layer)
    if upload.layer != "enterprise_years":  # the first table is chosen already
        choose_selectbox(page, t("fig_layer", ZH), label)
        page.wait_for_function(
            '(v) => document.querySelector(`input[aria-label="${v[0]}"]`).value === v[1]',
            arg=[t("fig_layer", ZH), label],
        )
        page.wait_for_timeout(1500)
    upload_to(page, t("fig_upload", ZH), upload)
    page.get_by_text(f"已读取“{upload.name}”").wait_for()
    wait_enabled(page, t("fig_button", ZH))
    page.get_by_role("button", name=t("fig_button", ZH)).click()
    page.get_by_text("导入完成").wait_for()


def metric_value(page, label: str) -> str:
    card = page.get_by_test_id("stMetric").filter(has_text=label)
    card.wait_for()
    return card.get_by_test_id("stMetricValue").inner_text()


def shown_number(text: str, unit: str) -> float:
    """The number of a metric such as ``21.0 亩`` (the page writes 1.0 as ``1``)."""
    value, shown_unit = text.split(" ", 1)
    assert shown_unit == unit, text
    return float(value.replace(",", ""))


def test_own_park_from_nothing_to_every_page(browser, tmp_path):
    store_path = tmp_path / "park.gpkg"
    gis_new(store_path)
    store = ParkStore(store_path)
    with serve_app(store_path, tmp_path) as server:
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(MAP_TIMEOUT_S * 1000)
        foreign = record_foreign_requests(page, server.url)
        try:
            # The empty park: the 数据 page right after `gis new`.
            goto(page, server.url, "/data")
            page.get_by_text(t("data_heading", ZH)).wait_for()
            page.get_by_test_id("stFileUploader").first.wait_for()
            empty_shot = shot(page, "onboarding-empty")
            missing = onboarding.missing_messages(store.read_all(), year=files.AS_OF.year, lang=ZH)
            assert len(missing) == len(onboarding.PIECES)
            for message in missing:  # every piece says what to import, and where
                page.get_by_text(message).first.wait_for()

            for upload in files.geodata_uploads(tmp_path):
                import_geodata(page, server.url, upload)
            for upload in files.figure_uploads():
                import_figures(page, server.url, upload)
            definitions.save_targets(
                store, files.targets_frame(), expected_version=store.data_version(), actor=ACTOR
            )
            # Candidates: the 闲置盘活 page's Excel upload, then save.
            goto(page, server.url, "/reuse")
            page.get_by_test_id("stRadio").locator("label").filter(
                has_text=t("reuse_tab_candidates", ZH)
            ).click()
            candidates = files.Upload("意向企业.xlsx", files.candidates_xlsx(), files.XLSX, "")
            upload_to(page, t("reuse_import", ZH), candidates)
            page.wait_for_timeout(1500)
            page.get_by_role("button", name=t("reuse_save_candidates", ZH)).click()
            page.get_by_text(t("reuse_candidates_saved", ZH, n=2)).wait_for()

            # The complete park: the 数据 page again.
            goto(page, server.url, "/data")
            page.get_by_text(t("data_heading", ZH)).wait_for()
            page.get_by_test_id("stFileUploader").first.wait_for()
            complete_shot = shot(page, "onboarding-complete")
            assert onboarding.missing_data(store.read_all(), year=files.AS_OF.year) == []
            still_shown = [m for m in missing if page.get_by_text(m).count()]

            # 一张图 on the as-of date: every parcel but D07 (sold after it).
            goto(page, server.url, "/")
            frame = map_frame(page)
            codes = frame.evaluate(CODES_JS)
            shot(page, "map")
            # 目标与亩均: 工业用地出让 21 亩 (D02 12 + D03 9), 有效投资 1.0 亿元.
            goto(page, server.url, "/targets")
            land = metric_value(page, definitions.DEFINITIONS["LAND_SOLD_MU"].label_zh)
            investment = metric_value(
                page, definitions.DEFINITIONS["EFFECTIVE_INVESTMENT_YI"].label_zh
            )
            shot(page, "targets")
            page.get_by_test_id("stRadio").locator("label").filter(
                has_text=t("section_evaluation", ZH)
            ).click()
            frame = map_frame(page, "() => !!(window.parkLayers && window.parkLayers.efficiency)")
            evaluation = page.get_by_test_id("stDataFrame").filter(has_text=files.FIRMS[0].name)
            evaluation.first.wait_for()
            summary = page.get_by_text(f"{files.EVALUATION_YEAR} 年度：参评企业").inner_text()
            classes = frame.evaluate(
                "() => window.parkLayers.efficiency.getLayers().map(l => l.feature.properties)"
            )
            shot(page, "evaluation")
            # 闲置盘活: run the matching; C01 goes to V01.
            goto(page, server.url, "/reuse")
            page.get_by_role("button", name=t("reuse_run", ZH)).click()
            # Only the 入驻安排 table names both a candidate and a space.
            placements = (
                page.get_by_test_id("stDataFrame").filter(has_text="C01").filter(has_text="V01")
            )
            placements.first.wait_for()
            placed_text = placements.first.text_content()  # the grid's cells for screen readers
            shot(page, "reuse")

            # The as-of map on 2018-12-31: only D01, sold (成交) and not yet delivered.
            goto(page, server.url, "/")
            map_frame(page)
            field = page.get_by_test_id("stDateInput").filter(has_text=t("as_of", ZH))
            field.get_by_role("spinbutton", name="year").click()
            early = files.EARLY
            page.keyboard.type(f"{early.year:04d}{early.month:02d}{early.day:02d}")
            page.get_by_role("heading").first.click()  # the field commits when it loses focus
            frame = map_frame(page, f"() => !!(window.parkLayers && ({CODES_JS})().length === 1)")
            early_codes = frame.evaluate(CODES_JS)
            frame.evaluate(TIP_JS, "D01")
            page.wait_for_timeout(800)
            tip = frame.evaluate(TIP_JS, "D01")
            shot(page, "map-2018")
        except Exception:
            shot(page, "failure")
            raise
        finally:
            context.close()
    assert foreign == []
    assert still_shown == []
    assert codes == ["D01", "D02", "D03", "D04", "D05", "D06"]
    assert shown_number(land, "亩") == pytest.approx(files.LAND_SOLD_MU, abs=0.05), land
    assert shown_number(investment, "亿元") == pytest.approx(files.INVESTMENT_YI), investment
    assert "参评企业 4 家" in summary and "规下 4" in summary, summary
    # 亩均: each parcel coloured by its firm's class, E01 (甲精密机械, on D01) is A.
    by_parcel = {c["c"]: c for c in classes}
    firm = files.FIRMS[0]
    assert by_parcel[firm.parcel]["m"] == firm.name
    assert "ABCD"[by_parcel[firm.parcel]["k"]] == files.EXPECTED_CLASSES[firm.firm_id] == "A"
    assert by_parcel[firm.parcel]["s"] == pytest.approx(files.EXPECTED_SCORES["E01"], abs=0.05)
    shown_classes = {f.firm_id: "ABCD"[by_parcel[f.parcel]["k"]] for f in files.FIRMS}
    assert shown_classes == files.EXPECTED_CLASSES
    assert "C01" in placed_text and "V01" in placed_text and "D01" in placed_text, placed_text
    assert "C02" not in placed_text, placed_text
    assert early_codes == ["D01"]
    status_line = next(line for line in tip.splitlines() if t("tip_status", ZH) in line)
    assert "成交" in status_line and "交地" not in status_line, tip

    for name, source in (("empty", empty_shot), ("complete", complete_shot)):
        assert source.stat().st_size > 20_000
        shutil.copyfile(source, DOCS / f"screenshot-onboarding-{name}.png")
