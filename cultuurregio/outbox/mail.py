"""Sending e-mail after commit, and again after a failure (see the package's docstring)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib import messages as user_messages
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from cultuurregio.roles import is_coordinator

from .middleware import current_request
from .models import OnverstuurdeEmail

logger = logging.getLogger(__name__)


def send_after_commit(messages: Iterable[EmailMessage]) -> int:
    """Send the messages once the current transaction commits (at once outside one).

    The e-mail backend is the one configured now, when the work is done. Returns how many
    messages were scheduled; whether they went out is known only after the commit.
    """
    messages = list(messages)
    if not messages:
        return 0
    connection = get_connection()
    transaction.on_commit(lambda: deliver(messages, connection=connection))
    return len(messages)


def deliver(messages: list[EmailMessage], *, connection=None) -> int:
    """Send each message on its own; one that fails is logged and kept, never raised.
    Returns how many went out."""
    connection = connection or get_connection()
    sent = 0
    failed: list[str] = []
    for message in messages:
        try:
            sent += connection.send_messages([message]) or 0
        except Exception as exc:  # any backend error: SMTP, DNS, TLS, a refused address
            logger.exception("E-mail to %s could not be sent", ", ".join(message.to))
            _keep(message, exc)
            failed.extend(message.to)
    if failed:
        _tell_coordinator(failed)
    return sent


def _keep(message: EmailMessage, exc: Exception) -> None:
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"),
            "",
        )
    try:
        OnverstuurdeEmail.objects.create(
            aan="\n".join([*message.to, *message.cc, *message.bcc]),
            van=message.from_email or "",
            onderwerp=message.subject[:998],
            tekst=message.body,
            html=html,
            fout=f"{type(exc).__name__}: {exc}"[:2000],
        )
    except Exception:  # the database too: the log line above is all that remains
        logger.exception("Unsent e-mail could not be kept")


def _tell_coordinator(addresses: list[str]) -> None:
    request = current_request.get()
    if request is None or not is_coordinator(getattr(request, "user", None) or _Anonymous):
        return
    user_messages.error(
        request,
        ngettext(
            "The e-mail to %(to)s could not be sent. It is kept under E-mail > Unsent "
            "e-mails, where you can send it again.",
            "The e-mails to %(to)s could not be sent. They are kept under E-mail > Unsent "
            "e-mails, where you can send them again.",
            len(addresses),
        )
        % {"to": ", ".join(addresses)},
        fail_silently=True,
    )


class _Anonymous:
    is_active = False
    is_staff = False


def resend(email: OnverstuurdeEmail) -> bool:
    """Try a kept message again. True when it went out (then it is marked sent)."""
    message = EmailMultiAlternatives(
        subject=email.onderwerp,
        body=email.tekst,
        from_email=email.van or None,
        to=email.recipients(),
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        get_connection().send_messages([message])
    except Exception as exc:
        logger.exception("E-mail to %s could not be sent again", email.aan_text)
        email.pogingen += 1
        email.fout = f"{type(exc).__name__}: {exc}"[:2000]
        email.save(update_fields=["pogingen", "fout", "laatste_poging_op"])
        return False
    email.pogingen += 1
    email.verstuurd_op = timezone.now()
    email.save(update_fields=["pogingen", "verstuurd_op", "laatste_poging_op"])
    return True
