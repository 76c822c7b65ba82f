"""A park of one's own, from ``python -m gis new`` to every figure, through the gis API.

The same flow as the Chromium test ``tests/test_browser_own_park.py`` drives through the
app's import UI, without a browser: the files of ``tests/own_park_files.py`` are read,
placed, mapped with the suggested mapping and imported as the 数据 page does; targets and
candidates are saved as the 目标与亩均 and 闲置盘活 pages do. Then the hand-computed
figures: 工业用地出让 this year, one firm's 亩均 class, the reuse run's placement and the
as-of statuses on an earlier date.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from gis import onboarding
from gis.crs import area_mu
from gis.efficiency import evaluation
from gis.excel import read_xlsx
from gis.exchange import (
    crs_detect,
    figures,
    figures_prepare,
    figures_preview,
    figures_read,
    figures_suggest,
    readers,
)
from gis.exchange.import_merge import run_import
from gis.exchange.import_prepare import prepare
from gis.exchange.mapping import suggest_mapping
from gis.parcels import history
from gis.reuse import candidates
from gis.reuse import run as reuse_run
from gis.store import ParkStore
from gis.targets import definitions, tracking
from tests import own_park_files as files
from tests.actors import ACTOR

ROOT = Path(__file__).resolve().parent.parent


def day(value: object) -> str:
    """A stored date as text, "" when empty (None or NaN)."""
    return value if isinstance(value, str) else ""


def gis_new(path: Path) -> None:
    """``python -m gis new PATH --name 测试园区``, as a user types it."""
    done = subprocess.run(
        [sys.executable, "-m", "gis", "new", str(path), "--name", files.PARK_NAME],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def import_geodata(store: ParkStore, upload: files.Upload) -> list[str]:
    """What the 数据 page's 导入 tab does with the suggested mapping and no other choice."""
    source = readers.read_upload(upload.name, upload.data)
    placed = crs_detect.place(
        source.frame, declared=source.declared_crs, choice="auto", datum="CGCS2000", swap=None
    )
    columns = [str(c) for c in source.frame.columns if c != "geometry"]
    mapping = suggest_mapping(upload.layer, columns)
    prepared = prepare(
        placed.frame, layer=upload.layer, mapping=mapping, stated_area_m2=source.stated_area_m2
    )
    assert prepared.problems == [], prepared.problems
    defaults = {"land_use": "INDUSTRIAL"} if upload.layer == "parcels" else {}
    outcome = run_import(
        store,
        prepared,
        mode="add",
        defaults=defaults,
        effective_date=files.AS_OF,
        note=f"导入 {upload.name}",
        actor=ACTOR,
    )
    return outcome.added


def import_figures(store: ParkStore, upload: files.Upload) -> int:
    """What the 企业经济数据 tab does with the suggested mapping and the guessed period."""
    table = figures_read.read_figure_table(upload.name, upload.data)
    mapping = figures_suggest.suggest_figure_mapping(upload.layer, table.columns)
    year, months = table.period()
    kind = (
        figures_suggest.suggest_kind(upload.layer, mapping)
        if upload.layer == "period_figures"
        else None
    )
    prepared = figures_prepare.prepare_figures(
        table,
        layer=upload.layer,
        mapping=mapping,
        year=None if mapping.get("year") else year,
        months=None if mapping.get("months") else months,
        kind=kind or ("enterprise" if upload.layer == "period_figures" else None),
    )
    preview = figures_preview.preview_figures(store.read_all(), prepared, mode="update")
    assert preview.ok, preview.problems
    outcome = figures.run_figures_import(
        store, upload.layer, prepared, expected_version=store.data_version(), actor=ACTOR
    )
    return outcome.added


@pytest.fixture(scope="module")
def own_park(tmp_path_factory: pytest.TempPathFactory) -> ParkStore:
    """The park filled piece by piece; every step's onboarding state is checked."""
    workdir = tmp_path_factory.mktemp("own_park")
    path = workdir / "park.gpkg"
    gis_new(path)
    store = ParkStore.open(path)
    assert store.park_name() == files.PARK_NAME
    assert onboarding.is_empty(store.read_all())
    added = {u.layer: import_geodata(store, u) for u in files.geodata_uploads(workdir)}
    assert added == {
        "park_boundary": [files.PARK_NAME],
        "blocks": ["B1", "B2"],
        "parcels": [p.code for p in files.PARCELS],
        "buildings": [files.BUILDING_ID],
        "vacant_spaces": [files.SPACE_ID],
        "enterprises": [f.firm_id for f in files.FIRMS],
    }
    for upload in files.figure_uploads():
        assert import_figures(store, upload) == len(files.FIRMS)
    definitions.save_targets(store, files.targets_frame(), actor=ACTOR)
    candidates.save_candidates(
        store, candidates.candidate_columns(read_xlsx(files.candidates_xlsx())), actor=ACTOR
    )
    return store


