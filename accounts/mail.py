"""Account e-mails (password reset, address verification): rendered and sent off the request path.

A page that mails a link answers before the mail server is contacted. For the reset page that is a
privacy matter, not only speed: a request for an address with an account would otherwise take an SMTP
round trip longer than one for an address without, and the difference would tell who has an account.

The worker thread never touches the database (its connection would never be closed): everything a
message needs, the link included, is worked out on the request thread and handed over as plain text.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from idp.settings import idp_settings

log = logging.getLogger(__name__)

# One thread per process: mail is a trickle (the requests are rate-limited), and one thread keeps a flood
# from opening a connection per message. The executor's threads are joined at interpreter exit, so a
# graceful restart still delivers what was queued.
_outbox = ThreadPoolExecutor(max_workers=1, thread_name_prefix="account-mail")


def absolute_link(*, request: HttpRequest, path: str) -> str:
    """``path`` on the provider's public origin: PROVIDER_URL when set, else the origin of ``request``.

    A link in an e-mail outlives the request; with PROVIDER_URL it never depends on a Host header a client
    chose (ALLOWED_HOSTS already refuses foreign hosts, this removes the question altogether).
    """
    if settings.PROVIDER_URL:
        return f"{settings.PROVIDER_URL}{path}"
    return request.build_absolute_uri(path)


def mail_send(
    *, to: str, subject_template: str, body_template: str, context: dict[str, Any], user_id: int | None = None
) -> None:
    """Render and send one plain-text e-mail to ``to``; after the response when ACCOUNT_MAIL_IN_BACKGROUND.

    ``context`` must hold plain values (strings, numbers), never model instances: the templates are
    rendered on the worker thread. The language is the request's, carried over explicitly since the
    active language is per thread.
    """
    language = translation.get_language()
    context = {"site_name": settings.SITE_NAME, **context}
    if idp_settings.ACCOUNT_MAIL_IN_BACKGROUND:
        _outbox.submit(_render_and_send, to, subject_template, body_template, context, language, user_id)
    else:
        _render_and_send(to, subject_template, body_template, context, language, user_id)


def _render_and_send(
    to: str, subject_template: str, body_template: str, context: dict[str, Any], language: str | None, user_id
) -> None:
    try:
        with translation.override(language):
            # A header cannot hold a line break: a template's trailing newline would end the subject.
            subject = "".join(render_to_string(subject_template, context).splitlines())
            body = render_to_string(body_template, context)
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
    except Exception:
        # As Django's PasswordResetForm does: the page has answered already, and must answer the same
        # whether or not the mail went out. The address is not logged (it may be anyone's); the account is.
        log.exception("Could not send %s to user %s", body_template, user_id)
