"""Demo data for `make run`: the seed's plan and one account per role.

Never in production: the accounts have published passwords.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction

from actoren.models import Actor
from beleidsplan.models import Beleidsplan, Doelstelling

from . import roles

FIXTURES = ["gemeenten", "actoren", "beleidsplan"]

# The demo partner works for this organisation of the seed.
DEMO_PARTNER_ACTOR = "Regiobib"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    group: str
    staff: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("coördinator", "coordinator", "demo-coordinator", roles.COORDINATOREN, True),
    DemoAccount("stuurgroeplid", "stuurgroep", "demo-stuurgroep", roles.STUURGROEP),
    DemoAccount("partner (Regiobib)", "partner", "demo-partner", roles.PARTNERS),
]


def _refuse_in_production() -> None:
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "Demo data and demo accounts are for development only (DEBUG=true); "
            "they are refused in production mode."
        )


@transaction.atomic
def load_seed_plan() -> bool:
    """Load the seed's plan, municipalities and actors once. Returns False when a plan
    already exists (the coordinator's edits are never overwritten). Version 1 and the
    revision round are added by ``load_demo``."""
    _refuse_in_production()
    if Beleidsplan.objects.exists():
        return False
    call_command("loaddata", *FIXTURES, verbosity=0)
    # Fixtures are raw rows: make sure tree fields and codes are consistent.
    Doelstelling.objects.rebuild()
    for plan in Beleidsplan.objects.all():
        plan.refresh_codes()
    _start_audit_trail()
    return True


def _start_audit_trail() -> None:
    """Fixture rows have no audit records (a few get one from their many-to-many links):
    give every record without one its starting point, so that the first edit in the admin
    shows which fields changed. simple-history's populate_history skips a model as soon as
    any of its rows has history, hence this."""
    from acties.models import Actie, ActieActor
    from actoren.models import ContactPersoon, Gemeente

    for model in (Gemeente, Actor, ContactPersoon, Beleidsplan, Doelstelling, Actie, ActieActor):
        have = set(model.history.values_list("id", flat=True))
        missing = [obj for obj in model.objects.all() if obj.pk not in have]
        model.history.bulk_history_create(
            missing, default_change_reason="Beginstand (geladen uit de nota)"
        )


@transaction.atomic
def load_demo() -> tuple[bool, list[DemoAccount]]:
    """Everything `make run` needs: the seed's plan with its revision round and two
    versions (only into an empty database), and the demo accounts."""
    loaded = load_seed_plan()
    accounts = create_demo_accounts()
    if loaded:
        from beleidsplan.seed_revision import load_seed_revision

        coordinator = User.objects.get(username=DEMO_ACCOUNTS[0].username)
        for plan in Beleidsplan.objects.all():
            load_seed_revision(plan=plan, user=coordinator)
    return loaded, accounts


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    """Create (or reset to their documented passwords) the demo accounts."""
    _refuse_in_production()
    roles.ensure_groups()
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.is_staff = account.staff
        user.is_active = True
        user.email = f"{account.username}@demo.cultuurregio.invalid"
        user.set_password(account.password)
        user.save()
        user.groups.set([Group.objects.get(name=account.group)])
        if account.group == roles.PARTNERS:
            actor = Actor.objects.filter(naam=DEMO_PARTNER_ACTOR).first()
            if actor:
                actor.gebruikers.add(user)
    return DEMO_ACCOUNTS
