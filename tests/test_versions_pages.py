"""Pages of versions, comparisons, goal histories and revision rounds (beleidsplan/urls.py):
what they show, who may see them, commenting on proposals, and query counts that do not
grow with the plan."""

import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acties.models import Actie, Indicator
from beleidsplan.models import Doelstelling, Herziening, Planversie, Reactie, Wijzigingsvoorstel
from beleidsplan.services import accept_proposal, publish_version
from cultuurregio import roles

from .factories import make_actie, make_od, make_plan, make_plan_tree, make_sd, make_user
from .queries import cold

pytestmark = pytest.mark.django_db

S = Wijzigingsvoorstel.Soort


def propose(ronde, soort, user, **fields) -> Wijzigingsvoorstel:
    voorstel = Wijzigingsvoorstel(herziening=ronde, soort=soort, auteur=user, **fields)
    voorstel.full_clean()
    voorstel.save()
    return voorstel


@pytest.fixture
def site(coordinator):
    """A plan with two versions: between them SD1-OD1 moved to SD2, SD1-OD2 was reworded
    and SD1-OD3 removed. Its revision round has the three accepted proposals and an open
    one (with a comment)."""
    plan = make_plan(titel="Beleidsplan Zennevallei")
    sd1 = make_sd(plan, "Participatie verhogen")
    moved = make_od(sd1, "Het netwerk verkennen")
    reworded = make_od(sd1, "Drempels zoveel mogelijk verlagen")
    removed = make_od(sd1, "Een doelstelling die verdwijnt")
    sd2 = make_sd(plan, "Aanbod afstemmen")
    make_od(sd2, "Regiobib versterken")
    make_actie(moved, "Sterkhouders in kaart brengen", regierol="Partners samenbrengen")
    make_actie(reworded, "UiT-pas invoeren")
    v1 = publish_version(plan=plan, naam="De nota hoe ze was", user=coordinator)

    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2021")
    move = propose(ronde, S.VERPLAATSEN, coordinator, doelstelling=moved, doel=sd2)
    reword = propose(
        ronde, S.HERFORMULEREN, coordinator, doelstelling=reworded,
        nieuwe_formulering="Drempels wegwerken", motivatie="Korter en scherper.",
    )
    remove = propose(ronde, S.SCHRAPPEN, coordinator, doelstelling=removed)
    for voorstel in (move, reword, remove):
        accept_proposal(voorstel=voorstel, user=coordinator)
    open_proposal = propose(
        ronde, S.HERFORMULEREN, coordinator, doelstelling=sd2,
        nieuwe_formulering="Het aanbod versterken", motivatie="Samenvoegen ?",
    )
    Reactie.objects.create(voorstel=open_proposal, auteur=coordinator, tekst="Eens, maar korter.")
    v2 = publish_version(plan=plan, naam="Na herziening", user=coordinator)
    return SimpleNamespace(
        plan=plan, v1=v1, v2=v2, ronde=ronde, sd1=sd1, sd2=sd2, moved=moved,
        reworded=reworded, removed_id=removed.pk, move=move, reword=reword,
        open_proposal=open_proposal,
    )


def url(name, *args):
    return reverse(f"plan:{name}", args=args)


def page_urls(site):
    """Every page of beleidsplan/urls.py that answers a GET."""
    p = site.plan.pk
    return {
        "versies": url("versies", p),
        "versie": url("versie", p, 1),
        "versie_json": url("versie_json", p, 1),
        "vergelijk": url("vergelijk", p) + "?van=1&naar=2",
        "vergelijk_json": url("vergelijk_json", p) + "?van=1&naar=2",
        "geschiedenis": url("geschiedenis", p, site.reworded.pk),
        "werkversie": url("werkversie", p),
        "herzieningen": url("herzieningen", p),
        "herziening": url("herziening", p, site.ronde.pk),
    }


PUBLIC_PAGES = ["versies", "versie", "versie_json", "vergelijk", "vergelijk_json", "geschiedenis"]
INSIDER_PAGES = ["werkversie", "herzieningen", "herziening"]


