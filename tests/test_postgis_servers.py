"""Two app servers on one PostGIS database (issue #14, 4): a status change written through
gis and a QGIS-style edit (raw SQL from another client) both show in each server's parcel
card on its next page load."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

from gis import vocabulary
from gis.i18n import t
from gis.parcels import lifecycle
from gis.parcels.lifecycle import StatusChange
from gis.store import ParkStore, copy_store, postgis
from tests import browser_kit
from tests.actors import ACTOR
from tests.conftest import serve_app

pytestmark = pytest.mark.browser

SALE, BUILD = vocabulary.SALE_FIELD, vocabulary.CONSTRUCTION_FIELD
CODE = "D30"  # a PLANNED parcel of the sample park
SHOT = Path("/tmp/shots/postgis-two-servers.png")


def status_text(sale: str, construction: str) -> str:
    return t(
        "card_status_now",
        "zh",
        sale=vocabulary.status(SALE, sale).label("zh"),
        construction=vocabulary.status(BUILD, construction).label("zh"),
    )


def card_shows(page, server, name: str, status: str) -> None:
    page.goto(f"{server.url}/parcels?parcel={CODE}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=f"{CODE} · {name}").wait_for()
    page.get_by_text(status, exact=True).wait_for()


def test_a_change_shows_on_both_servers(sample_store_path, pg_url, tmp_path, browser):
    store = copy_store(str(sample_store_path), pg_url)
    row = store.read("parcels").set_index("code").loc[CODE]
    assert row[SALE] == "PLANNED"
    construction = str(row[BUILD])
    before = status_text("PLANNED", construction)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        serve_app(pg_url, tmp_path / "a") as first,
        serve_app(pg_url, tmp_path / "b") as second,
    ):
        context, page = browser_kit.new_page(browser, {"width": 1600, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            for server in (first, second):  # each server has read and cached the park
                card_shows(page, server, str(row["name"]), before)
            # A status change through gis (as a third server would write it) ...
            lifecycle.record_changes(
                ParkStore(pg_url),
                [StatusChange(CODE, SALE, "ACQUIRING", date(2021, 3, 1), "测试员")],
                today=date(2021, 6, 30),
                actor=ACTOR,
            )
            # ... and a QGIS user renaming the parcel in the table itself.
            with psycopg.connect(pg_url) as conn:
                conn.execute("UPDATE parcels SET name = %s WHERE code = %s", ("QGIS改名", CODE))
            after = status_text("ACQUIRING", construction)
            for server in (second, first):
                card_shows(page, server, "QGIS改名", after)
            SHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOT))
        finally:
            context.close()
    postgis.close_connections(pg_url)
