"""GET /metrics: Prometheus text format, for a scraper holding the metrics bearer token; 404 while metrics are off."""

from django.http import Http404, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from idp.settings import idp_settings


@never_cache
@require_GET
def metrics(request) -> HttpResponse:
    expected = idp_settings.METRICS_BEARER_TOKEN
    if not expected:
        # Off unless configured: nothing is counted, and the endpoint does not exist.
        raise Http404
    presented = request.headers.get("Authorization", "")
    # Not public: counts of sign-ins and refusals help whoever probes the provider. Compared in constant time.
    if not constant_time_compare(presented, f"Bearer {expected}"):
        response = HttpResponse("Send the metrics bearer token.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = REGISTRY
    if idp_settings.METRICS_MULTIPROCESS_DIR:
        # Every worker process's values, from the files prometheus_client keeps there.
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=idp_settings.METRICS_MULTIPROCESS_DIR)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
