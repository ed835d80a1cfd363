"""The central PostgreSQL schema, as numbered migrations (each applied once, in order, recorded in a table).

Events are partitioned by month of their time (`at`); a partition is made when the first event of its month
arrives (partitions.py). PostgreSQL wants the partition key in every unique key, so the key is
(hall, epoch, id, at): an event's `at` never changes, so it is the same as (hall, epoch, id).
"""

from __future__ import annotations

import psycopg

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("001_core", """
    CREATE TABLE halls (
        code text PRIMARY KEY,
        name text NOT NULL,
        region text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        epoch text,                       -- the epoch the hall ships now
        zones jsonb NOT NULL DEFAULT '[]', -- names and wait targets, as the hall last sent them
        created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE epochs (
        hall text NOT NULL REFERENCES halls (code),
        epoch text NOT NULL,
        parent_epoch text,                -- the epoch this one forked from at a restore
        fork_id bigint NOT NULL DEFAULT 0, -- the last event id it shares with its parent
        last_id bigint NOT NULL DEFAULT 0, -- the high-water mark: every event up to it is here
        events bigint NOT NULL DEFAULT 0,  -- events received in this epoch
        last_event_at timestamptz,
        received_at timestamptz,
        started_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hall, epoch)
    );
    CREATE TABLE events (
        hall text NOT NULL,
        epoch text NOT NULL,
        id bigint NOT NULL,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        ticket_id bigint,
        number text,
        zone text,
        win integer,
        actor_kind text,
        actor text,
        reason text,
        data jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hall, epoch, id, at)
    ) PARTITION BY RANGE (at);
    CREATE INDEX events_kind ON events (hall, kind, at);
    CREATE TABLE users (
        name text PRIMARY KEY,
        role text NOT NULL CHECK (role IN ('city', 'hall-manager')),
        region text,
        password_hash text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
    INSERT INTO settings VALUES ('secret_key', md5(random()::text || clock_timestamp()::text) || md5(random()::text));
    """),
    ("002_projections", """
    -- Each real event once: a restored hall re-ships the prefix it shares with its parent epoch under its new
    -- epoch; the parent's copies of that prefix are left out (its events after the fork stay: nothing lost).
    CREATE VIEW city_events AS
        SELECT e.* FROM events e
        WHERE NOT EXISTS (SELECT 1 FROM epochs c WHERE c.hall = e.hall AND c.parent_epoch = e.epoch
                          AND e.id <= c.fork_id);
    CREATE VIEW ticket_waits AS      -- waits: from taking a number to the first call
        SELECT hall, zone, (data->'ticket'->>'issued_at')::timestamptz AS issued_at, at AS called_at,
               extract(epoch FROM at - (data->'ticket'->>'issued_at')::timestamptz) AS wait_s
        FROM city_events WHERE kind = 'called' AND coalesce((data->'ticket'->>'transfers')::int, 0) = 0;
    CREATE VIEW ticket_latest AS     -- each ticket's latest event: waiting, called, finished ...
        SELECT DISTINCT ON (hall, epoch, ticket_id) hall, epoch, ticket_id, zone, kind, at,
               (data->'ticket'->>'issued_at')::timestamptz AS issued_at
        FROM city_events WHERE ticket_id IS NOT NULL
        ORDER BY hall, epoch, ticket_id, id DESC;
    CREATE VIEW window_states AS     -- staffing: each window's latest sign-on/off
        SELECT DISTINCT ON (hall, win) hall, win, reason, at
        FROM city_events WHERE kind = 'window' AND reason IN ('opened', 'closed', 'paused', 'resumed')
        ORDER BY hall, win, at DESC, id DESC;
    CREATE VIEW ratings AS
        SELECT hall, at, zone, win, (data->'rating'->>'score')::int AS score,
               coalesce((data->'rating'->>'bad')::boolean, false) AS bad,
               (data->'rating'->>'followup_id')::bigint AS followup_id
        FROM city_events WHERE kind = 'rated';
    CREATE VIEW followups AS         -- 差评 follow-ups: opened by a bad rating, closed by a 'close' action
        SELECT r.hall, r.followup_id, r.at AS opened_at, c.at AS closed_at
        FROM ratings r
        LEFT JOIN LATERAL (SELECT min(f.at) AS at FROM city_events f WHERE f.hall = r.hall AND f.kind = 'followup'
                           AND f.reason = 'close' AND (f.data->'followup'->>'id')::bigint = r.followup_id) c ON true
        WHERE r.bad AND r.followup_id IS NOT NULL;
    CREATE VIEW freshness AS
        SELECT h.code AS hall, h.epoch, e.events, e.last_id, e.last_event_at, e.received_at,
               extract(epoch FROM now() - e.last_event_at) AS lag_s
        FROM halls h LEFT JOIN epochs e ON e.hall = h.code AND e.epoch = h.epoch;
    """),
    ("003_catalogue", """
    -- The city's matter catalogue, one row per published version (the document is canonical TOML).
    CREATE TABLE catalogue_versions (
        version integer PRIMARY KEY,
        document text NOT NULL,
        published_by text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        summary text NOT NULL DEFAULT ''
    );
    -- The version each hall says it has applied (sent with its every poll), and when it last asked.
    ALTER TABLE halls ADD COLUMN catalogue_version integer, ADD COLUMN catalogue_checked_at timestamptz;
    -- Lockouts of city user names after repeated wrong passwords (any name tried is counted, known or not).
    CREATE TABLE login_lockouts (
        username text PRIMARY KEY,
        failures integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        locked_until timestamptz
    );
    """),
)


def migrate(conn: psycopg.Connection) -> list[str]:
    """Apply the migrations not yet applied (one transaction each, serialised by an advisory lock)."""
    applied = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(190001)")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY,"
                     " applied_at timestamptz NOT NULL DEFAULT now())")
        done = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", [name])
            applied.append(name)
    return applied
