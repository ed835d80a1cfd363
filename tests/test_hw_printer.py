"""The ticket printer against a printer double that receives the real bytes."""

import os
import socket
import threading
import tty
from dataclasses import replace
from datetime import datetime

import pytest

from hardware.printer_connection import parse_printer_spec
from hardware.printer_status import PrinterStatus, status_from_replies
from hardware.qr_decode import decode_frame
from hardware.testing.escpos_decoder import decode, parse, raster_image, status_queries
from hardware.testing.printer_double import PrinterDouble
from hardware.ticket_escpos import FS_KANJI_OFF, FS_KANJI_ON, printable_in_font
from hardware.ticket_layout import TicketLayout, sample_ticket, wait_texts, wrap_columns
from hardware.ticket_printer import (
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterOffline,
    open_printer,
)


def ticket(**changes) -> TicketLayout:
    base = sample_ticket(datetime(2026, 3, 2, 8, 30)).__dict__ | changes
    return TicketLayout(**base)


def test_ticket_prints_chinese_text_qr_and_cut():
    with PrinterDouble() as printer:
        status = open_printer(printer.spec).print_ticket(ticket())
        assert printer.wait_for_cut(5)
        text = printer.text
    assert status is PrinterStatus.OK
    assert "历下区政务服务大厅\n" in text
    assert "企业设立登记（有限责任公司）" in text  # full-width brackets survive, no "?"
    assert "前面还有 3 人，预计等候约 12 分钟" in text
    assert "\nA001\n" in text
    assert "[QR:http://192.168.1.10:8000/t/1?k=sample]" in text
    assert "取号时间 Issued 2026-03-02 08:30" in text
    assert text.rstrip().endswith("[CUT]")
    assert "?" not in text.replace("?k=", "")


def test_chinese_mode_wraps_gb18030_in_fs_commands_and_can_be_off():
    hall = "历下区政务服务大厅".encode("gb18030")
    with PrinterDouble() as printer:
        open_printer(printer.spec).print_ticket(ticket())
        assert printer.wait_for_cut(5)
        assert FS_KANJI_ON + hall + FS_KANJI_OFF in printer.received
    with PrinterDouble() as printer:
        open_printer(printer.spec, chinese_mode=False).print_ticket(ticket())
        assert printer.wait_for_cut(5)
        assert hall in printer.received
        assert FS_KANJI_ON not in printer.received


def test_big_number_uses_large_character_size():
    with PrinterDouble() as printer:
        open_printer(printer.spec).print_ticket(ticket(number="B123"))
        assert printer.wait_for_cut(5)
        data = printer.received
    # GS ! 0x55 = 6x width, 6x height, right before the number on 80 mm paper.
    assert b"\x1d!\x55" + b"\x1bE\x01" + b"\x1ba\x01" + b"B123\n" in data


def test_raster_fallback_prints_the_ticket_as_an_image():
    with PrinterDouble() as printer:
        open_printer(printer.spec, raster=True, paper_mm=58).print_ticket(ticket())
        assert printer.wait_for_cut(5)
        text = printer.text
        printed = raster_image(printer.received)
    assert "[IMAGE:384x" in text
    assert "历下区" not in text
    assert text.endswith("[CUT]")
    # What comes out of the printer is the ticket picture: its QR code scans.
    assert printed.shape[1] == 384
    assert decode_frame(printed) == ["http://192.168.1.10:8000/t/1?k=sample"]


def test_characters_outside_two_byte_gb18030_print_as_a_picture_of_that_line():
    rare = "𠮷野家中心"  # U+20BB7 is four bytes in GB18030: no printer font has it
    assert not printable_in_font(rare)
    assert printable_in_font("企业设立登记（有限）：，。")
    with PrinterDouble() as printer:
        open_printer(printer.spec).print_ticket(ticket(zone_zh=rare))
        assert printer.wait_for_cut(5)
        text = printer.text
    assert "[IMAGE:576x" in text
    assert "中心" not in text and "?" not in text.replace("?k=", "")
    assert "商事登记" not in text and "Commercial registration" in text


def test_print_lines_prints_a_materials_list():
    lines = ["1. 营业执照 Business licence", "2. 法定代表人身份证 ID card of the legal representative"]
    with PrinterDouble() as printer:
        open_printer(printer.spec, paper_mm=58).print_lines("所需材料 Materials", lines)
        assert printer.wait_for_cut(5)
        text = printer.text
    assert "所需材料\nMaterials\n" in text  # size-2 title wraps on 58 mm paper
    assert "营业执照" in text and "法定代表人身份证" in text
    assert "[CUT]" in text


