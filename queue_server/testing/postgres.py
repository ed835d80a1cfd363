"""A private PostgreSQL cluster in a temporary directory on a loopback port, for tests, the benchmark and the demo.

Debian's `postgresql` package provides the binaries (/usr/lib/postgresql/<version>/bin). PostgreSQL refuses to
run as root, so as root the cluster belongs to the `postgres` user and its commands run through `runuser`.
Nothing is shared with the system's own cluster: own directory, own port, own socket directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from queue_server.testing.server_process import free_port


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run ./hall setup (Debian package postgresql)")
    return Path(found[-1]).parent


class PgCluster:
    def __init__(self, *, fast: bool = True):
        self.bin = pg_bin()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="hall-pg-"))
        self.data = self.root / "data"
        self.fast = fast  # tests and the demo: no fsync (a killed server process still loses nothing committed)
        self._as_root = os.geteuid() == 0
        if self._as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o700)

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = [str(self.bin / cmd[0]), *cmd[1:]]
        if self._as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, check=check, capture_output=True, text=True, cwd=self.root)

    def start(self) -> PgCluster:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        for _attempt in range(3):
            opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root}"
                    " -c max_connections=200 -c shared_buffers=128MB")
            if self.fast:
                opts += " -c fsync=off -c full_page_writes=off"
            started = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", opts, "-w",
                                "-t", "60", "start", check=False)
            if started.returncode == 0:
                return self
            self.port = free_port()  # another process took the free port first: try another
        raise RuntimeError(f"PostgreSQL did not start: {(self.root / 'log').read_text()[-2000:]}")

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        for _ in range(50):
            try:
                shutil.rmtree(self.root)
                return
            except OSError:
                time.sleep(0.1)

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
