"""Pages of the site as a whole: the glossary and the accessibility statement."""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext

from . import throttling
from .forms import PasswordResetForm

# The accessibility statement's dates (the model statement asks for both). Update them
# when the site is re-assessed; the page shows them.
STATEMENT_DRAWN_UP = datetime.date(2026, 11, 29)
STATEMENT_REVIEWED = datetime.date(2026, 11, 29)


def glossary(request):
    """The glossary ("What do regierol, actorrol and spreiding mean?"): the plan's words in
    plain Dutch, each with an anchor (``/woordenlijst/#regierol``) for column headings to
    link to."""
    return render(request, "pages/woordenlijst.html")


def accessibility(request):
    """The accessibility statement (toegankelijkheidsverklaring), after the model of the
    Flemish government. Its contact address is the region's DEFAULT_FROM_EMAIL."""
    # DEFAULT_FROM_EMAIL may carry a name ("Cultuurregio Zender <info@...>"): the address.
    contact_email = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return render(
        request,
        "pages/toegankelijkheidsverklaring.html",
        {
            "contact_email": contact_email,
            "drawn_up": STATEMENT_DRAWN_UP,
            "reviewed": STATEMENT_REVIEWED,
            "site_url": request.build_absolute_uri("/"),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset request; the e-mail also says how long its link works
    (PASSWORD_RESET_TIMEOUT, which the partners' invitations share). At most
    PASSWORD_RESET_LIMIT_PER_HOUR requests per e-mail address and per client address
    (cultuurregio.throttling); above that the form says to wait, whether or not the
    address has an account."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        if not throttling.allow_password_reset(
            email=form.cleaned_data["email"], ip=throttling.client_ip(self.request)
        ):
            form.add_error(
                None,
                gettext(
                    "Too many requests for a new password. Wait an hour and try again, "
                    "or ask the coordinator."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)

    @property
    def extra_email_context(self):
        return {"valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))}