def html(response) -> str:
    return response.content.decode("utf-8")


def assert_login_redirect(response, target):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert target.split("?")[0] in response["Location"]


# Each page


def test_versions_list(site, client):
    response = client.get(url("versies", site.plan.pk))

    assert response.status_code == 200
    text = html(response)
    assert "Versies van het plan" in text
    assert "Versie 1: De nota hoe ze was" in text
    assert "Versie 2: Na herziening" in text
    assert url("versie_json", site.plan.pk, 2) in text
    assert "Twee versies vergelijken" in text
    # The working state is not offered to a visitor.
    assert "Werkversie" not in text


def test_versions_list_offers_the_working_state_to_the_steering_group(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)

    text = html(client.get(url("versies", site.plan.pk)))

    assert 'value="werk"' in text
    assert "Werkversie (niet gepubliceerd)" in text


def test_version_page_renders_the_plan_as_it_was(site, client):
    response = client.get(url("versie", site.plan.pk, 1))

    assert response.status_code == 200
    text = html(response)
    assert "Versie 1: De nota hoe ze was" in text
    assert "SD1-OD3 Een doelstelling die verdwijnt" in text
    assert "Drempels zoveel mogelijk verlagen" in text
    assert "Drempels wegwerken" not in text
    assert "Sterkhouders in kaart brengen" in text
    assert "Partners samenbrengen" in text
    assert url("geschiedenis", site.plan.pk, site.moved.pk) in text


def test_version_page_of_a_version_that_does_not_exist_is_404(site, client):
    assert client.get(url("versie", site.plan.pk, 9)).status_code == 404
    assert client.get(url("versie_json", site.plan.pk, 9)).status_code == 404


def test_version_json_is_the_stored_document_byte_for_byte(site, client):
    response = client.get(url("versie_json", site.plan.pk, 2))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == site.v2.document.encode("utf-8")
    assert json.loads(response.content)["versie"]["nummer"] == 2


def test_working_state_shows_the_unpublished_plan(site, client, stuurgroeplid):
    goal = Doelstelling.objects.get(pk=site.sd2.pk)
    goal.formulering = "Aanbod afstemmen en versterken"
    goal.save()
    client.force_login(stuurgroeplid)

    response = client.get(url("werkversie", site.plan.pk))

    assert response.status_code == 200
    text = html(response)
    assert "Werkversie (niet gepubliceerd)" in text
    assert "SD2 Aanbod afstemmen en versterken" in text


def test_comparison_page_shows_both_sides_and_links_a_moved_goal(site, client):
    response = client.get(url("vergelijk", site.plan.pk), {"van": 1, "naar": 2})

    assert response.status_code == 200
    text = html(response)
    assert "Van versie 1 (links) naar versie 2 (rechts)." in text
    assert "Versie 1</th>" in text and "Versie 2</th>" in text
    # The reworded goal, old and new words.
    assert "Drempels zoveel mogelijk verlagen" in text
    assert "wegwerken" in text
    assert "geherformuleerd" in text
    # The moved goal: its old place points to its new place, and back.
    pk = site.moved.pk
    assert f'<tr id="van-{pk}">' in text
    assert f'href="#g-{pk}"' in text
    assert f'<tr id="g-{pk}">' in text
    assert f'href="#van-{pk}"' in text
    assert "nu SD2-OD2" in text
    # The removed goal is listed as gone.
    assert "Niet meer in het plan" in text
    assert "Een doelstelling die verdwijnt" in text
    assert url("vergelijk_json", site.plan.pk) + "?van=1&amp;naar=2" in text


