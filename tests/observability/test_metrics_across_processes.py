"""With several worker processes, /metrics adds up what every process counted (PROMETHEUS_MULTIPROC_DIR).

Two single-worker servers share one values directory, as a server's workers do: which process answers is then
decided by the test, not by the kernel's accept order.
"""

import re

from tests.live_servers import call, gunicorn_start, gunicorn_stop, wait_until_serving
from tests.observability.conftest import METRICS_TOKEN

SCRAPE = {"Authorization": f"Bearer {METRICS_TOKEN}"}


def live_count(body: bytes) -> float:
    match = re.search(rb'idp_request_duration_seconds_count\{endpoint="health:live",status="2xx"\} (\S+)', body)
    assert match is not None, body.decode()[:2000]
    return float(match.group(1))


def test_the_values_of_every_process_are_added_up(tmp_path):
    values = tmp_path / "prometheus"
    values.mkdir()
    env = {"METRICS_BEARER_TOKEN": METRICS_TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(values)}
    servers = []
    try:
        for name in ("first", "second"):
            log_path = tmp_path / f"{name}.log"
            server, url = gunicorn_start(
                database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", log_path=log_path, env=env
            )
            servers.append((server, url))
            wait_until_serving(server, url, log_path)
        (_, first), (_, second) = servers
        for url, times in ((first, 3), (second, 4)):
            for _ in range(times):
                assert call(f"{url}/health/live")[0] == 200

        first_status, _, first_body = call(f"{first}/metrics", headers=SCRAPE)
        second_status, _, second_body = call(f"{second}/metrics", headers=SCRAPE)
    finally:
        for server, _ in servers:
            gunicorn_stop(server)

    assert first_status == second_status == 200
    assert live_count(first_body) == live_count(second_body) == 7
