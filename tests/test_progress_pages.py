"""Progress pages (beleidsplan/progress_urls.py) and the coordinator's review queue
(acties/admin.py): what they show, who may see them, and query counts that do
not grow with the plan."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from acties.models import Bijlage, Voortgangsrapport
from beleidsplan.services import publish_version

from .commit import committed
from .factories import (
    make_actie,
    make_actor,
    make_gemeente,
    make_od,
    make_plan,
    make_plan_tree,
    make_sd,
    make_user,
)
from .queries import cold, warm
from .test_progress_rollup import make_rapport

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status
F = Voortgangsrapport.Fase
THIS_YEAR = date.today().year


@pytest.fixture
def site(coordinator, actor_a, actor_b):
    """A public plan with one published version. SD1-OD1 has an action of A with an
    approved report (40 %) and one of B with only a submitted report (90 %); SD2-OD1 has
    an action with a draft; one action was added after publishing."""
    halle = make_gemeente("Halle")
    make_gemeente("Lennik")
    plan = make_plan(titel="Beleidsplan Zennevallei", van_jaar=2020, tot_jaar=THIS_YEAR + 1)
    sd1 = make_sd(plan, "Participatie verhogen")
    od1 = make_od(sd1, "Netwerk versterken")
    sd2 = make_sd(plan, "Aanbod afstemmen")
    od2 = make_od(sd2, "Bibliotheken versterken")
    a1 = make_actie(
        od1, "Sterkhouders in kaart brengen", actoren=[(actor_a, "trekker")],
        alle_gemeenten=False,
    )
    a1.gemeenten.set([halle])
    a1.zie_ook.add(od2)
    a2 = make_actie(od1, "Regionale kalender", actoren=[(actor_b, "partner")])
    a3 = make_actie(od2, "Leesclubs", actoren=[(actor_a, "partner")])
    approved = make_rapport(
        a1, 2021, status=S.LOPEND, percentage=40, gemeenten=[halle],
        wat_gedaan="Twintig sterkhouders bezocht", aantal_activiteiten=4,
        aantal_deelnemers=120, links="https://example.org/verslag",
    )
    submitted = make_rapport(
        a2, THIS_YEAR, status=S.OP_SCHEMA, percentage=90, fase=F.INGEDIEND,
        wat_gedaan="Geheime tekst in behandeling",
    )
    draft = make_rapport(a3, THIS_YEAR, status=S.LOPEND, percentage=10, fase=F.CONCEPT)
    publish_version(plan=plan, naam="De nota hoe ze was", user=coordinator)
    late = make_actie(od2, "Toegevoegd na publicatie")
    return SimpleNamespace(
        plan=plan, sd1=sd1, sd2=sd2, od1=od1, od2=od2, a1=a1, a2=a2, a3=a3, late=late,
        approved=approved, submitted=submitted, draft=draft, halle=halle,
    )


def voortgang_url(plan):
    return reverse("plan:voortgang", args=[plan.pk])


def actie_url(actie):
    return reverse("plan:actie", args=[actie.pk])


# --- The progress page ------------------------------------------------------------------------


def test_anonymous_sees_approved_progress_of_a_public_plan(client, site):
    response = client.get(voortgang_url(site.plan))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="40"' in html  # SD1 and its OD: only the approved report counts
    assert 'value="90"' not in html and "90 %" not in html  # the submitted report: unseen
    assert "het gemiddelde van het laatst goedgekeurde percentage" in html
    assert "zonder goedgekeurd rapport" in html
    assert "Toegevoegd na publicatie" not in html  # not in the published version
    assert "Doelstellingen en acties zoals in Versie 1: De nota hoe ze was." in html


@pytest.mark.parametrize("who", ["partner_a", "partner_b"])
def test_partners_see_what_the_public_sees(client, site, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(voortgang_url(site.plan))
    assert response.status_code == 200
    assert response.context["versie"] is not None  # the published version, not the working state
    assert "Toegevoegd na publicatie" not in response.content.decode()


def test_progress_bars_are_accessible(client, site):
    html = client.get(voortgang_url(site.plan)).content.decode()
    assert '<progress max="100" value="40" aria-label="' in html
    assert "40 %" in html


def test_progress_page_shows_the_spreiding_matrix(client, site):
    response = client.get(voortgang_url(site.plan))
    progress = response.context["progress"]
    names = [g.naam for g in progress.gemeenten]
    assert names == ["Halle", "Lennik"]
    sd1_row = progress.matrix[0]
    # SD1: a1 planned in Halle only, realised there; a2 for all municipalities.
    assert sd1_row.cells == [(2, 1), (1, 0)]


def test_steering_group_sees_the_working_state(client, site, stuurgroeplid):
    client.force_login(stuurgroeplid)
    html = client.get(voortgang_url(site.plan)).content.decode()
    assert "Toegevoegd na publicatie" in html
    assert "werkversie" in html


@pytest.mark.parametrize("who", ["anonymous", "partner_a", "stuurgroeplid", "coordinator"])
def test_who_sees_the_progress_of_a_non_public_plan(client, site, who, request):
    site.plan.publiek = False
    site.plan.save()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(voortgang_url(site.plan))
    expected = {"anonymous": 302, "partner_a": 404, "stuurgroeplid": 200, "coordinator": 200}
    assert response.status_code == expected[who]
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_a_public_plan_without_a_published_version_is_not_public_yet(client, stuurgroeplid):
    plan = make_plan()
    assert client.get(voortgang_url(plan)).status_code == 404
    client.force_login(stuurgroeplid)
    assert client.get(voortgang_url(plan)).status_code == 200


def test_unknown_plan_is_404(client):
    assert client.get(reverse("plan:voortgang", args=[999999])).status_code == 404


def test_home_links_the_progress_page(client, site):
    html = client.get(reverse("home")).content.decode()
    assert voortgang_url(site.plan) in html


# --- The action page --------------------------------------------------------------------------


def test_action_page_shows_texts_actors_progress_and_timeline(client, site):
    response = client.get(actie_url(site.a1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sterkhouders in kaart brengen" in html
    assert "Bibliotheek A" in html and "trekker" in html
    assert "Twintig sterkhouders bezocht" in html
    assert "https://example.org/verslag" in html
    assert "120" in html and "Halle" in html
    assert 'value="40"' in html
    # "zie ook" from this action to SD2-OD1 ...
    assert site.od2.code in html


def test_see_also_is_shown_both_ways(client, site):
    site.od2.refresh_from_db()
    html = client.get(actie_url(site.a3)).content.decode()
    # a3 lies under SD2-OD1, which a1 refers to: a1 is listed on a3's page.
    assert actie_url(site.a1) in html
    progress_html = client.get(voortgang_url(site.plan)).content.decode()
    assert "niet meegeteld" in progress_html


def test_action_page_never_shows_unapproved_reports(client, site, coordinator):
    client.force_login(coordinator)
    html = client.get(actie_url(site.a2)).content.decode()
    assert "Geheime tekst in behandeling" not in html
    assert "nog geen goedgekeurd rapport" in html.lower() or "Nog geen" in html


def test_action_added_after_publishing_is_not_public(client, site, stuurgroeplid):
    assert client.get(actie_url(site.late)).status_code == 404
    client.force_login(stuurgroeplid)
    assert client.get(actie_url(site.late)).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "partner_b", "stuurgroeplid"])
def test_action_of_a_non_public_plan(client, site, who, request):
    site.plan.publiek = False
    site.plan.save()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(actie_url(site.a1))
    assert response.status_code == {"anonymous": 302, "partner_b": 404, "stuurgroeplid": 200}[who]


def test_unknown_action_is_404(client):
    assert client.get(reverse("plan:actie", args=[999999])).status_code == 404


# --- Who has not reported yet -----------------------------------------------------------------


def rapportering_url(plan, periode=None):
    url = reverse("plan:rapportering", args=[plan.pk])
    return f"{url}?periode={periode}" if periode else url


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("partner_a", 403), ("stuurgroeplid", 403), ("coordinator", 200)],
)
def test_only_coordinators_see_who_has_not_reported(client, site, who, status, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(rapportering_url(site.plan)).status_code == status


def test_overview_per_organisation_and_per_action(coordinator_client, site):
    response = coordinator_client.get(rapportering_url(site.plan))
    assert response.context["period"] == (THIS_YEAR, 0)
    html = response.content.decode()
    by_actor = {e["actor"].naam: e for e in response.context["organisations"]}
    a = by_actor["Bibliotheek A"]
    assert a["counts"]["geen"] == 1  # a1: no report this year
    assert a["counts"]["concept"] == 1  # a3: a draft
    assert [r["actie"] for r in a["missing"]] == [site.a1, site.a3]
    b = by_actor["Cultuurcentrum B"]
    assert b["counts"]["ingediend"] == 1 and b["missing"] == []
    assert b["accounts"] == 0
    assert "geen: geen herinneringen" in html.lower() or "geen partneraccount" in html.lower()
    # The late action has no organisation: nobody gets a reminder for it.
    assert [r["actie"] for r in response.context["without_actor"]] == [site.late]


def test_overview_of_another_period(coordinator_client, site):
    response = coordinator_client.get(rapportering_url(site.plan, "2021"))
    assert response.context["period"] == (2021, 0)
    states = {r["actie"].pk: r["state"] for r in response.context["rows"]}
    assert states[site.a1.pk] == "goedgekeurd"
    assert states[site.a2.pk] == "geen"


def test_overview_refuses_a_period_outside_the_plan_with_a_message(coordinator_client, site):
    response = coordinator_client.get(rapportering_url(site.plan, "1999"))
    assert response.status_code == 200
    assert response.context["period"] == (THIS_YEAR, 0)
    assert "buiten de planperiode" in response.content.decode()


def test_overview_counts_finished_actions_as_not_due(coordinator_client, site):
    make_rapport(site.a1, 2022, status=S.AFGEROND, percentage=100)
    response = coordinator_client.get(rapportering_url(site.plan))
    states = {r["actie"].pk: r["state"] for r in response.context["rows"]}
    assert states[site.a1.pk] == "niet_nodig"


# --- Query counts at two sizes ----------------------------------------------------------------


def queries(client, url) -> int:
    """The queries of rendering the page cold (tests/queries.py: the page cache and the read
    models emptied first): the most the page costs."""
    return cold(client, url)


def grow(plan, *, ods: int, acties: int, coordinator):
    """Add goals, actions with actors and municipalities, and reports in every stage."""
    actor = make_actor()
    place = make_gemeente()
    stages = [F.GOEDGEKEURD, F.INGEDIEND, F.CONCEPT, F.TERUGGESTUURD]
    for _ in range(ods):
        od = make_od(make_sd(plan))
        for i in range(acties):
            actie = make_actie(od, actoren=[(actor, "trekker")], alle_gemeenten=bool(i % 2))
            actie.gemeenten.add(place)
            actie.zie_ook.add(od.parent)
            make_rapport(actie, 2021, status=S.LOPEND, percentage=30, gemeenten=[place])
            make_rapport(actie, THIS_YEAR, status=S.LOPEND, percentage=50,
                         fase=stages[i % 4], gemeenten=[place], ingediend_op=None)
    publish_version(plan=plan, naam=f"Versie met {ods} doelen", user=coordinator)


def counts_at_two_sizes(client, url_of, coordinator) -> tuple[int, int]:
    plan = make_plan(van_jaar=2020, tot_jaar=THIS_YEAR)
    grow(plan, ods=1, acties=2, coordinator=coordinator)
    url = url_of(plan)
    queries(client, url)  # warm up
    small = queries(client, url)
    grow(plan, ods=3, acties=5, coordinator=coordinator)
    make_plan_tree(sds=2, ods=2, acties=2)  # another plan's data
    large = queries(client, url)
    return small, large


@pytest.mark.parametrize("who", ["anonymous", "stuurgroeplid", "coordinator"])
def test_progress_page_query_count_is_fixed(client, coordinator, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    small, large = counts_at_two_sizes(client, voortgang_url, coordinator)
    assert small == large
    # One more than the page itself needs: the page cache's look at the plan's versions;
    # and one for the plans before and after (reading.neighbours, issue 13).
    assert large <= {"anonymous": 7, "stuurgroeplid": 16, "coordinator": 17}[who]


def test_action_page_query_count_is_fixed(client, coordinator):
    def url_of(plan):
        from acties.models import Actie

        return actie_url(Actie.objects.van_plan(plan).first())

    small, large = counts_at_two_sizes(client, url_of, coordinator)
    assert small == large


def test_overview_query_count_is_fixed(coordinator_client, coordinator):
    small, large = counts_at_two_sizes(coordinator_client, rapportering_url, coordinator)
    assert small == large
    assert large <= 9


def test_annual_report_query_count_is_fixed(client, coordinator):
    small, large = counts_at_two_sizes(
        client, lambda plan: reverse("plan:jaarverslag", args=[plan.pk, 2021]), coordinator
    )
    assert small == large
    # Cold: the reading, the plan's model (the version's document, the approved reports
    # with their municipalities, the municipalities), then the year's reports with their
    # municipalities and the municipalities; the plans before and after (issue 13).
    assert large <= 9


def test_annual_report_page_is_made_once_per_stamp(client, site):
    target = reverse("plan:jaarverslag", args=[site.plan.pk, THIS_YEAR])
    # Warm: the reading alone; the report is kept under the plan's stamp.
    assert warm(client, target) == 1


def test_review_queue_query_count_is_fixed(coordinator_client, coordinator):
    for fase in ("", "?fase=alle"):
        small, large = counts_at_two_sizes(
            coordinator_client,
            lambda plan, fase=fase: reverse("admin:acties_voortgangsrapport_changelist") + fase,
            coordinator,
        )
        assert small == large
        assert large <= 12


# --- The review queue -------------------------------------------------------------------------


def changelist(client, params=""):
    return client.get(reverse("admin:acties_voortgangsrapport_changelist") + params)


def test_review_queue_opens_on_the_submitted_reports(coordinator_client, site):
    response = changelist(coordinator_client)
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [site.submitted]
    everything = list(changelist(coordinator_client, "?fase=alle").context["cl"].result_list)
    assert set(everything) == {site.submitted, site.approved, site.draft}
    html = response.content.decode()
    assert reverse("plan:rapportering", args=[site.plan.pk]) in html


def test_review_queue_search_and_bad_filter(coordinator_client, site):
    shown = changelist(coordinator_client, "?fase=alle&q=Leesclubs").context["cl"].result_list
    assert list(shown) == [site.draft]
    assert changelist(coordinator_client, "?fase=onzin").status_code == 302


@pytest.mark.parametrize("who", ["stuurgroeplid", "partner_a"])
def test_review_queue_is_for_coordinators(client, site, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("admin:acties_voortgangsrapport_changelist"),
        reverse("admin:acties_voortgangsrapport_approve", args=[site.submitted.pk]),
        reverse("admin:acties_voortgangsrapport_send_back", args=[site.submitted.pk]),
    ):
        response = client.post(url, {"opmerking": "x"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    site.submitted.refresh_from_db()
    assert site.submitted.fase == F.INGEDIEND


def test_report_change_page_is_read_only_with_review_buttons(coordinator_client, site):
    url = reverse("admin:acties_voortgangsrapport_change", args=[site.submitted.pk])
    html = coordinator_client.get(url).content.decode()
    assert "Geheime tekst in behandeling" in html
    assert reverse("admin:acties_voortgangsrapport_approve", args=[site.submitted.pk]) in html
    assert 'name="_save"' not in html
    approved_html = coordinator_client.get(
        reverse("admin:acties_voortgangsrapport_change", args=[site.approved.pk])
    ).content.decode()
    assert reverse("admin:acties_voortgangsrapport_approve", args=[site.approved.pk]) not in (
        approved_html
    )


def test_the_report_names_who_wrote_and_reviewed_it_without_a_link_the_coordinator_cannot_open(
    coordinator_client, coordinator, partner_a, site
):
    partner_a.first_name, partner_a.last_name = "Ann", "Peeters"
    partner_a.save()
    site.approved.aangemaakt_door = partner_a
    site.approved.beoordeeld_door = coordinator
    site.approved.save()

    html = coordinator_client.get(
        reverse("admin:acties_voortgangsrapport_change", args=[site.approved.pk])
    ).content.decode()

    assert "Ann Peeters &lt;partner_a@example.org&gt;" in html
    assert "/admin/auth/user/" not in html
    user_page = reverse("admin:auth_user_change", args=[partner_a.pk])
    assert coordinator_client.get(user_page).status_code == 403


def test_approve_through_the_confirmation_page(coordinator_client, site, mailoutbox):
    url = reverse("admin:acties_voortgangsrapport_approve", args=[site.submitted.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200 and "Dit rapport goedkeuren?" in page.content.decode()
    response = coordinator_client.post(url)
    assert response.status_code == 302
    site.submitted.refresh_from_db()
    assert site.submitted.fase == F.GOEDGEKEURD
    # Approved: it now counts on the public page.
    html = coordinator_client.get(actie_url(site.a2)).content.decode()
    assert "Geheime tekst in behandeling" in html


def test_send_back_requires_a_remark(coordinator_client, site, mailoutbox):
    url = reverse("admin:acties_voortgangsrapport_send_back", args=[site.submitted.pk])
    response = coordinator_client.post(url, {"opmerking": "   "})
    assert response.status_code == 200
    assert "Schrijf een opmerking" in response.content.decode()
    site.submitted.refresh_from_db()
    assert site.submitted.fase == F.INGEDIEND and mailoutbox == []

    response = coordinator_client.post(url, {"opmerking": "Graag de aantallen toevoegen."})
    assert response.status_code == 302
    site.submitted.refresh_from_db()
    assert site.submitted.fase == F.TERUGGESTUURD
    assert site.submitted.opmerking == "Graag de aantallen toevoegen."


def test_reviewing_a_report_that_is_not_submitted_changes_nothing(coordinator_client, site):
    url = reverse("admin:acties_voortgangsrapport_approve", args=[site.draft.pk])
    response = coordinator_client.post(url, follow=True)
    assert "Enkel een ingediend rapport" in response.content.decode()
    site.draft.refresh_from_db()
    assert site.draft.fase == F.CONCEPT


def test_attachments_are_downloaded_through_the_admin(coordinator_client, site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bijlage = Bijlage(rapport=site.submitted, naam="verslag.pdf", soort="application/pdf",
                      grootte=8)
    bijlage.bestand.save("verslag.pdf", ContentFile(b"%PDF-1.4"), save=True)
    change = reverse("admin:acties_voortgangsrapport_change", args=[site.submitted.pk])
    download = reverse("admin:acties_voortgangsrapport_bijlage", args=[bijlage.pk])
    assert download in coordinator_client.get(change).content.decode()
    response = coordinator_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert Client().get(download).status_code == 302  # anonymous: the admin's login


# --- Partner accounts -------------------------------------------------------------------------


def test_invite_and_deactivate_a_partner(coordinator_client, site, actor_a, mailoutbox):
    from django.contrib.auth.models import User

    url = reverse("admin:acties_partner_invite")
    assert coordinator_client.get(url).status_code == 200
    bad = coordinator_client.post(url, {"email": "geen-adres", "naam": "X", "actoren": []})
    assert bad.status_code == 200 and not User.objects.filter(email="geen-adres").exists()

    response = committed(
        coordinator_client.post,
        url,
        {"email": " Nieuw@Example.org ", "naam": "An Peeters", "actoren": [actor_a.pk]},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@example.org")
    assert list(user.actoren.all()) == [actor_a]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nieuw@example.org"]

    listing = coordinator_client.get(reverse("admin:acties_partners")).content.decode()
    assert "An Peeters" in listing
    deactivate = reverse("admin:acties_partner_deactivate", args=[user.pk])
    assert coordinator_client.get(deactivate).status_code == 200
    assert coordinator_client.post(deactivate).status_code == 302
    user.refresh_from_db()
    assert not user.is_active


def test_staff_accounts_cannot_be_deactivated_here(coordinator_client, coordinator):
    url = reverse("admin:acties_partner_deactivate", args=[coordinator.pk])
    assert coordinator_client.post(url).status_code == 404
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_partner_pages_of_the_admin_are_for_coordinators(client, stuurgroeplid):
    staff = make_user("staff_zonder_groep", staff=True)
    for user in (stuurgroeplid, staff):
        client.force_login(user)
        response = client.get(reverse("admin:acties_partners"))
        assert response.status_code == 302


def test_action_page_shows_its_history_through_the_versions(
    client, site, coordinator, stuurgroeplid
):
    site.a1.omschrijving = "Sterkhouders en partners in kaart brengen"
    site.a1._history_user = coordinator
    site.a1.save()
    publish_version(plan=site.plan, naam="Na herziening", user=coordinator)

    public = client.get(actie_url(site.a1)).content.decode()
    assert "Versie 1: De nota hoe ze was" in public
    assert "Versie 2: Na herziening" in public
    assert "<ins>" in public and "en partners" in public
    assert "Auditspoor" not in public

    client.force_login(stuurgroeplid)
    insider = client.get(actie_url(site.a1)).content.decode()
    assert "Auditspoor" in insider
    assert "coordinator" in insider
    assert "omschrijving" in insider


def test_action_page_title_is_short(client, site):
    html = client.get(actie_url(site.a1)).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.strip() == "SD1-OD1 actie 1: Beleidsplan Zennevallei"
    assert html.count('id="history-title"') == 1


def test_action_page_has_breadcrumbs_and_a_heading_that_says_what_it_is(client, site):
    html = client.get(actie_url(site.a1)).content.decode()

    crumbs = html.split('<nav class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">([^<]+)</a></li>", crumbs) == [
        "Start", "Het plan", "SD1", "SD1-OD1", "SD1-OD1 actie 1",
    ]
    assert re.search(
        r'<h1>SD1-OD1 actie 1: <span class="heading-text">Sterkhouders in kaart brengen', html
    )


def test_progress_page_is_cached_until_a_report_changes(client, site, coordinator):
    target = voortgang_url(site.plan)
    # Warm: the reading alone (the model and the content are kept under the plan's stamp).
    assert warm(client, target) == 1

    site.approved.percentage = 80
    site.approved.save()

    after = client.get(target)
    assert "80" in after.content.decode()