def test_comparison_page_links_ods_of_a_merged_sd_to_their_old_place(client, coordinator):
    """The ODs of an SD merged into another move with it: their old place (under the SD
    that is gone) is still shown, so the "was" link of their new place leads somewhere."""
    plan = make_plan()
    sd1, sd2 = make_sd(plan, "Participatie"), make_sd(plan, "Aanbod")
    od1, od2 = make_od(sd1, "Netwerk verkennen"), make_od(sd2, "Regiobib versterken")
    publish_version(plan=plan, naam="Een", user=coordinator)
    ronde = Herziening.objects.create(plan=plan, naam="Ronde")
    accept_proposal(
        voorstel=propose(ronde, S.SAMENVOEGEN, coordinator, doelstelling=sd1, doel=sd2),
        user=coordinator,
    )
    publish_version(plan=plan, naam="Twee", user=coordinator)

    text = html(client.get(url("vergelijk", plan.pk), {"van": 1, "naar": 2}))

    assert f'href="#van-{od1.pk}"' in text
    assert f'<tr id="van-{od1.pk}">' in text
    assert f'href="#g-{od1.pk}"' in text
    assert "samengevoegd" in text
    assert f'id="van-{od2.pk}"' not in text


def test_comparison_json(site, client):
    response = client.get(url("vergelijk_json", site.plan.pk), {"van": 1, "naar": 2})

    assert response.status_code == 200
    doc = json.loads(response.content)
    assert (doc["schema"], doc["van"], doc["naar"]) == ("cultuurregio-vergelijking/1", 1, 2)
    changes = {e["id"]: e["wijzigingen"] for e in doc["doelstellingen"]}
    assert changes[site.moved.pk] == ["verplaatst"]
    assert changes[site.reworded.pk] == ["geherformuleerd", "hernummerd"]
    assert changes[site.removed_id] == ["geschrapt"]


def test_comparison_with_a_version_that_does_not_exist_is_a_400_in_dutch(site, client):
    shown = client.get(url("vergelijk", site.plan.pk), {"van": 1, "naar": 99})
    data = client.get(url("vergelijk_json", site.plan.pk), {"van": 1, "naar": 99})

    assert shown.status_code == 400
    assert "99 is geen versie van dit plan." in html(shown)
    assert data.status_code == 400
    assert json.loads(data.content) == {"fouten": {"naar": ["99 is geen versie van dit plan."]}}


def test_comparison_json_without_versions_explains_itself(site, client):
    response = client.get(url("vergelijk_json", site.plan.pk))

    assert response.status_code == 400
    assert json.loads(response.content) == {"fouten": {"van": ["Kies twee versies: ?van=1&naar=2"]}}


def test_visitor_cannot_compare_with_the_working_state(site, client):
    response = client.get(url("vergelijk_json", site.plan.pk), {"van": 2, "naar": "werk"})

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "fouten": {"naar": ["werk is geen versie van dit plan."]}
    }


def test_steering_group_compares_a_version_with_the_working_state(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)

    response = client.get(url("vergelijk_json", site.plan.pk), {"van": 2, "naar": "werk"})

    assert response.status_code == 200
    doc = json.loads(response.content)
    assert (doc["van"], doc["naar"], doc["doelstellingen"]) == (2, "werk", [])


def test_goal_history_for_the_steering_group(site, client, stuurgroeplid, coordinator):
    client.force_login(stuurgroeplid)

    response = client.get(url("geschiedenis", site.plan.pk, site.reworded.pk))

    assert response.status_code == 200
    text = html(response)
    assert "Geschiedenis van SD1-OD1" in text
    assert "Formuleringen doorheen de versies" in text
    # Both wordings, the second as a diff against the first.
    assert "Versie 1: De nota hoe ze was" in text
    assert "Drempels zoveel mogelijk verlagen" in text
    assert "<ins>" in text and "wegwerken" in text
    assert "<del>" in text
    # The proposal that changed it.
    assert f'Via wijzigingsvoorstel #{site.reword.pk} van "Herziening 2021", aanvaard op' in text
    assert "Korter en scherper." in text
    # The audit trail, with who did it and why.
    assert "Auditspoor" in text
    assert coordinator.username in text
    assert f"Wijzigingsvoorstel #{site.reword.pk} (Herziening 2021)" in text


