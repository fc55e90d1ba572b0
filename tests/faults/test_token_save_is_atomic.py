"""A token response is never sent for a token that was not committed, and a failed save burns nothing."""

import pytest
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from tests.faults.outage import database_down
from tests.flows import exchange_code, obtain_code
from tokens.models import TokenFamily

pytestmark = pytest.mark.django_db


def inserting(table_model):
    """Pick the INSERT statements into ``table_model``'s table."""
    table = table_model._meta.db_table
    return lambda sql: sql.startswith("INSERT") and table in sql


@pytest.mark.parametrize(
    "failing_insert",
    [get_refresh_token_model, lambda: TokenFamily, get_id_token_model],
    ids=["refresh", "family", "id"],
)
def test_a_failure_while_saving_tokens_answers_503_and_leaves_no_token(browser, client, web_app, failing_insert):
    code, verifier = obtain_code(browser, web_app)

    with database_down(when=inserting(failing_insert())):
        response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 503
    assert "access_token" not in response.json()
    assert not get_access_token_model().objects.exists()
    assert not get_refresh_token_model().objects.exists()
    assert not get_id_token_model().objects.exists()
    assert not TokenFamily.objects.exists()


def test_the_code_survives_a_failed_save_so_the_client_can_retry(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)
    with database_down(when=inserting(get_refresh_token_model())):
        exchange_code(client, web_app, code, verifier)
    assert get_grant_model().objects.exists()

    retry = exchange_code(client, web_app, code, verifier)

    assert retry.status_code == 200, retry.content
    assert get_access_token_model().objects.count() == 1
