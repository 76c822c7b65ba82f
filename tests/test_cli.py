"""``python -m gis``: start a park, see what a store holds, remove the sample, back up and
restore — and what the app shows afterwards (issue #12)."""

from __future__ import annotations

import getpass
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis import schema
from gis.i18n import t
from gis.store import ParkStore
from gis.store.cli import main
from tests.apptest_kit import assert_no_exception, signed_in, texts

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 60


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gis", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_new_then_open_gives_every_layer_empty_and_not_sample(tmp_path):
    path = tmp_path / "own" / "park.gpkg"
    done = run_cli("new", str(path), "--name", "我的园区")
    assert done.returncode == 0, done.stderr
    assert t("cli_created", "zh", path=str(path)) in done.stdout
    store = ParkStore.open(path)
    frames = store.read_all()
    assert set(frames) == set(schema.LAYERS_BY_NAME)
    assert {len(f) for f in frames.values()} == {0}
    assert not store.is_sample()
    assert store.park_name() == "我的园区"
    again = run_cli("new", str(path))
    assert again.returncode == 1
    assert t("store_exists", "zh", path=str(path)) in again.stderr


def test_help_is_in_chinese_and_english():
    done = run_cli("--help")
    assert done.returncode == 0
    for key in ("cli_new_help", "cli_remove_sample_help", "cli_info_help"):
        assert t(key, "zh") in " ".join(done.stdout.split())
    assert "remove-sample" in done.stdout and "backup" in done.stdout
    sub = run_cli("new", "--help")
    assert t("cli_name_help", "zh") in sub.stdout and t("cli_name_help", "en") in sub.stdout


def test_info_names_rows_sample_and_version(sample_store_path, tmp_path, capsys):
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    store = ParkStore.open(path)
    assert main(["--lang", "en", "info", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    total = sum(store.sample_rows().values())
    assert t("cli_info_sample_yes", "en", count=total) in out
    assert t("cli_info_version", "en", version=store.data_version()) in out
    n = len(store.read("parcels"))
    assert f"parcels (Parcels): {n} rows, {n} of them sample" in out


def test_info_on_a_missing_store_is_an_error_and_creates_nothing(tmp_path, capsys):
    path = tmp_path / "none.gpkg"
    assert main(["info", "--store", str(path)]) == 1
    assert t("store_missing", "zh", path=str(path)) in capsys.readouterr().err
    assert not path.exists()


def test_remove_sample_backup_and_restore(sample_store_path, tmp_path, capsys):
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    n_parcels = len(ParkStore(path).read("parcels"))
    assert main(["--lang", "en", "remove-sample", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"parcels: {n_parcels} removed, 0 kept" in out
    store = ParkStore(path)
    assert not store.is_sample() and set(store.row_counts().values()) == {0}
    [backup] = store.backups()
    assert main(["remove-sample", "--store", str(path)]) == 0
    assert t("cli_no_sample", "zh") in capsys.readouterr().out
    assert main(["backup", "--store", str(path), "--list"]) == 0
    assert str(backup) in capsys.readouterr().out
    assert main(["restore", str(backup), "--store", str(path)]) == 0
    assert ParkStore(path).sample_rows()["parcels"] == n_parcels
    trail = ParkStore(path).audit_trail()
    who = f"cli:{getpass.getuser()}"
    assert list(trail["event"]) == ["remove_sample", "remove_sample", "restore"]
    assert set(trail["username"]) == {who} and set(trail["outcome"]) == {"ok"}


@pytest.fixture
def app(monkeypatch):
    def run(path: Path) -> AppTest:
        monkeypatch.setenv("PARK_DB", str(path))
        at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT))
        return at.run(timeout=RUN_TIMEOUT)

    return run


def test_sample_banner_shows_exactly_while_sample_rows_are_present(
    sample_store_path, tmp_path, app
):
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    at = app(path)
    assert_no_exception(at)
    assert t("sample_badge", "zh") in texts(at.warning)
    ParkStore(path).remove_sample()
    at.run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert t("sample_badge", "zh") not in texts(at.warning)


def test_app_on_a_missing_explicit_park_db_says_how_to_start_one(tmp_path, app):
    path = tmp_path / "typo.gpkg"
    at = app(path)
    assert_no_exception(at)
    assert t("store_missing_new", "zh", path=str(path)) in texts(at.error)
    assert not path.exists()


def test_report_subcommand_is_in_the_help_in_both_languages():
    done = run_cli("report", "--help")
    assert done.returncode == 0
    flat = " ".join(done.stdout.split())
    for key in ("cli_report_period_help", "cli_report_out_help"):
        assert t(key, "zh") in flat and t(key, "en") in flat
    assert "--db" in flat and "--store" in flat and "--as-of" in flat


def test_report_refuses_a_bad_date_in_english(sample_store_path, tmp_path):
    out = tmp_path / "r.docx"
    done = run_cli(
        "--lang",
        "en",
        "report",
        "--period",
        "2021H1",
        "--as-of",
        "2021-13-01",
        "--out",
        str(out),
        "--db",
        str(sample_store_path),
    )
    assert done.returncode == 1
    assert t("cli_report_bad_date", "en", value="2021-13-01") in done.stderr
    assert not out.exists()
