"""The id of the request being served, for log lines (a context variable: one value per request, thread or task)."""

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
# An id a proxy or client sent is kept only if it is short and plain: it goes into every log line of the request.
ACCEPTABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

NO_REQUEST = "-"
current_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def request_id_from(header_value: str | None) -> str:
    """The caller's X-Request-ID when it is acceptable, else a new random one."""
    if header_value and ACCEPTABLE.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex
