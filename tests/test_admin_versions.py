"""The coordinator's admin for revision rounds and versions: accept, reject and publish
each pass through a confirmation page and the services."""

import pytest
from django.urls import reverse

from beleidsplan.models import Herziening, Planversie, Wijzigingsvoorstel
from beleidsplan.services import accept_proposal

from .factories import make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db
S = Wijzigingsvoorstel.Soort


@pytest.fixture
def ronde(coordinator):
    plan = make_plan()
    od = make_od(make_sd(plan), "Het netwerk verkennen")
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2021")
    voorstel = Wijzigingsvoorstel.objects.create(
        herziening=ronde, soort=S.HERFORMULEREN, doelstelling=od,
        nieuwe_formulering="Het netwerk en de sterkhouders verkennen", auteur=coordinator,
    )
    return ronde, od, voorstel


def accept_url(voorstel):
    return reverse("admin:beleidsplan_wijzigingsvoorstel_accept", args=[voorstel.pk])


def test_accepting_asks_for_confirmation_first(coordinator_client, ronde):
    _, od, voorstel = ronde
    response = coordinator_client.get(accept_url(voorstel))
    assert response.status_code == 200
    assert "Dit voorstel aanvaarden?" in response.content.decode()
    od.refresh_from_db()
    assert od.formulering == "Het netwerk verkennen"


def test_accepting_after_confirmation_applies_the_proposal(coordinator_client, ronde):
    herziening, od, voorstel = ronde
    response = coordinator_client.post(accept_url(voorstel), follow=True)
    assert "Het voorstel is aanvaard en in het plan doorgevoerd." in response.content.decode()
    od.refresh_from_db()
    voorstel.refresh_from_db()
    assert od.formulering == "Het netwerk en de sterkhouders verkennen"
    assert voorstel.status == Wijzigingsvoorstel.Status.AANVAARD


def test_a_stale_proposal_is_refused_in_dutch_and_nothing_changes(
    coordinator_client, ronde, coordinator
):
    herziening, od, voorstel = ronde
    other = Wijzigingsvoorstel.objects.create(
        herziening=herziening, soort=S.HERFORMULEREN, doelstelling=od,
        nieuwe_formulering="Iets anders", auteur=coordinator,
    )
    accept_proposal(voorstel=other, user=coordinator)

    response = coordinator_client.post(accept_url(voorstel), follow=True)

    text = response.content.decode()
    assert "Er werd niets gewijzigd." in text
    assert "werd geherformuleerd nadat dit voorstel geschreven werd" in text
    od.refresh_from_db()
    voorstel.refresh_from_db()
    assert od.formulering == "Iets anders"
    assert voorstel.status == Wijzigingsvoorstel.Status.OPEN


def test_rejecting_keeps_the_proposal_on_record(coordinator_client, ronde):
    _, od, voorstel = ronde
    url = reverse("admin:beleidsplan_wijzigingsvoorstel_reject", args=[voorstel.pk])
    assert "Dit voorstel verwerpen?" in coordinator_client.get(url).content.decode()
    coordinator_client.post(url)
    voorstel.refresh_from_db()
    od.refresh_from_db()
    assert voorstel.status == Wijzigingsvoorstel.Status.VERWORPEN
    assert od.formulering == "Het netwerk verkennen"
    # A decided proposal cannot be changed any more.
    change = reverse("admin:beleidsplan_wijzigingsvoorstel_change", args=[voorstel.pk])
    assert "Opslaan" not in coordinator_client.get(change).content.decode()


def test_publishing_shows_what_changes_then_publishes(coordinator_client, ronde):
    herziening, od, voorstel = ronde
    url = reverse("admin:beleidsplan_planversie_publish")
    data = {"plan": herziening.plan.pk, "naam": "De nota hoe ze was"}

    first = coordinator_client.post(url, data)
    assert "Dit wordt de eerste versie van het plan." in first.content.decode()
    assert not Planversie.objects.exists()

    coordinator_client.post(url, {**data, "confirm": "yes"})
    versie = Planversie.objects.get()
    assert (versie.nummer, versie.naam) == (1, "De nota hoe ze was")


def test_publishing_without_a_name_is_refused(coordinator_client, ronde):
    herziening, _, _ = ronde
    url = reverse("admin:beleidsplan_planversie_publish")
    response = coordinator_client.post(
        url, {"plan": herziening.plan.pk, "naam": "   ", "confirm": "yes"}
    )
    # The name is stripped, so blanks are an empty name.
    assert "Dit veld is verplicht." in response.content.decode()
    assert not Planversie.objects.exists()


@pytest.mark.parametrize("persona", ["stuurgroeplid", "partner_a"])
def test_only_coordinators_decide_or_publish(client, ronde, persona, request):
    _, od, voorstel = ronde
    client.force_login(request.getfixturevalue(persona))
    for url in (accept_url(voorstel), reverse("admin:beleidsplan_planversie_publish")):
        response = client.post(url, {"plan": voorstel.herziening.plan.pk, "naam": "x"})
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    od.refresh_from_db()
    assert od.formulering == "Het netwerk verkennen"
    assert not Planversie.objects.exists()
