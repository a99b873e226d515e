"""E-mails of progress reporting: the invitation of a partner and the result of a review.

Plain text, in the site's language (Dutch) whatever language is active for the caller (a
management command, a request), through Django's e-mail settings. Links are absolute
(settings.SITE_URL): there is no request to build them from.

Every message goes out after the caller's transaction commits
(``cultuurregio.outbox.mail.send_after_commit``): a mail server that is down never undoes
an approval or an invitation; the message is kept for the coordinator to send again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from cultuurregio.outbox.mail import send_after_commit

from .models import Voortgangsrapport


def _greeting(user) -> str:
    name = user.get_full_name().strip() or user.get_username()
    return _("Dear %(name)s,") % {"name": name}


def _send(messages: list[EmailMessage]) -> int:
    """Schedule the messages for after the commit; returns how many."""
    return send_after_commit(messages)


def recipients_of(rapport: Voortgangsrapport) -> list:
    """The active partner accounts with an e-mail address of the report's organisation, or
    of all organisations of the action when the report names none. One query."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if rapport.actor_id:
        users = users.filter(actoren=rapport.actor_id)
    else:
        users = users.filter(actoren__betrokkenheden__actie=rapport.actie_id)
    return list(users.distinct().order_by("pk"))


def send_review_result(*, rapport: Voortgangsrapport, approved: bool, form_url: str) -> int:
    """Tell the report's partners that it was approved, or sent back with the remark and a
    link to the form. Returns the number of e-mails scheduled (sent after the commit)."""
    with translation.override(settings.LANGUAGE_CODE):
        actie = str(rapport.actie)
        periode = rapport.periode_label
        if approved:
            subject = _("Your progress report was approved: %(period)s") % {"period": periode}
            lines = [
                _("The coordinator approved your progress report on this action:"),
                "",
                actie,
                _("Period: %(period)s") % {"period": periode},
                "",
                _("Thank you: it now counts for the progress of the plan."),
                "",
                _("You can read it here:"),
                form_url,
            ]
        else:
            subject = _("Your progress report needs a change: %(period)s") % {"period": periode}
            lines = [
                _("The coordinator sent back your progress report on this action:"),
                "",
                actie,
                _("Period: %(period)s") % {"period": periode},
                "",
                _("The coordinator's remark:"),
                rapport.opmerking,
                "",
                _("Change the report and submit it again here:"),
                form_url,
            ]
        messages = [
            EmailMessage(
                subject=subject,
                body="\n".join([_greeting(user), "", *lines, "", _signature()]),
                to=[user.email],
            )
            for user in recipients_of(rapport)
        ]
    return _send(messages)


def _signature() -> str:
    return _("The coordinator of the cultuurregio")


def send_invitation(*, user, link: str, actoren, invited_by) -> int:
    """The invitation: what the partner can do, for which organisations, the link to set
    a password (and until when it works), and the user name to log in with later."""
    timeout = settings.PASSWORD_RESET_TIMEOUT
    with translation.override(settings.LANGUAGE_CODE):
        inviter = (
            (invited_by.get_full_name().strip() or invited_by.get_username())
            if invited_by is not None
            else _("The coordinator of the cultuurregio")
        )
        organisations = ", ".join(sorted(str(actor) for actor in actoren))
        lines = [
            _greeting(user),
            "",
            _(
                "%(inviter)s invites you to report the progress of the actions of "
                "%(organisations)s in the policy plan of the cultuurregio."
            )
            % {"inviter": inviter, "organisations": organisations},
            _("It takes a few minutes per action, on a computer or a phone."),
            "",
            _("Choose your password with this link (valid for %(days)s days, once):")
            % {"days": timeout // (24 * 3600)}
            if timeout >= 24 * 3600
            else _("Choose your password with this link (valid for %(hours)s hours, once):")
            % {"hours": max(1, timeout // 3600)},
            link,
            "",
            _("After that you log in with your user name: %(username)s")
            % {"username": user.get_username()},
            "",
            _signature(),
        ]
        message = EmailMessage(
            subject=_("Invitation: report the progress of your actions"),
            body="\n".join(lines),
            to=[user.email],
        )
    return _send([message])
