"""`hall install --root TMPDIR`: systemd units that systemd-analyze verify accepts; JSON log lines."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from queue_server.cli import cli
from queue_server.logs import json_handler, json_wanted
from tests.support.api import Api

HALL_BIN = Path(sys.executable).parent / "hall"  # this checkout's own `hall`, so ExecStart points at a program


def test_install_writes_units_that_systemd_analyze_verify_accepts(tmp_path):
    result = CliRunner().invoke(cli, ["install", "--root", str(tmp_path), "--hall-bin", str(HALL_BIN)])
    assert result.exit_code == 0, result.output
    units = tmp_path / "etc" / "systemd" / "system"
    names = sorted(p.name for p in units.iterdir())
    assert names == ["hall-backup.service", "hall-backup.timer", "hall-display.service", "hall-kiosk.service",
                     "hall-server.service"]
    for name in names:
        assert f"wrote {units / name}" in result.output
    assert "systemctl enable --now hall-server.service hall-backup.timer" in result.output

    kiosk = (units / "hall-kiosk.service").read_text()
    assert "ExecStart=/usr/bin/cage -s -- " in kiosk and "Restart=on-failure" in kiosk
    assert "User=hall-kiosk" in kiosk and "kiosk --device /etc/hall/kiosk.toml" in kiosk
    assert "display --device /etc/hall/display.toml" in (units / "hall-display.service").read_text()
    server = (units / "hall-server.service").read_text()
    assert "User=hall" in server and "--db /var/lib/hall/hall.db" in server and "Restart=on-failure" in server
    assert "backup --db /var/lib/hall/hall.db --to /var/backups/hall --keep 14" in \
        (units / "hall-backup.service").read_text()
    assert "OnCalendar=*-*-* 02:30:00" in (units / "hall-backup.timer").read_text()
    assert 'u hall - "Service hall queue server" /var/lib/hall' in \
        (tmp_path / "usr/lib/sysusers.d/hall.conf").read_text()
    assert "d /var/backups/hall 0700 hall hall -" in (tmp_path / "usr/lib/tmpfiles.d/hall.conf").read_text()

    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: ./hall setup installs the Debian package systemd"
    assert shutil.which("cage"), "cage is missing: ./hall setup installs the Debian package cage"
    verify = subprocess.run([analyze, "verify", "--man=no", *sorted(str(p) for p in units.iterdir())],
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0 and not verify.stderr.strip(), verify.stderr


def test_logs_are_json_lines_with_hall_request_and_ticket_ids(app, seeded):
    stream = io.StringIO()
    handler = json_handler("370102-001", stream)
    access = logging.getLogger("queue_server.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        r = Api(app.test_client(), seeded.devices["kiosk-01"]).call(
            "POST", "/api/v1/tickets", {"zone": "public"}, headers={"X-Request-Id": "req-42"})
    finally:
        access.removeHandler(handler)
        access.setLevel(logging.NOTSET)
    assert r.status_code == 201 and r.headers["X-Request-Id"] == "req-42"
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["hall"] == "370102-001" and line["request_id"] == "req-42"
    assert line["ticket_id"] == r.json()["id"] and line["status"] == 201 and line["level"] == "INFO"
    assert json_wanted("auto", {"JOURNAL_STREAM": "8:1234"}) and not json_wanted("auto", {})
    assert json_wanted("json", {}) and not json_wanted("text", {"JOURNAL_STREAM": "8:1"})
