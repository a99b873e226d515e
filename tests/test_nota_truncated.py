"""A nota that was cut off (issue 12): the last row stops mid-cell without a line break, or
the tables stop in the middle of an SD (an SD without ODs, an OD without actions, an
action without regierol or actorrol at the very end). The importer says so as a warning
("Afgebroken?") that the coordinator must confirm: the command's --dry-run shows it, a real
import is refused without --bevestig-volledig, and the admin's preview shows it and asks.

Also here: the import is one transaction, tested by a save that fails halfway.
"""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from acties.models import Actie, ActieActor
from beleidsplan.importer import NotaImportError, import_nota, parse_nota
from beleidsplan.models import Beleidsplan, Doelstelling

from .docx_nota import docx_of
from .test_docx_import import _confirm, _preview

pytestmark = pytest.mark.django_db

SEED = settings.BASE_DIR / "fixtures" / "nota" / "beleidsplan-2020-2025.txt"
HEADER = "\tdoelstelling 1\tregierol\tactorrol\tspreiding\t"
COMPLETE = [
    HEADER,
    "SD1\tParticipatie verhogen\t\t\t\t",
    "SD1 OD1\tNetwerk verkennen\t\t\t\t",
    "actie\tBoekenstoet\tPartners bijeen brengen\tLokaal uitvoeren\talle gemeenten\t",
]


def nota(*rows: str, final_newline: bool = True) -> str:
    return "\n".join(rows) + ("\n" if final_newline else "")


def cut_off(report_or_parsed) -> list[str]:
    return [w.message for w in report_or_parsed.warnings if w.truncated]


def counts():
    return (
        Beleidsplan.objects.count(), Doelstelling.objects.count(), Actie.objects.count(),
        ActieActor.objects.count(),
    )


# --- What counts as cut off -------------------------------------------------------------


def test_a_complete_nota_has_no_truncation_warning():
    assert cut_off(parse_nota(nota(*COMPLETE))) == []


def test_the_seed_has_no_truncation_warning():
    assert cut_off(parse_nota(SEED.read_text(encoding="utf-8"))) == []


def test_last_row_cut_mid_word_without_a_final_line_break_is_noticed():
    text = nota(*COMPLETE[:-1], "actie\tBoekenstoet\tPartners bij", final_newline=False)

    warnings = [w for w in parse_nota(text).warnings if w.truncated]

    assert [w.line for w in warnings] == [4, 4]
    assert warnings[0].message.startswith("Afgebroken? Het bestand eindigt zonder regeleinde")
    assert "heeft geen actorrol" in warnings[1].message


def test_a_file_ending_without_a_line_break_inside_a_cell_is_noticed():
    text = nota(*COMPLETE, final_newline=False)[: -len("alle gemeenten\t") + 5]

    assert cut_off(parse_nota(text)) == [
        "Afgebroken? Het bestand eindigt zonder regeleinde, midden in deze rij: het kan daar "
        "afgebroken zijn. Controleer of de laatste rij volledig is."
    ]


def test_tables_that_stop_at_an_od_without_actions_are_noticed():
    text = nota(*COMPLETE, "SD1 OD2\tNog een doelstelling\t\t\t\t")

    assert cut_off(parse_nota(text)) == [
        "Afgebroken? De tabellen stoppen na SD1-OD2, dat geen acties heeft: het bestand kan "
        "midden in SD1 afgebroken zijn."
    ]


def test_tables_that_stop_at_an_sd_without_ods_are_noticed():
    text = nota(*COMPLETE, "SD2\tAanbod versterken\t\t\t\t")

    assert cut_off(parse_nota(text)) == [
        "Afgebroken? De tabellen stoppen na SD2, dat geen operationele doelstellingen heeft: "
        "het bestand kan midden in deze SD afgebroken zijn."
    ]


def test_an_od_without_actions_in_the_middle_is_an_ordinary_warning():
    text = nota(*COMPLETE[:3], "SD1 OD2\tTweede\t\t\t\t", COMPLETE[3])

    parsed = parse_nota(text)

    assert cut_off(parse_nota(text)) == []
    assert "SD1-OD1 heeft geen acties." in [w.message for w in parsed.warnings]


