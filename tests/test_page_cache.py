"""Fast pages (beleidsplan/pagecache.py, beleidsplan/reading.py, beleidsplan/stamps.py):
ETag and 304, content and models kept under the plan's stamp in the database, files made
once, every change seen at once by every worker, and nobody served another user's page."""

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from acties.models import Actie, ActieActor, Voortgangsrapport
from actoren.models import ContactPersoon
from beleidsplan.models import Beleidsplan, RenderedFile
from beleidsplan.services import publish_version

from .factories import (
    make_actie,
    make_actor,
    make_gemeente,
    make_od,
    make_plan,
    make_sd,
    make_user,
)
from .queries import warm

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(coordinator):
    plan = make_plan(titel="Beleidsplan Zennevallei")
    sd = make_sd(plan, "Participatie verhogen")
    od = make_od(sd, "Drempels verlagen")
    actie = make_actie(od, "UiT-pas invoeren")
    v1 = publish_version(plan=plan, naam="De nota hoe ze was", user=coordinator)
    od.formulering = "Drempels wegwerken"
    od.save()
    v2 = publish_version(plan=plan, naam="Na herziening", user=coordinator)
    return type("Site", (), {"plan": plan, "sd": sd, "od": od, "actie": actie, "v1": v1, "v2": v2})


def url(name, *args, query=""):
    return reverse(f"plan:{name}", args=args) + query


def text(response) -> str:
    return response.content.decode()


# Published versions: validators and 304


