"""``python -m bench.inprocess``: milliseconds per request of a few scenarios through Django's WSGI handler.

No HTTP server and no load generator: each scenario's request is handed to ``config.wsgi.application``
in this process, N times per round, scenarios interleaved over several rounds, medians reported with
each one's ratio to the first scenario. It isolates what the provider's own code costs per request,
which is what the A/B comparisons behind docs/benchmarks.md's "What makes it fast" were made with; ``make bench``
remains the measurement of record. ``--profile`` prints cProfile's top functions for each scenario.

Uses the tuned bench settings and its own database (``BENCH_POSTGRES_DB``, default "bench", recreated),
and the cache at ``REDIS_URL`` when set (as ``make bench`` does), else the database cache.
"""

import argparse
import cProfile
import functools
import io
import pstats
import re
import statistics
import sys
import time

from bench import runner

SCENARIOS = (
    *("drf", "protected", "protected_jwt", "me", "invalid", "client_credentials", "introspect", "django"),
    *("code", "refresh"),  # single-use: each request consumes a code or refresh token minted beforehand
)
POOLED = ("code", "refresh")


def _environ(method: str, path: str, headers: dict, body: bytes = b"") -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        **headers,
    }
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    return environ


def _pooled(data: runner.ProfileData, pool: str, count: int):
    """A function answering a new single-use token request each call, from ``count`` minted ones."""
    runner.refill("tuned", data, pool, count)
    bodies = iter(data.pools[pool].bodies)
    return lambda: _environ("POST", "/o/token/", {"HTTP_AUTHORIZATION": data.basic_web}, next(bodies).encode())


def _requests(data: runner.ProfileData, pool_size: int) -> dict:
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {data.hot_token}"}
    return {
        "me": lambda: _environ("GET", "/api/me/", bearer),
        "invalid": lambda: _environ(
            "GET", "/bench/protected/", {"HTTP_AUTHORIZATION": f"Bearer {runner.INVALID_TOKEN}"}
        ),
        "code": _pooled(data, "code", pool_size),
        "refresh": _pooled(data, "refresh", pool_size),
        "django": lambda: _environ("GET", "/bench/django/", {}),
        "drf": lambda: _environ("GET", "/bench/drf/", {}),
        "protected": lambda: _environ("GET", "/bench/protected/", {"HTTP_AUTHORIZATION": f"Bearer {data.hot_token}"}),
        "protected_jwt": lambda: _environ(
            "GET", "/bench/protected/", {"HTTP_AUTHORIZATION": f"Bearer {data.hot_jwt}"}
        ),
        "client_credentials": lambda: _environ(
            "POST",
            "/o/token/",
            {"HTTP_AUTHORIZATION": data.basic_machine},
            b"grant_type=client_credentials&scope=users%3Aread",
        ),
        "introspect": lambda: _environ(
            "POST",
            "/o/introspect/",
            {"HTTP_AUTHORIZATION": data.basic_resource_server},
            f"token={data.hot_token}".encode(),
        ),
    }


def _print_sql(name: str, serve, count: int) -> None:
    """Each statement's count and wall time per request, as the database connection saw it (round trip included)."""
    from django.db import connection

    totals: dict[str, list[float]] = {}

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statement = re.sub(r'SAVEPOINT "[^"]+"', 'SAVEPOINT "…"', " ".join(sql.split()))
            entry = totals.setdefault(statement[:110], [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        for _ in range(count):
            serve()
    elapsed = (time.perf_counter() - started) / count * 1000
    in_sql = sum(seconds for _, seconds in totals.values()) / count * 1000
    print(f"\n== {name}: {elapsed:.3f} ms/request, {in_sql:.3f} ms in SQL statements")
    for sql, (calls, seconds) in sorted(totals.items(), key=lambda item: -item[1][1]):
        print(f"  {calls / count:4.1f}x {seconds / count * 1000:7.3f} ms  {sql}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="?", default="drf,protected", help=f"comma-separated, from {SCENARIOS}")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 30 functions per scenario")
    parser.add_argument("--dump", default="", help="with --profile: write stats to DUMP.<name>.prof")
    parser.add_argument("--limit", type=int, default=30, help="how many functions --profile prints")
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort key for --profile (tottime: own time)")
    parser.add_argument(
        "--sql", action="store_true", help="print each SQL statement's round trips and milliseconds per request"
    )
    parser.add_argument(
        "--pyinstrument", action="store_true", help="print pyinstrument's call tree per scenario (where time goes)"
    )
    args = parser.parse_args(argv)
    names = args.scenarios.split(",")
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")

    runner.django_setup(runner.reset_database(args.db))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    runner.WORK.mkdir(parents=True, exist_ok=True)
    profiled = args.requests if (args.profile or args.pyinstrument) else 0
    requests = _requests(runner.seed("tuned"), 200 + args.rounds * args.requests + profiled)
    from config.wsgi import application as app  # what the servers load, start-up work included

    statuses: dict[str, set] = {name: set() for name in names}

    def serve(name: str) -> None:
        response = app(requests[name](), lambda status, headers, exc_info=None: statuses[name].add(status))
        b"".join(response)
        response.close()

    timings: dict[str, list[float]] = {name: [] for name in names}
    for name in names:
        for _ in range(200):  # warm-up: caches filled, connections open, code paths compiled
            serve(name)
    for _ in range(args.rounds):
        for name in names:
            started = time.perf_counter()
            for _ in range(args.requests):
                serve(name)
            timings[name].append((time.perf_counter() - started) / args.requests * 1000)

    first = statistics.median(timings[names[0]])
    for name in names:
        median = statistics.median(timings[name])
        ratio = first / median
        print(f"{name:20s} {median:7.3f} ms/request   ratio to {names[0]}: {ratio:.3f}   {sorted(statuses[name])}")
    if args.profile:
        for name in names:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                serve(name)
            profiler.disable()
            print(f"\n== {name}")
            if args.dump:
                profiler.dump_stats(f"{args.dump}.{name}.prof")
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.limit)
    if args.sql:
        for name in names:
            _print_sql(name, functools.partial(serve, name), args.requests)
    if args.pyinstrument:
        from pyinstrument import Profiler

        for name in names:
            profiler = Profiler(interval=0.0001)
            profiler.start()
            for _ in range(args.requests):
                serve(name)
            profiler.stop()
            print(f"\n== {name}")
            print(profiler.output_text(unicode=True, show_all=False, time="percent_of_total"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
