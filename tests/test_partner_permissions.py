"""Who may use the partner pages (acties/partner_urls.py), checked on the server per object.

A permission matrix: coordinator, steering group member, partner of organisation A, partner
of organisation B and an anonymous visitor, against every partner URL, for their own and
another organisation's objects: guessed report and attachment ids, posts for another
organisation's action. Every answer must be the expected one, so any unexpected allow fails.
Rule: only users linked to an organisation use /partner/ (anyone else logged in gets
the "no access" page, 403, which says who these pages are for); what a partner may not
know exists is a 404; anonymous visitors go to the login page. Attachments are the
exception: coordinators and the steering group, who read every report, may download them.
"""

import datetime
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acties import perioden, services
from acties.models import Bijlage, Voortgangsrapport

from .factories import make_actie, make_gemeente, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PERSONAS = ["anonymous", "coordinator", "stuurgroeplid", "partner_a", "partner_b"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site(actor_a, actor_b, partner_a, partner_b):
    plan = make_plan(van_jaar=2020, tot_jaar=2025)
    od = make_od(make_sd(plan))
    make_gemeente("Halle")
    actie_a = make_actie(od, "Actie van A", actoren=[(actor_a, "trekker")])
    actie_b = make_actie(od, "Actie van B", actoren=[(actor_b, "trekker")])
    objects = {}
    for key, actie, user in (("a", actie_a, partner_a), ("b", actie_b, partner_b)):
        draft = services.save_report(
            actie=actie,
            user=user,
            data={"jaar": 2021, "status": "lopend"},
            bijlagen=[SimpleUploadedFile(f"verslag-{key}.pdf", PDF)],
        )
        submitted = services.save_report(
            actie=actie, user=user, data={"jaar": 2022, "status": "lopend"}, submit=True
        )
        objects[key] = SimpleNamespace(
            actie=actie, draft=draft, submitted=submitted, bijlage=draft.bijlagen.get()
        )
    return SimpleNamespace(plan=plan, a=objects["a"], b=objects["b"])


def get_urls(own) -> dict[str, str]:
    """Every GET page of the partner area for one organisation's objects."""
    form = reverse("partner:rapport", args=[own.actie.pk])
    return {
        "form": form,
        "form_draft_period": form + "?periode=2021",
        "form_submitted_period": form + "?periode=2022",
        "report_by_id": reverse("partner:rapport_detail", args=[own.draft.pk]),
        "attachment": reverse("partner:bijlage", args=[own.bijlage.pk]),
    }


def login(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


def assert_login_redirect(response, url):
    assert response.status_code == 302, url
    assert response["Location"].startswith(reverse("login") + "?next="), url


# Mijn acties


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", "login"),
        ("coordinator", 403),
        ("stuurgroeplid", 403),
        ("partner_a", 200),
        ("partner_b", 200),
    ],
)
def test_mijn_acties(client, request, site, persona, expected):
    login(client, request, persona)

    response = client.get(reverse("partner:mijn_acties"))

    if expected == "login":
        assert_login_redirect(response, "mijn_acties")
        return
    assert response.status_code == expected
    if expected == 403:
        assert "zijn voor partners: de organisaties die acties" in response.content.decode()
    if persona == "partner_a":
        text = response.content.decode()
        assert "Actie van A" in text
        assert "Actie van B" not in text


# Every GET page, own and other organisation's objects

OWN, OTHER = "own", "other"
# Expected answer per persona and page: "login", or a status code.
GET_MATRIX = {
    "anonymous": {
        "form": "login",
        "form_draft_period": "login",
        "form_submitted_period": "login",
        "report_by_id": "login",
        "attachment": "login",
    },
    # Not partners: the partner pages say they are for partners (before looking anything
    # up, so they tell nothing of the object); attachments they may read.
    "coordinator": {
        "form": 403,
        "form_draft_period": 403,
        "form_submitted_period": 403,
        "report_by_id": 403,
        "attachment": 200,
    },
    "stuurgroeplid": {
        "form": 403,
        "form_draft_period": 403,
        "form_submitted_period": 403,
        "report_by_id": 403,
        "attachment": 200,
    },
}
PARTNER_OWN = {
    "form": 200,
    "form_draft_period": 200,
    "form_submitted_period": 200,
    "report_by_id": 302,
    "attachment": 200,
}
PARTNER_OTHER = dict.fromkeys(PARTNER_OWN, 404)


