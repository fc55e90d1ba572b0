"""Log records with the request id, as plain text or one JSON object per line (``DJANGO_LOG_FORMAT=json``).

Nothing here adds request data beyond the id: a token, secret or password never reaches a log line unless a
message puts it there, and none does (tests/observability/test_logs_hold_no_credentials.py).
"""

import json
import logging
from datetime import UTC, datetime

from observability.request_id import current_request_id


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record: the id of the request being served, or "-" outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
