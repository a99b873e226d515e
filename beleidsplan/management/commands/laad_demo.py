from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from beleidsplan.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the seed's plan with its revision round and versions, and the next plan in "
        "preparation (once, into an empty database), and create the demo accounts. "
        "Development only."
    )

    def handle(self, *args, **options):
        try:
            loaded, accounts = load_demo()
        except ImproperlyConfigured:
            raise CommandError(
                _(
                    "Demo data and demo accounts are refused in production mode "
                    "(DEBUG=false)."
                )
            ) from None
        if loaded:
            self.stdout.write(
                _(
                    "The plan of the seed has been loaded, with its revision round and "
                    "versions 1 and 2."
                )
            )
            self.stdout.write(
                _("The next plan, 2027-2032, is in preparation: started from version 2.")
            )
        else:
            self.stdout.write(_("A plan already exists; it was left as it is."))
        self.stdout.write(_("Demo accounts (development only):"))
        for account in accounts:
            self.stdout.write(f"  {account.role:<20} {account.username:<12} {account.password}")
