"""The real kiosk under Xvfb against a real server, driven by touches (one subprocess per app run)."""

from __future__ import annotations

from queue_server.client import HallClient
from tests.kiosk_driver_helpers import device_file, run_driver
from tests.printer_double import PrinterDouble


def kiosk_token(live_server) -> str:
    return live_server.seeded.devices["kiosk-01"]


def test_take_a_number_for_a_matter_prints_the_ticket(xvfb, live_server, tmp_path, artifacts):
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, kiosk_token(live_server), printer.spec)
        results = run_driver(device, "matter", artifacts / "kiosk" / "matter", tmp_path / "kivy")
        assert printer.wait_for_cut(5)
        printed = printer.text
    ticket = results["ticket"]
    assert results["print_state"] == "printed"
    assert results["taps_to_ticket"] == 3
    server_copy = HallClient(live_server.url).ticket(ticket["id"])
    assert server_copy["number"] == ticket["number"] and server_copy["matter"] == ticket["matter"]
    assert server_copy["zone"] == "commerce" and server_copy["state"] == "waiting"
    assert ticket["number"] in printed
    assert f"[QR:{live_server.url}/api/v1/tickets/{ticket['id']}]" in printed
    assert results["search"]["query"] == "hj"
    assert results["search"]["after"] and len(results["search"]["after"]) < results["search"]["before"]
    assert results["overflow"] == []
