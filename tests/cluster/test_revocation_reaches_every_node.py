"""A token revoked through one node is refused by every node, pushed by LISTEN/NOTIFY, and stays refused.

The revocation goes through the balancer; meanwhile one thread per node presents the token to that node
directly (as HAProxy would, with X-Forwarded-Proto), so each node is watched without waiting for its turn
in the rotation. Reported, not asserted (speed is judged in docs/scaling.md), per token over all nodes:
how long after the revocation response a node still accepted it (the latest accepted request's start),
and when the last node's first refusal had come back (an upper bound: it includes that request's round
trip). The nodes run production's settings, so a node that polled instead would take up to
TOKEN_CACHE_LISTEN_POLL_SECONDS (5 s).
"""

import statistics
import threading
import time

import pytest
import requests

from tests.cluster.clients import WAIT_SECONDS, Client
from tests.cluster.topology import HOST, Cluster, Node
from tests.factories import AccessTokenFactory, ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLES = 50
NODES = {"node1", "node2", "node3"}
PROBE_PAUSE_SECONDS = 0.001  # between one node's probes: two cores serve the probes, nodes and database


class Watcher(threading.Thread):
    """Presents ``bearer`` to one node again and again until it is refused; notes (start, end, status)."""

    def __init__(self, node: Node, bearer: str):
        super().__init__(daemon=True)
        self.node = node
        self.http = requests.Session()
        self.http.trust_env = False
        self.headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Authorization": f"Bearer {bearer}"}
        self.answers: list[tuple[float, float, int]] = []
        self.started = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        url = f"http://{HOST}:{self.node.port}/api/me/"
        while time.monotonic() < deadline:
            start = time.monotonic()
            status = self.http.get(url, headers=self.headers, timeout=10).status_code
            self.answers.append((start, time.monotonic(), status))
            self.started.set()
            if status == 401:
                return
            time.sleep(PROBE_PAUSE_SECONDS)


def watch_revocation(cluster: Cluster, client: Client, app, bearer: str) -> tuple[float, float]:
    """Revoke ``bearer`` through the balancer while every node is watched: (last accepted, all refused) in ms."""
    watchers = [Watcher(node, bearer) for node in cluster.nodes]
    for watcher in watchers:
        watcher.start()
        assert watcher.started.wait(WAIT_SECONDS)
    revoked = client.post("/o/revoke_token/", {"token": bearer}, client_id=app.client_id)
    revoked_at = time.monotonic()
    for watcher in watchers:
        watcher.join()
    assert revoked.status_code == 200
    assert all(watcher.answers[-1][2] == 401 for watcher in watchers), [w.answers[-1] for w in watchers]
    last_accepted = max(
        (start - revoked_at for watcher in watchers for start, _end, status in watcher.answers if status == 200),
        default=0.0,
    )
    all_refused = max(watcher.answers[-1][1] - revoked_at for watcher in watchers)
    return max(last_accepted, 0.0) * 1000, all_refused * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.1f}, p99 {percentile(values, 0.99):.1f}, max {max(values):.1f}"


def test_every_revoked_token_is_refused_by_every_node_and_stays_refused(cluster, cluster_report):
    app = ApplicationFactory()
    client = Client(cluster)
    accepted, refused = [], []
    for _ in range(SAMPLES):
        bearer = AccessTokenFactory(application=app).raw_token
        last_accepted, all_refused = watch_revocation(cluster, client, app, bearer)

        assert client.statuses_per_node(lambda bearer=bearer: client.me(bearer)) == dict.fromkeys(NODES, 401)
        accepted.append(last_accepted)
        refused.append(all_refused)

    cluster_report(f"revocation, {SAMPLES} tokens, 3 nodes, ms after the revocation response:")
    cluster_report(f"  still accepted by some node up to: {summary(accepted)}")
    cluster_report(f"  refused by every node (answer received) by: {summary(refused)}")
