"""Idempotent ingest of one batch of a hall's events.

The batch is copied into a temporary staging table (COPY, the fast path), then inserted with
ON CONFLICT DO NOTHING on the event's key, and the epoch's high-water mark moves in the same transaction:
a batch sent twice (the answer was lost) changes nothing, and the mark never claims an event that is not stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from queue_server.central.partitions import Partitions

STAGE_COLUMNS = ("id", "at", "kind", "ticket_id", "number", "zone", "win", "actor_kind", "actor", "reason", "data")
HALL_COLUMNS = ("id", "at", "kind", "ticket_id", "number", "zone", "window", "actor_kind", "actor", "reason", "data")
MAX_EVENTS = 10_000
MAX_TEXT = 100_000  # an event's data (JSON) is a few hundred bytes; a megabyte is not an event


class BatchRefused(ValueError):
    """The batch cannot be taken: `code` says why (the API answers 400 or 409 with it)."""

    def __init__(self, code: str, message: str, status: int = 400, **details: object):
        super().__init__(message)
        self.code, self.status, self.details = code, status, details


@dataclass(frozen=True)
class Batch:
    epoch: str
    parent_epoch: str
    fork_id: int
    after: int
    zones: list
    rows: list[tuple]  # in STAGE_COLUMNS order, `at` parsed


def parse_batch(body: object) -> Batch:
    """Check a batch's shape (pure): every event is a row of the hall's columns, ids ascending after `after`."""
    if not isinstance(body, dict):
        raise BatchRefused("bad_batch", "the body must be a JSON object")
    epoch = body.get("epoch")
    if not isinstance(epoch, str) or not 1 <= len(epoch) <= 64:
        raise BatchRefused("bad_epoch", "epoch must be a string of 1 to 64 characters")
    if list(body.get("columns") or []) != list(HALL_COLUMNS):
        raise BatchRefused("bad_columns", f"columns must be {list(HALL_COLUMNS)}")
    events, after, fork_id = body.get("events"), body.get("after"), body.get("fork_id", 0)
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise BatchRefused("bad_events", f"events must be a list of at most {MAX_EVENTS} rows")
    if not isinstance(after, int) or not isinstance(fork_id, int) or after < 0 or fork_id < 0:
        raise BatchRefused("bad_after", "after and fork_id must be whole numbers ≥ 0")
    rows, previous = [], after
    for ev in events:
        if not isinstance(ev, list) or len(ev) != len(HALL_COLUMNS):
            raise BatchRefused("bad_event", f"each event must be a list of {len(HALL_COLUMNS)} values")
        if not isinstance(ev[0], int) or ev[0] <= previous:
            raise BatchRefused("bad_order", "event ids must ascend, each after `after`")
        previous = ev[0]
        try:
            at = datetime.fromisoformat(ev[1])
        except (TypeError, ValueError):
            raise BatchRefused("bad_time", f"event {ev[0]}: `at` must be an ISO 8601 time") from None
        if at.tzinfo is None:
            raise BatchRefused("bad_time", f"event {ev[0]}: `at` needs a time zone")
        for name, value in zip(HALL_COLUMNS[2:], ev[2:], strict=True):
            want = int if name in ("ticket_id", "window") else str
            if not (value is None or (isinstance(value, want) and not isinstance(value, bool))) or (
                    name == "kind" and not value):
                raise BatchRefused("bad_value", f"event {ev[0]}: {name} must be {want.__name__}")
            if isinstance(value, str) and ("\x00" in value or len(value) > MAX_TEXT):
                raise BatchRefused("bad_value", f"event {ev[0]}: {name} is too long or holds a NUL")
        rows.append((ev[0], at, *ev[2:10], ev[10]))
    zones = body.get("zones") if isinstance(body.get("zones"), list) else []
    return Batch(epoch, str(body.get("parent_epoch") or ""), fork_id, after, zones, rows)


def current_mark(conn: psycopg.Connection, hall: str, epoch: str) -> int:
    row = conn.execute("SELECT last_id FROM epochs WHERE hall = %s AND epoch = %s", [hall, epoch]).fetchone()
    return row[0] if row else 0


def ingest(conn: psycopg.Connection, partitions: Partitions, hall: str, batch: Batch,
           after_commit_hook=None) -> dict:
    """Store a batch; returns {"last_id", "inserted"}. A batch starting beyond the mark is refused (409 gap)."""
    try:
        return _ingest(conn, partitions, hall, batch, after_commit_hook)
    except (psycopg.errors.DataError, psycopg.errors.IntegrityError) as e:  # e.g. data that is not JSON
        raise BatchRefused("bad_value", f"the centre cannot store this batch: {e.diag.message_primary}") from None


def _ingest(conn: psycopg.Connection, partitions: Partitions, hall: str, batch: Batch, after_commit_hook) -> dict:
    if batch.rows:
        partitions.ensure(conn, {r[1].astimezone(UTC).date() for r in batch.rows})
    with conn.transaction():
        conn.execute(
            "INSERT INTO epochs (hall, epoch, parent_epoch, fork_id) VALUES (%s, %s, nullif(%s, ''), %s)"
            " ON CONFLICT (hall, epoch) DO NOTHING", [hall, batch.epoch, batch.parent_epoch, batch.fork_id])
        mark = conn.execute("SELECT last_id FROM epochs WHERE hall = %s AND epoch = %s FOR UPDATE",
                            [hall, batch.epoch]).fetchone()[0]
        if batch.after > mark:
            raise BatchRefused("gap", f"the centre has events up to {mark} of this epoch, the batch starts after"
                               f" {batch.after}; ask for the mark and send from there", status=409, last_id=mark)
        conn.execute("UPDATE halls SET epoch = %s, zones = CASE WHEN %s::jsonb = '[]' THEN zones ELSE %s::jsonb END"
                     " WHERE code = %s", [batch.epoch, json.dumps(batch.zones), json.dumps(batch.zones), hall])
        new = [r for r in batch.rows if r[0] > mark]
        inserted = 0
        if new:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS staging (id bigint, at timestamptz, kind text,"
                         " ticket_id bigint, number text, zone text, win integer, actor_kind text, actor text,"
                         " reason text, data jsonb) ON COMMIT DELETE ROWS")
            with conn.cursor().copy(f"COPY staging ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
                for r in new:
                    copy.write_row(r)
            cur = conn.execute(
                f"INSERT INTO events (hall, epoch, {', '.join(STAGE_COLUMNS)})"
                f" SELECT %s, %s, {', '.join(STAGE_COLUMNS)} FROM staging ORDER BY id"
                " ON CONFLICT DO NOTHING", [hall, batch.epoch])
            inserted = cur.rowcount
            last_id, last_at = new[-1][0], max(r[1] for r in new)
            conn.execute("UPDATE epochs SET last_id = %s, events = events + %s, received_at = now(),"
                         " last_event_at = greatest(last_event_at, %s) WHERE hall = %s AND epoch = %s",
                         [last_id, inserted, last_at, hall, batch.epoch])
            mark = last_id
    if after_commit_hook is not None:
        after_commit_hook()
    return {"last_id": mark, "inserted": inserted}
