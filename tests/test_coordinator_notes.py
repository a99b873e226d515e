"""The coordinator's note on a goal (``Doelstelling.werknotitie``): revision notes and margin
text an import found ("➤ SD 2 OD1 > = aanbod") are kept for the coordinator, and never shown
to readers of the plan: not on its pages, not in its open data or downloads."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from beleidsplan.export import build_plan_document, dump_document
from beleidsplan.models import Doelstelling

from .test_site_pages import load_seed

pytestmark = pytest.mark.django_db

NOTE = "➤ SD 2 OD1 > = aanbod"


def test_the_seeds_revision_note_is_the_coordinators_not_the_readers(
    client, coordinator, stuurgroeplid
):
    plan = load_seed(coordinator)
    od = Doelstelling.objects.get(plan=plan, code="SD1-OD2")
    assert od.werknotitie == NOTE
    page = reverse("plan:doelstelling", args=[plan.pk, od.pk])

    # A visitor (the published version) and the steering group (the working state).
    assert "➤" not in client.get(page).content.decode()
    client.force_login(stuurgroeplid)
    assert "➤" not in client.get(page).content.decode()
    assert "➤" not in dump_document(build_plan_document(plan))

    # The coordinator finds it in the admin, beside the explanation.
    client.force_login(coordinator)
    admin_page = client.get(reverse("admin:beleidsplan_doelstelling_change", args=[od.pk]))
    text = admin_page.content.decode()
    assert NOTE.replace(">", "&gt;") in text
    assert "Werknotitie" in text and "Niet getoond op de site" in text


@pytest.fixture
def executor():
    """Migrations run by the test, and the database left at the newest state after it."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_upgrading_moves_revision_notes_out_of_an_explanation_and_keeps_the_rest(executor):
    before = [("beleidsplan", "0008_voorstel_actie")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    plan = old.get_model("beleidsplan", "Beleidsplan").objects.create(
        titel="Plan", van_jaar=2020, tot_jaar=2025
    )
    goal = old.get_model("beleidsplan", "Doelstelling").objects.create(
        plan=plan, formulering="Netwerk", code="SD1",
        toelichting=f"Met de bibliotheken.\n{NOTE}",
        lft=1, rght=2, tree_id=1, level=0,
    )

    upgrade = MigrationExecutor(connection)
    after = [("beleidsplan", "0009_doelstelling_werknotitie")]
    upgrade.migrate(after)

    # The model as it was then: later migrations add columns the database lacks here.
    upgraded = upgrade.loader.project_state(after).apps.get_model("beleidsplan", "Doelstelling")
    moved = upgraded.objects.get(pk=goal.pk)
    assert moved.toelichting == "Met de bibliotheken."
    assert moved.werknotitie == NOTE
