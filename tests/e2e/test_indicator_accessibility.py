"""axe-core on the pages that draw indicators (issue 10): the action and OD pages with
their course charts, the progress page's overview and the partner's form with the
indicator fields. No serious or critical violation."""

from decimal import Decimal

import pytest

from acties.models import Actie, Indicator, Meting
from actoren.models import Actor
from beleidsplan.models import Beleidsplan
from beleidsplan.services import publish_version
from cultuurregio import roles
from tests.factories import make_user

from .test_accessibility import AXE, AXE_SOURCE, FAILING_IMPACT, describe, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def with_indicators(seed_plan):
    plan = Beleidsplan.objects.get()
    coordinator = make_user("coordinator", group=roles.COORDINATOREN, staff=True)
    regiobib = Actor.objects.get(naam="Regiobib")
    regiobib.gebruikers.add(make_user("partner", group=roles.PARTNERS))
    actie = Actie.objects.filter(doelstelling__plan=plan, betrokkenen__actor=regiobib).first()
    on_action = Indicator.objects.create(
        actie=actie, naam="Kinderen op de voorleesnamiddagen", eenheid="kinderen",
        basiswaarde=Decimal(0), basisjaar=2020, streefwaarde=Decimal(1000), streefjaar=2025,
        cumulatief=True,
    )
    on_goal = Indicator.objects.create(
        doelstelling=actie.doelstelling, naam="Gemeenten met het reglement",
        eenheid="gemeenten", streefwaarde=Decimal(15), streefjaar=2024,
        richting=Indicator.Richting.MEER,
    )
    for jaar, waarde in ((2021, 240), (2022, 310)):
        Meting.objects.create(indicator=on_action, jaar=jaar, waarde=Decimal(waarde))
    Meting.objects.create(indicator=on_goal, jaar=2022, waarde=Decimal(6))
    publish_version(plan=plan, naam="Met indicatoren", user=coordinator)
    return {"plan": plan.pk, "actie": actie.pk, "od": actie.doelstelling_id}


# (name, path, as the partner, a text the page must show)
PAGES = [
    ("action", "/acties/{actie}/", False, "Kinderen op de voorleesnamiddagen"),
    ("OD", "/plan/{plan}/doelstellingen/{od}/", False, "Gemeenten met het reglement"),
    ("progress", "/plan/{plan}/voortgang/", False, "Gemeenten met het reglement"),
    ("partner form", "/partner/acties/{actie}/rapport/?periode=2025", True,
     "Kinderen op de voorleesnamiddagen (in kinderen)"),
]


def test_pages_with_indicator_charts_have_no_serious_violations(page, live_server,
                                                                 with_indicators):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --no-audit --no-fund` (make test does).")
    failures = []
    logged_in = False
    for name, path, partner, shown in PAGES:
        if partner and not logged_in:
            log_in(page, live_server, "partner")
            logged_in = True
        response = page.goto(live_server.url + path.format(**with_indicators))
        assert response is not None and response.status == 200, (name, path)
        assert shown in page.locator("main").inner_text(), name
        page.evaluate(AXE_SOURCE + "\n;undefined")
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        serious = [v for v in result["violations"] if v["impact"] in FAILING_IMPACT]
        if serious:
            failures.append(f"{name}:\n" + "\n".join(describe(v) for v in serious))
    assert not failures, "\n".join(failures)
