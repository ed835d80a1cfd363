"""A network receipt printer on 127.0.0.1 that behaves like one at the socket.

    with PrinterDouble() as printer:
        open_printer(f"network:127.0.0.1:{printer.port}").print_ticket(ticket)
        assert printer.wait_for_cut(5)
        assert "A001" in printer.text

It keeps every byte it receives, answers the real-time status queries (DLE EOT 1/2/4) from
its paper and cover state, and can misbehave: refuse connections, hang up mid-ticket after
some bytes, or stay silent to status queries (printers without real-time status).
Used by the printer and kiosk tests and bench/kiosk_print.py.
"""

from __future__ import annotations

import socket
import threading

from hardware.testing.escpos_decoder import decode, parse


class PrinterDouble:
    def __init__(self, *, paper: str = "ok", cover_open: bool = False, offline: bool = False,
                 refuse: bool = False, close_after: int | None = None,
                 answers_status: bool = True) -> None:
        self.paper = paper  # "ok", "low" or "out"
        self.cover_open = cover_open
        self.offline = offline
        self.refuse = refuse  # nobody listens: connections are refused
        self.close_after = close_after  # hang up after this many bytes of a connection
        self.answers_status = answers_status
        self.connections = 0
        self.protocol_errors: list[str] = []
        self._received = bytearray()
        self._lock = threading.Lock()
        self._cut = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="printer double", daemon=True)

    @property
    def spec(self) -> str:
        return f"network:127.0.0.1:{self.port}"

    def __enter__(self) -> PrinterDouble:
        if not self.refuse:  # a bound socket that never listens refuses every connection
            self._sock.listen(4)
            self._sock.settimeout(0.1)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2)
        self._sock.close()

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    @property
    def text(self) -> str:
        """What the printer printed, decoded (status queries are not printed)."""
        return decode(self.received)

    @property
    def cuts(self) -> int:
        """Paper cuts received so far: one per finished ticket."""
        with self._lock:
            return self._count_cuts()

    def wait_for_cut(self, timeout: float = 5.0, count: int = 1) -> bool:
        """True once `count` paper cuts (ends of tickets) have arrived."""
        with self._cut:
            return self._cut.wait_for(lambda: self._count_cuts() >= count, timeout)

    def wait_for_bytes(self, count: int, timeout: float = 5.0) -> bool:
        """True once at least `count` bytes have arrived."""
        with self._cut:
            return self._cut.wait_for(lambda: len(self._received) >= count, timeout)

    def _count_cuts(self) -> int:  # called with the lock held
        try:
            tokens, _ = parse(bytes(self._received), final=False)
        except ValueError:  # unknown commands: fall back to spotting GS V
            return bytes(self._received).count(b"\x1dV")
        return sum(1 for t in tokens if t.kind == "cut")

    def status_byte(self, n: int) -> int:
        value = 0x12
        if n == 1 and self.offline:
            value |= 0x08
        if n == 2:
            value |= 0x04 if self.cover_open else 0
            value |= 0x20 if self.paper == "out" else 0
        if n == 4:
            value |= {"ok": 0, "low": 0x0C, "out": 0x60}[self.paper]
        return value

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        pending = b""  # bytes not yet forming complete commands
        broken = False  # after an unknown command, status queries can no longer be found
        seen = 0
        with conn:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                if self.close_after is not None and seen + len(chunk) >= self.close_after:
                    chunk = chunk[: self.close_after - seen]
                    with self._cut:
                        self._received += chunk
                    # Hang up with unread data: the kernel resets the connection, like a
                    # printer losing power mid-ticket.
                    return
                seen += len(chunk)
                tokens = []
                if not broken:
                    try:
                        tokens, used = parse(pending + chunk, final=False)
                        pending = (pending + chunk)[used:]
                    except ValueError as error:  # bytes no printer understands: say so
                        self.protocol_errors.append(str(error))
                        broken = True
                with self._cut:  # after parsing, so waiters see protocol_errors too
                    self._received += chunk
                    self._cut.notify_all()
                if self.answers_status:
                    replies = bytes(self.status_byte(int(t.value)) for t in tokens
                                    if t.kind == "status")
                    if replies:
                        conn.sendall(replies)
