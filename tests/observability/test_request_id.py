"""Every response carries an X-Request-ID (the caller's, when plain, else a new one) and so does every log line."""

import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from observability.logging import RequestIdFilter
from observability.middleware import ObservabilityMiddleware
from observability.receivers import clear_request_id


def test_a_response_carries_a_new_request_id(client):
    response = client.get(reverse("health:live"))

    assert len(response["X-Request-ID"]) == 32


def test_a_plain_request_id_from_the_caller_is_kept(client):
    response = client.get(reverse("health:live"), headers={"X-Request-ID": "lb-7f3a.42"})

    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.parametrize("sent", ["a b", "x" * 200, "id\nforged-log-line", ""])
def test_an_unusable_request_id_is_replaced(client, sent):
    response = client.get(reverse("health:live"), headers={"X-Request-ID": sent})

    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32


def test_log_lines_written_while_serving_a_request_carry_its_id():
    records: list[logging.LogRecord] = []

    def view(request):
        record = logging.LogRecord("test", logging.INFO, __file__, 1, "inside", None, None)
        RequestIdFilter().filter(record)
        records.append(record)
        return HttpResponse()

    response = ObservabilityMiddleware(view)(RequestFactory().get("/", headers={"X-Request-ID": "req-1"}))

    assert records[0].request_id == "req-1" == response["X-Request-ID"]
    clear_request_id(sender=None)  # what request_finished runs once the response is closed
    outside = logging.LogRecord("test", logging.INFO, __file__, 1, "outside", None, None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"
