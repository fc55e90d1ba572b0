"""One middleware, first in the chain: a request id for every request and log line; time and refusals counted."""

import json
import time

from idp.settings import idp_settings
from observability.metrics import REFUSALS, REQUEST_SECONDS
from observability.request_id import HEADER, current_request_id, request_id_from

# Error bodies are small JSON documents; anything bigger is not an OAuth error and is not parsed.
MAX_ERROR_BODY = 4096


class ObservabilityMiddleware:
    """Sets ``request.request_id`` (the caller's X-Request-ID, or a new one), echoes it on the response, and,
    when metrics are on, times the request and counts OAuth refusals by error code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(HEADER))
        # Not reset on the way out: Django's own request log line (django.request, 4xx and 5xx) is written after
        # the middleware returns. The request_finished receiver clears it (observability.receivers).
        current_request_id.set(request.request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request.request_id
        if idp_settings.METRICS_BEARER_TOKEN:
            endpoint = request.resolver_match.view_name if request.resolver_match else "unmatched"
            REQUEST_SECONDS.labels(endpoint, f"{response.status_code // 100}xx").observe(time.perf_counter() - started)
            error = oauth_error(response)
            if error:
                REFUSALS.labels(endpoint, error).inc()
        return response


def oauth_error(response) -> str:
    """The ``error`` code of an OAuth/RFC 6750 JSON refusal, or an empty string."""
    if response.status_code < 400 or response.streaming or len(response.content) > MAX_ERROR_BODY:
        return ""
    if not response.get("Content-Type", "").startswith("application/json"):
        return ""
    try:
        body = json.loads(response.content)
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    # Error codes are a short fixed vocabulary; anything else is not used as a label.
    return error if isinstance(error, str) and error.replace("_", "").isalpha() and len(error) <= 40 else ""
