"""Two people editing one record: the second save is refused with what the first changed,
instead of silently undoing it (issue 12, cultuurregio/conflicts.py).

Each test opens the same form twice (two coordinators, or two accounts of one partner),
saves the first, then the second: the second gets the conflict, nothing of the first is
lost, nothing the second typed is lost, and saving the form as shown again applies the
second person's changes on the current version.
"""

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from acties import perioden
from acties.models import Actie, ActieActor
from actoren.models import Actor, Gemeente
from beleidsplan.models import Beleidsplan, Doelstelling, Herziening, Wijzigingsvoorstel
from beleidsplan.services import accept_proposal
from cultuurregio import roles
from cultuurregio.conflicts import TOKEN_FIELD

from .factories import make_actie, make_actor, make_gemeente, make_od, make_plan, make_sd, make_user

pytestmark = pytest.mark.django_db


# --- Helpers ---------------------------------------------------------------------------------


def _put(data: dict, name: str, value) -> None:
    if value is None or value is False:
        return
    if value is True:
        data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(item) for item in value]
    else:
        data[name] = str(value)


def admin_form(response) -> dict:
    """What the browser would post for an admin change form as it was rendered: every
    field of the form and of its inlines, with the version it carries."""
    assert response.status_code == 200
    data: dict = {}
    for bound in response.context["adminform"].form:
        _put(data, bound.html_name, bound.value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            _put(data, bound.html_name, bound.value())
        for form in formset.forms:
            for bound in form:
                _put(data, bound.html_name, bound.value())
    token = response.context.get("version_token")
    if token:
        data[TOKEN_FIELD] = token
    data["_save"] = "Opslaan"
    return data


@pytest.fixture
def coordinators(db):
    """Two coordinators, each in their own browser (client)."""
    clients = []
    for name in ("an", "bert"):
        user = make_user(name, group=roles.COORDINATOREN, staff=True, first_name=name.title())
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.fixture
def plan():
    plan = make_plan()
    sd = make_sd(plan, "Participatie vergroten")
    od = make_od(sd, "Het netwerk versterken")
    make_actie(od, "Boekenstoet in elke gemeente")
    return plan


def opened_twice(clients, url):
    first, second = clients
    return admin_form(first.get(url)), admin_form(second.get(url))


def conflict_page(response):
    """The refused save: the form again (200), with the conflict and the new version."""
    assert response.status_code == 200, response.status_code
    assert response.context["edit_conflict"] is not None
    return response


# --- Actions ---------------------------------------------------------------------------------


def test_same_field_of_an_action_two_coordinators_second_gets_conflict(coordinators, plan):
    actie = Actie.objects.get()
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    an_form, bert_form = opened_twice(coordinators, url)

    an_form["omschrijving"] = "Boekenstoet, met de bibliotheken"
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["omschrijving"] = "Boekenstoet in tien gemeenten"
    response = conflict_page(coordinators[1].post(url, bert_form))

    actie.refresh_from_db()
    assert actie.omschrijving == "Boekenstoet, met de bibliotheken"  # An's text is kept
    page = response.content.decode()
    assert "Boekenstoet, met de bibliotheken" in page  # their value ...
    assert "Boekenstoet in tien gemeenten" in page  # ... and Bert's, kept
    assert "An heeft dit gewijzigd terwijl u het bewerkte" in page
    [change] = response.context["edit_conflict"].changes
    assert change.name == "omschrijving" and change.you_changed
    assert response.context["adminform"].form["omschrijving"].value() == (
        "Boekenstoet in tien gemeenten"
    )

    # "Toch mijn versie opslaan": the form as shown, with the new version, saves.
    again = admin_form(response)
    again["_continue"] = "1"
    assert coordinators[1].post(url, again).status_code == 302
    actie.refresh_from_db()
    assert actie.omschrijving == "Boekenstoet in tien gemeenten"


def test_different_fields_of_an_action_stale_form_does_not_revert(coordinators, plan):
    actie = Actie.objects.get()
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    an_form, bert_form = opened_twice(coordinators, url)

    an_form["regierol"] = "Partners samenbrengen en de communicatie trekken"
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["actorrol"] = "Lokaal uitvoeren en bekendmaken"
    response = conflict_page(coordinators[1].post(url, bert_form))

    actie.refresh_from_db()
    assert actie.regierol == "Partners samenbrengen en de communicatie trekken"
    assert actie.actorrol == "Activiteiten lokaal uitvoeren"
    [change] = response.context["edit_conflict"].changes
    assert change.name == "regierol" and not change.you_changed
    # The form shown again has An's regierol and Bert's actorrol: saving loses neither.
    again = admin_form(response)
    assert again["regierol"] == "Partners samenbrengen en de communicatie trekken"
    assert again["actorrol"] == "Lokaal uitvoeren en bekendmaken"
    assert coordinators[1].post(url, again).status_code == 302
    actie.refresh_from_db()
    assert actie.regierol == "Partners samenbrengen en de communicatie trekken"
    assert actie.actorrol == "Lokaal uitvoeren en bekendmaken"


def test_municipalities_and_checkbox_merge_into_the_form_shown_again(coordinators, plan):
    actie = Actie.objects.get()
    halle, herne = make_gemeente("Halle"), make_gemeente("Herne")
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    an_form, bert_form = opened_twice(coordinators, url)

    an_form.pop("alle_gemeenten", None)
    an_form["gemeenten"] = [str(halle.pk), str(herne.pk)]
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["timing_tekst"] = "2021 - 2022"
    response = conflict_page(coordinators[1].post(url, bert_form))

    changed = {c.name: c for c in response.context["edit_conflict"].changes}
    assert set(changed) == {"alle_gemeenten", "gemeenten"}
    assert changed["gemeenten"].theirs == "Halle, Herne"
    again = admin_form(response)
    assert coordinators[1].post(url, again).status_code == 302
    actie.refresh_from_db()
    assert not actie.alle_gemeenten
    assert set(actie.gemeenten.all()) == {halle, herne}
    assert actie.timing_tekst == "2021 - 2022"


def test_actors_of_an_action_changed_meanwhile_is_a_conflict(coordinators, plan):
    actie = Actie.objects.get()
    bib = make_actor("Bibliotheek Halle")
    betrokken = ActieActor.objects.create(actie=actie, actor=bib, rol="partner")
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    an_form, bert_form = opened_twice(coordinators, url)

    betrokken.rol = "trekker"
    betrokken.save()  # An makes the library the lead, from elsewhere
    bert_form["omschrijving"] = "Boekenstoet 2.0"
    response = conflict_page(coordinators[1].post(url, bert_form))

    [(label, lines)] = response.context["edit_conflict"].children
    assert "Bibliotheek Halle" in lines[0]
    betrokken.refresh_from_db()
    assert betrokken.rol == "trekker"
    # The row is shown again with the new role: saving again keeps it.
    again = admin_form(response)
    assert coordinators[1].post(url, again).status_code == 302
    betrokken.refresh_from_db()
    actie.refresh_from_db()
    assert (betrokken.rol, actie.omschrijving) == ("trekker", "Boekenstoet 2.0")


def test_actor_added_to_an_action_meanwhile_is_no_conflict(coordinators, plan):
    """A row added by someone else is not in the stale form, so it cannot be undone."""
    actie = Actie.objects.get()
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    _, bert_form = opened_twice(coordinators, url)
    ActieActor.objects.create(actie=actie, actor=make_actor("Erfgoedcel"), rol="partner")
    bert_form["omschrijving"] = "Boekenstoet 2.0"
    assert coordinators[1].post(url, bert_form).status_code == 302
    assert actie.betrokkenen.count() == 1


def test_a_single_edit_saves_as_before(coordinators, plan):
    actie = Actie.objects.get()
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    form = admin_form(coordinators[0].get(url))
    form["omschrijving"] = "Boekenstoet overal"
    assert coordinators[0].post(url, form).status_code == 302
    # A second save from the page shown after the first one carries the new version.
    form = admin_form(coordinators[0].get(url))
    form["regierol"] = "Samenbrengen"
    assert coordinators[0].post(url, form).status_code == 302
    actie.refresh_from_db()
    assert (actie.omschrijving, actie.regierol) == ("Boekenstoet overal", "Samenbrengen")


def test_other_form_errors_keep_the_version_the_form_was_opened_on(coordinators, plan):
    actie = Actie.objects.get()
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    an_form, bert_form = opened_twice(coordinators, url)
    bert_form["omschrijving"] = ""  # required: Bert's save fails on its own first
    response = coordinators[1].post(url, bert_form)
    assert response.status_code == 200 and response.context["edit_conflict"] is None
    assert response.context["version_token"] == bert_form[TOKEN_FIELD]

    an_form["omschrijving"] = "Van An"
    assert coordinators[0].post(url, an_form).status_code == 302
    fixed = admin_form(response)
    fixed["omschrijving"] = "Van Bert"
    conflict_page(coordinators[1].post(url, fixed))
    actie.refresh_from_db()
    assert actie.omschrijving == "Van An"


# --- Goals -----------------------------------------------------------------------------------


def test_same_field_of_a_goal_two_coordinators_second_gets_conflict(coordinators, plan):
    goal = Doelstelling.objects.get(formulering="Het netwerk versterken")
    url = reverse("admin:beleidsplan_doelstelling_change", args=[goal.pk])
    an_form, bert_form = opened_twice(coordinators, url)

    an_form["formulering"] = "Het regionale netwerk versterken"
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["formulering"] = "Het netwerk van partners versterken"
    response = conflict_page(coordinators[1].post(url, bert_form))

    goal.refresh_from_db()
    assert goal.formulering == "Het regionale netwerk versterken"
    assert "Het netwerk van partners versterken" in response.content.decode()


def test_different_fields_of_a_goal_stale_form_does_not_revert(coordinators, plan):
    goal = Doelstelling.objects.get(formulering="Het netwerk versterken")
    url = reverse("admin:beleidsplan_doelstelling_change", args=[goal.pk])
    an_form, bert_form = opened_twice(coordinators, url)

    an_form["tagline"] = "NETWERK"
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["toelichting"] = "Met de bibliotheken en de cc's."
    response = conflict_page(coordinators[1].post(url, bert_form))
    goal.refresh_from_db()
    assert (goal.tagline, goal.toelichting) == ("NETWERK", "")

    assert coordinators[1].post(url, admin_form(response)).status_code == 302
    goal.refresh_from_db()
    assert (goal.tagline, goal.toelichting) == ("NETWERK", "Met de bibliotheken en de cc's.")


def test_goal_form_opened_before_a_reword_proposal_was_accepted(coordinators, plan):
    goal = Doelstelling.objects.get(formulering="Het netwerk versterken")
    url = reverse("admin:beleidsplan_doelstelling_change", args=[goal.pk])
    _, bert_form = opened_twice(coordinators, url)

    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2024")
    voorstel = Wijzigingsvoorstel.objects.create(
        herziening=ronde,
        soort=Wijzigingsvoorstel.Soort.HERFORMULEREN,
        doelstelling=goal,
        nieuwe_formulering="Het netwerk van cultuurpartners versterken",
    )
    from django.contrib.auth.models import User

    accept_proposal(voorstel=voorstel, user=User.objects.get(username="an"))

    bert_form["spreiding"] = "alle gemeenten"
    response = conflict_page(coordinators[1].post(url, bert_form))
    goal.refresh_from_db()
    assert goal.formulering == "Het netwerk van cultuurpartners versterken"
    [change] = response.context["edit_conflict"].changes
    assert change.name == "formulering" and not change.you_changed

    assert coordinators[1].post(url, admin_form(response)).status_code == 302
    goal.refresh_from_db()
    # The accepted wording stays, and Bert's change is applied.
    assert goal.formulering == "Het netwerk van cultuurpartners versterken"
    assert goal.spreiding == "alle gemeenten"


def test_goal_form_with_its_actions_inline_changed_meanwhile(coordinators, plan):
    goal = Doelstelling.objects.get(formulering="Het netwerk versterken")
    url = reverse("admin:beleidsplan_doelstelling_change", args=[goal.pk])
    _, bert_form = opened_twice(coordinators, url)
    actie = Actie.objects.get()
    actie.omschrijving = "Boekenstoet, herschreven"
    actie.save()

    bert_form["toelichting"] = "Netwerk van partners."
    response = conflict_page(coordinators[1].post(url, bert_form))
    actie.refresh_from_db()
    assert actie.omschrijving == "Boekenstoet, herschreven"
    assert response.context["edit_conflict"].children
    assert coordinators[1].post(url, admin_form(response)).status_code == 302
    actie.refresh_from_db()
    goal.refresh_from_db()
    assert actie.omschrijving == "Boekenstoet, herschreven"
    assert goal.toelichting == "Netwerk van partners."


# --- Actors, municipalities, plans, proposals ------------------------------------------------


def test_same_and_different_fields_of_an_actor(coordinators, plan):
    actor = make_actor("Cultuurcentrum Halle")
    # Its partner accounts: a relation the audit trail does not keep, so not compared.
    actor.gebruikers.add(make_user("cc_halle", group=roles.PARTNERS))
    url = reverse("admin:actoren_actor_change", args=[actor.pk])
    an_form, bert_form = opened_twice(coordinators, url)

    an_form["beschrijving"] = "Het cc van Halle"
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["beschrijving"] = "Cultuurcentrum in Halle"
    bert_form["email"] = "info@cchalle.be"
    response = conflict_page(coordinators[1].post(url, bert_form))
    actor.refresh_from_db()
    assert (actor.beschrijving, actor.email) == ("Het cc van Halle", "")
    assert "Cultuurcentrum in Halle" in response.content.decode()
    assert [c.name for c in response.context["edit_conflict"].changes] == ["beschrijving"]

    # A different field: refused too, and the form shown again keeps An's description.
    _, carl_form = opened_twice(coordinators, url)
    an_form = admin_form(coordinators[0].get(url))
    an_form["niveau"] = Actor.Niveau.choices[-1][0]
    assert coordinators[0].post(url, an_form).status_code == 302
    carl_form["email"] = "info@cchalle.be"
    response = conflict_page(coordinators[1].post(url, carl_form))
    again = admin_form(response)
    assert coordinators[1].post(url, again).status_code == 302
    actor.refresh_from_db()
    assert actor.niveau == Actor.Niveau.choices[-1][0]
    assert actor.email == "info@cchalle.be"


def test_municipality_and_plan_are_checked_too(coordinators, plan):
    gemeente = make_gemeente("Gooik")
    url = reverse("admin:actoren_gemeente_change", args=[gemeente.pk])
    an_form, bert_form = opened_twice(coordinators, url)
    an_form["faciliteitengemeente"] = True
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["nis_code"] = "23023"
    conflict_page(coordinators[1].post(url, bert_form))
    assert Gemeente.objects.get(pk=gemeente.pk).faciliteitengemeente

    url = reverse("admin:beleidsplan_beleidsplan_change", args=[plan.pk])
    an_form, bert_form = opened_twice(coordinators, url)
    an_form["beschrijving"] = "Het plan van An"
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["beschrijving"] = "Het plan van Bert"
    conflict_page(coordinators[1].post(url, bert_form))
    assert Beleidsplan.objects.get(pk=plan.pk).beschrijving == "Het plan van An"


def test_proposal_edited_by_two_coordinators(coordinators, plan):
    goal = Doelstelling.objects.get(formulering="Het netwerk versterken")
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2024")
    voorstel = Wijzigingsvoorstel.objects.create(
        herziening=ronde,
        soort=Wijzigingsvoorstel.Soort.HERFORMULEREN,
        doelstelling=goal,
        nieuwe_formulering="Een nieuw netwerk",
    )
    url = reverse("admin:beleidsplan_wijzigingsvoorstel_change", args=[voorstel.pk])
    an_form, bert_form = opened_twice(coordinators, url)
    an_form["motivatie"] = "Korter"
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["motivatie"] = "Scherper"
    response = conflict_page(coordinators[1].post(url, bert_form))
    voorstel.refresh_from_db()
    assert voorstel.motivatie == "Korter"
    assert "Scherper" in response.content.decode()

    # The revision round's form edits its open proposals inline: checked too.
    url = reverse("admin:beleidsplan_herziening_change", args=[ronde.pk])
    _, bert_form = opened_twice(coordinators, url)
    voorstel.refresh_from_db()
    voorstel.motivatie = "Korter en scherper"
    voorstel.save()
    conflict_page(coordinators[1].post(url, bert_form))
    voorstel.refresh_from_db()
    assert voorstel.motivatie == "Korter en scherper"


def test_a_post_without_version_is_not_checked(coordinators, plan):
    """Old pages and scripts (and the existing admin tests) post without the field."""
    actie = Actie.objects.get()
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    form = admin_form(coordinators[0].get(url))
    del form[TOKEN_FIELD]
    form["omschrijving"] = "Zonder versie"
    assert coordinators[0].post(url, form).status_code == 302


# --- A partner's report: two accounts of one organisation ------------------------------------


@pytest.fixture
def partner_site(settings, tmp_path, actor_a, partner_a):
    # These reports are about 2021: the day is in 2021, when they may be started.
    with mock.patch.object(perioden, "local_today", return_value=datetime.date(2021, 10, 1)):
        yield _partner_site(settings, tmp_path, actor_a, partner_a)


def _partner_site(settings, tmp_path, actor_a, partner_a):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = make_plan(van_jaar=2020, tot_jaar=2025)
    od = make_od(make_sd(plan, "Cultuurparticipatie vergroten"), "Drempels verlagen")
    actie = make_actie(od, "Voorleesweek in de bibliotheken", actoren=[(actor_a, "trekker")])
    collega = make_user("partner_a2", group=roles.PARTNERS)
    actor_a.gebruikers.add(collega)
    clients = []
    for user in (partner_a, collega):
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = reverse("partner:rapport", args=[actie.pk]) + "?periode=2021"
    return actie, clients, url, make_gemeente("Halle")


def report_form(response) -> dict:
    assert response.status_code == 200
    form = response.context["form"]
    data: dict = {}
    for name in form.REPORT_FIELDS + ("versie",):
        _put(data, form[name].html_name, form[name].value())
    data["concept"] = "1"
    return data


def test_two_accounts_of_one_partner_edit_the_same_draft_report(partner_site):
    from acties.models import Voortgangsrapport

    actie, (eerste, tweede), url, halle = partner_site
    first = report_form(eerste.get(url))
    first.update(status="op_schema", wat_gedaan="Drie voorleesmomenten.")
    assert eerste.post(url, first).status_code == 302  # the draft exists now

    a, b = report_form(eerste.get(url)), report_form(tweede.get(url))
    a["wat_gedaan"] = "Drie voorleesmomenten in Halle, met 60 kinderen."
    a["aantal_deelnemers"] = "60"
    assert eerste.post(url, a).status_code == 302
    b["wat_gedaan"] = "Drie voorleesmomenten, en een boekenmarkt."
    b["gemeenten"] = [str(halle.pk)]
    response = tweede.post(url, b)

    assert response.status_code == 200
    rapport = Voortgangsrapport.objects.get()
    assert rapport.wat_gedaan == "Drie voorleesmomenten in Halle, met 60 kinderen."
    assert rapport.aantal_deelnemers == 60
    assert not rapport.gemeenten.exists()
    page = response.content.decode()
    assert "Drie voorleesmomenten, en een boekenmarkt." in page  # kept
    assert "Drie voorleesmomenten in Halle, met 60 kinderen." in page  # theirs, beside it
    changes = {c.name: c for c in response.context["form"].conflict.changes}
    assert set(changes) == {"wat_gedaan", "aantal_deelnemers"}
    assert changes["wat_gedaan"].you_changed and not changes["aantal_deelnemers"].you_changed

    # Saving the form as shown again: the second account's text and municipalities, the
    # first account's number of participants.
    again = report_form(response)
    assert tweede.post(url, again).status_code == 302
    rapport.refresh_from_db()
    assert rapport.wat_gedaan == "Drie voorleesmomenten, en een boekenmarkt."
    assert rapport.aantal_deelnemers == 60
    assert list(rapport.gemeenten.all()) == [halle]


def test_two_accounts_both_start_the_first_report_of_a_period(partner_site):
    from acties.models import Voortgangsrapport

    actie, (eerste, tweede), url, _ = partner_site
    a, b = report_form(eerste.get(url)), report_form(tweede.get(url))
    assert a["versie"] == "0"
    a.update(status="lopend", wat_gedaan="Gestart in maart.")
    assert eerste.post(url, a).status_code == 302
    b.update(status="vertraagd", wat_gedaan="Later gestart.")
    response = tweede.post(url, b)

    assert response.status_code == 200
    assert Voortgangsrapport.objects.get().wat_gedaan == "Gestart in maart."
    assert "Later gestart." in response.content.decode()


def test_one_account_saving_twice_is_no_conflict(partner_site):
    from acties.models import Voortgangsrapport

    actie, (eerste, _), url, _ = partner_site
    form = report_form(eerste.get(url))
    form.update(status="lopend", wat_gedaan="Eerste keer.")
    assert eerste.post(url, form).status_code == 302
    form = report_form(eerste.get(url))
    form["wat_gedaan"] = "Tweede keer."
    form["indienen"] = "1"
    del form["concept"]
    assert eerste.post(url, form).status_code == 302
    rapport = Voortgangsrapport.objects.get()
    assert (rapport.wat_gedaan, rapport.fase) == ("Tweede keer.", Voortgangsrapport.Fase.INGEDIEND)


def test_a_record_without_history_gets_a_base_when_its_form_opens(coordinators, plan):
    """Rows loaded raw (fixtures) have no audit trail: the first form that opens one
    records its current state, so a stale form on it is still merged field by field."""
    actie = Actie.objects.get()
    halle = make_gemeente("Halle")
    Actie.objects.filter(pk=actie.pk).update(alle_gemeenten=False)
    actie.gemeenten.add(halle)
    Actie.history.all().delete()
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    an_form, bert_form = opened_twice(coordinators, url)
    base = Actie.history.filter(id=actie.pk).earliest("history_id")
    assert [g.gemeente_id for g in base.gemeenten.all()] == [halle.pk]

    an_form["regierol"] = "Van An"
    assert coordinators[0].post(url, an_form).status_code == 302
    bert_form["actorrol"] = "Van Bert"
    response = conflict_page(coordinators[1].post(url, bert_form))
    assert [c.name for c in response.context["edit_conflict"].changes] == ["regierol"]
    assert coordinators[1].post(url, admin_form(response)).status_code == 302
    actie.refresh_from_db()
    assert (actie.regierol, actie.actorrol) == ("Van An", "Van Bert")


def test_proposal_decided_while_its_form_was_open(coordinators, plan):
    from django.contrib.auth.models import User
    from django.contrib.messages import get_messages

    goal = Doelstelling.objects.get(formulering="Het netwerk versterken")
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2024")
    voorstel = Wijzigingsvoorstel.objects.create(
        herziening=ronde,
        soort=Wijzigingsvoorstel.Soort.HERFORMULEREN,
        doelstelling=goal,
        nieuwe_formulering="Een nieuw netwerk",
    )
    url = reverse("admin:beleidsplan_wijzigingsvoorstel_change", args=[voorstel.pk])
    _, bert_form = opened_twice(coordinators, url)
    accept_proposal(voorstel=voorstel, user=User.objects.get(username="an"))

    bert_form["motivatie"] = "Omdat het netwerk breder is dan de cultuursector."
    response = coordinators[1].post(url, bert_form)

    assert response.status_code == 302  # not a 403 that loses the text
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "aanvaard" in message
    assert "Omdat het netwerk breder is dan de cultuursector." in message
    voorstel.refresh_from_db()
    assert voorstel.motivatie == ""


def test_report_submitted_by_the_other_account_meanwhile_gives_the_text_back(partner_site):
    from acties.models import Voortgangsrapport

    actie, (eerste, tweede), url, _ = partner_site
    form = report_form(eerste.get(url))
    form.update(status="lopend", wat_gedaan="Gestart.")
    assert eerste.post(url, form).status_code == 302
    a, b = report_form(eerste.get(url)), report_form(tweede.get(url))
    a["indienen"] = "1"
    del a["concept"]
    assert eerste.post(url, a).status_code == 302  # submitted

    b["wat_gedaan"] = "Gestart, met drie scholen erbij."
    response = tweede.post(url, b)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Wat u typte werd niet opgeslagen" in page
    assert "Gestart, met drie scholen erbij." in page
    assert Voortgangsrapport.objects.get().wat_gedaan == "Gestart."
