"""axe-core on every page type of the site (WCAG 2.1 AA): a serious or critical violation
fails the test.

axe-core is the npm package (package.json; `make test` runs `npm ci`), injected into each
page. The pages are a list of URL patterns filled in from the seed's data. A page in the
list whose URL no longer resolves fails (a renamed page must not drop out of the check
silently), as does one that answers with an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from acties.models import Actie
from actoren.models import Actor, Gemeente
from beleidsplan.models import Beleidsplan, Doelstelling, Herziening
from beleidsplan.seed_revision import load_seed_revision
from beleidsplan.succession import start_next_plan
from cultuurregio import roles
from tests.factories import make_user

pytestmark = pytest.mark.e2e

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text() if AXE.exists() else ""
FAILING_IMPACT = {"serious", "critical"}

ANONYMOUS, MEMBER, PARTNER, COORDINATOR = "anonymous", "stuurgroep", "partner", "coordinator"


@dataclass(frozen=True)
class Check:
    name: str
    path: str  # filled in with ``str.format`` from the seed's ids (see ``ids``)
    who: tuple[str, ...]


PAGES = [
    # The public site
    Check("home", "/", (ANONYMOUS, MEMBER)),
    Check("plan (nota table)", "/plan/{plan}/", (ANONYMOUS, MEMBER)),
    Check("plan filtered", "/plan/{plan}/?gemeente={gemeente}", (ANONYMOUS,)),
    Check("goal page (SD)", "/plan/{plan}/doelstellingen/{sd}/", (ANONYMOUS, MEMBER)),
    Check("goal page (OD)", "/plan/{plan}/doelstellingen/{od}/", (ANONYMOUS,)),
    Check("spreiding matrix", "/plan/{plan}/spreiding/", (ANONYMOUS, MEMBER)),
    Check("search", "/zoeken/?q=Boekenstoet", (ANONYMOUS, MEMBER)),
    Check("actors", "/actoren/", (ANONYMOUS,)),
    Check("actor", "/actoren/{actor}/", (ANONYMOUS,)),
    Check("municipalities", "/gemeenten/", (ANONYMOUS,)),
    Check("municipality", "/gemeenten/{gemeente}/", (ANONYMOUS,)),
    Check("glossary", "/woordenlijst/", (ANONYMOUS,)),
    Check("accessibility statement", "/toegankelijkheid/", (ANONYMOUS,)),
    Check("progress", "/plan/{plan}/voortgang/", (ANONYMOUS, MEMBER)),
    Check("action", "/acties/{actie}/", (ANONYMOUS, MEMBER)),
    Check("annual report", "/plan/{plan}/jaarverslag/2021/", (ANONYMOUS, COORDINATOR)),
    # Versions
    Check("versions list", "/plan/{plan}/versies/", (ANONYMOUS, MEMBER)),
    Check("version page", "/plan/{plan}/versies/1/", (ANONYMOUS, MEMBER)),
    Check("comparison", "/plan/{plan}/vergelijk/?van=1&naar=2", (ANONYMOUS, MEMBER)),
    Check("comparison form", "/plan/{plan}/vergelijk/", (ANONYMOUS,)),
    Check("comparison with working state", "/plan/{plan}/vergelijk/?van=2&naar=werk", (MEMBER,)),
    Check("goal history", "/plan/{plan}/doelstellingen/{sd}/geschiedenis/", (ANONYMOUS, MEMBER)),
    Check("working state", "/plan/{plan}/werkversie/", (MEMBER,)),
    # The next plan, in preparation, beside the plan before it
    Check("next plan: goal page", "/plan/{next}/doelstellingen/{next_sd}/", (MEMBER,)),
    Check("next plan: compared with the plan before", "/plan/{next}/vergelijk-met-vorig-plan/",
          (MEMBER,)),
    Check("revision rounds", "/plan/{plan}/herzieningen/", (MEMBER,)),
    Check("revision round", "/plan/{plan}/herzieningen/{ronde}/", (MEMBER,)),
    # Partners and the coordinator
    Check("partner: my actions", "/partner/", (PARTNER,)),
    Check("partner: report form", "/partner/acties/{partner_actie}/rapport/", (PARTNER,)),
    Check("coordinator: who has reported", "/plan/{plan}/rapportering/", (COORDINATOR,)),
    # Accounts
    Check("login", "/aanmelden/", (ANONYMOUS,)),
    Check("password reset", "/wachtwoord/vergeten/", (ANONYMOUS,)),
    Check("logged out", "/afgemeld/", (ANONYMOUS,)),
    Check("admin login", "/admin/login/", (ANONYMOUS,)),
]

PASSWORD = "geheim-wachtwoord-123"


@pytest.fixture
def seed_site(seed_plan):
    """The seed's plan with versions 1 and 2 and its revision round, and one account per
    role. Returns the ids the page list is filled in with."""
    plan = Beleidsplan.objects.get()
    load_seed_revision(plan=plan)
    make_user("lid", group=roles.STUURGROEP)
    coordinator = make_user("coordinator", group=roles.COORDINATOREN, staff=True)
    regiobib = Actor.objects.get(naam="Regiobib")
    regiobib.gebruikers.add(make_user("partner", group=roles.PARTNERS))
    sd = Doelstelling.objects.filter(plan=plan, parent=None).order_by("lft", "tree_id").first()
    od = Doelstelling.objects.filter(plan=plan, parent=sd).first()
    gemeente = Gemeente.objects.filter(opgegaan_in=None).order_by("naam").first()
    nxt = start_next_plan(
        van_plan=plan, titel="Beleidsplan 2027-2032", van_jaar=2027, tot_jaar=2032,
        user=coordinator,
    )
    return {
        "plan": plan.pk,
        "sd": sd.pk,
        "od": od.pk,
        "actie": Actie.objects.filter(doelstelling__plan=plan).first().pk,
        "partner_actie": Actie.objects.filter(doelstelling__plan=plan, betrokkenen__actor=regiobib)
        .order_by("pk").first().pk,
        "actor": regiobib.pk,
        "gemeente": gemeente.pk,
        "ronde": Herziening.objects.get(plan=plan).pk,
        "next": nxt.pk,
        "next_sd": Doelstelling.objects.filter(plan=nxt, parent=None)
        .order_by("tree_id").first().pk,
    }


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()


def existing(path: str) -> bool:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def describe(violation: dict) -> str:
    nodes = "\n".join(
        f"      {' '.join(map(str, node['target']))}: "
        + " ".join(node.get("failureSummary", "").split())
        for node in violation["nodes"][:8]
    )
    more = len(violation["nodes"]) - 8
    return (
        f"    [{violation['impact']}] {violation['id']}: {violation['help']}\n{nodes}"
        + (f"\n      … and {more} more" if more > 0 else "")
    )


@pytest.mark.parametrize("who", [ANONYMOUS, MEMBER, PARTNER, COORDINATOR])
def test_no_serious_accessibility_violations(page, live_server, seed_site, who):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --no-audit --no-fund` (make test does).")
    usernames = {MEMBER: "lid", PARTNER: "partner", COORDINATOR: "coordinator"}
    if who in usernames:
        log_in(page, live_server, usernames[who])

    failures, report = [], []
    for check in PAGES:
        if who not in check.who:
            continue
        path = check.path.format(**seed_site)
        if not existing(path):
            failures.append(f"{check.name} ({path}): no such URL in the project")
            continue
        response = page.goto(f"{live_server.url}{path}")
        if response is None or response.status >= 400:
            status = response.status if response else "no response"
            failures.append(f"{check.name} ({path}): HTTP {status}")
            continue
        # Evaluated, not added as a <script>: the site's Content-Security-Policy refuses
        # inline scripts, and a page's policy does not apply to what the test evaluates.
        page.evaluate(AXE_SOURCE + "\n;undefined")
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        serious = [v for v in result["violations"] if v["impact"] in FAILING_IMPACT]
        other = sorted({f"{v['id']} ({v['impact']})" for v in result["violations"]} - {
            f"{v['id']} ({v['impact']})" for v in serious
        })
        line = f"{check.name} ({path}): {len(serious)} serious/critical"
        if other:
            line += f"; minor: {', '.join(other)}"
        report.append(line)
        if serious:
            failures.append(
                f"{check.name} ({path}):\n" + "\n".join(describe(v) for v in serious)
            )

    print(f"\naxe-core as {who}:")
    for line in report:
        print("  " + line)
    assert report, "no page was checked"
    assert not failures, f"axe-core as {who}:\n" + "\n".join(failures)
