"""Lockouts of city user names after repeated wrong passwords, on PostgreSQL (table login_lockouts).

The rules are the hall's (core/login_limits.lock_seconds: locked after 5 wrong passwords, the delay doubling
with each further one); only the storage differs from the hall's ops/login_lockouts.py. Any name tried is
counted, known or not, so a lock tells nobody which names exist; rows idle for a day are pruned.
"""

from __future__ import annotations

import psycopg

from queue_server.core.login_limits import lock_seconds


def locked_for(conn: psycopg.Connection, username: str) -> int:
    """Whole seconds until `username` may try again (0: not locked)."""
    row = conn.execute("SELECT ceil(extract(epoch FROM locked_until - now())) FROM login_lockouts"
                       " WHERE username = %s AND locked_until > now()", [username]).fetchone()
    return max(0, int(row[0])) if row else 0


def record_failure(conn: psycopg.Connection, username: str) -> int:
    """Count one wrong password; returns the lock it starts, in seconds."""
    with conn.transaction():
        conn.execute("DELETE FROM login_lockouts WHERE last_failure_at < now() - interval '1 day'"
                     " AND (locked_until IS NULL OR locked_until < now())")
        failures = conn.execute(
            "INSERT INTO login_lockouts (username, failures, last_failure_at) VALUES (%s, 1, now())"
            " ON CONFLICT (username) DO UPDATE SET failures = login_lockouts.failures + 1, last_failure_at = now()"
            " RETURNING failures", [username]).fetchone()[0]
        lock = lock_seconds(failures)
        conn.execute("UPDATE login_lockouts SET locked_until = CASE WHEN %s > 0 THEN now() + make_interval(secs => %s)"
                     " END WHERE username = %s", [lock, lock, username])
    return lock


def clear(conn: psycopg.Connection, username: str) -> None:
    """A right password: the count starts again."""
    conn.execute("DELETE FROM login_lockouts WHERE username = %s", [username])
