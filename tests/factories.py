"""Small factories for tests: plain functions with sensible defaults.

Goals are created through the ORM one by one (never bulk_create: the tree is mptt), so
their codes are refreshed as in the application.
"""

import itertools

from django.contrib.auth.models import Group, User

from acties.models import Actie, ActieActor
from actoren.models import Actor, Gemeente
from beleidsplan.models import Beleidsplan, Doelstelling
from cultuurregio import roles

_seq = itertools.count(1)


def make_user(username: str, *, group: str | None = None, staff: bool = False, **extra) -> User:
    user = User.objects.create_user(
        username=username, password="geheim-wachtwoord-123", is_staff=staff,
        email=f"{username}@example.org", **extra,
    )
    if group:
        roles.ensure_groups()
        user.groups.add(Group.objects.get(name=group))
    return user


def make_plan(**kwargs) -> Beleidsplan:
    defaults = {"titel": "Beleidsplan cultuurregio", "van_jaar": 2020, "tot_jaar": 2025}
    defaults.update(kwargs)
    return Beleidsplan.objects.create(**defaults)


def make_sd(plan: Beleidsplan, formulering: str | None = None, **kwargs) -> Doelstelling:
    return Doelstelling.objects.create(
        plan=plan, formulering=formulering or f"Strategische doelstelling {next(_seq)}", **kwargs
    )


def make_od(sd: Doelstelling, formulering: str | None = None, **kwargs) -> Doelstelling:
    return Doelstelling.objects.create(
        plan=sd.plan, parent=sd,
        formulering=formulering or f"Operationele doelstelling {next(_seq)}", **kwargs,
    )


def make_gemeente(naam: str | None = None, **kwargs) -> Gemeente:
    n = next(_seq)
    return Gemeente.objects.create(naam=naam or f"Gemeente {n}", **kwargs)


def make_actor(naam: str | None = None, **kwargs) -> Actor:
    kwargs.setdefault("soort", Actor.Soort.INSTELLING)
    return Actor.objects.create(naam=naam or f"Actor {next(_seq)}", **kwargs)


def make_actie(od: Doelstelling, omschrijving: str | None = None, *, actoren=(), **kwargs) -> Actie:
    kwargs.setdefault("regierol", "Partners bovenlokaal bij elkaar brengen")
    kwargs.setdefault("actorrol", "Activiteiten lokaal uitvoeren")
    actie = Actie.objects.create(
        doelstelling=od, omschrijving=omschrijving or f"Actie {next(_seq)}", **kwargs
    )
    for actor, rol in actoren:
        ActieActor.objects.create(actie=actie, actor=actor, rol=rol)
    return actie


def make_plan_tree(*, sds: int = 2, ods: int = 2, acties: int = 2, gemeenten: int = 2):
    """A plan with ``sds`` SDs, each with ``ods`` ODs, each with ``acties`` actions that
    reach ``gemeenten`` municipalities and involve one actor. For query-count tests."""
    plan = make_plan()
    places = [make_gemeente() for _ in range(gemeenten)]
    actor = make_actor()
    for _ in range(sds):
        sd = make_sd(plan)
        for _ in range(ods):
            od = make_od(sd)
            for i in range(acties):
                actie = make_actie(
                    od, alle_gemeenten=False, volgorde=i, actoren=[(actor, "trekker")]
                )
                actie.gemeenten.set(places)
                actie.zie_ook.add(sd)
    return plan
