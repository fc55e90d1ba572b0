"""The cluster the tests of this package share: started once per module, stopped after it."""

import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.db import connection

from tests.cluster.topology import HAPROXY, Cluster, cluster_start


def cluster_skip_reason() -> str | None:
    """Why the cluster cannot run here, or None."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: three app servers share one database"
    if not settings.REDIS_URL_FOR_TESTS:
        return "needs Redis (REDIS_URL_FOR_TESTS): the nodes share throttles and device polling there"
    if not os.access(HAPROXY, os.X_OK):
        if settings.CLUSTER_REQUIRED:
            pytest.fail(f"CI requires HAProxy at {HAPROXY} (.ci/run installs Debian's haproxy)")
        return f"needs HAProxy at {HAPROXY} (apt-get install haproxy)"
    return None


def pytest_collection_modifyitems(config, items) -> None:
    reason = cluster_skip_reason()
    for item in items:
        if "tests/cluster/" in str(item.path):
            item.add_marker(pytest.mark.postgres)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Cluster]:
    """Three production-configured granian nodes behind HAProxy, over the test database."""
    database = connection.settings_dict
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    database_url = f"postgres://{database['USER']}@{host}:{port}/{database['NAME']}"
    running = cluster_start(
        tmp_path=tmp_path_factory.mktemp("cluster"),
        database_url=database_url,
        redis_url=settings.REDIS_URL_FOR_TESTS,
        base_port=settings.CLUSTER_TEST_BASE_PORT,
    )
    try:
        yield running
    finally:
        running.stop()


# What the cluster tests measured (propagation, the node-kill run's counts): shown at the end of the run.
REPORT: list[str] = []


@pytest.fixture
def cluster_report() -> Callable[[str], None]:
    """Add a line to the summary printed after the tests (figures, never assertions)."""
    return REPORT.append


def pytest_terminal_summary(terminalreporter) -> None:
    if REPORT:
        terminalreporter.section("cluster measurements")
        for line in REPORT:
            terminalreporter.write_line(line)
