"""Run the benchmark: servers pinned to core 0, wrk pinned to core 1, interleaved rounds, one table of ratios.

Two copies of the provider run side by side from the same code: ``tuned`` (our settings) and
``baseline`` (django-oauth-toolkit's defaults, see config/settings/bench.py). Every round runs every
scenario against both, in a rotated order, so machine noise hits both alike; the table reports
medians over rounds and the ratios are computed per round, then the median is taken.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "work"
PROFILES = ("tuned", "baseline")
# Three consecutive ports from BENCH_PORT on (several benchmarks can share a machine this way).
_PORT = int(os.environ.get("BENCH_PORT", "8111"))
PORTS = {"tuned": _PORT, "baseline": _PORT + 1, "probe": _PORT + 2, "throttled": _PORT + 3}
SERVER_CORE = 0
LOAD_CORE = 1
HOT_TOKENS = 1000  # distinct tokens for the "many tokens" scenario
SLOW_RATE = 10.0  # req/s under which a run uses one connection for at least SLOW_SECONDS
SLOW_SECONDS = 10.0
INVALID_TOKEN = "this-token-was-never-issued-by-anyone-0123456789"  # nobody has it


@dataclass
class Scenario:
    """One endpoint under load: how wrk calls it, and which one-shot pool it consumes (if any)."""

    key: str
    label: str
    path: str
    script: str
    pool: str | None = None
    expect: int = 200  # the status every response should have; anything else counts as an error
    reference: bool = False  # a bench-only view, the same code in both profiles: its tuned/base is noise
    # A server other than the profile's own, for the tuned profile only (no baseline run): "throttled" is the
    # tuned provider with the API's throttles counting every call (config/settings/bench.py).
    server: str = ""


SCENARIOS = [
    Scenario("django", "bare Django view", "/bench/django/", "get.lua", reference=True),
    Scenario("drf", "plain DRF view (no auth)", "/bench/drf/", "get.lua", reference=True),
    Scenario("protected", "protected GET, one hot token", "/bench/protected/", "get.lua"),
    Scenario("protected_jwt", "protected GET, JWT access token", "/bench/protected/", "get.lua"),
    Scenario("protected_many", f"protected GET, {HOT_TOKENS} tokens", "/bench/protected/", "bearer_rotate.lua"),
    Scenario("me", "GET /api/me/ (profile fields)", "/api/me/", "get.lua"),
    Scenario("me_throttled", "GET /api/me/, throttles counting", "/api/me/", "get.lua", server="throttled"),
    Scenario("invalid", "protected GET, invalid token (401)", "/bench/protected/", "get.lua", expect=401),
    Scenario("client_credentials", "client credentials", "/o/token/", "post_form.lua"),
    Scenario("code", "authorization code + PKCE", "/o/token/", "post_once.lua", pool="code"),
    Scenario("refresh", "refresh (rotating)", "/o/token/", "post_once.lua", pool="refresh"),
    Scenario("revoke", "revocation", "/o/revoke_token/", "post_once.lua", pool="revoke"),
    Scenario("introspect", "introspection", "/o/introspect/", "post_form.lua"),
]


@dataclass
class Pool:
    """Single-use request bodies for one profile, written to a file wrk reads from ``offset`` on."""

    path: Path
    bodies: list[str] = field(default_factory=list)
    offset: int = 0

    @property
    def remaining(self) -> int:
        return len(self.bodies) - self.offset


# DJANGO (the runner mints bench data through the ORM, with the tuned profile's settings)
# ------------------------------------------------------------------------------


def django_setup(database_url: str) -> None:
    # The runner is a tool, not the app: it hands settings to Django (and to the servers) through
    # the environment like any deployment would.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    os.environ["DATABASE_URL"] = database_url
    os.environ["BENCH_PROFILE"] = "tuned"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reset_database(db: str) -> str:
    """Drop and recreate the bench database; return its URL."""
    if db == "sqlite":
        path = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    name = os.environ.get("BENCH_POSTGRES_DB", "bench")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


@dataclass
class ProfileData:
    """Everything wrk needs to drive one profile's server."""

    basic_web: str
    basic_machine: str
    basic_resource_server: str
    hot_token: str
    tokens_file: Path
    clients: object
    pools: dict[str, Pool] = field(default_factory=dict)
    hot_jwt: str = ""  # a JWT access token (RFC 9068) of the JWT web client, for the bench user


