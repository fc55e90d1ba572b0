"""One node killed in the middle of a run: nothing is lost, the survivors carry on, only its in-flight requests fail.

Four client threads go through the balancer, each a loop of a bounded number of rounds: a client
credentials token, an API call with a token from before the run, and a refresh of its own chain. A third
of the way through, node2 is killed at once (SIGKILL of its process group, as a crashed machine). A request
that node2 was answering gets a 502 from HAProxy; every other request must succeed, new connections going
to the survivors. A client retries a failed request once, as a real one would: a refresh that node2 may
have committed before it died (the new pair never arrived) is retried with the old refresh token, which
the client's retry window (tokens.retry, an admin's opt-in) accepts while the lost pair is unused. Afterwards
every token, refresh chain, code, consent and session made before or during the run still works, through
the survivors.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests

from tests.cluster.clients import Browser, Client, person
from tests.factories import ApplicationFactory, MachineApplicationFactory, ResourceServerApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4
ROUNDS = 15  # per thread; three requests a round
KILL_AFTER = THREADS * ROUNDS  # requests completed (a third of the run) before node2 goes
VICTIM = "node2"


@dataclass
class Tally:
    """Every answer of the run, by kind, with the node that gave it and whether node2 was dead by then."""

    answers: list[tuple[str, int | str, str, bool]] = field(default_factory=list)  # kind, status, node, after kill
    machine_tokens: list[str] = field(default_factory=list)  # client credentials tokens issued during the run
    chains: list[tuple[str, bool]] = field(default_factory=list)  # each thread's last access token, chain intact
    lock: threading.Lock = field(default_factory=threading.Lock)
    killed: threading.Event = field(default_factory=threading.Event)
    enough: threading.Event = field(default_factory=threading.Event)

    def note(self, kind: str, answer: requests.Response | Exception) -> None:
        with self.lock:
            if isinstance(answer, Exception):  # no HTTP answer at all
                self.answers.append((kind, type(answer).__name__, "-", self.killed.is_set()))
            else:
                node = answer.headers.get("X-Served-By", "-")
                self.answers.append((kind, answer.status_code, node, self.killed.is_set()))
            if len(self.answers) >= KILL_AFTER:
                self.enough.set()


def client_loop(client: Client, tally: Tally, *, machine, app, access: str, refresh: str) -> None:
    chain_intact = True
    machine_grant = {"grant_type": "client_credentials", "scope": "users:read"}
    for _ in range(ROUNDS):
        calls = ["client_credentials", "api", "refresh"] if chain_intact else ["client_credentials"]
        for kind in calls:
            for _attempt in range(2):  # a failed request is retried once, through the balancer again
                try:
                    if kind == "client_credentials":
                        answer = client.token(machine_grant, client_id=machine.client_id)
                    elif kind == "api":
                        answer = client.me(access)
                    else:
                        grant = {"grant_type": "refresh_token", "refresh_token": refresh}
                        answer = client.token(grant, client_id=app.client_id)
                except requests.RequestException as error:
                    answer = error
                tally.note(kind, answer)
                ok = not isinstance(answer, Exception) and answer.status_code == 200
                if ok:
                    break
            if ok and kind == "client_credentials":
                with tally.lock:
                    tally.machine_tokens.append(answer.json()["access_token"])
            elif ok and kind == "refresh":
                access, refresh = answer.json()["access_token"], answer.json()["refresh_token"]
            elif not ok and kind in ("api", "refresh"):
                # Without the retry window, a refresh node2 committed before it died leaves the client only a
                # spent token, and its retry is refused as a replay (RFC 9700 §4.14.2): the chain ends.
                chain_intact = False
    with tally.lock:
        tally.chains.append((access, chain_intact))


@pytest.fixture
def before_the_run(cluster):
    """A signed-in browser with consent given, per thread a token pair, and a code not yet exchanged."""
    user = person()
    # An admin gave this client a retry window (tokens.retry): a refresh lost with a node can be retried.
    app = ApplicationFactory(refresh_token_retry_seconds=30)
    browser = Browser(cluster, user.username)
    client = Client(cluster)
    pairs = []
    for _ in range(THREADS):
        code, verifier = browser.authorize_code(app)
        pairs.append(client.exchange(app, code, verifier).json())
    pending_code = browser.authorize_code(app)
    return browser, app, pairs, pending_code


def test_a_node_killed_mid_run_loses_nothing_and_only_its_in_flight_requests_fail(
    cluster, before_the_run, cluster_report
):
    browser, app, pairs, (code, verifier) = before_the_run
    machine = MachineApplicationFactory()
    tally = Tally()
    threads = [
        threading.Thread(
            target=client_loop,
            args=(Client(cluster), tally),
            kwargs={"machine": machine, "app": app, "access": pair["access_token"], "refresh": pair["refresh_token"]},
        )
        for pair in pairs
    ]
    for thread in threads:
        thread.start()
    assert tally.enough.wait(60)
    victim = next(node for node in cluster.nodes if node.name == VICTIM)
    victim.kill()
    tally.killed.set()
    for thread in threads:
        thread.join(timeout=120)

    client = Client(cluster)
    resource_server = ResourceServerApplicationFactory()
    failed = [(kind, status, node) for kind, status, node, _after in tally.answers if status != 200]
    after_kill = {node for _kind, status, node, after in tally.answers if after and status == 200}
    intact = [access for access, chain_intact in tally.chains if chain_intact]
    users_tokens = Counter(client.me(access).status_code for access in intact)
    machine_tokens = Counter(
        client.post("/o/introspect/", {"token": token}, client_id=resource_server.client_id).json()["active"]
        for token in tally.machine_tokens
    )
    exchanged = client.exchange(app, code, verifier)
    # The session and the consent: a new authorization is granted without the sign-in or consent page.
    served_before = len(browser.served)
    browser.authorize_code(app)
    pages = len(browser.served) - served_before

    counts = Counter((kind, str(status)) for kind, status, _node, _after in tally.answers)
    report = [f"node kill: {len(tally.answers)} requests by {THREADS} clients, {VICTIM} killed after {KILL_AFTER}"]
    report += [f"  {kind:<18} {status:>16}: {count}" for (kind, status), count in sorted(counts.items())]
    report += [
        f"  answered after the kill by: {', '.join(sorted(after_kill))}",
        f"  afterwards: refresh chains intact {len(intact)}/{THREADS}, their access tokens {dict(users_tokens)}; "
        f"client credentials tokens active {dict(machine_tokens)}; code issued before the kill exchanged: "
        f"{exchanged.status_code}; new authorization without sign-in or consent: {pages == 1}",
    ]
    for line in report:
        cluster_report(line)

    # In flight on node2: at most one request per client thread, each a 502 from HAProxy (or a cut connection).
    assert len(failed) <= THREADS, failed
    assert all(status == 502 or isinstance(status, str) for _kind, status, _node in failed), failed
    assert after_kill == {"node1", "node3"}
    assert len(intact) == THREADS  # every refresh chain survived the kill, retried where its response was lost
    assert users_tokens == Counter({200: len(intact)})
    assert machine_tokens == Counter({True: len(tally.machine_tokens)})
    assert exchanged.status_code == 200, exchanged.text
    assert pages == 1
