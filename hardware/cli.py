"""Field diagnostics for installers (`hall printer test`, `hall scan`, `hall say`) and `hall buttons`,
which runs the windows' call-next keypads and serial base station.

The team CLI (queue_server/cli.py) adds COMMANDS to `hall`; `python -m hardware.cli ...` runs
them on their own. Device libraries load inside the commands, so `hall --help` stays fast.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click


def _fail(message: str) -> click.ClickException:
    return click.ClickException(message)


@click.group()
def printer() -> None:
    """Ticket printer checks."""


@printer.command("test")
@click.option("--printer", "spec", metavar="SPEC",
              help="network:HOST:PORT, usb:VID:PID[:IN:OUT], serial:/dev/ttyS0[:BAUD] or "
              "file:/dev/usb/lp0")
@click.option("--png", "png", type=click.Path(dir_okay=False), help="Also save the ticket as PNG.")
@click.option("--paper", type=click.Choice(["58", "80"]), default="80", show_default=True,
              help="Paper width in mm.")
@click.option("--chinese-mode/--no-chinese-mode", default=True, show_default=True,
              help="Send FS & / FS . around Chinese text (most Chinese-market printers).")
@click.option("--raster", is_flag=True, help="Print as an image (printer has no Chinese font).")
@click.option("--timeout", type=float, default=3.0, show_default=True, help="Seconds per step.")
def printer_test(spec: str | None, png: str | None, paper: str, chinese_mode: bool, raster: bool,
                 timeout: float) -> None:
    """Print a sample ticket (and/or save it as PNG) to check a printer on site."""
    from hardware.ticket_image import render_ticket_png
    from hardware.ticket_layout import sample_ticket
    from hardware.ticket_printer import PrinterError, open_printer

    if not spec and not png:
        raise _fail("give --printer SPEC (e.g. network:192.168.1.50:9100) and/or --png FILE")
    ticket = sample_ticket()
    if png:
        render_ticket_png(ticket, png, paper_mm=int(paper))
        click.echo(f"ticket image written to {png}")
    if spec:
        try:
            device = open_printer(spec, paper_mm=int(paper), chinese_mode=chinese_mode,
                                  raster=raster, timeout_s=timeout)
            status = device.print_ticket(ticket)
        except PrinterError as error:
            raise _fail(str(error)) from None
        click.echo(f"sample ticket sent to {spec}; printer status: {status.value}")


@printer.command("status")
@click.option("--printer", "spec", metavar="SPEC", required=True, help="Printer spec.")
def printer_status(spec: str) -> None:
    """Ask the printer for paper and cover status (DLE EOT)."""
    from hardware.printer_status import STATUS_TEXT
    from hardware.ticket_printer import PrinterError, open_printer

    try:
        status = open_printer(spec).status()
    except PrinterError as error:
        raise _fail(str(error)) from None
    zh, en = STATUS_TEXT[status]
    click.echo(f"{status.value}: {zh} / {en}")


@click.command()
@click.option("--camera", "source", required=True, metavar="SOURCE",
              help="Camera index (0), device (/dev/video0), video file or stream URL.")
@click.option("--once", is_flag=True, help="Stop after the first code.")
@click.option("--timeout", type=float, default=None,
              help="Stop after this many seconds (cameras and streams run until Ctrl-C).")
def scan(source: str, once: bool, timeout: float | None) -> None:
    """Print each distinct QR code the camera reads, one per line."""
    from hardware.qr_scanner import CAMERA_UNAVAILABLE, STATUS_TEXT, QrScanner, is_file_source

    seen: list[str] = []
    problems: list[str] = []
    lock = threading.Lock()

    def on_code(code: str) -> None:
        with lock:
            if code in seen or (once and seen):
                return
            seen.append(code)
            click.echo(code)
            sys.stdout.flush()
        if once:
            scanner.stop(timeout=0)

    def on_status(status: str) -> None:
        if status == CAMERA_UNAVAILABLE:
            problems.append(status)
        zh, en = STATUS_TEXT.get(status, (status, status))
        click.echo(f"[{status}] {zh} / {en}", err=True)

    scanner = QrScanner(source, on_code, on_status)
    scanner.start()
    try:
        scanner.wait(timeout)
    except KeyboardInterrupt:
        pass
    finally:
        scanner.stop()
    if problems and not seen and is_file_source(scanner.source):
        raise _fail(f"cannot read video {source!r}: check the path and that it is a video file")
    if not seen and is_file_source(scanner.source):
        raise _fail("no QR code found in the video")


@click.command()
@click.argument("text")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the announcement as WAV.")
@click.option("--play", is_flag=True, help="Play it on the default audio output (aplay).")
@click.option("--repeat", type=click.IntRange(1, 5), default=1, show_default=True)
@click.option("--chime/--no-chime", default=True, show_default=True)
@click.option("--lang", type=click.Choice(["both", "zh", "en"]), default="both", show_default=True,
              help="For calls like 请 A001 号到 3 号窗口办理: which languages to speak.")
def say(text: str, out: str | None, play: bool, repeat: int, chime: bool, lang: str) -> None:
    """Speak TEXT: a call ("请 A001 号到 3 号窗口办理" adds the English) or any sentence."""
    from hardware.announcement_text import has_chinese, parse_call_text, speakable
    from hardware.announcer import Announcement, Announcer, AplaySink
    from hardware.speech_wav import SpeechError, announcement_wav

    if not out and not play:
        raise _fail("give --out FILE.wav and/or --play")
    call = parse_call_text(text)
    try:
        if call:
            languages = ("zh", "en") if lang == "both" else (lang,)
            announcer = Announcer(sink=lambda _: None, repeat=repeat, with_chime=chime,
                                  languages=languages)
            announcement = announcer.render(*call)
            if announcement.wav is None:
                raise SpeechError("speech synthesis failed (is espeak-ng installed?)")
            wav = announcement.wav
            click.echo(f"{announcement.spoken_zh} / {announcement.spoken_en}", err=True)
        else:
            chinese = has_chinese(text)
            spoken = speakable(text, chinese)
            wav = announcement_wav(spoken if chinese else "", "" if chinese else spoken,
                                   repeat=repeat, with_chime=chime)
            announcement = Announcement("", "", text, "", spoken, "", repeat, wav)
    except SpeechError as error:
        raise _fail(str(error)) from None
    if out:
        Path(out).write_bytes(wav)
        click.echo(f"announcement written to {out}")
    if play:
        AplaySink()(announcement)


@click.command()
@click.option("--file", "path", required=True, type=click.Path(dir_okay=False),
              help="Buttons file (TOML): the server, each window's keypad and token, the serial base station.")
def buttons(path: str) -> None:
    """Run the windows' call-next buttons (evdev keypads, serial caller base station) until stopped."""
    import signal

    from hardware.button_box import ButtonsFileError, ServerActions, load_buttons_file
    from hardware.keypad_evdev import KeypadReader
    from hardware.serial_caller import SerialCallerStation

    try:
        spec = load_buttons_file(path)
    except ButtonsFileError as error:
        raise _fail(str(error)) from None
    tokens = {k.window: k.token for k in spec.keypads} | spec.serial_tokens
    server = ServerActions(spec.server, tokens)

    def show(result) -> None:
        outcome = f"OK {result.ticket or ''}".strip() if result.ok else f"refused: {result.message}"
        click.echo(f"window {result.window} {result.action}: {outcome}")

    readers = []
    for k in spec.keypads:
        readers.append(KeypadReader(k.device, window=k.window, act=server.act, on_result=show,
                                    on_status=lambda status, k=k: click.echo(f"window {k.window} keypad {k.device}: "
                                                                             f"{status}")))
    station = None
    if spec.serial_port:
        station = SerialCallerStation(spec.serial_port, server.act, baudrate=spec.serial_baud,
                                      on_line=lambda line, answer: click.echo(f"serial {line} -> {answer}"))
        try:
            station.open()
        except OSError as error:
            raise _fail(str(error)) from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    for reader in readers:
        reader.start()
    if station is not None:
        station.start()
    click.echo(f"buttons running: {len(readers)} keypad(s), serial {spec.serial_port or 'none'}; "
               f"server {spec.server}")
    stop.wait()
    for reader in readers:
        reader.stop()
    if station is not None:
        station.stop()


COMMANDS = [printer, scan, say, buttons]


@click.group()
def main() -> None:
    """Hardware diagnostics (also available as `hall printer|scan|say`)."""


for _command in COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":
    main()
