"""Demo data for `make run`: the seed's plan, the next plan in preparation, and one
account per role.

Never in production: the accounts have published passwords. Loading is refused with
DEBUG=false, and so is every login with a demo password or into an account this module
made (cultuurregio/auth.py), whoever created the account.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from actoren.models import Actor
from beleidsplan.models import Beleidsplan, Doelstelling
from cultuurregio import roles
from cultuurregio.auth import DEMO_EMAIL_DOMAIN

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
    versions, and the next plan 2027-2032 in preparation, started from version 2 (only
    into an empty database); and the demo accounts."""
    loaded = load_seed_plan()
    accounts = create_demo_accounts()
    if loaded:
        from beleidsplan.seed_revision import load_seed_revision

        coordinator = User.objects.get(username=DEMO_ACCOUNTS[0].username)
        # Before the versions are published: the indicators are part of them.
        _demo_indicators(coordinator)
        rounds = [
            load_seed_revision(plan=plan, user=coordinator) for plan in Beleidsplan.objects.all()
        ]
        _demo_indicator_proposal(rounds, coordinator)
        _demo_reports(coordinator)
        _demo_next_plan(coordinator)
    return loaded, accounts


# The next plan of the demo (issue 13): started from version 2 of the seed's plan, in
# preparation, with a few goals already reworded so that there is a difference to see.
NEXT_PLAN = {
    "titel": "Beleidsplan cultuurregio Zender 2027-2032", "van_jaar": 2027, "tot_jaar": 2032,
}
NEXT_PLAN_VERSION = 2
NEXT_PLAN_REWORDINGS = {
    "SD1": (
        "De cultuurparticipatie van alle inwoners van de regio verhogen, met aandacht voor "
        "wie vandaag nog weinig deelneemt"
    ),
    "SD2-OD1": (
        "De bibliotheken van de regio werken samen aan een gedeeld aanbod en een "
        "gezamenlijke collectie"
    ),
    "SD3": "Samen met inwoners en verenigingen cultuur maken: co-creatie in de hele regio",
}


def _demo_next_plan(coordinator) -> None:
    """Start the next plan with the real service, then reword a few of its goals as the
    coordinator would in the admin (audited)."""
    from beleidsplan.succession import start_next_plan

    old = Beleidsplan.objects.filter(versies__nummer=NEXT_PLAN_VERSION).order_by("pk").first()
    if old is None:
        return
    plan = start_next_plan(
        van_plan=old, versie_nummer=NEXT_PLAN_VERSION, user=coordinator, **NEXT_PLAN
    )
    for goal in plan.doelstellingen.filter(code__in=NEXT_PLAN_REWORDINGS):
        goal.formulering = NEXT_PLAN_REWORDINGS[goal.code]
        goal._history_user = coordinator
        goal._change_reason = "Herformulering voor het plan 2027-2032"
        goal.save()


# Indicators (issue 10): (words in the action's description, or None for the goal of the
# action named in "od_of"), name, unit, base, base year, target, target year, cumulative,
# on the home page.
DEMO_INDICATORS = [
    {"actie": "Boekenstoet", "naam": "Kinderen op de voorleesnamiddagen", "eenheid": "kinderen",
     "basiswaarde": 0, "basisjaar": 2020, "streefwaarde": 1000, "streefjaar": 2025,
     "cumulatief": True, "op_home": True},
    {"actie": "regionaal collectie", "naam": "Uitleningen tussen de bibliotheken",
     "eenheid": "uitleningen", "basiswaarde": 500, "basisjaar": 2020, "streefwaarde": 3000,
     "streefjaar": 2025, "cumulatief": False, "op_home": False},
    {"od_of": "gemeenschappelijk dienstreglement",
     "naam": "Gemeenten met het gezamenlijke bibliotheekreglement", "eenheid": "gemeenten",
     "basiswaarde": 0, "basisjaar": 2020, "streefwaarde": 15, "streefjaar": 2023,
     "cumulatief": False, "op_home": True},
]
# Values the demo partner reports with the reports below: (words, year) -> value of the
# action's first indicator. The coordinator enters the OD's values in the admin.
DEMO_INDICATOR_VALUES = {("Boekenstoet", 2021): "240", ("regionaal collectie", 2022): "1.250",
                         ("Boekenstoet", 2022): "310"}
DEMO_COORDINATOR_VALUES = [(2021, 9), (2022, 15)]


def _demo_indicators(coordinator) -> None:
    """A few indicators on the seed's plan, as the coordinator makes them in the admin
    (validated, audited); the OD's values entered by the coordinator."""
    from acties.models import Actie, Indicator, Meting

    regiobib = Actor.objects.filter(naam=DEMO_PARTNER_ACTOR).first()
    for volgorde, spec in enumerate(DEMO_INDICATORS):
        spec = dict(spec)
        on_action = "actie" in spec
        words = spec.pop("actie") if on_action else spec.pop("od_of")
        actie = Actie.objects.filter(omschrijving__icontains=words).order_by("pk").first()
        if actie is None:
            continue
        indicator = Indicator(rapporteur=regiobib, volgorde=volgorde, **spec)
        if on_action:
            indicator.actie = actie
        else:
            indicator.doelstelling = actie.doelstelling
        indicator.full_clean()
        indicator._history_user = coordinator
        indicator.save()
        if indicator.doelstelling_id:
            for jaar, waarde in DEMO_COORDINATOR_VALUES:
                meting = Meting(indicator=indicator, jaar=jaar, waarde=waarde,
                                ingevoerd_door=coordinator)
                meting.full_clean()
                meting._history_user = coordinator
                meting.save()


