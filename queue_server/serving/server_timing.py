"""How long the server spent on each request, told to the client in a `Server-Timing` header.

`Server-Timing: head;dur=0.21, app;dur=1.52, cpu;dur=0.70, lock;dur=0.05, commit;dur=0.61, fsync;dur=0.33`
(milliseconds): `head` from the request's first byte to the application's call (reading and parsing the
request head and body); `app` the application until it starts its response (Flask: routing, hooks, the view,
its JSON, the write and its COMMIT); `cpu` the CPU time the event loop's thread used meanwhile (this request's
and any other greenlet's that ran while it waited), so app minus cpu is waiting: for the disk, or for a CPU
the process did not get. Within app, the spans noted through request_spans: the store's wait for the write
lock, the time from the end of the write's work until its transaction is durable (`commit`), and of that the
COMMIT statement itself when this request ran it (`fsync`). What a client measures beyond head + app is the
network, the client itself and time the request waited for the event loop (bench/server_load.py reports
both). A few clock reads and one header per request.
"""

from __future__ import annotations

from time import perf_counter, thread_time

from gevent.pywsgi import WSGIHandler

from queue_server import request_spans

HEADER = "Server-Timing"


def parse(value: str) -> dict[str, float]:
    """{name: milliseconds} from a Server-Timing header's value (metrics without a duration are left out)."""
    out: dict[str, float] = {}
    for metric in value.split(","):
        name, _, params = metric.strip().partition(";")
        for param in params.split(";"):
            key, _, number = param.strip().partition("=")
            if key == "dur":
                try:
                    out[name] = float(number)
                except ValueError:
                    pass
    return out


class TimedHandler(WSGIHandler):
    """gevent's WSGI handler, adding the Server-Timing header to every response."""

    _began: float | None = None  # the request's first byte
    _app_began: float | None = None
    _cpu_began = 0.0
    _spans: dict[str, float] | None = None

    def handle_one_request(self):
        self._began = self._app_began = None
        try:
            if not self.rfile.closed and self.rfile.peek(1):  # returns once the request's first byte is here
                self._began = perf_counter()
        except OSError:
            pass  # the base class meets the same error and ends the connection
        return super().handle_one_request()

    def run_application(self):
        self.begin_timing()
        return super().run_application()

    def begin_timing(self) -> None:
        """The application starts now (a subclass that replaces run_application calls this first)."""
        self._spans = request_spans.begin()
        self._cpu_began = thread_time()
        self._app_began = perf_counter()

    def start_response(self, status, headers, exc_info=None):
        if self._app_began is not None:
            now = perf_counter()
            head = (self._app_began - self._began) * 1000 if self._began is not None else 0.0
            cpu = (thread_time() - self._cpu_began) * 1000
            value = f"head;dur={head:.2f}, app;dur={(now - self._app_began) * 1000:.2f}, cpu;dur={cpu:.2f}"
            for name, seconds in (self._spans or {}).items():
                value += f", {name};dur={seconds * 1000:.2f}"
            headers = [*headers, (HEADER, value)]
        return super().start_response(status, headers, exc_info)
