"""Talks to display/testing/driver.py (a Kivy board in its own process) for tests and the benchmark."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

DRIVER = Path(__file__).resolve().parent / "driver.py"


class BoardDriver:
    def __init__(self, server: str, *extra: str, env: dict | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), "--server", server, *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, BOARD_DRIVER_LOG="1", **(env or {})), cwd=DRIVER.parents[2],
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(self.proc.stdout, True), daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, False), daemon=True)]
        for t in self._readers:
            t.start()
        try:
            self.ready = self._result(60)
        except RuntimeError:
            self.close()
            raise

    def _read(self, stream, keep: bool) -> None:
        for line in stream:
            if keep and line.startswith("RESULT "):
                self._lines.put(line[7:])
            elif not keep and "[INFO" not in line and "[DEBUG" not in line:
                self._stderr.append(line)
        if keep:
            self._lines.put(None)

    def _result(self, timeout: float) -> dict:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError("the board driver did not answer: " + "".join(self._stderr[-40:])) from None
        if line is None:
            self._readers[1].join(5)
            raise RuntimeError("the board driver exited: " + "".join(self._stderr[-40:]))
        return json.loads(line)

    def send(self, op: str, timeout: float = 30, **args) -> dict:
        self.proc.stdin.write(json.dumps({"op": op, "timeout": timeout, **args}) + "\n")
        self.proc.stdin.flush()
        return self._result(timeout + 10)

    def wait(self, timeout: float = 60, **until) -> dict:
        """Until the board shows `until`; the timeout only reports a hang (a busy machine is slow)."""
        return self.send("wait", timeout=max(timeout, 60), until=until)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("quit", timeout=5)
                self.proc.wait(timeout=10)
            except (RuntimeError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()

    def __enter__(self) -> BoardDriver:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
