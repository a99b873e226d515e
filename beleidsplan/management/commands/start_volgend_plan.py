"""manage.py start_volgend_plan --van-plan ID --titel TITEL --van JAAR --tot JAAR
[--versie N] [--gebruiker USERNAME]

Starts the next policy plan from the last published version (or version N) of a plan,
through the same service as the admin's "Volgend plan starten"
(``beleidsplan.succession.start_next_plan``), and prints the new plan's id and what was
carried over.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from acties.models import Actie
from beleidsplan.management.commands.publiceer_versie import _user
from beleidsplan.management.plans import plan_from_option
from beleidsplan.succession import SuccessionRefused, start_next_plan


class Command(BaseCommand):
    @property
    def help(self):
        # A property, not a lazy string: argparse needs a real str for the description.
        return _(
            "Start the next policy plan from the last published version of a plan (or "
            "version N): every goal and action is carried over, without timing and progress."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--van-plan", type=int, required=True, metavar="ID",
            help=_("The id of the policy plan the new plan succeeds."),
        )
        parser.add_argument(
            "--titel", required=True, metavar="TITEL", help=_("The new plan's title.")
        )
        parser.add_argument(
            "--van", type=int, required=True, metavar="JAAR", help=_("The new plan's first year.")
        )
        parser.add_argument(
            "--tot", type=int, required=True, metavar="JAAR", help=_("The new plan's last year.")
        )
        parser.add_argument(
            "--versie", type=int, metavar="N",
            help=_("Start from this published version. Default: the last one."),
        )
        parser.add_argument(
            "--gebruiker", metavar="USERNAME",
            help=_("Record this user as the one who started the plan."),
        )

    def handle(self, *args, van_plan, titel, van, tot, versie=None, gebruiker=None, **options):
        old = plan_from_option(van_plan)
        user = _user(gebruiker)
        try:
            plan = start_next_plan(
                van_plan=old, titel=titel, van_jaar=van, tot_jaar=tot,
                versie_nummer=versie, user=user,
            )
        except SuccessionRefused as error:
            raise CommandError(" ".join(error.messages)) from None
        goals = plan.doelstellingen.count()
        acties = Actie.objects.van_plan(plan).count()
        self.stdout.write(str(plan.pk))
        self.stdout.write(
            _("Started %(plan)s: %(goals)s goals and %(acties)s actions carried over.")
            % {"plan": plan, "goals": goals, "acties": acties}
        )
