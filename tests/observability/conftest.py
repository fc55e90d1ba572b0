"""Metrics on, with a known scraper token, for the observability tests."""

import pytest
from prometheus_client import REGISTRY

METRICS_TOKEN = "test-metrics-bearer-token"


@pytest.fixture
def metrics_on(settings) -> str:
    settings.IDP = {**settings.IDP, "METRICS_BEARER_TOKEN": METRICS_TOKEN}
    return METRICS_TOKEN


def sample(name: str, **labels: str) -> float:
    """A metric's current value in this process (0 before its first increment)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