# An open proposal of the revision round about an indicator, for the steering group to
# discuss: (the indicator's name, the new target, the motivation).
DEMO_INDICATOR_PROPOSAL = (
    "Uitleningen tussen de bibliotheken", 4000,
    "De gedeelde collectie loopt beter dan verwacht: de streefwaarde mag omhoog.",
)


def _demo_indicator_proposal(rounds, coordinator) -> None:
    """Propose a higher target for one demo indicator in the plan's round, left open (the
    kind's own validation, as the admin's form runs it)."""
    from acties.models import Indicator

    from .models import Wijzigingsvoorstel
    from .proposals import PROPOSED

    naam, target, motivatie = DEMO_INDICATOR_PROPOSAL
    indicator = Indicator.objects.filter(naam=naam).first()
    ronde = next((r for r in rounds if indicator and r.plan_id == indicator.plan().pk), None)
    if ronde is None:
        return
    values = {field: getattr(indicator, name) for field, name in PROPOSED.items()}
    voorstel = Wijzigingsvoorstel(
        herziening=ronde, volgorde=ronde.voorstellen.count() + 1,
        soort=Wijzigingsvoorstel.Soort.INDICATOR_WIJZIGEN, indicator=indicator,
        auteur=coordinator, motivatie=motivatie,
        **{**values, "indicator_streefwaarde": target},
    )
    voorstel.full_clean()
    voorstel.save()


# (words in the action's description, year, status, percentage, what was done, stage)
DEMO_REPORTS = [
    (
        "Boekenstoet",
        2021,
        "lopend",
        40,
        "Methodiek uitgewerkt met de Regiobib; eerste voorleesnamiddagen in drie bibliotheken.",
        "goedgekeurd",
    ),
    (
        "gemeenschappelijk dienstreglement",
        2021,
        "afgerond",
        100,
        "Het gemeenschappelijke dienstreglement is in alle bibliotheken ingevoerd.",
        "goedgekeurd",
    ),
    (
        "regionaal collectie",
        2022,
        "op_schema",
        60,
        "Afspraken over een gezamenlijk uitleenbeleid gemaakt; de collectieplannen lopen.",
        "goedgekeurd",
    ),
    ("Boekenstoet", 2022, "vertraagd", 55, "Minder vrijwilligers dan verwacht.", "ingediend"),
    (
        "Opvolging en begeleiding van lokale bibliotheken",
        2022,
        "lopend",
        30,
        "Bezoeken ter plaatse.",
        "teruggestuurd",
    ),
]


def _demo_reports(coordinator) -> None:
    """A few progress reports of the demo partner (Regiobib), through the real workflow:
    approved ones make progress bars on the site, one waits in the review queue, one was
    sent back."""
    # The review e-mails of this made-up history are not sent anywhere (not even printed).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        _make_demo_reports(coordinator)


def _make_demo_reports(coordinator) -> None:
    from acties import services
    from acties.models import Actie

    partner = User.objects.get(username=DEMO_ACCOUNTS[2].username)
    actor = Actor.objects.filter(naam=DEMO_PARTNER_ACTOR).first()
    if actor is None:
        return
    for words, jaar, status, percentage, text, stage in DEMO_REPORTS:
        actie = Actie.objects.filter(omschrijving__icontains=words).order_by("pk").first()
        if actie is None:
            continue
        actie.actoren.add(actor, through_defaults={"rol": "trekker"})
        value = DEMO_INDICATOR_VALUES.get((words, jaar))
        first = actie.indicatoren.order_by("volgorde", "pk").first()
        metingen = {first.pk: value} if value is not None and first is not None else {}
        rapport = services.save_report(
            actie=actie,
            user=partner,
            submit=stage != "concept",
            data={
                "jaar": jaar,
                "halfjaar": 0,
                "status": status,
                "percentage": percentage,
                "wat_gedaan": text,
                "metingen": metingen,
            },
        )
        if stage == "goedgekeurd":
            services.approve_report(rapport=rapport, user=coordinator)
        elif stage == "teruggestuurd":
            services.send_back_report(
                rapport=rapport,
                user=coordinator,
                opmerking="Kunt u de aantallen (activiteiten, deelnemers) nog aanvullen?",
            )


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    """Create (or reset to their documented passwords) the demo accounts."""
    _refuse_in_production()
    roles.ensure_groups()
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.is_staff = account.staff
        user.is_active = True
        # The domain marks the account as a demo account: refused in production
        # (cultuurregio/auth.py), whatever its password becomes.
        user.email = f"{account.username}@{DEMO_EMAIL_DOMAIN}"
        user.set_password(account.password)
        user.save()
        user.groups.set([Group.objects.get(name=account.group)])
        if account.group == roles.PARTNERS:
            actor = Actor.objects.filter(naam=DEMO_PARTNER_ACTOR).first()
            if actor:
                actor.gebruikers.add(user)
    return DEMO_ACCOUNTS