def test_repeated_request_with_the_etag_gets_304(client, site):
    target = url("versie", site.plan.pk, 1)
    first = client.get(target)
    assert first.status_code == 200
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"]

    with CaptureQueriesContext(connection) as queries:
        again = client.get(target, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert len(queries) == 1  # the reading: the latest version with its plan


def test_files_of_a_public_version_may_be_kept_by_a_proxy(client, site):
    for target in (
        url("versie_json", site.plan.pk, 1),
        reverse("plan:versie_csv", args=[site.plan.pk, 1]),
    ):
        first = client.get(target)
        assert first["ETag"].startswith('"')  # strong: the same bytes for everyone
        assert first["Last-Modified"] == http_date(site.v1.gepubliceerd_op.timestamp())
        assert "public" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
        since = client.get(target, headers={"if-modified-since": first["Last-Modified"]})
        assert since.status_code == 304


def test_etag_differs_between_versions(client, site):
    one = client.get(url("versie", site.plan.pk, 1))["ETag"]
    two = client.get(url("versie", site.plan.pk, 2))["ETag"]
    assert one != two
    # The ETag of version 1 does not validate version 2.
    response = client.get(url("versie", site.plan.pk, 2), headers={"if-none-match": one})
    assert response.status_code == 200


def test_etag_differs_per_login(client, site, stuurgroeplid, coordinator):
    target = url("versie", site.plan.pk, 1)
    anonymous = client.get(target)["ETag"]
    client.force_login(stuurgroeplid)
    member = client.get(target)
    assert member["ETag"] != anonymous
    assert "private" in member["Cache-Control"]
    # The anonymous page (with "Log in" in the menu) is not valid for a logged-in user.
    assert client.get(target, headers={"if-none-match": anonymous}).status_code == 200
    client.force_login(coordinator)
    assert client.get(target)["ETag"] != member["ETag"]


def test_json_of_a_version_has_a_strong_etag_and_304(client, site):
    target = url("versie_json", site.plan.pk, 1)
    first = client.get(target)
    assert first["ETag"].startswith('"')
    assert first.content.decode() == site.v1.document
    assert client.get(target, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_comparison_of_two_versions_gets_304(client, site):
    for name in ("vergelijk", "vergelijk_json"):
        target = url(name, site.plan.pk, query="?van=1&naar=2")
        first = client.get(target)
        assert first.status_code == 200
        response = client.get(target, headers={"if-none-match": first["ETag"]})
        assert response.status_code == 304, name
        other = client.get(url(name, site.plan.pk, query="?van=2&naar=1"))
        assert other["ETag"] != first["ETag"]


def test_a_wrong_comparison_gets_no_validators(client, site):
    response = client.get(url("vergelijk", site.plan.pk, query="?van=1&naar=7"))
    assert response.status_code == 400
    assert "ETag" not in response
    assert "Last-Modified" not in response


def test_a_new_version_changes_the_comparison_etag(client, site, coordinator):
    """The comparison's form offers every version: a new one changes the page."""
    target = url("vergelijk", site.plan.pk, query="?van=1&naar=2")
    before = client.get(target)["ETag"]
    publish_version(plan=site.plan, naam="Derde", user=coordinator)
    after = client.get(target)
    assert after["ETag"] != before
    assert "Versie 3: Derde" in text(after)


# Published versions: the cached content


def test_version_page_is_served_from_the_cache(client, site):
    target = url("versie", site.plan.pk, 1)
    first = client.get(target)
    # The reading: a visitor's page is kept whole (for a logged-in reader: the content).
    assert warm(client, target) == 1
    assert client.get(target).content == first.content


def test_working_state_edits_leave_a_published_page_alone(client, site, coordinator):
    target = url("versie", site.plan.pk, 1)
    client.get(target)
    site.od.formulering = "Iets helemaal anders"
    site.od.save()
    response = client.get(target)
    assert "Drempels verlagen" in text(response)
    assert "Iets helemaal anders" not in text(response)


def test_plan_title_change_shows_on_cached_version_page(client, site):
    target = url("versie", site.plan.pk, 1)
    etag = client.get(target)["ETag"]
    site.plan.titel = "Beleidsplan Pajottenland"
    site.plan.save()
    response = client.get(target, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "Beleidsplan Pajottenland" in text(response)


def test_a_plan_made_private_is_not_served_from_the_cache(client, site, partner_a):
    target = url("versie", site.plan.pk, 1)
    etag = client.get(target)["ETag"]
    site.plan.publiek = False
    site.plan.save()
    response = client.get(target, headers={"if-none-match": etag})
    assert response.status_code == 302
    client.force_login(partner_a)
    assert client.get(target).status_code == 404


# The working state: cached until the plan changes


def test_working_state_is_cached_until_a_goal_changes(client, site, stuurgroeplid):
    client.force_login(stuurgroeplid)
    target = url("werkversie", site.plan.pk)
    assert "Drempels wegwerken" in text(client.get(target))
    # Session, user, groups and the plan: the content is kept under the plan's stamp.
    assert warm(client, target) == 4

    site.od.formulering = "Drempels helemaal wegwerken"
    site.od.save()

    assert "Drempels helemaal wegwerken" in text(client.get(target))


def test_working_state_follows_actions_and_their_municipalities(client, site, stuurgroeplid):
    client.force_login(stuurgroeplid)
    target = url("werkversie", site.plan.pk)
    client.get(target)

    actie = type(site.actie).objects.get(pk=site.actie.pk)  # no goal loaded: any plan
    actie.omschrijving = "UiT-pas in elke gemeente"
    actie.save()
    assert "UiT-pas in elke gemeente" in text(client.get(target))

    halle = make_gemeente("Halle")
    actie.alle_gemeenten = False
    actie.save()
    client.get(target)
    actie.gemeenten.add(halle)
    assert "Halle" in text(client.get(target))

    halle.naam = "Halle (stad)"
    halle.save()
    assert "Halle (stad)" in text(client.get(target))


def test_nota_renders_again_only_the_sd_that_changed_and_shows_every_change(
    client, site, stuurgroeplid, coordinator
):
    """The nota keeps each SD's part (site/plan.html): an edit in one SD, a new progress
    bar in another, both show at once; an SD that did not change is not rendered again."""
    client.force_login(stuurgroeplid)
    other_sd = make_sd(site.plan, "Het aanbod versterken")
    other_od = make_od(other_sd, "Cultuurcentra versterken")
    make_actie(other_od, "Gezamenlijke programmatie")
    target = url("plan", site.plan.pk)
    page = text(client.get(target))
    assert "Cultuurcentra versterken" in page and "Gezamenlijke programmatie" in page
    assert 'value="100"' not in page  # no progress bar yet

    other_od.formulering = "Cultuurcentra samen laten werken"
    other_od.save()
    Voortgangsrapport.objects.create(
        actie=site.actie, jaar=2021, status=Voortgangsrapport.Status.AFGEROND,
        percentage=100, fase=Voortgangsrapport.Fase.GOEDGEKEURD, wat_gedaan="Klaar.",
    )
    page = text(client.get(target))
    assert "Cultuurcentra samen laten werken" in page
    assert "Cultuurcentra versterken" not in page
    assert 'value="100"' in page  # SD1's bar from the approved report

    # Only the second SD's heading changes now: the first SD's part (its progress bar)
    # and every action table come from the cache; only the second SD's bar is rendered.
    other_sd.formulering = "Het aanbod in de regio versterken"
    other_sd.save()
    response = client.get(target)
    assert "Het aanbod in de regio versterken" in text(response)
    assert 'value="100"' in text(response)
    rendered = [template.name for template in response.templates]
    assert rendered.count("site/_bar.html") == 1
    assert "site/_acties_tabel.html" not in rendered


def test_an_actors_page_kept_for_insiders_never_reaches_others_and_follows_changes(
    client, site, stuurgroeplid, partner_a, coordinator
):
    """Actor and municipality pages keep their content per role under the plans' stamps
    (directory_views._content): what the steering group saw first (contact persons, the
    working state) is not what a partner gets, and a changed contact shows at once."""
    actor = make_actor("Cultuurcentrum Halle")
    ActieActor.objects.create(actie=site.actie, actor=actor, rol="trekker")
    contact = ContactPersoon.objects.create(actor=actor, naam="An Peeters", telefoon="02 123")
    publish_version(plan=site.plan, naam="Met het cultuurcentrum", user=coordinator)
    in_progress = make_actie(site.od, "Nog niet gepubliceerde actie")
    ActieActor.objects.create(actie=in_progress, actor=actor, rol="partner")
    target = reverse("actoren:actor", args=[actor.pk])

    client.force_login(stuurgroeplid)
    page = text(client.get(target))
    assert "An Peeters" in page and "Nog niet gepubliceerde actie" in page

    client.force_login(partner_a)
    page = text(client.get(target))
    assert "UiT-pas invoeren" in page
    assert "An Peeters" not in page and "Nog niet gepubliceerde actie" not in page

    contact.telefoon = "02 999"
    contact.save()
    client.force_login(stuurgroeplid)
    page = text(client.get(target))
    assert "02 999" in page and "02 123" not in page


def test_goal_history_shows_a_new_wording_right_after_the_edit(client, site, stuurgroeplid):
    # The working state's wording is for insiders; visitors see the published versions.
    client.force_login(stuurgroeplid)
    target = url("geschiedenis", site.plan.pk, site.od.pk)
    assert "Drempels wegwerken" in text(client.get(target))
    site.od.formulering = "Drempels voorgoed wegwerken"
    site.od.save()
    assert "Drempels voorgoed wegwerken" in text(client.get(target))


def test_comparison_with_the_working_state_follows_edits(client, site, stuurgroeplid):
    client.force_login(stuurgroeplid)
    target = url("vergelijk", site.plan.pk, query="?van=2&naar=werk")
    first = client.get(target)
    assert first.status_code == 200
    assert "Last-Modified" not in first
    site.sd.formulering = "Participatie sterk verhogen"
    site.sd.save()
    response = client.get(target, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert "sterk" in text(response)


def test_anonymous_cannot_compare_with_the_working_state_even_when_cached(
    client, site, stuurgroeplid
):
    target = url("vergelijk", site.plan.pk, query="?van=2&naar=werk")
    client.force_login(stuurgroeplid)
    assert client.get(target).status_code == 200
    client.logout()
    response = client.get(target)
    assert response.status_code == 400
    assert "Werkversie" not in text(response).split("<main", 1)[1]


# Never another user's page


def test_anonymous_never_gets_an_insiders_cached_content(client, site, stuurgroeplid):
    target = url("geschiedenis", site.plan.pk, site.od.pk)
    client.force_login(stuurgroeplid)
    insider = client.get(target)
    assert "Wijzigingsvoorstellen over deze doelstelling" in text(insider)
    client.logout()

    anonymous = client.get(target)
    page = text(anonymous)
    assert "Wijzigingsvoorstellen over deze doelstelling" not in page
    assert "Auditspoor" not in page
    assert "Werkversie" not in page.split("<main", 1)[1]
    assert "stuurgroeplid" not in page
    assert "csrfmiddlewaretoken" not in page


def test_each_user_gets_their_own_menu_around_shared_content(client, site, stuurgroeplid):
    other = make_user("tweede-lid", group="Stuurgroep")
    target = url("werkversie", site.plan.pk)
    client.force_login(stuurgroeplid)
    client.get(target)
    client.force_login(other)

    response = client.get(target)

    page = text(response)
    assert "tweede-lid" in page
    assert "stuurgroeplid" not in page
    # The logout form of a page from the cache carries a token the server accepts.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(other)
    strict.get(target)
    cached = strict.get(target)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(cached)).group(1)
    logout = strict.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert logout.status_code == 302


def test_a_page_showing_a_message_gets_no_validators(client, site, rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    # A message waiting for the next page, as after posting a comment.
    storage = CookieStorage(rf.get("/"))
    message = Message(constants.SUCCESS, "Uw reactie is geplaatst.")
    client.cookies[storage.cookie_name] = storage._encode([message])
    response = client.get(url("versie", site.plan.pk, 1))
    assert "Uw reactie is geplaatst." in text(response)
    assert "ETag" not in response
    # The next request no longer shows it, and gets its validators again.
    response = client.get(url("versie", site.plan.pk, 1))
    assert "Uw reactie is geplaatst." not in text(response)
    assert "ETag" in response


# The stamp: in the database, raised with every change, seen by every worker


def test_the_stamp_rises_with_every_kind_of_change(site):
    seen = set()

    def changed():
        stamp = Beleidsplan.objects.values_list("stempel", flat=True).get(pk=site.plan.pk)
        assert stamp > max(seen, default=-1)
        seen.add(stamp)

    changed()
    site.od.formulering = "Anders"
    site.od.save()
    changed()
    actie = Actie.objects.get(pk=site.actie.pk)  # no goal loaded
    actie.regierol = "Anders"
    actie.save()
    changed()
    actie.zie_ook.add(site.sd)
    changed()
    ActieActor.objects.create(actie=actie, actor=make_actor())
    changed()
    make_od(site.sd, "Nieuw")
    changed()
    halle = make_gemeente("Halle")  # municipalities and actors are in every plan
    changed()
    halle.acties.add(actie)  # from the other side of the link
    changed()
    actor = make_actor("Villa Hellebosch")
    changed()
    actor.naam = "Villa Hellebosch vzw"
    actor.save()
    changed()
    plan = Beleidsplan.objects.get(pk=site.plan.pk)
    site.actie.save()  # the stamp rises in the database, not on ``plan``
    changed()
    plan.titel = "Een andere titel"
    plan.save()  # never writes back the stamp it was loaded with
    changed()
    assert Beleidsplan.objects.get(pk=plan.pk).stempel == max(seen)


def stamp_updates(captured) -> int:
    return sum(
        1 for query in captured
        if query["sql"].startswith('UPDATE "beleidsplan_beleidsplan"') and "stempel" in query["sql"]
    )


def test_an_import_of_many_rows_raises_each_stamp_once_and_shows_at_once(
    client, site, stuurgroeplid
):
    """One spreadsheet import is one transaction: the plans' stamps rise once, before the
    rows, not once per row (on PostgreSQL a row updated n times in one transaction costs
    n²). The working state shows every imported action at once."""
    import tablib

    from beleidsplan.resources_acties import ActieResource

    client.force_login(stuurgroeplid)
    target = url("plan", site.plan.pk)
    client.get(target)
    before = Beleidsplan.objects.get(pk=site.plan.pk).stempel
    resource = ActieResource()
    headers = list(resource.fields)  # the fields' names: the import reads them too
    data = tablib.Dataset(headers=headers)
    for number in range(30):
        row = dict.fromkeys(headers, "")
        row.update(plan=site.plan.pk, doelstelling=site.od.code, alle_gemeenten="ja",
                   zie_ook=site.sd.code, omschrijving=f"Geimporteerde actie {number}")
        data.append([row[h] for h in headers])

    with CaptureQueriesContext(connection) as captured:
        result = resource.import_data(data, dry_run=False, use_transactions=True)

    assert not result.has_errors() and not result.has_validation_errors()
    assert stamp_updates(captured.captured_queries) == 1
    assert Beleidsplan.objects.get(pk=site.plan.pk).stempel == before + 1
    page = text(client.get(target))
    assert "Geimporteerde actie 0" in page and "Geimporteerde actie 29" in page


def test_rows_saved_one_by_one_outside_an_import_each_raise_the_stamp(site):
    """The once-per-import rule holds only inside its scope: ordinary saves in one
    transaction still raise the stamp each time, so a page read in between is right."""
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        for number in range(3):
            make_actie(site.od, f"Los {number}")

    assert stamp_updates(captured.captured_queries) == 3


def test_a_dry_run_import_leaves_the_stamp(site):
    from beleidsplan.resources_acties import ActieResource

    before = Beleidsplan.objects.get(pk=site.plan.pk).stempel
    data = ActieResource().export(Actie.objects.all())

    ActieResource().import_data(data, dry_run=True, use_transactions=True)

    assert Beleidsplan.objects.get(pk=site.plan.pk).stempel == before


def test_a_change_that_is_rolled_back_leaves_the_stamp(site):
    from django.db import transaction

    before = Beleidsplan.objects.get(pk=site.plan.pk).stempel
    with pytest.raises(RuntimeError), transaction.atomic():
        site.od.formulering = "Wordt teruggedraaid"
        site.od.save()
        raise RuntimeError
    assert Beleidsplan.objects.get(pk=site.plan.pk).stempel == before


def test_a_change_by_another_process_shows_at_once(client, site, stuurgroeplid):
    """Another worker or host changes the rows: nothing in this process hears of it but
    the stamp in the database (raw SQL here, as another process's writes would be)."""
    client.force_login(stuurgroeplid)
    target = reverse("plan:plan", args=[site.plan.pk])
    assert "UiT-pas invoeren" in text(client.get(target))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE acties_actie SET omschrijving = %s WHERE id = %s",
            ["UiT-pas voor iedereen", site.actie.pk],
        )
    Beleidsplan.objects.filter(pk=site.plan.pk).raise_stamp()
    assert "UiT-pas voor iedereen" in text(client.get(target))


def test_a_plan_made_private_stops_at_once_even_from_a_warm_worker(client, site, partner_a):
    target = reverse("plan:plan", args=[site.plan.pk])
    assert client.get(target).status_code == 200
    Beleidsplan.objects.filter(pk=site.plan.pk).update(publiek=False)  # no signal at all
    assert client.get(target).status_code == 302
    client.force_login(partner_a)
    assert client.get(target).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "stuurgroeplid"])
def test_without_a_cache_the_pages_are_the_same(client, site, settings, who, request):
    """A cache that is down or cleared changes only speed (the dummy cache keeps nothing)."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    pages = [
        reverse("home"), reverse("plan:plan", args=[site.plan.pk]),
        reverse("plan:spreiding", args=[site.plan.pk]),
        reverse("plan:voortgang", args=[site.plan.pk]), url("versie", site.plan.pk, 1),
        url("vergelijk", site.plan.pk, query="?van=1&naar=2"),
    ]
    cached = [_main(client.get(page)) for page in pages]
    # Django's setting_changed handler gives the cache framework the new backend.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert [_main(client.get(page)) for page in pages] == cached
    site.od.formulering = "Zonder cache meteen zichtbaar"
    site.od.save()
    working = _main(client.get(reverse("plan:plan", args=[site.plan.pk])))
    assert ("Zonder cache meteen zichtbaar" in working) == (who != "anonymous")


def _main(response) -> str:
    assert response.status_code == 200
    return text(response).split("<main", 1)[1].split("</main>", 1)[0]


def test_a_visitors_page_is_kept_whole_and_follows_every_change(client, site, coordinator):
    target = reverse("plan:plan", args=[site.plan.pk])
    first = client.get(target)
    assert warm(client, target) == 1  # the reading; nothing rendered
    assert client.get(target).content == first.content
    # A new version is what visitors read from then on.
    site.actie.omschrijving = "UiT-pas in elke bib"
    site.actie.save()
    assert "UiT-pas in elke bib" not in text(client.get(target))
    publish_version(plan=site.plan, naam="Derde", user=coordinator)
    assert "UiT-pas in elke bib" in text(client.get(target))
    # A logged-in reader never gets the visitors' page (their menu names them).
    client.force_login(coordinator)
    assert "Afmelden (coordinator)" in text(client.get(target))


def test_a_versions_file_is_made_once(client, site):
    target = reverse("plan:versie_xlsx", args=[site.plan.pk, 1])
    first = client.get(target)
    assert RenderedFile.objects.count() == 1
    # The reading and version 1 (not the latest): kept whole for visitors. A logged-in
    # reader's request reads the stored file: nothing is made again either.
    assert warm(client, target) == 2
    assert client.get(target).content == first.content
    # Another version, another file; an edit of the working state changes neither.
    client.get(reverse("plan:versie_xlsx", args=[site.plan.pk, 2]))
    site.od.formulering = "Nog anders"
    site.od.save()
    client.get(target)
    assert RenderedFile.objects.count() == 2


def test_the_working_states_file_follows_the_stamp_and_keeps_only_the_newest(
    client, site, stuurgroeplid
):
    client.force_login(stuurgroeplid)
    target = reverse("plan:werk_csv", args=[site.plan.pk])
    assert "Drempels wegwerken" in client.get(target).content.decode("utf-8-sig")
    site.od.formulering = "Drempels afbouwen"
    site.od.save()
    assert "Drempels afbouwen" in client.get(target).content.decode("utf-8-sig")
    assert RenderedFile.objects.filter(plan=site.plan).count() == 1


def test_a_shared_cache_that_is_down_changes_only_speed(client, site, settings, stuurgroeplid):
    """CACHE_URL=redis://... with the server unreachable: every page still answers, and
    shows what it should."""
    settings.CACHES = {
        "default": {
            "BACKEND": "cultuurregio.caches.FailSoftRedisCache",
            # Nothing listens on port 1: every cache call fails at once.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    pages = [
        reverse("home"), reverse("plan:plan", args=[site.plan.pk]),
        url("versie", site.plan.pk, 2), reverse("plan:voortgang", args=[site.plan.pk]),
        reverse("plan:zoeken") + "?q=drempels",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    client.force_login(stuurgroeplid)
    site.od.formulering = "Drempels zonder cache wegwerken"
    site.od.save()
    assert "Drempels zonder cache wegwerken" in text(client.get(pages[1]))
