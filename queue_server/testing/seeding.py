"""A hall database with accounts and device tokens, made before a test or benchmark server starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts


@dataclass
class Seeded:
    """Accounts and device tokens created in a test database before its server starts."""

    manager: tuple[str, str] = ("boss", "boss-pass-1")
    staff: dict[str, str] = field(default_factory=dict)  # username -> password
    devices: dict[str, str] = field(default_factory=dict)  # device name -> token


STAFF_NAMES = ("王丽", "李强", "张敏", "刘洋")  # shown with their 工号 on the window screens


def seed(db_path: Path, n_staff: int = 4, buttons: tuple[int, ...] = (1,)) -> Seeded:
    """A manager, `n_staff` staff (staffN / pass-N-word), kiosk-01, display-01 and a call-next box per window."""
    hall = Hall(config=load_config(), db_path=db_path)
    s = Seeded()
    accounts.add_user(hall, *s.manager, "manager")
    for i in range(1, n_staff + 1):
        s.staff[f"staff{i}"] = f"pass-{i}-word"
        accounts.add_user(hall, f"staff{i}", s.staff[f"staff{i}"], "staff",
                          display_name=STAFF_NAMES[(i - 1) % len(STAFF_NAMES)], staff_no=f"LX{i:04d}")
    s.devices["kiosk-01"] = accounts.add_device(hall, "kiosk-01", "kiosk")
    s.devices["display-01"] = accounts.add_device(hall, "display-01", "display")
    for w in buttons:
        s.devices[f"button-{w}"] = accounts.add_device(hall, f"button-{w}", "button", window=w)
        s.devices[f"pad-{w}"] = accounts.add_device(hall, f"pad-{w}", "pad", window=w)
    hall.close()
    return s