def seed(profile: str) -> ProfileData:
    from bench import dataset

    user = dataset.bench_user()
    clients = dataset.create_clients(profile)
    hot = dataset.mint_access_tokens(app=clients.web, user=user, count=1)[0]
    many = dataset.mint_access_tokens(app=clients.web, user=user, count=HOT_TOKENS)
    tokens_file = WORK / f"tokens-{profile}.txt"
    tokens_file.write_text("\n".join(many) + "\n")
    data = ProfileData(
        basic_web=clients.basic(clients.web),
        basic_machine=clients.basic(clients.machine),
        basic_resource_server=clients.basic(clients.resource_server),
        hot_token=hot,
        tokens_file=tokens_file,
        clients=clients,
        hot_jwt=dataset.mint_jwt_access_token(app=clients.jwt_web, user=user, issuer=_issuer()),
    )
    for pool in ("code", "refresh", "revoke"):
        data.pools[pool] = Pool(path=WORK / f"{pool}-{profile}.txt")
    return data


def _issuer() -> str:
    # The bench settings fix the issuer, so the tokens minted here verify whatever port a server listens on.
    from oauth2_provider.settings import oauth2_settings

    return oauth2_settings.OIDC_ISS_ENDPOINT


def refill(profile: str, data: ProfileData, pool_name: str, need: int) -> None:
    """Mint more single-use credentials when fewer than ``need`` are left."""
    from django.db import connections

    from bench import dataset

    pool = data.pools[pool_name]
    if pool.remaining >= need:
        return
    count = max(need * 2, 500)
    user = dataset.bench_user()
    app = data.clients.web
    redirect = quote(dataset.REDIRECT_URI, safe="")
    if pool_name == "code":
        bodies = [
            f"grant_type=authorization_code&code={code}&redirect_uri={redirect}&code_verifier={verifier}"
            for code, verifier in dataset.mint_codes(app=app, user=user, count=count)
        ]
    elif pool_name == "refresh":
        bodies = [
            f"grant_type=refresh_token&refresh_token={raw}"
            for raw in dataset.mint_refresh_tokens(app=app, user=user, count=count)
        ]
    else:
        bodies = [
            f"token={raw}&token_type_hint=access_token"
            for raw in dataset.mint_access_tokens(app=app, user=user, count=count)
        ]
    pool.bodies.extend(bodies)
    pool.path.write_text("\n".join(pool.bodies) + "\n")
    connections.close_all()


# PROCESSES
# ------------------------------------------------------------------------------


def server_command(server: str, port: int, workers: int, threads: int) -> list[str]:
    bind = f"127.0.0.1:{port}"
    if server == "gunicorn-sync":
        return [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "-w",
            str(workers),
            "-b",
            bind,
            "--log-level",
            "warning",
        ]
    if server == "gunicorn-gthread":
        return [
            *[str(BIN / "gunicorn"), "config.wsgi:application", "-w", str(workers), "-b", bind],
            *["-k", "gthread", "--threads", str(threads), "--log-level", "warning"],
        ]
    if server == "granian":
        return [
            *[str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)],
            *["--workers", str(workers), "--blocking-threads", str(threads), "--log-level", "warning"],
            *["--no-ws", "config.wsgi:application"],
        ]
    raise SystemExit(f"unknown server {server!r}")


def niceness(args) -> list[str]:
    return ["nice", "-n", str(args.nice)] if args.nice else []


