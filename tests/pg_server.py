"""A throw-away PostgreSQL + PostGIS cluster for the tests and the benchmark.

``throwaway_cluster()`` runs Debian's ``initdb`` in a new temporary folder, starts the server
on a unix socket in that folder (no TCP: ``listen_addresses=''``; a free port number names the
socket), creates a template database with ``CREATE EXTENSION postgis`` and yields a
``PgCluster`` that hands out fresh databases copied from that template. Everything is stopped
and removed on exit. PostgreSQL refuses to run as root, so as root the server runs as the
unprivileged ``postgres`` user (or ``nobody``) via ``runuser``.

It never skips: when the binaries or PostGIS are missing, or the server does not start, it
raises ``PgServerError`` with what to install or the server's log (``test.sh`` installs
``postgresql-15-postgis-3`` with apt, see ``scripts/system_deps.sh``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

PG_VERSION = "15"
BINDIR = Path(os.environ.get("PARK_PG_BINDIR", f"/usr/lib/postgresql/{PG_VERSION}/bin"))
POSTGIS_CONTROL = Path(f"/usr/share/postgresql/{PG_VERSION}/extension/postgis.control")
TEMPLATE_DB = "park_template"
START_TIMEOUT_S = 60


class PgServerError(RuntimeError):
    """The throw-away cluster could not be set up (the message says why and what to do)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_user() -> str | None:
    """The unprivileged user to run the server as when we are root, else None (run directly)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PgServerError("running as root and neither user 'postgres' nor 'nobody' exists")


def _check_installed() -> None:
    missing = [p for p in (BINDIR / "initdb", BINDIR / "pg_ctl") if not p.exists()]
    if not POSTGIS_CONTROL.exists():
        missing.append(POSTGIS_CONTROL)
    if missing:
        raise PgServerError(
            "PostgreSQL 15 with PostGIS is not installed (missing "
            + ", ".join(str(p) for p in missing)
            + "): run `bash test.sh` or `apt-get install postgresql-15-postgis-3`"
        )


@dataclass
class PgCluster:
    """A running throw-away cluster: superuser ``postgres``, trust auth, unix socket only."""

    root: Path
    port: int
    user: str | None
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    def url(self, dbname: str) -> str:
        """The libpq URL of database ``dbname`` (no password: trust authentication)."""
        return f"postgresql://postgres@/{dbname}?host={self.socket_dir}&port={self.port}"

    def admin(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(dbname), autocommit=True)

    def create_database(self, prefix: str = "park_test") -> str:
        """A new database with PostGIS (a copy of the template); returns its URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE_DB}')
        return self.url(name)

    def drop_database(self, url_or_name: str) -> None:
        """Drop a database, closing whatever connections it still has."""
        name = url_or_name.split("/")[-1].split("?")[0] if "/" in url_or_name else url_or_name
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(a) for a in args]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(
            cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, check=False
        )

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self) -> None:
        init = self._run(
            BINDIR / "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        if init.returncode != 0:
            raise PgServerError(f"initdb failed ({init.returncode}):\n{init.stderr}{init.stdout}")
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories='{self.socket_dir}'",
                f"-p {self.port}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
                "-c shared_buffers=64MB",
            ]
        )
        started = self._run(
            BINDIR / "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "start",
        )
        if started.returncode != 0:
            raise PgServerError(
                f"the PostgreSQL server did not start ({started.returncode}):\n"
                f"{started.stderr}{started.stdout}\n{self._log_tail()}"
            )
        try:
            with self.admin() as conn:
                conn.execute(f"CREATE DATABASE {TEMPLATE_DB}")
            with self.admin(TEMPLATE_DB) as conn:
                conn.execute("CREATE EXTENSION postgis")
        except psycopg.Error as exc:
            raise PgServerError(f"could not prepare the PostGIS template: {exc}") from exc

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run(BINDIR / "pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[PgCluster]:
    """Start a private PostgreSQL + PostGIS cluster; stop and delete it on exit."""
    _check_installed()
    user = _server_user()
    # Not under pytest's basetemp: its parents are private to root, the server user could not
    # enter them. A short path also keeps the socket path under the 107-byte limit.
    root = Path(tempfile.mkdtemp(prefix="park-pg-"))
    try:
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(root, entry.pw_uid, entry.pw_gid)
        cluster = PgCluster(root=root, port=_free_port(), user=user)
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":  # a quick manual check: start, print a database URL, stop
    with throwaway_cluster() as c:
        url = c.create_database()
        with psycopg.connect(url) as conn:
            print(url, conn.execute("SELECT postgis_full_version()").fetchone()[0][:60])
