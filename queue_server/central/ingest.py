"""Idempotent ingest of one batch of a hall's events.

The batch is copied into a temporary staging table (COPY, the fast path), then inserted with
ON CONFLICT DO NOTHING on the event's key, and the epoch's high-water mark moves in the same transaction:
a batch sent twice (the answer was lost) changes nothing, and the mark never claims an event that is not stored.
"""

from __future__ import annotations

import json
from datetime import UTC

import psycopg

from queue_server.central.batch import STAGE_COLUMNS, Batch, BatchRefused
from queue_server.central.partitions import Partitions


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