def start_server(profile: str, args, database_url: str, port: int | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": database_url,
        "BENCH_PROFILE": profile,
        "REDIS_URL": args.redis,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    port = port or PORTS[profile]
    log = (WORK / f"server-{profile}-{port}.log").open("w")
    command = [
        *niceness(args),
        *["taskset", "-c", str(SERVER_CORE)],
        *server_command(args.server, port, args.workers, args.threads),
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    url = f"http://127.0.0.1:{port}/bench/django/"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{profile} server exited; see {log.name}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return process
        time.sleep(0.2)
    raise SystemExit(f"{profile} server did not answer within 60 s; see {log.name}")


def stop_server(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
                todo.extend(int(child) for child in children)
    return pids


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def wait_idle(processes: list[subprocess.Popen], services: tuple[int, ...] = (), timeout: float = 60) -> None:
    """Wait until no server, and no process of the services (``services``: their root pids), burns CPU.

    A slow baseline keeps working on queued requests after wrk stops. PostgreSQL, on the servers' core,
    keeps working after write-heavy scenarios (autovacuum, the checkpointer, the WAL writer): measured
    while it did, the next scenario's app-server CPU per request read up to 30 % higher (introspection
    0.69 -> 0.90 ms after a round of code exchanges and revocations), from sharing the core, not from the code.
    """
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        roots = [process.pid for process in processes] + list(services)
        pids = [pid for root in roots for pid in process_tree(root)]
        ticks = cpu_ticks(pids)
        if previous is not None and ticks - previous <= 1:
            return
        previous = ticks
        time.sleep(0.25)


class ServicePinning:
    """Pin the system services the provider talks to (PostgreSQL, Redis) to the server core.

    Pinning the PostgreSQL postmaster makes every backend it forks from then on (our servers'
    connections, one per request for the baseline) run there too. These services are shared with
    other work on the machine, so each thread's original affinity is restored on exit.
    """

    def __init__(self, nice: int):
        self.nice = nice
        self.original: dict[int, tuple[set[int], int]] = {}
        self.notes: list[str] = []

    def pin(self, name: str, pid: int | None) -> None:
        if pid is None:
            self.notes.append(f"{name} not found, not pinned")
            return
        try:
            for task in map(int, os.listdir(f"/proc/{pid}/task")):
                self.original[task] = (os.sched_getaffinity(task), os.getpriority(os.PRIO_PROCESS, task))
                os.sched_setaffinity(task, {SERVER_CORE})
                if self.nice:
                    # The app servers run at this niceness too: a database left behind would be starved.
                    os.setpriority(os.PRIO_PROCESS, task, self.nice)
        except OSError as exc:
            self.notes.append(f"{name} NOT pinned ({exc}): it floats across cores")
            return
        self.notes.append(f"{name} (pid {pid}) pinned to core {SERVER_CORE}")

    def restore(self) -> None:
        for task, (cpus, nice) in self.original.items():
            with contextlib.suppress(OSError):
                os.sched_setaffinity(task, cpus)
                os.setpriority(os.PRIO_PROCESS, task, nice)
        self.original.clear()


def postmaster_pid() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    connection.close()
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return None


def redis_pid(url: str) -> int | None:
    """The Redis server's pid, or None when no Redis answers at ``url``."""
    import redis

    try:
        return int(redis.Redis.from_url(url, socket_connect_timeout=1).info("server")["process_id"])
    except (redis.RedisError, OSError, KeyError, ValueError):
        return None


# LOAD
# ------------------------------------------------------------------------------


def wrk_args(scenario: Scenario, data: ProfileData) -> list[str]:
    if scenario.key in ("protected", "me", "me_throttled"):
        return [f"Bearer {data.hot_token}"]
    if scenario.key == "protected_jwt":
        return [f"Bearer {data.hot_jwt}"]
    if scenario.key == "invalid":
        return [f"Bearer {INVALID_TOKEN}"]
    if scenario.key == "protected_many":
        return [str(data.tokens_file)]
    if scenario.key == "client_credentials":
        return [data.basic_machine, "grant_type=client_credentials&scope=users%3Aread"]
    if scenario.key == "introspect":
        return [data.basic_resource_server, urlencode({"token": data.hot_token})]
    if scenario.pool:
        pool = data.pools[scenario.pool]
        return [data.basic_web, str(pool.path), str(pool.offset)]
    return []


def run_wrk(
    scenario: Scenario,
    profile: str,
    data: ProfileData,
    seconds: float,
    args,
    server: subprocess.Popen,
    connections: int,
) -> dict:
    url = f"http://127.0.0.1:{PORTS[scenario.server or profile]}{scenario.path}"
    command = [
        *niceness(args),
        *["taskset", "-c", str(LOAD_CORE), "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"],
        *["--timeout", "30s", "-s", str(ROOT / "bench" / "lua" / scenario.script), url, "--"],
        *wrk_args(scenario, data),
    ]
    pids = process_tree(server.pid)
    ticks_before = cpu_ticks(pids)
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    ticks = cpu_ticks(pids) - ticks_before
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed for {scenario.key}/{profile}:\n{completed.stdout}\n{completed.stderr}")
    result = json.loads(line.removeprefix("BENCH_JSON "))
    if scenario.pool:
        data.pools[scenario.pool].offset += result["handed"]
    codes = {int(code): n for code, n in result["codes"].items()}
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    # CPU the app server spent per response (database and cache servers not included): unlike req/s,
    # this barely moves when other work shares the machine.
    result["cpu_ms"] = ticks * 1000 / os.sysconf("SC_CLK_TCK") / max(result["requests"], 1)
    result["unexpected"] = sum(n for code, n in codes.items() if code != scenario.expect)
    result["socket_errors"] = result["connect"] + result["read"] + result["write"] + result["timeout"]
    return result


def expected_need(rates: dict, scenario: Scenario, profile: str, seconds: float) -> int:
    rate = rates.get((scenario.key, profile), 3000.0)
    return int(rate * seconds * 1.5) + 200


# REVOCATION PROPAGATION
# ------------------------------------------------------------------------------


def http_status(port: int, method: str, path: str, headers: dict, body: str = "") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def measure_propagation(data: ProfileData, port: int, trials: int) -> list[float]:
    """Seconds from each revocation's response until the last acceptance of the revoked token.

    Every server worker first validates (and so caches) the token; then it is revoked through the
    server, and the token is presented again and again until 50 refusals in a row. A worker that did
    not handle the revocation keeps accepting until its next read of the invalidation feed.
    """
    from bench import dataset

    delays = []
    form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": data.basic_web}
    for _ in range(trials):
        token = dataset.mint_access_tokens(app=data.clients.web, user=dataset.bench_user(), count=1)[0]
        bearer = {"Authorization": f"Bearer {token}"}
        for _ in range(30):
            status = http_status(port, "GET", "/bench/protected/", bearer)
            assert status == 200, f"a fresh token was answered {status} before its revocation"
        status = http_status(port, "POST", "/o/revoke_token/", form, urlencode({"token": token}))
        assert status == 200, f"the revocation was answered {status}"
        revoked = time.monotonic()
        last_accepted, refusals = revoked, 0
        while refusals < 50:
            status = http_status(port, "GET", "/bench/protected/", bearer)
            if status == 200:
                last_accepted, refusals = time.monotonic(), 0
            else:
                refusals += 1
        delays.append(last_accepted - revoked)
    return delays


# REPORT
# ------------------------------------------------------------------------------

RATIOS = [
    # Each: label, then the (scenario, profile) pairs divided, then the target (None: informative only).
    ("protected GET (hot token) / plain DRF", ("protected", "tuned"), ("drf", "tuned"), 0.95),
    ("protected GET (JWT access token) / plain DRF", ("protected_jwt", "tuned"), ("drf", "tuned"), 0.9),
    (f"protected GET ({HOT_TOKENS} tokens) / plain DRF", ("protected_many", "tuned"), ("drf", "tuned"), None),
    ("GET /api/me/ / plain DRF", ("me", "tuned"), ("drf", "tuned"), 0.6),
    ("GET /api/me/ throttled / unthrottled", ("me_throttled", "tuned"), ("me", "tuned"), None),
    ("invalid token (401) / hot token", ("invalid", "tuned"), ("protected", "tuned"), 0.8),
    ("client credentials / plain DRF", ("client_credentials", "tuned"), ("drf", "tuned"), 0.25),
    (
        "client credentials / DOT-defaults baseline",
        ("client_credentials", "tuned"),
        ("client_credentials", "baseline"),
        100,
    ),
    ("introspection / plain DRF", ("introspect", "tuned"), ("drf", "tuned"), 0.6),
    ("baseline: protected GET / plain DRF", ("protected", "baseline"), ("drf", "baseline"), None),
    ("baseline: client credentials / plain DRF", ("client_credentials", "baseline"), ("drf", "baseline"), None),
]


def median_ratio(runs: dict, numerator: tuple, denominator: tuple) -> float:
    ratios = [
        num["rps"] / den["rps"]
        for num, den in zip(runs.get(numerator, []), runs.get(denominator, []), strict=False)
        if den["rps"] > 0
    ]
    return statistics.median(ratios) if ratios else float("nan")


def summarise(results: list[dict]) -> dict:
    return {
        "rps": statistics.median(r["rps"] for r in results),
        "p50_ms": statistics.median(r["p50_us"] for r in results) / 1000,
        "p99_ms": statistics.median(r["p99_us"] for r in results) / 1000,
        "cpu_ms": statistics.median(r["cpu_ms"] for r in results),
        "unexpected": sum(r["unexpected"] for r in results),
        "socket_errors": sum(r["socket_errors"] for r in results),
        "requests": sum(r["requests"] for r in results),
    }


def fmt_rps(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def report(runs: dict, scenarios: list[Scenario], profiles: list[str], header: list[str]) -> str:
    lines = [*header, ""]
    columns = ["scenario".ljust(34)]
    for profile in profiles:
        columns.append(f"{profile + ' req/s':>15} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>6} {'errors':>6}")
    if len(profiles) == 2:
        columns.append(f"{'tuned/base':>11}")
    lines.append(" | ".join(columns))
    lines.append("-" * len(lines[-1]))
    for scenario in scenarios:
        cells = [scenario.label.ljust(34)]
        for profile in profiles:
            if not runs.get((scenario.key, profile)):
                cells.append(f"{'-':>15} {'':>7} {'':>7} {'':>6} {'':>6}")
                continue
            s = summarise(runs[(scenario.key, profile)])
            errors = f"{s['unexpected']}/{s['socket_errors']}"
            cells.append(
                f"{fmt_rps(s['rps']):>15} {s['p50_ms']:>7.1f} {s['p99_ms']:>7.1f} {s['cpu_ms']:>6.2f} {errors:>6}"
            )
        if len(profiles) == 2:
            ratio = median_ratio(runs, (scenario.key, "tuned"), (scenario.key, "baseline"))
            cells.append(f"{ratio:>10.1f}x" if ratio == ratio else f"{'-':>11}")
        lines.append(" | ".join(cells))
    lines.append("")
    lines.append("Ratios (median over rounds of the per-round ratio):")
    for label, numerator, denominator, target in RATIOS:
        if not runs.get(numerator) or not runs.get(denominator):
            continue
        ratio = median_ratio(runs, numerator, denominator)
        verdict = ""
        if target is not None:
            verdict = f"  target >= {target}: {'met' if ratio >= target else 'NOT MET'}"
        lines.append(f"  {label:<46} {ratio:>9.3f}{verdict}")
    if len(profiles) == 2:
        below = [
            s.label
            for s in scenarios
            if not s.reference and not s.server and median_ratio(runs, (s.key, "tuned"), (s.key, "baseline")) < 1
        ]
        errors = sum(
            summarise(runs[(s.key, "tuned")])["unexpected"] + summarise(runs[(s.key, "tuned")])["socket_errors"]
            for s in scenarios
            if runs.get((s.key, "tuned"))
        )
        lines.append(
            "  every provider scenario >= 1x baseline (reference views excluded): "
            + ("met" if not below else "NOT MET: " + ", ".join(below))
        )
        lines.append(f"  errors in tuned runs: {errors}")
    return "\n".join(lines)


# MAIN
# ------------------------------------------------------------------------------


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default=os.environ.get("DB", "postgres"))
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", "5")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", "1")))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "8")))
    # The production choice (docs/benchmarks.md): granian, one worker process per core, four threads each.
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", "granian"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "1")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "4")))
    parser.add_argument("--only", default=os.environ.get("BENCH_SCENARIOS", ""), help="comma-separated keys")
    parser.add_argument(
        "--propagation-trials",
        type=int,
        default=int(os.environ.get("BENCH_PROPAGATION_TRIALS", "10")),
        help="revocations timed across the tuned server's workers (0: skip)",
    )
    parser.add_argument("--profiles", default=os.environ.get("BENCH_PROFILES", ",".join(PROFILES)))
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        help="cache for both servers as in production (REDIS_URL); empty or unreachable: the database cache",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=int(os.environ.get("BENCH_NICE", "-10" if os.geteuid() == 0 else "0")),
        help="niceness of servers, database and wrk during the run (negative needs root): shields the "
        "measurement from other work on the machine; restored afterwards",
    )
    return parser.parse_args(argv)


