"""Fixtures shared by the tests: the sample store, the running app, headless Chromium."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (seeded, no example database), so a
# red CI is reproducible and a green one is not luck.
settings.register_profile("park", derandomize=True, database=None)
settings.load_profile("park")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` (not `python -m pytest`) does not add the cwd
    sys.path.insert(0, str(ROOT))

from gis import schema  # noqa: E402
from gis.auth import accounts  # noqa: E402
from gis.auth import sessions as auth_sessions  # noqa: E402
from gis.auth.access import DATA_MANAGER, ROLES, command_line_actor  # noqa: E402
from gis.store import ParkStore, open_park_store  # noqa: E402
from tests.pg_server import PgCluster, PgServerError, throwaway_cluster  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 60.0


@pytest.fixture(scope="session")
def sample_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A GeoPackage built once from the sample park. Read it; copy it to change it."""
    path = tmp_path_factory.mktemp("sample") / "park.gpkg"
    open_park_store(path)
    return path


@dataclass(frozen=True)
class AppServer:
    """The real app served by ``streamlit run``: its base URL and its data file."""

    url: str
    store_path: Path | str  # a GeoPackage file, or a postgresql:// URL


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError):
        return None


#: The session token of each role's test account, the same on every app the tests start:
#: cookies do not tell ports apart, so one cookie per role signs a browser in to all of them.
#: Derived from one random value per test run kept in the environment, because this module
#: is imported twice (as pytest's conftest and as ``tests.conftest`` by test modules) and
#: both copies must hand out the same tokens.
_RUN_SECRET = os.environ.setdefault("PARK_TEST_RUN_SECRET", secrets.token_hex(16))
BROWSER_TOKENS = {
    role: hashlib.sha256(f"{_RUN_SECRET}:{role}".encode()).hexdigest() for role in ROLES
}
DEFAULT_BROWSER_ROLE = DATA_MANAGER


def browser_username(role: str) -> str:
    return f"tester-{role.replace('_', '-')}"


def seed_browser_accounts(location: Path | str) -> None:
    """Accounts ``tester-<role>`` and their sessions (:data:`BROWSER_TOKENS`) in the store
    at ``location``, if it exists; again is harmless (two servers on one database)."""
    store = ParkStore(location)
    if not store._exists():
        return
    store = ParkStore.open(location)
    actor = command_line_actor("pytest")
    have = {a.username for a in accounts.accounts(store)}
    sessions = set(store.read(schema.SESSIONS.name)["token_hash"].astype(str))
    for role, token in BROWSER_TOKENS.items():
        name = browser_username(role)
        if name not in have:
            accounts.create_account(
                store, actor, name, role, password=f"Test-{role}-Pass1", must_change=False
            )
        if auth_sessions.token_hash(token) not in sessions:
            auth_sessions.start_session(store, name, token=token, client="pytest")


class SignedInBrowser:
    """The browser, whose every new context carries the session cookie of a test account
    (``role=``, default data manager; ``signed_in=False`` for a signed-out one)."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, *, role: str = DEFAULT_BROWSER_ROLE, signed_in: bool = True, **kw):
        context = self._browser.new_context(**kw)
        if signed_in:
            context.add_cookies([browser_cookie(role)])
        return context

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


def browser_cookie(role: str = DEFAULT_BROWSER_ROLE) -> dict:
    return {
        "name": accounts.COOKIE,
        "value": BROWSER_TOKENS[role],
        "url": "http://127.0.0.1",
        "httpOnly": True,
        "sameSite": "Strict",
    }


@contextlib.contextmanager
def serve_app(store_path: Path | str, workdir: Path) -> Iterator[AppServer]:
    """``streamlit run app.py`` on a free port with PARK_DB=``store_path`` (a GeoPackage
    path or a ``postgresql://`` URL); stopped on exit."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    seed_browser_accounts(store_path)
    # Sessions outlive a long test run (the time-out itself is tested in test_accounts.py).
    env = {**os.environ, "PARK_DB": str(store_path), "PARK_IDLE_MINUTES": "1440"}
    stdout_path, stderr_path = workdir / "stdout.log", workdir / "stderr.log"
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "scripts/serve.py",  # as run.sh: `streamlit run app.py`, see the script
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while _health(url) != "ok":
            if proc.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {proc.returncode}:\n"
                    f"{stderr_path.read_text(errors='replace')}"
                    f"{stdout_path.read_text(errors='replace')}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer {url}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT:.0f} s:\n"
                    f"{stderr_path.read_text(errors='replace')}"
                )
            time.sleep(0.25)
        yield AppServer(url, store_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _private_copy(sample_store_path: Path, workdir: Path) -> Path:
    store_path = workdir / "park.gpkg"
    shutil.copyfile(sample_store_path, store_path)
    return store_path


@pytest.fixture(scope="session")
def app_server(
    sample_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """The real app, shared by the browser tests, on a private copy of the sample store."""
    workdir = tmp_path_factory.mktemp("app_server")
    with serve_app(_private_copy(sample_store_path, workdir), workdir) as server:
        yield server


@pytest.fixture
def fresh_app_server(sample_store_path: Path, tmp_path: Path) -> Iterator[AppServer]:
    """A newly started app no browser has talked to yet (for first-visit behaviour)."""
    with serve_app(_private_copy(sample_store_path, tmp_path), tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (never skipped: CI must run it)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run test.sh, which installs chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield SignedInBrowser(browser)
        finally:
            browser.close()


@pytest.fixture
def store_copy(sample_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the sample store, set as PARK_DB (for tests that write)."""
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    monkeypatch.setenv("PARK_DB", str(path))
    return path


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A throw-away PostgreSQL + PostGIS cluster for the session (tests/pg_server.py).

    Never skipped: if it cannot start, every test that needs it fails saying why.
    """
    cm = throwaway_cluster()
    try:
        cluster = cm.__enter__()
    except PgServerError as exc:
        pytest.fail(str(exc))
    try:
        yield cluster
    finally:
        cm.__exit__(None, None, None)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty PostGIS database (dropped afterwards): its ``postgresql://`` URL."""
    url = pg_cluster.create_database()
    try:
        yield url
    finally:
        pg_cluster.drop_database(url)
