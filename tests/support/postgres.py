"""A real PostgreSQL for the city tests: one private cluster per pytest worker (own directory, own port)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from queue_server.testing.postgres import PgCluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    with PgCluster() as cluster:
        yield cluster
