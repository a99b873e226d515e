"""Invite a partner: ``python manage.py nodig_partner_uit EMAIL --naam "..." --actor Regiobib``.

Calls acties.services.invite_partner, which creates (or reuses) the account, links it to the
organisations and e-mails the link to choose a password.
"""

import difflib

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from acties.services import invite_partner
from actoren.models import Actor


class Command(BaseCommand):
    help = (
        "Invite a partner by e-mail to report progress for one or more organisations "
        "(actors): the e-mail holds a link to choose a password."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The partner's e-mail address.")
        parser.add_argument("--naam", default="", help='The partner\'s name, e.g. "An Peeters".')
        parser.add_argument(
            "--actor",
            action="append",
            default=[],
            metavar="NAAM",
            required=True,
            help="An organisation, by name or other spelling; repeat for several.",
        )

    def handle(self, *args, email, naam, actor, **options):
        actoren = [self._find_actor(name) for name in actor]
        try:
            user = invite_partner(email=email, naam=naam, actoren=actoren, invited_by=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            _("Invitation sent to %(email)s (user name %(username)s) for %(actors)s.")
            % {
                "email": user.email,
                "username": user.get_username(),
                "actors": ", ".join(str(a) for a in actoren),
            }
        )

    def _find_actor(self, name: str) -> Actor:
        name = name.strip()
        matches = list(Actor.objects.filter(naam__iexact=name))
        if not matches:
            # Another spelling: one alias per line in Actor.aliassen.
            matches = [
                a
                for a in Actor.objects.filter(Q(aliassen__icontains=name))
                if name.lower() in (line.strip().lower() for line in a.aliassen.splitlines())
            ]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise CommandError(
                _("“%(name)s” names several organisations: %(names)s. Use the full name.")
                % {"name": name, "names": ", ".join(a.naam for a in matches)}
            )
        names = list(Actor.objects.values_list("naam", flat=True))
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        message = _("Unknown organisation: “%(name)s”.") % {"name": name}
        if close:
            message += " " + _("Did you mean: %(names)s?") % {"names": ", ".join(close)}
        raise CommandError(message)
