"""Printer connections from a config string, with timeouts, on python-escpos's transports.

Specs (from the device config):
    network:HOST:PORT      raw TCP, usually port 9100
    usb:VID:PID[:IN:OUT]   hex ids, e.g. usb:0416:5011; endpoints default to 82:01, some
                           models need others (see `lsusb -v`); needs pyusb and libusb-1.0
    serial:/dev/ttyS0[:BAUD]  default 9600 baud
    file:/dev/usb/lp0      a device file (write only: no status)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from escpos.exceptions import DeviceNotFoundError

from hardware.printer_errors import PrinterError, PrinterOffline

T = TypeVar("T")


@dataclass(frozen=True)
class PrinterSpec:
    kind: Literal["network", "usb", "serial", "file"]
    host: str = ""
    port: int = 0
    vendor_id: int = 0
    product_id: int = 0
    path: str = ""
    baud: int = 9600
    in_ep: int = 0x82
    out_ep: int = 0x01

    def __str__(self) -> str:
        if self.kind == "network":
            return f"network:{self.host}:{self.port}"
        if self.kind == "usb":
            endpoints = "" if (self.in_ep, self.out_ep) == (0x82, 0x01) else \
                f":{self.in_ep:02x}:{self.out_ep:02x}"
            return f"usb:{self.vendor_id:04x}:{self.product_id:04x}{endpoints}"
        if self.kind == "serial":
            return f"serial:{self.path}:{self.baud}"
        return f"file:{self.path}"


def _bad_spec(spec: str, why_en: str) -> PrinterError:
    return PrinterError(
        f"打印机配置无效：{spec!r}",
        f"invalid printer spec {spec!r}: {why_en}. Use network:HOST:PORT, usb:VID:PID, "
        "serial:/dev/ttyS0[:BAUD] or file:/dev/usb/lp0",
    )


def parse_printer_spec(spec: str) -> PrinterSpec:
    """Parse a printer spec; a bad one raises PrinterError saying what a good one looks like."""
    kind, _, rest = spec.strip().partition(":")
    try:
        if kind == "network":
            host, _, port = rest.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError("expected HOST:PORT")
            return PrinterSpec("network", host=host.strip("[]"), port=int(port))
        if kind == "usb":
            parts = [int(part, 16) for part in rest.split(":")]
            if len(parts) not in (2, 4):
                raise ValueError("expected VID:PID or VID:PID:IN:OUT in hex")
            endpoints = {"in_ep": parts[2], "out_ep": parts[3]} if len(parts) == 4 else {}
            return PrinterSpec("usb", vendor_id=parts[0], product_id=parts[1], **endpoints)
        if kind == "serial":
            path, _, baud = rest.partition(":")
            if not path:
                raise ValueError("expected a device path")
            return PrinterSpec("serial", path=path, baud=int(baud) if baud else 9600)
        if kind == "file":
            if not rest:
                raise ValueError("expected a device path")
            return PrinterSpec("file", path=rest)
    except ValueError as error:
        raise _bad_spec(spec, str(error)) from None
    raise _bad_spec(spec, f"unknown connection type {kind!r}")


def transfer_seconds(spec: PrinterSpec, size: int) -> float:
    """Time a job of `size` bytes may take to go out: a serial line at 10 bits a byte; other
    links as fast as a printer prints a raster image (about 20 KB/s, conservatively)."""
    if spec.kind == "serial":
        return size * 10 / spec.baud
    return size / 20_000


def offline_error(spec: PrinterSpec, detail: str) -> PrinterOffline:
    return PrinterOffline(
        f"无法连接打印机（{spec}），请检查电源和连线",
        f"cannot reach the printer at {spec}: {detail}. Check power and cable",
    )


class PrinterLink:
    """One open connection: write bytes, read status bytes, close. Every call has a timeout."""

    def __init__(self, spec: PrinterSpec, timeout_s: float = 3.0) -> None:
        self.spec = spec
        self.timeout_s = timeout_s
        self._printer = None

    @property
    def can_read(self) -> bool:
        return self.spec.kind in ("network", "serial", "usb")

    def open(self) -> None:
        spec = self.spec
        try:
            if spec.kind == "network":
                from escpos.printer import Network

                printer = Network(spec.host, spec.port, timeout=self.timeout_s)
                # Connect here rather than in Network.open(), which leaks the socket on failure.
                printer.device = socket.create_connection((spec.host, spec.port), self.timeout_s)
                self._printer = printer
                return
            elif spec.kind == "usb":
                from escpos.printer import Usb

                printer = Usb(spec.vendor_id, spec.product_id, timeout=int(self.timeout_s * 1000),
                              in_ep=spec.in_ep, out_ep=spec.out_ep)
            elif spec.kind == "serial":
                from escpos.printer import Serial

                printer = Serial(spec.path, baudrate=spec.baud, timeout=self.timeout_s)
            else:
                from escpos.printer import File

                printer = File(spec.path)
            printer.open()
        except (DeviceNotFoundError, OSError) as error:
            raise offline_error(spec, str(error).replace("\n", " ")) from None
        except Exception as error:  # missing USB backend and similar set-up problems
            raise offline_error(spec, f"{type(error).__name__}: {error}") from None
        self._printer = printer

    def write(self, data: bytes) -> None:
        assert self._printer is not None, "open() first"
        device = self._printer.device
        if self.spec.kind == "serial":
            device.write_timeout = self.timeout_s + transfer_seconds(self.spec, len(data))
        elif self.spec.kind == "network":
            # The socket timeout bounds the whole sendall: allow for a big raster job.
            device.settimeout(self.timeout_s + transfer_seconds(self.spec, len(data)))
        try:
            self._printer._raw(data)
        except Exception as error:
            raise PrinterOffline(
                "打印中断，票据可能不完整，请重新打印",
                f"the printer at {self.spec} stopped mid-ticket ({type(error).__name__}); "
                "the ticket may be incomplete, print it again",
            ) from None

    def read_byte(self, timeout_s: float) -> int | None:
        """One byte from the printer, or None when it says nothing within `timeout_s`.

        A connection that closes raises PrinterOffline: a printer never just hangs up.
        """
        assert self._printer is not None, "open() first"
        device = self._printer.device
        try:
            if self.spec.kind == "network":
                device.settimeout(timeout_s)
                data = device.recv(1)
                if not data:
                    raise ConnectionResetError("connection closed by the printer")
            elif self.spec.kind == "serial":
                device.timeout = timeout_s
                data = device.read(1)
            elif self.spec.kind == "usb":
                data = bytes(device.read(self._printer.in_ep, 64, int(timeout_s * 1000)))
            else:
                return None
        except TimeoutError:
            return None
        except OSError as error:
            raise PrinterOffline(
                "打印机连接已断开，票据可能不完整，请重新打印",
                f"the printer at {self.spec} closed the connection ({error}); "
                "the ticket may be incomplete, print it again",
            ) from None
        except Exception as error:  # pyusb timeouts and errors
            if "timeout" in str(error).lower():
                return None
            raise offline_error(self.spec, str(error)) from None
        return data[0] if data else None

    def drain(self) -> None:
        """Drop bytes the printer sent unasked, so the next reply belongs to the next query."""
        if self.spec.kind == "network":
            device = self._printer.device
            device.setblocking(False)
            try:
                while device.recv(256):
                    pass
            except (BlockingIOError, OSError):
                pass
            finally:
                device.settimeout(self.timeout_s)  # back to blocking with a timeout
        elif self.spec.kind == "serial":
            self._printer.device.reset_input_buffer()

    def close(self) -> None:
        if self._printer is not None:
            try:
                self._printer.close()
            except Exception:  # closing a dead connection must not mask the real error
                pass
            self._printer = None


def run_with_deadline(fn: Callable[[], T], seconds: float, spec: PrinterSpec) -> T:
    """Run `fn` in a helper thread; if it is still blocked after `seconds`, give up.

    Device files and USB stacks can block forever on an unplugged printer: the kiosk must not.
    """
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=target, name=f"printer {spec}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise PrinterOffline(
            f"打印机无响应（{spec}），请通知工作人员",
            f"the printer at {spec} did not respond within {seconds:.0f} s",
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