def test_paper_out_raises_before_printing():
    with PrinterDouble(paper="out") as printer:
        with pytest.raises(PaperOut) as caught:
            open_printer(printer.spec).print_ticket(ticket())
        assert "缺纸" in str(caught.value) and "out of paper" in str(caught.value)
        assert b"\x1dV" not in printer.received  # no ticket sent
        assert status_queries(printer.received)[:1] == [1]


def test_cover_open_raises():
    with PrinterDouble(cover_open=True) as printer, pytest.raises(CoverOpen):
        open_printer(printer.spec).print_ticket(ticket())


def test_paper_low_prints_and_reports():
    with PrinterDouble(paper="low") as printer:
        assert open_printer(printer.spec).print_ticket(ticket()) is PrinterStatus.PAPER_LOW
        assert printer.wait_for_cut(5)


def test_refused_connection_raises_printer_offline():
    with PrinterDouble(refuse=True) as printer:
        with pytest.raises(PrinterOffline) as caught:
            open_printer(printer.spec, timeout_s=2).print_ticket(ticket())
    message = str(caught.value)
    assert "无法连接打印机" in message and "cannot reach the printer" in message


def test_printer_hanging_up_mid_ticket_raises():
    with PrinterDouble(close_after=300) as printer:
        with pytest.raises(PrinterOffline) as caught:
            open_printer(printer.spec, raster=True, timeout_s=2).print_ticket(ticket())
        assert "incomplete" in str(caught.value)
        assert len(printer.received) <= 300


def test_printer_without_status_replies_still_prints_and_is_not_asked_again():
    with PrinterDouble(answers_status=False) as printer:
        device = open_printer(printer.spec, status_timeout_s=0.2)
        assert device.print_ticket(ticket()) is PrinterStatus.UNKNOWN
        assert printer.wait_for_cut(5)
        assert device.print_ticket(ticket()) is PrinterStatus.UNKNOWN
        assert printer.wait_for_cut(5, count=2)
        assert printer.cuts == 2
        data = printer.received
    assert status_queries(data) == [1]  # one unanswered query, then no more waiting


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, PrinterStatus.OK),
        ({"paper": "low"}, PrinterStatus.PAPER_LOW),
        ({"paper": "out"}, PrinterStatus.PAPER_OUT),
        ({"cover_open": True}, PrinterStatus.COVER_OPEN),
        ({"offline": True}, PrinterStatus.OFFLINE),
        ({"refuse": True}, PrinterStatus.OFFLINE),
    ],
)
def test_status_reads_dle_eot_replies(options, expected):
    with PrinterDouble(**options) as printer:
        assert open_printer(printer.spec, timeout_s=2).status() is expected


def test_status_bytes_that_are_not_status_replies_mean_unknown():
    assert status_from_replies(0xFF, 0x12, 0x12) is PrinterStatus.UNKNOWN
    assert status_from_replies(None, None, None) is PrinterStatus.UNKNOWN
    assert status_from_replies(0x12, 0x12, 0x12) is PrinterStatus.OK


def test_file_printer_writes_the_job(tmp_path):
    device = tmp_path / "lp0"
    assert open_printer(f"file:{device}").print_ticket(ticket()) is PrinterStatus.UNKNOWN
    assert "[QR:http://192.168.1.10:8000/t/1?k=sample]" in decode(device.read_bytes())


def test_missing_device_file_and_usb_printer_raise_printer_offline(tmp_path):
    with pytest.raises(PrinterOffline):
        open_printer(f"file:{tmp_path}/missing/lp0").print_ticket(ticket())
    with pytest.raises(PrinterOffline) as caught:
        open_printer("usb:0416:5011").print_ticket(ticket())
    assert "usb:0416:5011" in str(caught.value)


def test_serial_printer_over_a_pseudo_terminal_reports_paper_out():
    controller, device = os.openpty()
    tty.setraw(controller)
    received = bytearray()

    def serial_printer() -> None:  # answers DLE EOT like a printer with an empty roll
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                return
            received.extend(chunk)
            for n in status_queries(chunk):
                os.write(controller, bytes([{1: 0x12, 2: 0x32, 4: 0x72}[n]]))

    threading.Thread(target=serial_printer, daemon=True).start()
    try:
        with pytest.raises(PaperOut):
            open_printer(f"serial:{os.ttyname(device)}:115200").print_ticket(ticket())
    finally:
        os.close(device)
        os.close(controller)
    assert status_queries(bytes(received)) == [1, 2, 4]