def test_a_word_nota_whose_tables_stop_in_an_sd_is_noticed():
    from beleidsplan.importer import load_nota, parse_rows

    tables = load_nota(docx_of(
        ["SD1", "Participatie verhogen"],
        ["SD1 OD1", "Netwerk verkennen"],
        ["actie", "Een actie", "Partners bijeen brengen", "Lokaal uitvoeren"],
        ["SD1 OD2", "Nog een"],
    ))

    warnings = [w for w in parse_rows(tables.rows).warnings if w.truncated]

    assert len(warnings) == 1
    assert "SD1-OD2" in str(warnings[0]) and "tabel 1" in str(warnings[0])


# --- The coordinator confirms -----------------------------------------------------------


CUT = nota(*COMPLETE, "SD1 OD2\tNog een doelstelling\t\t\t\t")


def test_import_of_a_cut_off_nota_is_refused_until_confirmed():
    before = counts()
    with pytest.raises(NotaImportError) as refused:
        import_nota(path_or_text=CUT, plan=Beleidsplan(titel="P", van_jaar=2020, tot_jaar=2025))
    assert refused.value.truncated
    assert "lijkt afgebroken" in refused.value.message
    assert counts() == before

    report = import_nota(
        path_or_text=CUT, plan=Beleidsplan(titel="P", van_jaar=2020, tot_jaar=2025),
        confirmed_complete=True,
    )
    assert report.od_count == 2 and Actie.objects.count() == 1


def test_command_dry_run_shows_the_truncation_and_import_needs_the_confirmation(
    tmp_path, capsys
):
    path = tmp_path / "nota.txt"
    path.write_text(CUT, encoding="utf-8")

    call_command("importeer_nota", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "regel 5: Afgebroken? De tabellen stoppen na SD1-OD2" in out
    assert "--bevestig-volledig" in out

    with pytest.raises(CommandError) as refused:
        call_command("importeer_nota", str(path))
    assert "--bevestig-volledig" in str(refused.value)
    assert not Doelstelling.objects.exists()

    call_command("importeer_nota", str(path), "--bevestig-volledig")
    assert Doelstelling.objects.count() == 3


def test_admin_preview_shows_the_truncation_and_asks_before_importing(coordinator_client):
    preview = _preview(coordinator_client, CUT.encode(), "nota.txt")
    html = preview.content.decode()
    assert "Dit bestand lijkt afgebroken." in html
    assert "regel 5: Afgebroken? De tabellen stoppen na SD1-OD2" in html
    assert 'name="volledig"' in html

    unconfirmed = _confirm(coordinator_client, preview)
    assert unconfirmed.status_code == 200
    assert "lijkt afgebroken" in unconfirmed.content.decode()
    assert not Doelstelling.objects.exists()

    context = unconfirmed.context
    done = coordinator_client.post(reverse("admin:beleidsplan_beleidsplan_nota_import"), {
        "plan": "", "titel": context["plan"].titel, "van_jaar": 2020, "tot_jaar": 2025,
        "payload": context["payload"], "confirm": "yes", "volledig": "on",
    })
    assert done.status_code == 302
    assert Doelstelling.objects.count() == 3


def test_admin_preview_of_a_complete_nota_asks_nothing(coordinator_client):
    html = _preview(coordinator_client, nota(*COMPLETE).encode(), "nota.txt").content.decode()
    assert "lijkt afgebroken" not in html
    assert 'name="volledig"' not in html


# --- All or nothing ---------------------------------------------------------------------


def test_a_save_failing_halfway_leaves_nothing_of_the_import(monkeypatch):
    """The importer's @transaction.atomic: without it the goals and actions saved before
    the failure would stay (every other "nothing saved" test fails while reading)."""
    saved = []
    original = Actie.save

    def failing_save(self, *args, **kwargs):
        saved.append(self)
        if len(saved) == 40:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Actie, "save", failing_save)
    before = counts()

    with pytest.raises(RuntimeError):
        import_nota(
            path_or_text=SEED, plan=Beleidsplan(titel="Half", van_jaar=2020, tot_jaar=2025)
        )

    assert len(saved) == 40
    assert counts() == before
    assert not Beleidsplan.objects.filter(titel="Half").exists()
