"""A real SMTP server on loopback (aiosmtpd), so tests read mail as it went over the wire."""

import asyncio
import email
import email.policy
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.live_servers import free_port

WAIT_SECONDS = 10
LINK = re.compile(r"https?://\S+")


class Inbox:
    """The aiosmtpd handler: keeps every message accepted, in order; can hold them back until released."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._arrived = threading.Condition()
        # Set: messages are accepted at once. Cleared: the server holds each DATA command until it is set.
        self.open = threading.Event()
        self.open.set()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.to_thread(self.open.wait, WAIT_SECONDS)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1) -> list[EmailMessage]:
        """The first ``count`` messages, waiting up to WAIT_SECONDS for them to arrive."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=WAIT_SECONDS)
        assert arrived, f"expected {count} message(s), the server received {len(self.messages)}"
        return self.messages[:count]


def body_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage) -> str:
    """The one link in a message's plain-text body."""
    links = LINK.findall(body_of(message))
    assert len(links) == 1, links
    return links[0]


@contextmanager
def running_smtp_server() -> Iterator[tuple[Inbox, int]]:
    """Listen on 127.0.0.1:<free port> until the block ends; yield the inbox and the port."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        inbox.open.set()  # a held message must not keep the server's thread waiting
        controller.stop()