def expected_for(persona, whose, page):
    if persona in GET_MATRIX:
        return GET_MATRIX[persona][page]
    return (PARTNER_OWN if whose == OWN else PARTNER_OTHER)[page]


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_matrix(client, request, site, persona):
    login(client, request, persona)
    # For non-partners "own" and "other" are A's and B's objects.
    own, other = (site.b, site.a) if persona == "partner_b" else (site.a, site.b)

    for whose, objects in ((OWN, own), (OTHER, other)):
        for page, url in get_urls(objects).items():
            response = client.get(url)
            expected = expected_for(persona, whose, page)
            if expected == "login":
                assert_login_redirect(response, url)
            else:
                assert response.status_code == expected, (persona, whose, page, url)
            if expected == 302:
                assert response["Location"] == (
                    reverse("partner:rapport", args=[objects.actie.pk]) + "?periode=2021"
                )


def test_partner_b_cannot_open_report_of_partner_a_by_guessing_ids(client, partner_b, site):
    client.force_login(partner_b)
    top = max(Voortgangsrapport.objects.values_list("pk", flat=True)) + 5
    own = {site.b.draft.pk, site.b.submitted.pk}

    for pk in range(1, top):
        response = client.get(reverse("partner:rapport_detail", args=[pk]))
        assert response.status_code == (302 if pk in own else 404), pk
    for pk in range(1, Bijlage.objects.order_by("-pk").first().pk + 5):
        response = client.get(reverse("partner:bijlage", args=[pk]))
        assert response.status_code == (200 if pk == site.b.bijlage.pk else 404), pk


# Posts: the form, taking back a report


def post_form(client, actie, periode):
    return client.post(
        reverse("partner:rapport", args=[actie.pk]) + f"?periode={periode}",
        {"status": "afgerond", "percentage": "99", "indienen": "1"},
    )


def snapshot():
    return sorted(
        Voortgangsrapport.objects.values_list("pk", "actie_id", "jaar", "fase", "percentage")
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_matrix(client, request, site, persona):
    # In 2023, whose report may be started (2021 has a draft, which stays editable).
    day = mock.patch.object(perioden, "local_today", return_value=datetime.date(2023, 10, 1))
    with day:
        _post_matrix(client, request, site, persona)


def _post_matrix(client, request, site, persona):
    login(client, request, persona)
    before = snapshot()
    own, other = (site.b, site.a) if persona == "partner_b" else (site.a, site.b)
    is_partner = persona.startswith("partner")

    for whose, objects in ((OWN, own), (OTHER, other)):
        allowed = is_partner and whose == OWN
        for periode in ("2021", "2023"):  # an existing draft, a new report
            response = post_form(client, objects.actie, periode)
            if persona == "anonymous":
                assert_login_redirect(response, periode)
            elif allowed:
                assert response.status_code == 302, (persona, whose, periode)
            else:
                # A partner of another organisation: 404; not a partner at all: 403.
                assert response.status_code == (404 if is_partner else 403), (
                    persona, whose, periode,
                )
        response = client.post(reverse("partner:terugnemen", args=[objects.submitted.pk]))
        if persona == "anonymous":
            assert_login_redirect(response, "terugnemen")
        elif allowed:
            assert response.status_code == 302
        else:
            assert response.status_code == (404 if is_partner else 403), (persona, whose)

    after = snapshot()
    if not is_partner:
        assert after == before
        return
    changed = {row[1] for row in set(after) ^ set(before)}
    # Only the partner's own action changed; the other organisation's reports did not.
    assert changed == {own.actie.pk}


def test_partner_b_cannot_post_for_partner_a_action_even_with_a_submitted_period(
    client, partner_b, site
):
    client.force_login(partner_b)
    before = snapshot()

    response = post_form(client, site.a.actie, "2022")

    assert response.status_code == 404
    assert snapshot() == before


def test_submitted_report_is_read_only_for_its_partner(client, partner_a, site):
    client.force_login(partner_a)
    before = snapshot()

    response = post_form(client, site.a.actie, "2022")

    assert response.status_code == 400
    assert "het kan niet gewijzigd worden terwijl de coördinator het beoordeelt" in (
        response.content.decode()
    )
    assert snapshot() == before


def test_taking_back_is_post_only(client, partner_a, site):
    client.force_login(partner_a)

    response = client.get(reverse("partner:terugnemen", args=[site.a.submitted.pk]))

    assert response.status_code == 405
    site.a.submitted.refresh_from_db()
    assert site.a.submitted.fase == Voortgangsrapport.Fase.INGEDIEND


def test_deactivated_partner_is_sent_to_login(client, partner_a, site):
    client.force_login(partner_a)
    services.deactivate_partner(user=partner_a, by=None)

    response = client.get(reverse("partner:rapport", args=[site.a.actie.pk]))

    assert_login_redirect(response, "form")


def test_nav_link_only_for_partners(client, request, site):
    for persona, shown in (("coordinator", False), ("stuurgroeplid", False), ("partner_a", True)):
        client.logout()
        login(client, request, persona)
        text = client.get(reverse("home")).content.decode()
        assert ("Mijn acties" in text) is shown, persona
    client.logout()
    assert "Mijn acties" not in client.get(reverse("home")).content.decode()
