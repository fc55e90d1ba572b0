import sys, time, collections
from bench import runner, inprocess
runner.django_setup(runner.reset_database("postgres"))
from django.core.management import call_command
call_command("migrate", verbosity=0)
runner.WORK.mkdir(parents=True, exist_ok=True)
reqs = inprocess._requests(runner.seed("tuned"), 3000)
from config.wsgi import application as app
from django.db import connection
def serve(name):
    r = app(reqs[name](), lambda s, h, e=None: None); b"".join(r); r.close()
names = sys.argv[1].split(",")
for n in names:
    for _ in range(200): serve(n)
stats = collections.defaultdict(lambda: [0, 0.0])
def wrapper(execute, sql, params, many, context):
    t = time.perf_counter()
    try: return execute(sql, params, many, context)
    finally:
        w = sql.split(); s = stats[w[0] + " " + (w[2] if w[0] in ("INSERT","DELETE") else ("" if w[0] in ("SAVEPOINT","RELEASE") else sql[:70]))]
        s[0] += 1; s[1] += time.perf_counter() - t
N = 500
for n in names:
    stats.clear()
    t = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        for _ in range(N): serve(n)
    total = (time.perf_counter() - t) / N * 1000
    print(f"== {n}: {total:.3f} ms/request")
    for k, (c, s) in sorted(stats.items(), key=lambda kv: -kv[1][1]):
        print(f"  {c/N:5.2f}/req {s/N*1000:7.3f} ms/req  {k}")