def test_goal_history_for_a_visitor_has_no_proposals_or_audit_trail(site, client):
    response = client.get(url("geschiedenis", site.plan.pk, site.reworded.pk))

    assert response.status_code == 200
    text = html(response)
    assert "Drempels zoveel mogelijk verlagen" in text
    assert "Auditspoor" not in text
    assert "Wijzigingsvoorstellen over deze doelstelling" not in text
    assert "Werkversie" not in text


def test_history_of_a_removed_goal_renders_from_the_versions(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)

    response = client.get(url("geschiedenis", site.plan.pk, site.removed_id))

    assert response.status_code == 200
    text = html(response)
    assert "Geschiedenis van SD1-OD3" in text
    assert "Deze doelstelling staat niet meer in het werkplan" in text
    assert "Een doelstelling die verdwijnt" in text


def test_history_of_an_unknown_goal_is_404(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)
    other_plan_goal = make_sd(make_plan(titel="Ander plan"))

    missing = Doelstelling.objects.order_by("-pk").first().pk + 100
    assert client.get(url("geschiedenis", site.plan.pk, missing)).status_code == 404
    assert client.get(url("geschiedenis", site.plan.pk, other_plan_goal.pk)).status_code == 404


def test_revision_rounds_list(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)

    response = client.get(url("herzieningen", site.plan.pk))

    assert response.status_code == 200
    text = html(response)
    assert "Herzieningen" in text
    assert url("herziening", site.plan.pk, site.ronde.pk) in text
    assert "Herziening 2021" in text


def test_revision_round_shows_open_proposals_with_their_discussion(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)

    response = client.get(url("herziening", site.plan.pk, site.ronde.pk))

    assert response.status_code == 200
    text = html(response)
    assert "1 open voorstel van 4." in text
    assert f'id="voorstel-{site.open_proposal.pk}"' in text
    assert "Het aanbod versterken" in text
    assert "Eens, maar korter." in text
    assert url("reageer", site.open_proposal.pk) in text
    assert f'id="voorstel-{site.reword.pk}"' not in text

    text = html(client.get(url("herziening", site.plan.pk, site.ronde.pk), {"status": "alle"}))
    assert f'id="voorstel-{site.reword.pk}"' in text
    assert "aanvaard" in text
    # A decided proposal has no comment form.
    assert url("reageer", site.reword.pk) not in text


def test_revision_round_of_another_plan_is_404(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)
    other = make_plan(titel="Ander plan")

    assert client.get(url("herziening", other.pk, site.ronde.pk)).status_code == 404


# Who may see what


@pytest.mark.parametrize("page_name", PUBLIC_PAGES)
def test_visitor_reads_the_versions_of_a_public_plan(site, client, page_name):
    assert client.get(page_urls(site)[page_name]).status_code == 200


@pytest.mark.parametrize("page_name", INSIDER_PAGES)
def test_visitor_is_sent_to_login_for_the_working_state_and_rounds(site, client, page_name):
    target = page_urls(site)[page_name]

    assert_login_redirect(client.get(target), target)


@pytest.mark.parametrize("partner", ["partner_a", "partner_b"])
@pytest.mark.parametrize("page_name", INSIDER_PAGES)
def test_partner_cannot_see_the_working_state_or_rounds(site, client, request, partner, page_name):
    client.force_login(request.getfixturevalue(partner))

    response = client.get(page_urls(site)[page_name])

    # The "no access" page says who may see it (the plan itself is public).
    assert response.status_code == 403
    assert "Deze pagina is voor de stuurgroep en de coördinatoren." in response.content.decode()


@pytest.mark.parametrize("page_name", PUBLIC_PAGES)
def test_partner_reads_the_versions_of_a_public_plan(site, client, partner_a, page_name):
    client.force_login(partner_a)

    assert client.get(page_urls(site)[page_name]).status_code == 200


