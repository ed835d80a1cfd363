"""The central service and a hall's shipper as subprocesses on loopback, for tests, the benchmark and the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from queue_server.testing.server_process import ROOT, free_port, stop_process, wait_healthy


def config_with_code(source: Path, folder: Path, code: str) -> Path:
    """A copy of a hall's configuration under another hall code (every hall of a city has its own)."""
    text = source.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("code = "))
    path = folder / f"hall-{code}.toml"
    path.write_text(text.replace(first, f'code = "{code}"', 1), encoding="utf-8")
    return path


class CentralProcess:
    def __init__(self, dsn: str, log_path: Path, port: int | None = None, env: dict | None = None):
        self.dsn = dsn
        self.port = port or free_port()
        self.log_path = Path(log_path)
        self.env = env or {}
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 30.0, env: dict | None = None) -> CentralProcess:
        full_env = dict(os.environ, **self.env, **(env or {}), PYTHONUNBUFFERED="1")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "queue_server", "central", "serve", "--pg", self.dsn, "--host", "127.0.0.1",
                 "--port", str(self.port)], cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        wait_healthy(self.proc, self.url, self.log_path, "central", wait)
        return self

    def stop(self, kill: bool = False) -> None:
        stop_process(self.proc, kill)
        self.proc = None


class ShipperProcess:
    command: tuple[str, ...] = ("ship",)

    def __init__(self, db_path: Path, central_url: str, token: str, *, batch: int = 2000, poll_s: float = 0.5,
                 max_backoff_s: float = 30.0):
        self.db_path = Path(db_path)
        self.args = ["--db", str(db_path), "--central", central_url, "--batch", str(batch), "--poll", str(poll_s),
                     "--max-backoff", str(max_backoff_s)]
        self.token = token
        self.log_path = self.db_path.with_suffix(".shipper.log")
        self.proc: subprocess.Popen | None = None

    def start(self, *extra: str, env: dict | None = None) -> ShipperProcess:
        env = dict(os.environ, **(env or {}), HALL_CENTRAL_TOKEN=self.token, PYTHONUNBUFFERED="1")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "queue_server", *self.command, *self.args, *extra],
                                         cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait(self, timeout: float = 60.0) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def stop(self, kill: bool = False) -> None:
        stop_process(self.proc, kill)
        self.proc = None


class CataloguePullProcess(ShipperProcess):
    """`hall catalogue pull` beside a hall (started and stopped as the shipper is)."""

    command = ("catalogue", "pull")

    def __init__(self, db_path: Path, config_path: Path, central_url: str, token: str, *, poll_s: float = 60.0):
        super().__init__(db_path, central_url, token)
        self.args = ["--db", str(db_path), "--config", str(config_path), "--central", central_url,
                     "--poll", str(poll_s)]
        self.log_path = self.db_path.with_suffix(".catalogue.log")
