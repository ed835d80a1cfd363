"""Telling the staff: a citizen's call for help, and device trouble reported once (and the recovery once)."""

from __future__ import annotations

from hardware.printer_errors import PaperOut, PrinterOffline
from kiosk.presenter.staff_alerts import StaffAlerts
from tests.support.kiosk_fakes import connected, shared, started_kiosk


def alerts() -> StaffAlerts:
    base = shared()
    return StaffAlerts(base, connected(base))


def test_help_raises_an_alert():
    kiosk = started_kiosk()
    kiosk.ask_help()
    assert kiosk.client.alerts[-1][0] == "help" and "kiosk-01" in kiosk.client.alerts[-1][1]
    assert kiosk.notice[0].startswith("已通知工作人员")
    kiosk.client.down = True
    kiosk.ask_help()
    assert kiosk.notice[0].startswith("呼叫失败")
    assert not kiosk.ready  # and the kiosk knows the server is gone


def test_printer_trouble_is_reported_once_and_so_is_the_recovery():
    staff = alerts()
    staff.printer_failed(PaperOut("打印机缺纸", "out of paper"))
    staff.printer_failed(PrinterOffline("打印机无响应", "offline"))
    staff.printer_fine(None)
    staff.printer_fine(None)
    assert [a[0] for a in staff.shared.client.alerts] == ["printer_paper_out", "printer_ok"]
    assert all(message.startswith("kiosk-01: ") for _, message in staff.shared.client.alerts)


def test_the_camera_is_reported_missing_once():
    staff = alerts()
    staff.camera_missing()
    staff.camera_missing()
    assert [a[0] for a in staff.shared.client.alerts] == ["camera_missing"]


def test_an_alert_that_cannot_be_sent_is_only_logged():
    staff = alerts()
    staff.shared.client.down = True
    staff.send("printer_offline", "x")
    assert staff.shared.client.alerts == [] and staff.shared.notice is None