@pytest.mark.parametrize(
    ("spec", "kind", "detail"),
    [
        ("network:10.0.0.5:9100", "network", ("10.0.0.5", 9100)),
        ("usb:0416:5011", "usb", (0x0416, 0x5011, 0x82, 0x01)),
        ("usb:0483:5743:81:03", "usb", (0x0483, 0x5743, 0x81, 0x03)),
        ("serial:/dev/ttyS0", "serial", ("/dev/ttyS0", 9600)),
        ("serial:/dev/ttyUSB0:19200", "serial", ("/dev/ttyUSB0", 19200)),
        ("file:/dev/usb/lp0", "file", ("/dev/usb/lp0",)),
    ],
)
def test_printer_specs_parse(spec, kind, detail):
    parsed = parse_printer_spec(spec)
    assert parsed.kind == kind
    values = {"network": (parsed.host, parsed.port),
              "usb": (parsed.vendor_id, parsed.product_id, parsed.in_ep, parsed.out_ep),
              "serial": (parsed.path, parsed.baud), "file": (parsed.path,)}[kind]
    assert values == detail
    assert str(parsed) == spec or kind == "serial"


@pytest.mark.parametrize("spec", ["", "network:printer", "usb:zz:1", "usb:1:2:3", "lpt:1",
                                  "network:h:99999", "serial:", "file:"])
def test_bad_printer_specs_say_what_to_write(spec):
    with pytest.raises(PrinterError) as caught:
        open_printer(spec)
    assert "network:HOST:PORT" in str(caught.value) and "打印机配置无效" in str(caught.value)


def test_bad_paper_width_is_a_printer_error():
    with pytest.raises(PrinterError):
        open_printer("network:127.0.0.1:9100", paper_mm=72)


def test_wait_texts_and_wrapping():
    def ticket(ahead, seconds, idle=0):
        return replace(sample_ticket(), ahead=ahead, estimated_wait_s=seconds, idle_windows=idle)
    assert wait_texts(ticket(0, 30)) == ("前面没有人，即将叫号", "Nobody is ahead of you; you will be called soon")
    assert wait_texts(ticket(0, 420, idle=1)) == ("前面没有人，无需等候", "Nobody is ahead of you; no wait")
    assert wait_texts(ticket(5, 3900))[0] == "前面还有 5 人，预计等候约 1 小时 5 分钟"
    assert wait_texts(ticket(1, None)) == ("前面还有 1 人", "1 person is ahead of you")
    assert wrap_columns("法定代表人身份证复印件", 8) == ["法定代表", "人身份证", "复印件"]
    assert wrap_columns("Company registration", 10) == ["Company", "registrati", "on"] or \
        wrap_columns("Company registration", 12) == ["Company", "registration"]


def test_decoder_understands_what_python_escpos_emits():
    from escpos.printer import Dummy

    p = Dummy()
    p.hw("INIT")
    p.set(align="center", bold=True, double_height=True, double_width=True)
    p._raw("你好，世界\n".encode("gb18030"))
    p.qr("HELLO", native=True, size=4)
    p.cut()
    assert decode(p.output) == "你好，世界\n[QR:HELLO][CUT]"
    tokens, used = parse(p.output[:-1], final=False)
    assert used < len(p.output)


def test_decoder_reads_barcodes_and_the_double_survives_unknown_bytes():
    from escpos.printer import Dummy

    p = Dummy()
    p.barcode("12345678", "EAN8", function_type="B")
    p.cut(mode="PART")
    assert decode(p.output) == "[BARCODE:12345678][CUT]"
    with PrinterDouble() as printer:
        with socket.create_connection(("127.0.0.1", printer.port), timeout=2) as conn:
            conn.sendall(b"\x1b\x7fjunk\x1dV\x00")
        assert printer.wait_for_bytes(9)
        assert printer.wait_for_cut(5)
        assert printer.protocol_errors and "unknown ESC command" in printer.protocol_errors[0]


def test_printer_that_stops_answering_is_reported_offline():
    with PrinterDouble() as printer:
        device = open_printer(printer.spec, status_timeout_s=0.2)
        assert device.print_ticket(ticket()) is PrinterStatus.OK
        printer.answers_status = False  # firmware hangs
        with pytest.raises(PrinterOffline) as caught:
            device.print_ticket(ticket())
        assert "stopped answering" in str(caught.value)
        assert printer.cuts == 1  # the second ticket was not sent into the void