@pytest.mark.parametrize("persona", ["stuurgroeplid", "coordinator"])
@pytest.mark.parametrize("page_name", PUBLIC_PAGES + INSIDER_PAGES)
def test_steering_group_and_coordinator_see_everything(site, client, request, persona, page_name):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(page_urls(site)[page_name]).status_code == 200


@pytest.fixture
def private_site(site):
    site.plan.publiek = False
    site.plan.save()
    return site


@pytest.mark.parametrize("page_name", PUBLIC_PAGES)
def test_versions_of_a_private_plan_send_a_visitor_to_login(private_site, client, page_name):
    target = page_urls(private_site)[page_name]

    assert_login_redirect(client.get(target), target)


@pytest.mark.parametrize("page_name", PUBLIC_PAGES)
def test_versions_of_a_private_plan_are_404_for_a_partner(
    private_site, client, partner_a, page_name
):
    client.force_login(partner_a)

    assert client.get(page_urls(private_site)[page_name]).status_code == 404


@pytest.mark.parametrize("page_name", PUBLIC_PAGES)
def test_steering_group_reads_the_versions_of_a_private_plan(
    private_site, client, stuurgroeplid, page_name
):
    client.force_login(stuurgroeplid)

    assert client.get(page_urls(private_site)[page_name]).status_code == 200


# Comments on proposals


def test_steering_group_member_comments_on_an_open_proposal(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)
    target = url("reageer", site.open_proposal.pk)

    response = client.post(target, {"tekst": "  Liever 'versterken en verbreden'.  "})

    round_url = url("herziening", site.plan.pk, site.ronde.pk)
    assert response.status_code == 302
    assert response["Location"] == f"{round_url}#voorstel-{site.open_proposal.pk}"
    reactie = site.open_proposal.reacties.order_by("-pk").first()
    assert (reactie.tekst, reactie.auteur) == ("Liever 'versterken en verbreden'.", stuurgroeplid)
    text = html(client.get(round_url))
    assert "Liever &#x27;versterken en verbreden&#x27;." in text
    assert "Uw reactie is geplaatst." in text


@pytest.mark.parametrize("tekst", ["", "   \n  "])
def test_an_empty_comment_is_refused_in_dutch(site, client, stuurgroeplid, tekst):
    client.force_login(stuurgroeplid)

    response = client.post(url("reageer", site.open_proposal.pk), {"tekst": tekst})

    assert response.status_code == 400
    text = html(response)
    assert "Uw reactie werd niet geplaatst" in text
    assert "Schrijf eerst een reactie voor u ze plaatst." in text
    assert Reactie.objects.count() == 1


def test_a_too_long_comment_is_refused_in_dutch(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)

    response = client.post(url("reageer", site.open_proposal.pk), {"tekst": "x" * 5001})

    assert response.status_code == 400
    assert "Een reactie mag hoogstens 5000 tekens lang zijn." in html(response)
    assert Reactie.objects.count() == 1


def test_commenting_on_a_decided_proposal_is_refused(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)

    response = client.post(url("reageer", site.reword.pk), {"tekst": "Te laat?"}, follow=True)

    assert response.status_code == 200
    assert "Over dit voorstel is beslist; de bespreking is afgesloten." in html(response)
    assert not site.reword.reacties.exists()
    assert Reactie.objects.count() == 1


def test_visitor_is_sent_to_login_to_comment(site, client):
    target = url("reageer", site.open_proposal.pk)

    assert_login_redirect(client.post(target, {"tekst": "Anoniem"}), target)
    assert Reactie.objects.count() == 1


def test_partner_cannot_comment(site, client, partner_a):
    client.force_login(partner_a)

    response = client.post(url("reageer", site.open_proposal.pk), {"tekst": "Ik ook"})

    assert response.status_code == 403
    assert Reactie.objects.count() == 1


def test_comment_form_only_answers_post(site, client, stuurgroeplid):
    client.force_login(stuurgroeplid)

    assert client.get(url("reageer", site.open_proposal.pk)).status_code == 405


