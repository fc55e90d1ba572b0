"""The provider's Prometheus metrics: what operators watch, labeled with bounded values only (never a user or token).

With several worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (wiped at each start) in
the app server's environment: prometheus_client then keeps each process's values in files there, and /metrics
adds them up (observability.views).
"""

from prometheus_client import Counter, Histogram

# The grant_type parameter, shortened to a label; anything else is "other" (labels must stay a small set).
GRANT_LABELS = {
    "authorization_code": "authorization_code",
    "refresh_token": "refresh_token",
    "client_credentials": "client_credentials",
    "urn:ietf:params:oauth:grant-type:device_code": "device_code",
    "password": "password",
}

TOKENS_ISSUED = Counter("idp_tokens_issued", "Access tokens issued by the token endpoint, per grant type.", ["grant"])
REFUSALS = Counter(
    "idp_refusals",
    "Protocol and API requests refused with an OAuth error, per endpoint and error code.",
    ["endpoint", "error"],
)
SIGN_INS = Counter("idp_sign_ins", "Sign-in attempts, per outcome (succeeded, failed, locked_out).", ["outcome"])
REQUEST_SECONDS = Histogram(
    "idp_request_duration_seconds",
    "Time to answer a request, per URL name (not per path: ids would make unbounded labels) and status class.",
    ["endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def grant_label(grant_type: str) -> str:
    return GRANT_LABELS.get(grant_type, "other")
