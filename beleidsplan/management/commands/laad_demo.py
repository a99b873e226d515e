from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cultuurregio.demo import create_demo_accounts, load_seed_plan


class Command(BaseCommand):
    help = "Load the seed's plan (once) and create the demo accounts. Development only."

    def handle(self, *args, **options):
        try:
            loaded = load_seed_plan()
            accounts = create_demo_accounts()
        except ImproperlyConfigured:
            raise CommandError(
                _(
                    "Demo data and demo accounts are refused in production mode "
                    "(DEBUG=false)."
                )
            ) from None
        if loaded:
            self.stdout.write(_("The plan of the seed has been loaded."))
        else:
            self.stdout.write(_("A plan already exists; it was left as it is."))
        self.stdout.write(_("Demo accounts (development only):"))
        for account in accounts:
            self.stdout.write(f"  {account.role:<20} {account.username:<12} {account.password}")