# Query counts at two sizes


def build(size: int):
    """A plan of ``size`` SDs x ``size`` ODs x ``size`` actions with ``size`` + 1 versions;
    between them ``size`` rewordings of one goal, ``size`` moves and ``size`` indicators
    with a new target; ``size`` open proposals with ``size`` comments each, and ``size``
    open proposals about an indicator."""
    coordinator = make_user(f"coordinator-{size}", group=roles.COORDINATOREN, staff=True)
    plan = make_plan_tree(sds=size, ods=size, acties=size)
    indicators = [
        Indicator.objects.create(
            actie=actie, naam=f"Deelnemers {i}", eenheid="deelnemers", streefwaarde=100,
            streefjaar=plan.tot_jaar,
        )
        for i, actie in enumerate(Actie.objects.filter(doelstelling__plan=plan)[:size])
    ]
    publish_version(plan=plan, naam="Eerste", user=coordinator)
    ronde = Herziening.objects.create(plan=plan, naam=f"Herziening {size}")
    sds = list(Doelstelling.objects.filter(plan=plan, parent__isnull=True).order_by("tree_id"))
    ods = list(Doelstelling.objects.filter(plan=plan, parent__isnull=False).order_by("pk"))
    followed = ods[0]
    for i in range(size):
        accept_proposal(voorstel=propose(
            ronde, S.HERFORMULEREN, coordinator, doelstelling=Doelstelling.objects.get(
                pk=followed.pk
            ), nieuwe_formulering=f"Formulering {i} van de gevolgde doelstelling",
        ), user=coordinator)
        mover = ods[-1 - i]
        target = next(sd for sd in sds if sd.pk != mover.parent_id)
        accept_proposal(
            voorstel=propose(ronde, S.VERPLAATSEN, coordinator, doelstelling=mover, doel=target),
            user=coordinator,
        )
        accept_proposal(voorstel=new_target(ronde, coordinator, indicators[i], 200 + i),
                        user=coordinator)
        publish_version(plan=plan, naam=f"Na ronde {i}", user=coordinator)
    for od in ods[1:size + 1]:
        voorstel = propose(
            ronde, S.OPMERKING, coordinator, doelstelling=od,
            motivatie="Moet nog verscherpt worden",
        )
        for j in range(size):
            Reactie.objects.create(voorstel=voorstel, auteur=coordinator, tekst=f"Reactie {j}")
    for indicator in indicators:
        new_target(ronde, coordinator, Indicator.objects.get(pk=indicator.pk), 500)
    last = plan.versies.order_by("-nummer").first().nummer
    return SimpleNamespace(plan=plan, ronde=ronde, goal=followed, last=last)


def new_target(ronde, user, indicator, target) -> Wijzigingsvoorstel:
    """A proposal to give ``indicator`` another target, the rest as it is."""
    values = {f"indicator_{name}": getattr(indicator, name) for name in (
        "naam", "eenheid", "basiswaarde", "basisjaar", "streefjaar", "richting"
    )}
    return propose(ronde, S.INDICATOR_WIJZIGEN, user, indicator=indicator,
                   indicator_streefwaarde=target, **values)


def count_queries(client, target) -> int:
    """Cold (tests/queries.py): the most the page costs."""
    return cold(client, target)


def measure(client, data) -> dict[str, int]:
    p = data.plan.pk
    compare = f"?van=1&naar={data.last}"
    return {
        "versies": count_queries(client, url("versies", p)),
        "vergelijk": count_queries(client, url("vergelijk", p) + compare),
        "vergelijk_json": count_queries(client, url("vergelijk_json", p) + compare),
        "geschiedenis": count_queries(client, url("geschiedenis", p, data.goal.pk)),
        "herziening": count_queries(
            client, url("herziening", p, data.ronde.pk) + "?status=alle"
        ),
    }


