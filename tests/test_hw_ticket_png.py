"""The ticket as a picture: kiosk on-screen fallback, raster printing and PNG previews."""

import os
import threading
from datetime import datetime

import numpy as np
import pytest
from PIL import Image

from hardware.qr_decode import decode_frame
from hardware.ticket_image import render_list_png, render_ticket_png
from hardware.ticket_layout import TicketLayout, sample_ticket
from hardware.ticket_printer import PrinterOffline, open_printer

ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")


def ink_columns(image: Image.Image, top: int, bottom: int) -> np.ndarray:
    pixels = np.asarray(image.convert("L"))[top:bottom]
    return np.flatnonzero((pixels < 128).any(axis=0))


@pytest.mark.parametrize(("paper_mm", "width"), [(80, 576), (58, 384)])
def test_ticket_png_has_printer_width_and_a_readable_qr(paper_mm, width):
    path = os.path.join(ARTIFACTS, f"hw_ticket_{paper_mm}mm.png")
    image = render_ticket_png(sample_ticket(datetime(2026, 3, 2, 8, 30)), path, paper_mm=paper_mm)
    assert image.size[0] == width and image.size[1] > 600
    with Image.open(path) as saved:
        assert saved.size == image.size
    assert decode_frame(np.asarray(image)) == ["http://192.168.1.10:8000/t/1?k=sample"]


def test_long_ticket_numbers_shrink_to_fit_the_paper():
    ticket = TicketLayout(**(sample_ticket().__dict__ | {"number": "YL10001"}))
    image = render_ticket_png(ticket, os.path.join(ARTIFACTS, "hw_ticket_long_number.png"),
                              paper_mm=58)
    columns = ink_columns(image, 0, image.size[1])
    assert columns.min() > 0 and columns.max() < image.size[0] - 1  # nothing cut at the edges


def test_printer_png_matches_its_paper_width():
    printer = open_printer("network:127.0.0.1:9", paper_mm=58)
    assert printer.render_ticket_png(sample_ticket()).size[0] == 384


def test_materials_list_png():
    image = render_list_png("所需材料 Materials", ["1. 营业执照（副本）Business licence copy"] * 12,
                            os.path.join(ARTIFACTS, "hw_list.png"))
    assert image.size[0] == 576 and image.size[1] > 12 * 30


def test_a_printer_device_that_blocks_forever_times_out(tmp_path):
    # Opening a FIFO for writing blocks until someone reads: like a stuck /dev/usb/lp0.
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    printer = open_printer(f"file:{fifo}", timeout_s=0.3, status_timeout_s=0.05)
    try:
        with pytest.raises(PrinterOffline) as caught:
            printer.print_ticket(sample_ticket())
        assert "did not respond" in str(caught.value) and "无响应" in str(caught.value)
    finally:
        # Let the stuck writer go: read what it sends, then close.
        def drain() -> None:
            with open(fifo, "rb") as pipe:
                pipe.read()

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        reader.join(5)