def test_new_store_is_empty_and_named(tmp_path):
    path = tmp_path / "p.gpkg"
    gis_new(path)
    frames = ParkStore.open(path).read_all()
    assert onboarding.is_empty(frames)
    assert [p.what for p in onboarding.missing_data(frames)] == [p.what for p in onboarding.PIECES]


def test_every_piece_is_present(own_park):
    frames = own_park.read_all()
    missing = onboarding.missing_data(frames, year=files.AS_OF.year)
    assert [p.what for p in missing] == []


def test_gbk_shapefile_columns_statuses_and_dates_arrive(own_park):
    parcels = own_park.read("parcels").set_index("code")
    assert list(parcels.index) == [p.code for p in files.PARCELS]
    for p in files.PARCELS:
        row = parcels.loc[p.code]
        assert row["name"] == p.name  # GBK read right: not mojibake
        assert row["block_id"] == p.block
        assert row["land_use"] == ("COMMERCIAL_RESIDENTIAL" if p.code == "D05" else "INDUSTRIAL")
        assert day(row["deal_date"]) == p.deal
        assert day(row["delivery_date"]) == p.delivery
    assert parcels.loc["D01", "sale_status"] == "DELIVERED"
    assert parcels.loc["D01", "construction_status"] == "STARTED"
    assert parcels.loc["D01", "start_date"] == "2019-06-01"
    assert parcels.loc["D06", "sale_status"] == "LISTED"
    # Areas: the rectangles' exact 亩 after EPSG:4549 → 4490 → 4549.
    mu = dict(zip(parcels.index, area_mu(own_park.read("parcels")), strict=True))
    for p in files.PARCELS:
        assert mu[p.code] == pytest.approx(p.mu, abs=0.005)


def test_land_sold_this_year_is_hand_computed(own_park):
    frames = own_park.read_all()
    prog = tracking.progress(frames, year=files.AS_OF.year, as_of=files.AS_OF)
    row = prog.set_index("target_id").loc["LAND_SOLD_MU"]
    assert row["computable"]
    assert row["value"] == pytest.approx(files.LAND_SOLD_MU, abs=0.01)  # 21 亩
    assert row["progress_pct"] == pytest.approx(files.LAND_SOLD_PROGRESS_PCT, abs=0.05)
    # D07 is sold on 2025-08-01: counted once the as-of date passes it.
    later = tracking.progress(frames, year=2025, as_of=date(2025, 8, 31)).set_index("target_id")
    assert later.loc["LAND_SOLD_MU", "value"] == pytest.approx(files.LAND_SOLD_MU + 6, abs=0.01)


def test_effective_investment_from_the_year_to_date_report(own_park):
    prog = tracking.progress(own_park.read_all(), year=files.AS_OF.year, as_of=files.AS_OF)
    row = prog.set_index("target_id").loc["EFFECTIVE_INVESTMENT_YI"]
    assert row["computable"]
    assert row["value"] == pytest.approx(files.INVESTMENT_YI)


def test_one_firms_class_is_hand_computed(own_park):
    frames = own_park.read_all()
    year = evaluation.default_year(frames["enterprise_years"], files.AS_OF)
    assert year == files.EVALUATION_YEAR
    ev = evaluation.evaluate(frames["enterprises"], frames["enterprise_years"], year=year)
    ev = ev.set_index("enterprise_id")
    assert not ev["above_scale"].any()  # every firm below 2000万元: 规下
    for firm, score in files.EXPECTED_SCORES.items():
        assert ev.loc[firm, "score"] == pytest.approx(score, abs=1e-6)
        assert ev.loc[firm, "class_code"] == files.EXPECTED_CLASSES[firm]


def test_reuse_run_places_the_one_candidate_that_fits(own_park):
    run = reuse_run.run_scenario(own_park.read_all(), seed=0)
    placements = run.matching.placements
    assert set(zip(placements["candidate_id"], placements["space_id"], strict=True)) == (
        files.PLACED
    )
    assert placements["area_m2"].tolist() == [files.SPACE_M2]
    assert placements["parcel_code"].tolist() == ["D01"]


def test_as_of_map_shows_d01_sold_before_its_delivery(own_park):
    frames = own_park.read_all()
    early = history.statuses_as_of(frames["parcels"], frames["status_events"], files.EARLY)
    statuses = dict(zip(early["code"], early["sale_status"], strict=True))
    # Only D01 existed on 2018-12-31: sold (成交) in May 2018, delivered in March 2019.
    assert statuses == {"D01": "SOLD"}
    built = dict(zip(early["code"], early["construction_status"], strict=True))
    assert built == {"D01": "NOT_STARTED"}
    now = history.statuses_as_of(frames["parcels"], frames["status_events"], files.AS_OF)
    now_statuses = dict(zip(now["code"], now["sale_status"], strict=True))
    assert now_statuses["D01"] == "DELIVERED"
    assert "D07" not in now_statuses  # its only date is after 2025-06-30
