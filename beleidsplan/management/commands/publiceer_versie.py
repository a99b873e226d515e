"""manage.py publiceer_versie [--plan ID] --naam NAAM [--gebruiker USERNAME]

Publishes the working state of a plan as its next numbered version, through the same
service as the admin's "Een versie publiceren" (``beleidsplan.services.publish_version``),
and prints only the new version's number on stdout, so that a script can read it.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from beleidsplan.management.plans import plan_from_option
from beleidsplan.services import publish_version


class Command(BaseCommand):
    @property
    def help(self):
        # A property, not a lazy string: argparse needs a real str for the description.
        return _(
            "Publish the working state of a policy plan as its next version and print the "
            "version's number."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", type=int, metavar="ID",
            help=_(
                "The policy plan's id. Default: the plan that runs (the newest published "
                "and not closed)."
            ),
        )
        parser.add_argument(
            "--naam", required=True, metavar="NAAM", help=_("The name of the new version.")
        )
        parser.add_argument(
            "--gebruiker", metavar="USERNAME",
            help=_("Record this user as the one who published the version."),
        )

    def handle(self, *args, plan=None, naam, gebruiker=None, **options):
        beleidsplan = plan_from_option(plan)
        user = _user(gebruiker)
        try:
            # The service strips the name and refuses an empty one (ValidationError).
            versie = publish_version(plan=beleidsplan, naam=naam, user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(str(versie.nummer))


def _user(username: str | None):
    """The user named ``username`` (None without a name). One query."""
    if username is None:
        return None
    User = get_user_model()
    found = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
    if found is None:
        raise CommandError(_("There is no user %(username)s.") % {"username": username})
    return found
