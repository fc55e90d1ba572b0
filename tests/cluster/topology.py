"""Three granian app nodes with production settings, behind HAProxy with deploy/haproxy.cfg, on this machine.

The nodes share the test database and a Redis, as production's share theirs; HAProxy ends TLS with a
certificate made for the run and balances round-robin with no stickiness, so consecutive requests of one
client go to consecutive nodes. Each answer names its node in ``X-Served-By``.
"""

import datetime
import ipaddress
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from tests.live_servers import free_port

HAPROXY = "/usr/sbin/haproxy"
HAPROXY_CONFIG = Path(settings.BASE_DIR) / "deploy" / "haproxy.cfg"
HOST = "127.0.0.1"
NODE_NAMES = ("node1", "node2", "node3")
STARTUP_SECONDS = 90


@dataclass
class Node:
    """One app server: a granian process group serving the project on ``port``."""

    name: str
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    def kill(self) -> None:
        """Kill the whole node at once, as a crashed machine would: no graceful shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Cluster:
    """The running topology: ``url`` is the load balancer's https origin, the issuer clients see."""

    url: str
    cert_path: Path
    nodes: list[Node]
    haproxy: subprocess.Popen | None = None
    logs: list[Path] = field(default_factory=list)

    def session(self) -> requests.Session:
        """A client of the load balancer that trusts this run's certificate."""
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE and proxies from the environment would override these
        session.verify = str(self.cert_path)
        return session

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        if self.haproxy is not None and self.haproxy.poll() is None:
            self.haproxy.terminate()
            self.haproxy.wait(timeout=15)

    def log_tail(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}" for path in self.logs if path.exists())


def certificate_write(path: Path) -> None:
    """A self-signed certificate for 127.0.0.1 and its key, in one PEM file as HAProxy wants it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(tz=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM) + key_pem)


def node_environment(*, lb_url: str, database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings, as docs/deployment.md sets them, for nodes on this machine."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "PROVIDER_URL": lb_url,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "OIDC_RSA_PRIVATE_KEY": settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"],
        "EMAIL_URL": "smtp+tls://127.0.0.1:2525",  # never used: no test here sends mail
        "DJANGO_DEFAULT_FROM_EMAIL": "IdP <noreply@idp.example.test>",
        "CLIENT_IP_TRUSTED_PROXIES": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def node_start(node: Node, env: dict[str, str]) -> None:
    """The command of docs/deployment.md, one worker process with two threads (three nodes share two cores)."""
    granian = Path(sys.executable).parent / "granian"
    with node.log_path.open("w") as log:
        node.process = subprocess.Popen(  # noqa: S603 - fixed command, our own interpreter's granian
            [
                *[str(granian), "--interface", "wsgi", "--host", HOST, "--port", str(node.port)],
                *["--workers", "1", "--blocking-threads", "2", "--no-ws", "config.wsgi:application"],
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the worker with it
        )


def wait_until_live(cluster: Cluster, url: str, process: subprocess.Popen, **kwargs) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if requests.get(url, timeout=2, **kwargs).status_code == 200:
                return
        except requests.RequestException:
            pass
        assert process.poll() is None, f"a cluster process exited at start:\n{cluster.log_tail()}"
        assert time.monotonic() < deadline, f"the cluster did not start:\n{cluster.log_tail()}"
        time.sleep(0.2)


def cluster_start(*, tmp_path: Path, database_url: str, redis_url: str, base_port: int = 0) -> Cluster:
    """Start three nodes and HAProxy in front of them; return once every node is in HAProxy's rotation."""
    ports = [base_port + offset for offset in range(4)] if base_port else [free_port() for _ in range(4)]
    lb_url = f"https://{HOST}:{ports[0]}"
    nodes = [Node(name, port, tmp_path / f"{name}.log") for name, port in zip(NODE_NAMES, ports[1:], strict=True)]
    cluster = Cluster(url=lb_url, cert_path=tmp_path / "lb.pem", nodes=nodes, logs=[node.log_path for node in nodes])
    certificate_write(cluster.cert_path)
    env = node_environment(lb_url=lb_url, database_url=database_url, redis_url=redis_url)
    try:
        for node in nodes:
            node_start(node, env)
        for node in nodes:
            wait_until_live(cluster, f"http://{HOST}:{node.port}/health/live", node.process, headers={"Host": HOST})
        haproxy_log = tmp_path / "haproxy.log"
        cluster.logs.append(haproxy_log)
        haproxy_env = {
            **os.environ,
            "IDP_LB_BIND": f"{HOST}:{ports[0]}",
            "IDP_LB_CERT": str(cluster.cert_path),
            "IDP_HOST": HOST,
            **{f"IDP_NODE{index}": f"{HOST}:{node.port}" for index, node in enumerate(nodes, start=1)},
        }
        with haproxy_log.open("w") as log:
            cluster.haproxy = subprocess.Popen(  # noqa: S603 - Debian's haproxy, our committed config
                [HAPROXY, "-db", "-f", str(HAPROXY_CONFIG)], env=haproxy_env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until_live(cluster, f"{lb_url}/health/live", cluster.haproxy, verify=str(cluster.cert_path))
        # Every node answers through the balancer (checks passed: none is still held out of rotation).
        session = cluster.session()
        deadline = time.monotonic() + STARTUP_SECONDS
        while {session.get(f"{lb_url}/health/live", timeout=5).headers.get("X-Served-By") for _ in nodes} != set(
            NODE_NAMES
        ):
            assert time.monotonic() < deadline, f"not every node joined the rotation:\n{cluster.log_tail()}"
            time.sleep(0.2)
    except BaseException:
        cluster.stop()
        raise
    return cluster
