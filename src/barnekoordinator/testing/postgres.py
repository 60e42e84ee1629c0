"""A throwaway PostgreSQL server for tests and benchmarks.

[`throwaway_postgres()`][barnekoordinator.testing.postgres.throwaway_postgres] runs ``initdb`` and
``pg_ctl`` from the machine's PostgreSQL packages (``pg_config --bindir``, else the newest
``/usr/lib/postgresql/*/bin``) on a free loopback port, with its unix socket in the temporary
directory, yields a DSN and removes the whole cluster afterwards. It never touches a server that was
already running.

``initdb`` refuses to run as root, so when the current user is root the
commands run as the ``postgres`` user (``runuser``, else ``su``) in a
directory that user owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs

from barnekoordinator.errors import StorageUnavailable

__all__ = ["PostgresServer", "drop_schema", "find_bindir", "throwaway_postgres"]

_FAST_SETTINGS = (
    # Tests only: durability off for speed. Benchmarks pass durable=True.
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
)


def find_bindir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``.

    Raises:
        StorageUnavailable: no PostgreSQL server binaries are installed.
    """
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(  # noqa: S603 - fixed argument list
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            candidates.append(Path(out))

    def major(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    candidates += [
        Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True)
    ]
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    raise StorageUnavailable(
        "no PostgreSQL server binaries found (looked at 'pg_config --bindir' and "
        "/usr/lib/postgresql/*/bin); install the PostgreSQL server package"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@attrs.define
class PostgresServer:
    """A running throwaway cluster: its DSN and how to stop and start it."""

    bindir: Path
    root: Path
    port: int
    user: str | None
    """The OS user the server runs as (``None``: the current user)."""
    settings: tuple[str, ...] = ()

    @property
    def data(self) -> Path:
        """The data directory."""
        return self.root / "data"

    @property
    def dsn(self) -> str:
        """A libpq URL for the ``postgres`` database as the ``postgres`` superuser."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres?connect_timeout=10"

    def _run(self, args: Sequence[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.user is not None:
            runuser = shutil.which("runuser")
            if runuser:
                command = [runuser, "-u", self.user, "--", *command]
            else:
                su = shutil.which("su") or "su"
                command = [su, self.user, "-s", "/bin/sh", "-c", " ".join(map(_quote, command))]
        try:
            return subprocess.run(  # noqa: S603 - built from fixed parts
                command, capture_output=True, text=True, check=True, timeout=timeout, cwd=self.root
            )
        except subprocess.CalledProcessError as exc:
            raise StorageUnavailable(
                f"{Path(args[0]).name} failed (exit {exc.returncode}): "
                f"{(exc.stderr or exc.stdout).strip()[-800:]}"
            ) from exc
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StorageUnavailable(f"{Path(args[0]).name} could not run: {exc}") from exc

    def initdb(self) -> None:
        """Create the cluster (C locale, UTF-8, trust auth on loopback only)."""
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=100",
            *(f"-c {setting}" for setting in self.settings),
        ]
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-o",
                " ".join(options),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``mode``: ``smart``, ``fast`` or ``immediate``)."""
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def log(self) -> str:
        """The tail of the server log (for failure messages)."""
        try:
            return (self.root / "server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\"'\"'") + "'"


@contextlib.contextmanager
def throwaway_postgres(*, durable: bool = False) -> Iterator[PostgresServer]:
    """Start a private PostgreSQL cluster; yield it (``.dsn``); stop and delete it after.

    ``durable=False`` (tests) turns off fsync and synchronous commit;
    ``durable=True`` (benchmarks) keeps PostgreSQL's durable defaults.

    Raises:
        StorageUnavailable: the binaries are missing or the server did not start;
            the message says why.
    """
    bindir = find_bindir()
    user: str | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise StorageUnavailable(
                "running as root, and there is no 'postgres' user to run initdb as"
            ) from None
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="bk-pg-"))
    try:
        if user is not None:
            os.chown(root, owner.pw_uid, owner.pw_gid)
        server = PostgresServer(
            bindir=bindir,
            root=root,
            port=_free_port(),
            user=user,
            settings=() if durable else _FAST_SETTINGS,
        )
        server.initdb()
        for attempt in range(3):
            try:
                server.start()
                break
            except StorageUnavailable:
                # Another process may have taken the port between probe and bind.
                if attempt == 2:
                    raise StorageUnavailable(f"PostgreSQL did not start:\n{server.log()}") from None
                server.port = _free_port()
                time.sleep(0.2)
        try:
            yield server
        finally:
            with contextlib.suppress(StorageUnavailable):
                server.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def drop_schema(dsn: str, schema: str) -> None:
    """Drop a schema and everything in it (test clean-up); needs psycopg."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )
