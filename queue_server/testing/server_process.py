"""A real queue server in a subprocess on a loopback port, with a real SQLite file, for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONFIG = ROOT / "config" / "hall.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(proc: subprocess.Popen, url: str, log_path: Path, what: str, wait: float) -> None:
    """Until `url`'s /api/v1/health answers; raises with the log's tail if the process ends or time runs out."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: {log_path.read_text()[-3000:]}")
        try:
            if requests.get(url + "/api/v1/health", timeout=0.5).ok:
                return
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start in time: " + log_path.read_text()[-3000:])


def stop_process(proc: subprocess.Popen | None, kill: bool = False) -> None:
    """SIGTERM (or SIGKILL) and wait; a process that ignores SIGTERM for 10 s is killed."""
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class ServerProcess:
    def __init__(self, db_path: Path, config: Path = SAMPLE_CONFIG, port: int | None = None,
                 env: dict | None = None, threads: int = 200, args: tuple[str, ...] = (), apply_config: bool = True):
        self.db_path = Path(db_path)
        self.config = config
        self.port = port or free_port()
        self.env = env or {}
        self.threads = threads  # unused by the gevent server; still passed, as old scripts do
        self.args = tuple(args)  # more `hall server` options
        self.apply_config = apply_config  # make the hall file the database's live configuration before starting
        self.proc: subprocess.Popen | None = None
        self.log_path = self.db_path.with_suffix(".server.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 20.0) -> ServerProcess:
        env = dict(os.environ, **self.env, PYTHONUNBUFFERED="1")
        if self.apply_config and self.db_path.exists():
            self._apply_config()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "queue_server", "server", "--config", str(self.config),
                 "--db", str(self.db_path), "--host", "127.0.0.1", "--port", str(self.port),
                 "--threads", str(self.threads), *self.args],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        wait_healthy(self.proc, self.url, self.log_path, "server", wait)
        return self

    def _apply_config(self) -> None:
        """The test's hall file becomes the database's live configuration (`hall server` only reports a file that
        differs), as `hall config apply FILE --yes` would do it."""
        from queue_server.hall import Hall
        from queue_server.hall_config import load_config

        Hall(config=load_config(self.config), db_path=self.db_path, on_config_drift="apply").close()

    def stop(self, kill: bool = False) -> None:
        stop_process(self.proc, kill)
        self.proc = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
