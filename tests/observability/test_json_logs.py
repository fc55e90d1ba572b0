"""DJANGO_LOG_FORMAT=json: one JSON object per line with time, level, logger, message and request id."""

import json
import logging
import subprocess
import sys

from django.conf import settings

from observability.logging import JsonFormatter


def test_a_record_becomes_one_line_of_json():
    record = logging.LogRecord("tokens.cleanup", logging.INFO, __file__, 1, "%d rows deleted", (3,), None)
    record.request_id = "req-9"

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "tokens.cleanup"
    assert entry["message"] == "3 rows deleted"
    assert entry["request_id"] == "req-9"
    assert entry["time"].endswith("+00:00")


def test_the_setting_switches_the_console_to_json_lines(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_LOG_FORMAT": "json",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "expected at least django-axes' start-up line"
    assert all(json.loads(line)["request_id"] == "-" for line in lines)