def runs_on(scenario: Scenario, profile: str) -> bool:
    """Whether ``scenario`` is measured for ``profile``: a scenario with a server of its own, for tuned only."""
    return not scenario.server or profile == "tuned"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    scenarios = [s for s in SCENARIOS if not args.only or s.key in args.only.split(",")]
    profiles = [p for p in PROFILES if p in args.profiles.split(",")]
    WORK.mkdir(parents=True, exist_ok=True)

    started = datetime.datetime.now(datetime.UTC)
    print(f"bench: resetting the {args.db} database and minting data ...", flush=True)
    database_url = reset_database(args.db)
    django_setup(database_url)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    data = {profile: seed(profile) for profile in profiles}

    pinning = ServicePinning(args.nice)
    services: tuple[int, ...] = ()
    if args.db == "postgres":
        postmaster = postmaster_pid()
        pinning.pin("PostgreSQL postmaster", postmaster)
        services = (postmaster,) if postmaster is not None else ()
    else:
        pinning.notes.append("SQLite runs inside the server processes")
    if args.redis and (pid := redis_pid(args.redis)) is not None:
        pinning.pin("Redis", pid)
    else:
        args.redis = ""
        pinning.notes.append("no Redis: the database cache")
    pin_note = "; ".join(pinning.notes)
    connections.close_all()
    servers: dict[str, subprocess.Popen] = {}
    runs: dict[tuple, list] = {(s.key, p): [] for s in scenarios for p in profiles if runs_on(s, p)}
    rates: dict[tuple, float] = {}
    try:
        for profile in profiles:
            servers[profile] = start_server(profile, args, database_url)
        for server in {s.server for s in scenarios if s.server and "tuned" in profiles}:
            servers[server] = start_server(server, args, database_url)
        print(f"bench: {pin_note}; servers up, warming up ...", flush=True)

        def measure(scenario: Scenario, profile: str, seconds: float) -> dict:
            connections = args.connections
            if rates.get((scenario.key, profile), SLOW_RATE) < SLOW_RATE:
                # A few responses per second (the baseline's PBKDF2): with 8 connections the server works on
                # several at once and they finish in batches, so a short window counts half a batch and
                # understates the rate. One connection over a longer window measures it fairly.
                connections, seconds = 1, max(seconds, SLOW_SECONDS)
            if scenario.pool:
                refill(profile, data[profile], scenario.pool, expected_need(rates, scenario, profile, seconds))
            wait_idle(list(servers.values()), services)
            server = servers[scenario.server or profile]
            result = run_wrk(scenario, profile, data[profile], seconds, args, server, connections)
            result["connections"] = connections
            rates[(scenario.key, profile)] = max(result["rps"], 1.0)
            return result

        for scenario in scenarios:
            for profile in profiles:
                if not runs_on(scenario, profile):
                    continue
                result = measure(scenario, profile, args.warmup)
                if scenario.key == "protected_many":
                    # Steady state: every worker has met each of the tokens, as it would over a token's hour.
                    seen, deadline = result["requests"], time.monotonic() + 60
                    while seen < 3 * HOT_TOKENS * args.workers and time.monotonic() < deadline:
                        seen += measure(scenario, profile, args.warmup)["requests"]
        for round_index in range(args.rounds):
            shift = round_index % len(scenarios)
            order = scenarios[shift:] + scenarios[:shift]
            profile_order = profiles if round_index % 2 == 0 else profiles[::-1]
            for scenario in order:
                for profile in profile_order:
                    if not runs_on(scenario, profile):
                        continue
                    result = measure(scenario, profile, args.duration)
                    runs[(scenario.key, profile)].append(result)
                    print(
                        f"  round {round_index + 1}/{args.rounds} {scenario.key:<18} {profile:<8} "
                        f"{result['rps']:>9.1f} req/s  bad={result['unexpected']} sock_err={result['socket_errors']}",
                        flush=True,
                    )
        propagation = []
        if "tuned" in profiles and args.propagation_trials:
            # Across processes, whatever the server under test runs: two sync workers, each with its own cache.
            print("bench: timing revocation propagation across two worker processes ...", flush=True)
            probe_args = argparse.Namespace(**{**vars(args), "server": "gunicorn-sync", "workers": 2})
            probe = start_server("tuned", probe_args, database_url, port=PORTS["probe"])
            try:
                propagation = measure_propagation(data["tuned"], PORTS["probe"], args.propagation_trials)
            finally:
                stop_server(probe)
    finally:
        for process in servers.values():
            stop_server(process)
        pinning.restore()

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    header = [
        f"Benchmark {started:%Y-%m-%d %H:%M} UTC, commit {commit.strip()}, database {args.db}, "
        f"cache {'Redis' if args.redis else 'database'}" + (f", nice {args.nice}" if args.nice else ""),
        f"server: {args.server} x{args.workers} workers"
        + (f" x{args.threads} threads" if args.server != "gunicorn-sync" else "")
        + f" on core {SERVER_CORE}; {pin_note}",
        f"load: wrk -t1 -c{args.connections} on core {LOAD_CORE}; {args.rounds} rounds x {args.duration:g} s "
        f"per scenario and profile, {args.warmup:g} s warm-up, order rotated each round; runs slower than "
        f"{SLOW_RATE:g} req/s use 1 connection for {SLOW_SECONDS:g} s",
        "tuned = this repository's settings; baseline = same code with DOT defaults "
        "(PBKDF2 client secrets, CONN_MAX_AGE=0, no token cache, DOT's per-request oauthlib server)",
        "cpu ms = app-server CPU per response (database and Redis not included); errors = unexpected status/socket",
    ]
    text = report(runs, scenarios, profiles, header)
    if propagation:
        median_ms, max_ms = statistics.median(propagation) * 1000, max(propagation) * 1000
        text += (
            f"\n\nRevocation propagation (tuned, 2 worker processes, {len(propagation)} revocations): a revoked"
            f" token was last accepted {median_ms:.0f} ms (median) / {max_ms:.0f} ms (max) after the revocation"
            " response; bound: TOKEN_CACHE_POLL_SECONDS = 500 ms"
        )
    print()
    print(text)
    stamp = f"{started:%Y%m%d-%H%M%S}-{args.db}"
    (RESULTS / f"{stamp}.txt").write_text(text + "\n")
    raw = {f"{key}/{profile}": results for (key, profile), results in runs.items()}
    (RESULTS / f"{stamp}.json").write_text(
        json.dumps({"args": vars(args), "header": header, "runs": raw, "propagation_s": propagation}, indent=1)
    )
    print(f"\nbench: results written to bench/results/{stamp}.txt and .json")
    return 0
