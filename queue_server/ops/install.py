"""`hall install`: the files that make a Debian box a hall server, a kiosk or a wall display.

Written under a root folder (a test folder, an image being built, or /): systemd units for the server, a daily
backup timer, the kiosk and the wall display (each in Debian's `cage`, a single-application Wayland kiosk
compositor, restarted on failure); the users as a sysusers.d file and the folders as a tmpfiles.d file, which
systemd creates at boot (or `systemd-sysusers` / `systemd-tmpfiles --create` at once).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

UNIT_DIR = "etc/systemd/system"
CONFIG_DIR = "/etc/hall"
STATE_DIR = "/var/lib/hall"
BACKUP_DIR = "/var/backups/hall"


@dataclass(frozen=True)
class Layout:
    user: str = "hall"
    kiosk_user: str = "hall-kiosk"
    hall_bin: str = "/opt/hall/.venv/bin/hall"
    port: int = 8000
    keep: int = 14

    @property
    def db(self) -> str:
        return f"{STATE_DIR}/hall.db"

    def next_steps(self, root: str) -> str:
        return (
            "next:\n"
            f"  systemd-sysusers && systemd-tmpfiles --create   (users {self.user}, {self.kiosk_user}; "
            f"{STATE_DIR}, {BACKUP_DIR})\n"
            f"  put the hall file at {CONFIG_DIR}/hall.toml (calendar in {CONFIG_DIR}/calendar/), device files at "
            f"{CONFIG_DIR}/kiosk.toml and {CONFIG_DIR}/display.toml\n"
            "  systemctl daemon-reload && systemctl enable --now hall-server.service hall-backup.timer\n"
            "  on a kiosk box: systemctl enable --now hall-kiosk.service (or hall-display.service on a wall screen)"
            + ("" if root in ("/", "") else f"\n(written under {root}: copy or build the image from there)"))


def units(layout: Layout) -> dict[str, str]:
    """File path (relative to the root) -> content."""
    hall = layout.hall_bin
    common_hardening = (
        "NoNewPrivileges=yes\nProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\n"
        f"ReadWritePaths={STATE_DIR} {BACKUP_DIR}\n"
    )
    server = f"""[Unit]
Description=Service hall queue server (一窗受理)
Documentation=file:///opt/hall/README.md
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User={layout.user}
Group={layout.user}
WorkingDirectory={STATE_DIR}
Environment=HALL_LOG_FORMAT=json
ExecStart={hall} server --config {CONFIG_DIR}/hall.toml --db {layout.db} --host 0.0.0.0 --port {layout.port}
Restart=on-failure
RestartSec=2
TimeoutStopSec=20
{common_hardening}
[Install]
WantedBy=multi-user.target
"""
    backup_service = f"""[Unit]
Description=Back up the service hall database (SQLite online backup, checked, {layout.keep} kept)

[Service]
Type=oneshot
User={layout.user}
Group={layout.user}
Environment=HALL_LOG_FORMAT=json
ExecStart={hall} backup --db {layout.db} --to {BACKUP_DIR} --keep {layout.keep}
{common_hardening}"""
    backup_timer = """[Unit]
Description=Daily backup of the service hall database

[Timer]
OnCalendar=*-*-* 02:30:00
RandomizedDelaySec=10min
Persistent=true
Unit=hall-backup.service

[Install]
WantedBy=timers.target
"""

    def screen(name: str, what: str, command: str) -> str:
        # cage runs one application full-screen on the seat's display, as a logged-in user on tty1
        return f"""[Unit]
Description=Service hall {what} (cage Wayland kiosk)
Wants=network-online.target
After=network-online.target systemd-user-sessions.service
Conflicts=getty@tty1.service
After=getty@tty1.service

[Service]
Type=simple
User={layout.kiosk_user}
PAMName=login
TTYPath=/dev/tty1
TTYReset=yes
TTYVHangup=yes
TTYVTDisallocate=yes
StandardInput=tty-fail
StandardOutput=journal
StandardError=journal
UtmpIdentifier=tty1
UtmpMode=user
Environment=XDG_SESSION_TYPE=wayland
Environment=KIVY_NO_ARGS=1
Environment=HALL_LOG_FORMAT=json
ExecStart=/usr/bin/cage -s -- {hall} {command}
Restart=on-failure
RestartSec=3

[Install]
WantedBy=graphical.target
"""

    sysusers = (f'u {layout.user} - "Service hall queue server" {STATE_DIR}\n'
                f'u {layout.kiosk_user} - "Service hall kiosk and display screen"\n'
                f"m {layout.kiosk_user} video\nm {layout.kiosk_user} input\nm {layout.kiosk_user} render\n"
                f"m {layout.kiosk_user} lp\nm {layout.kiosk_user} dialout\n")
    tmpfiles = (f"d {STATE_DIR} 0700 {layout.user} {layout.user} -\n"
                f"d {BACKUP_DIR} 0700 {layout.user} {layout.user} -\n"
                f"d {CONFIG_DIR} 0755 root root -\n")
    return {
        f"{UNIT_DIR}/hall-server.service": server,
        f"{UNIT_DIR}/hall-backup.service": backup_service,
        f"{UNIT_DIR}/hall-backup.timer": backup_timer,
        f"{UNIT_DIR}/hall-kiosk.service": screen("kiosk", "kiosk", f"kiosk --device {CONFIG_DIR}/kiosk.toml"),
        f"{UNIT_DIR}/hall-display.service": screen("display", "wall display",
                                                   f"display --device {CONFIG_DIR}/display.toml"),
        "usr/lib/sysusers.d/hall.conf": sysusers,
        "usr/lib/tmpfiles.d/hall.conf": tmpfiles,
    }


def write_units(root: Path, layout: Layout) -> list[Path]:
    """Write every file under `root`; returns their paths."""
    written = []
    for rel, text in units(layout).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        written.append(path)
    return written