def test_query_counts_do_not_grow_with_the_plan(client, stuurgroeplid):
    small, big = build(2), build(5)

    # A visitor (no session, public pages only).
    public = measure_public(client, small)
    assert measure_public(client, big) == public
    # Cold (tests/queries.py). The reading (the latest version with its plan), then the
    # page's own: the versions; the version's document; the versions, the two documents
    # and the accepted proposals; the versions, their documents and the goal. Every page
    # (not the JSON) one more: the plans before and after it (reading.neighbours).
    assert public == {
        "versies": 3, "versie": 3, "vergelijk": 6, "vergelijk_json": 5, "geschiedenis": 5,
    }

    # A steering group member (session, user and group lookups included).
    client.force_login(stuurgroeplid)
    insider = measure(client, small)
    assert measure(client, big) == insider
    assert insider == {
        "versies": 6, "vergelijk": 9, "vergelijk_json": 8, "geschiedenis": 11, "herziening": 8,
    }


def measure_public(client, data) -> dict[str, int]:
    p = data.plan.pk
    compare = f"?van=1&naar={data.last}"
    return {
        "versies": count_queries(client, url("versies", p)),
        "versie": count_queries(client, url("versie", p, data.last)),
        "vergelijk": count_queries(client, url("vergelijk", p) + compare),
        "vergelijk_json": count_queries(client, url("vergelijk_json", p) + compare),
        "geschiedenis": count_queries(client, url("geschiedenis", p, data.goal.pk)),
    }


def test_the_version_page_needs_no_goal_or_action_queries(site, client):
    with CaptureQueriesContext(connection) as queries:
        client.get(url("versie", site.plan.pk, 2))

    tables = " ".join(q["sql"] for q in queries)
    assert "beleidsplan_doelstelling" not in tables
    assert "acties_actie" not in tables
    assert Planversie.objects.filter(plan=site.plan).count() == 2


def test_history_of_a_goal_made_by_a_split_names_the_split(client, stuurgroeplid, coordinator):
    plan = make_plan()
    od = make_od(make_sd(plan), "Partners en communicatiekanalen zoeken")
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2021")
    voorstel = Wijzigingsvoorstel.objects.create(
        herziening=ronde, soort=Wijzigingsvoorstel.Soort.SPLITSEN, doelstelling=od,
        delen="Actoren in kaart brengen\nEen communicatiestrategie ontwikkelen",
        motivatie="Splitsen in twee.",
    )
    publish_version(plan=plan, naam="Voor", user=coordinator)
    effect = accept_proposal(voorstel=voorstel, user=coordinator).effect
    publish_version(plan=plan, naam="Na", user=coordinator)
    client.force_login(stuurgroeplid)

    response = client.get(url("geschiedenis", plan.pk, effect["nieuw"][1]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Een communicatiestrategie ontwikkelen" in text
    assert f"Via wijzigingsvoorstel #{voorstel.pk}" in text
    assert "splitsen" in text


def test_goal_history_never_shows_a_visitor_the_unpublished_wording(client, coordinator):
    plan = make_plan()
    od = make_od(make_sd(plan), "Het netwerk verkennen")
    publish_version(plan=plan, naam="Versie een", user=coordinator)
    od.formulering = "Nog niet gepubliceerde formulering"
    od.save()

    text = client.get(url("geschiedenis", plan.pk, od.pk)).content.decode()

    assert "Het netwerk verkennen" in text
    assert "Nog niet gepubliceerde formulering" not in text


def test_goal_history_of_a_goal_without_audit_records_renders(client, stuurgroeplid, coordinator):
    """Rows loaded from fixtures have no audit records (make run's demo data)."""
    plan = make_plan()
    od = make_od(make_sd(plan), "Het netwerk verkennen")
    publish_version(plan=plan, naam="Versie een", user=coordinator)
    od.history.all().delete()
    client.force_login(stuurgroeplid)

    response = client.get(url("geschiedenis", plan.pk, od.pk))

    assert response.status_code == 200
    assert "Geen auditgegevens." in response.content.decode()
