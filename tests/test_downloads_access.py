"""Who may download what (the version page's rules), the links to the downloads, and
query counts that do not grow with the plan."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from beleidsplan.services import publish_version

from .factories import make_actie, make_od, make_plan, make_plan_tree, make_sd
from .queries import cold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def plan(coordinator):
    plan = make_plan(titel="Beleidsplan Zennevallei")
    od = make_od(make_sd(plan, "Participatie verhogen"), "Drempels verlagen")
    make_actie(od, "UiT-pas invoeren")
    publish_version(plan=plan, naam="De nota hoe ze was", user=coordinator)
    return plan


def url(name, *args):
    return reverse(f"plan:{name}", args=args)


def version_urls(plan):
    return [url(f"versie_{kind}", plan.pk, 1) for kind in ("csv", "xlsx", "pdf")]


def working_urls(plan):
    return [url(f"werk_{kind}", plan.pk) for kind in ("csv", "xlsx", "pdf")]


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


# A public plan


def test_anyone_downloads_a_public_version(client, plan, partner_a):
    for target in version_urls(plan):
        assert client.get(target).status_code == 200, target
    client.force_login(partner_a)
    for target in version_urls(plan):
        assert client.get(target).status_code == 200, target


def test_anonymous_is_sent_to_login_for_the_working_state(client, plan):
    for target in working_urls(plan):
        assert_login_redirect(client.get(target))


def test_partner_cannot_download_the_working_state(client, plan, partner_a):
    client.force_login(partner_a)
    for target in working_urls(plan):
        assert client.get(target).status_code == 403, target


def test_steering_group_downloads_the_working_state(client, plan, stuurgroeplid):
    client.force_login(stuurgroeplid)
    for target in working_urls(plan):
        response = client.get(target)
        assert response.status_code == 200, target
    rows = list(csv.reader(io.StringIO(
        client.get(url("werk_csv", plan.pk)).content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][5] == "UiT-pas invoeren"
    assert client.get(url("werk_csv", plan.pk))["Content-Disposition"] == (
        f'attachment; filename="plan-{plan.pk}-werkversie-acties.csv"'
    )


def test_a_version_that_does_not_exist_is_404(client, plan):
    assert client.get(url("versie_csv", plan.pk, 9)).status_code == 404
    assert client.get(url("versie_csv", plan.pk + 100, 1)).status_code == 404


# A plan that is not public


def test_private_plan_sends_anonymous_to_login(client, plan):
    plan.publiek = False
    plan.save()
    for target in version_urls(plan):
        assert_login_redirect(client.get(target))


def test_partner_b_cannot_download_a_private_plan(client, plan, partner_b):
    plan.publiek = False
    plan.save()
    client.force_login(partner_b)
    for target in version_urls(plan):
        assert client.get(target).status_code == 404, target


def test_coordinator_downloads_a_private_plan(client, plan, coordinator):
    plan.publiek = False
    plan.save()
    client.force_login(coordinator)
    for target in version_urls(plan):
        assert client.get(target).status_code == 200, target


def test_a_plan_made_private_is_refused_even_when_its_download_is_cached(client, plan):
    target = url("versie_csv", plan.pk, 1)
    assert client.get(target).status_code == 200  # now cached
    plan.publiek = False
    plan.save()
    assert_login_redirect(client.get(target))


# Links


def test_version_page_links_every_download(client, plan):
    text = client.get(reverse("plan:versie", args=[plan.pk, 1])).content.decode()
    assert reverse("plan:versie_json", args=[plan.pk, 1]) in text
    for target in version_urls(plan):
        assert target in text
    assert "het hele plan als PDF" in text
    assert "acties als Excel (XLSX)" in text


def test_versions_list_links_the_downloads(client, plan):
    text = client.get(reverse("plan:versies", args=[plan.pk])).content.decode()
    for target in version_urls(plan):
        assert target in text


def test_working_state_page_links_its_downloads(client, plan, stuurgroeplid):
    client.force_login(stuurgroeplid)
    text = client.get(reverse("plan:werkversie", args=[plan.pk])).content.decode()
    for target in working_urls(plan):
        assert target in text


# Queries


def count(client, target) -> int:
    """Cold (tests/queries.py): the most the download costs."""
    return cold(client, target)


def test_working_state_downloads_run_a_fixed_number_of_queries(client, stuurgroeplid):
    small = make_plan_tree(sds=1, ods=1, acties=1, gemeenten=1)
    big = make_plan_tree(sds=3, ods=3, acties=4, gemeenten=3)
    client.force_login(stuurgroeplid)

    for kind in ("csv", "xlsx"):
        first = count(client, url(f"werk_{kind}", small.pk))
        assert count(client, url(f"werk_{kind}", big.pk)) == first
        # Session, user, groups, the plan, the stored file (none yet); the model (the
        # working state's eight with the indicators, the approved reports, the
        # municipalities); storing the file (a savepoint around the insert, the body, the
        # older file's removal).
        assert first == 23, kind
        # Made once per stamp and kept: session, user, groups, the plan, the stored file.
        assert count(client, url(f"werk_{kind}", big.pk)) == 5


def test_version_downloads_run_a_fixed_number_of_queries(client, coordinator):
    sizes = []
    for plan in (make_plan_tree(sds=1, ods=1, acties=1), make_plan_tree(sds=3, ods=3, acties=4)):
        publish_version(plan=plan, naam="Versie", user=coordinator)
        sizes.append(plan)
    for kind in ("csv", "xlsx"):
        small = count(client, url(f"versie_{kind}", sizes[0].pk, 1))
        assert count(client, url(f"versie_{kind}", sizes[1].pk, 1)) == small
        # The reading (the version with its plan), the stored file (none yet), the
        # version's document, storing the file.
        assert small == 11
        # Made once per version and kept: the reading and the stored file.
        assert count(client, url(f"versie_{kind}", sizes[1].pk, 1)) == 2
