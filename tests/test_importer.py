"""The nota importer (beleidsplan.importer) and its command importeer_nota.

The seed is imported once per module (``seeded``); the rules are also tested one by one on
small synthetic tables. Warnings are checked in Dutch, so a missing catalog fails here.
"""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from acties.models import Actie, ActieActor
from actoren.models import Actor
from beleidsplan.importer import (
    NotaImportError,
    import_nota,
    match_actors,
    parse_nota,
    read_nota,
)
from beleidsplan.models import Beleidsplan, Doelstelling

from .factories import make_actor, make_gemeente, make_plan, make_user

pytestmark = pytest.mark.django_db

# A copy of ../shared/seed/000_fde8e90bc097a083.txt kept in the repository, so these tests
# always run (a clone has no ../shared).
SEED = settings.BASE_DIR / "fixtures" / "nota" / "beleidsplan-2020-2025.txt"

HEADER = "\tdoelstelling 1\tregierol\tactorrol\tspreiding\t"


def table(*rows: str, header: str = HEADER) -> str:
    """A small nota: one table header and the given tab-separated rows."""
    return "\n".join([header, *rows]) + "\n"


def messages_at(warnings, line: int) -> list[str]:
    return [w.message for w in warnings if w.line == line]


def counts() -> tuple[int, int, int, int]:
    return (
        Beleidsplan.objects.count(),
        Doelstelling.objects.count(),
        Actie.objects.count(),
        ActieActor.objects.count(),
    )


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed imported once for the module, with a few actors to link; rolled back after
    the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        user = make_user("importeur")
        rand = make_actor(
            "vzw 'de Rand'", soort=Actor.Soort.INSTELLING, aliassen="vzw de Rand\nvzw De Rand"
        )
        regiobib = make_actor("Regiobib", soort=Actor.Soort.SAMENWERKINGSVERBAND)
        centra = make_actor(
            "Cultuur- en gemeenschapscentra", aliassen="cc's\ngc's"
        )
        plan = make_plan(titel="Seedplan")
        report = import_nota(path_or_text=SEED, plan=plan, user=user)
        yield SimpleNamespace(
            plan=plan, report=report, user=user, rand=rand, regiobib=regiobib, centra=centra
        )
        transaction.set_rollback(True)


def goal(plan, code: str) -> Doelstelling:
    return Doelstelling.objects.get(plan=plan, code=code)


def acties_of(plan, code: str) -> list[Actie]:
    return list(Actie.objects.filter(doelstelling=goal(plan, code)).order_by("volgorde"))


# The seed -------------------------------------------------------------------------------


def test_seed_gives_5_sd_26_od_79_actions(seeded):
    plan = seeded.plan
    assert Doelstelling.objects.filter(plan=plan).strategisch().count() == 5
    assert Doelstelling.objects.filter(plan=plan).operationeel().count() == 26
    assert Actie.objects.van_plan(plan).count() == 79
    report = seeded.report
    assert (report.sd_count, report.od_count, report.actie_count) == (5, 26, 79)
    assert report.zie_ook_count == 26
    assert Actie.zie_ook.through.objects.filter(actie__doelstelling__plan=plan).count() == 26


def test_seed_codes_follow_position_not_the_file_labels(seeded):
    codes = list(
        Doelstelling.objects.filter(plan=seeded.plan)
        .order_by("tree_id", "lft")
        .values_list("code", flat=True)
    )
    expected_ods = {1: 5, 2: 4, 3: 5, 4: 5, 5: 7}
    expected = []
    for sd, ods in expected_ods.items():
        expected += [f"SD{sd}"] + [f"SD{sd}-OD{od}" for od in range(1, ods + 1)]
    assert codes == expected
    # The file labels SD1's second OD "SD1 OD3"; by position it is SD1-OD2.
    assert goal(seeded.plan, "SD1-OD2").formulering == (
        "De regionale acties en projecten voldoende spreiden over de hele regio"
    )
    assert goal(seeded.plan, "SD1-OD3").formulering.startswith("De drempels voor")


def test_seed_actions_keep_file_order(seeded):
    acties = acties_of(seeded.plan, "SD1-OD2")
    assert [a.volgorde for a in acties] == [1, 2, 3, 4, 5, 6, 7]
    assert acties[0].omschrijving.startswith("'Boekenstoet'")
    assert acties[-1].omschrijving.startswith("Leesbevorderings- en taalbeheersingsactiviteiten")


def test_seed_continuation_rows_are_joined(seeded):
    plan = seeded.plan
    assert goal(plan, "SD4-OD5").formulering.endswith(
        "(o.a. vrijwilligers, buurtcomités...) voor overleg en samenwerking, en opzetten "
        "van 'lerende' netwerken"
    )
    rand = acties_of(plan, "SD1-OD1")[1]
    assert rand.omschrijving == (
        "Uitwerken opzetten en realiseren van structurele en projectmatige samenwerking met "
        "vzw de Rand Opzetten en realisatie van een structurele & projectmatige samenwerking "
        "met vzw De Rand"
    )
    inspraak = acties_of(plan, "SD1-OD4")[0]
    assert inspraak.omschrijving.endswith("(methodiek + voorbeeldpraktijken) zie ook SD 4 OD 3")
    assert inspraak.regierol.endswith(
        "voorbeeldpraktijken detecteren Overleg faciliteren Methodiek uitwerken en evalueren"
    )
    tweedaagse = acties_of(plan, "SD5-OD1")[1]
    assert "te focussen en het concrete programma van het werkjaar vast te leggen" in (
        tweedaagse.omschrijving
    )
    assert tweedaagse.regierol.endswith("Tweedaagse organiseren Actieplan 2020 vastleggen")
    assert tweedaagse.actorrol.endswith("Praktische organisatie Lokale communicatie")
    efficientie = acties_of(plan, "SD5-OD7")[1]
    assert "logistieke middelen, hard- en software, gemeenschappelijke aanbestedingen" in (
        efficientie.omschrijving
    )
    prospectie = acties_of(plan, "SD2-OD3")[0]
    assert prospectie.omschrijving.endswith(
        "plan van aanpak (met prioriteiten, tijdsplan, financieringsmogelijkheden...), "
        "i.s.m. vzw 'de Rand'"
    )


def test_seed_texts_are_plain_and_whitespace_normalised(seeded):
    texts = []
    for g in Doelstelling.objects.filter(plan=seeded.plan):
        texts += [g.formulering, g.spreiding, g.toelichting]
    for a in Actie.objects.van_plan(seeded.plan):
        texts += [a.omschrijving, a.regierol, a.actorrol, a.timing_tekst]
    for text in texts:
        assert "<i>" not in text and "</i>" not in text
        assert "\t" not in text and "  " not in text
        assert text == text.strip()


def test_seed_timing_and_spreiding(seeded):
    first, rand, jeugd = acties_of(seeded.plan, "SD1-OD1")
    assert (first.timing_tekst, first.van_jaar, first.tot_jaar) == ("2020 - 2021", 2020, 2021)
    assert first.timing == "2020 - 2021"
    assert (rand.timing_tekst, rand.van_jaar, rand.tot_jaar) == ("2021", 2021, 2021)
    assert (jeugd.van_jaar, jeugd.tot_jaar) == (2021, 2021)
    boekenstoet = acties_of(seeded.plan, "SD1-OD2")[0]
    assert (boekenstoet.timing_tekst, boekenstoet.van_jaar) == ("", None)
    assert goal(seeded.plan, "SD1-OD1").spreiding == "alle gemeenten"
    assert goal(seeded.plan, "SD1").spreiding == ""
    acties = Actie.objects.van_plan(seeded.plan)
    assert all(a.alle_gemeenten and not a.spreiding_toelichting for a in acties)


def test_seed_revision_note_goes_to_the_coordinators_note_not_wording_or_explanation(seeded):
    od = goal(seeded.plan, "SD1-OD2")
    assert od.werknotitie == "➤ SD 2 OD1 > = aanbod"
    assert "➤" not in od.formulering
    assert od.toelichting == ""
    assert any(
        "herzieningsnotitie “➤ SD 2 OD1 > = aanbod”" in m and "SD1-OD2" in m
        for m in messages_at(seeded.report.warnings, 205)
    )


def test_seed_warns_once_for_the_text_before_the_first_table(seeded):
    before = [w for w in seeded.report.warnings if w.line is not None and w.line < 196]
    assert len(before) == 1
    assert (before[0].line, before[0].end_line) == (1, 195)
    assert "vóór de eerste plantabel" in before[0].message
    assert str(before[0]).startswith("regels 1-195: Niet ingelezen")


def test_seed_warns_about_the_duplicate_sd1_od3_label(seeded):
    at_203 = messages_at(seeded.report.warnings, 203)
    assert any("De rij heet “SD1 OD3”" in m and "SD1-OD2" in m for m in at_203)
    assert any("geen regierol" in m and "“-”" in m for m in at_203)
    assert "Het label “SD1 OD3” werd al gebruikt op regel 203." in messages_at(
        seeded.report.warnings, 214
    )


def test_seed_warns_about_empty_regierol_of_sd3_od1_first_two_actions(seeded):
    first, second, third = acties_of(seeded.plan, "SD3-OD1")
    assert first.regierol == "" and second.regierol == ""
    assert third.regierol
    message = "De actie heeft geen regierol (de kolom is leeg)."
    assert message in messages_at(seeded.report.warnings, 258)
    assert message in messages_at(seeded.report.warnings, 259)
    assert message not in messages_at(seeded.report.warnings, 260)
    assert any(
        str(w) == "regel 258: De actie heeft geen regierol (de kolom is leeg)."
        for w in seeded.report.warnings
    )


def test_seed_warns_that_actie_6_is_not_an_action(seeded):
    (message,) = messages_at(seeded.report.warnings, 280)
    assert message.startswith("“Actie 6: Stimuleren en faciliteren")
    assert "niet als actie ingelezen" in message
    assert not Actie.objects.van_plan(seeded.plan).filter(
        omschrijving__icontains="andere urgente thema's"
    ).exists()


def test_seed_warns_about_the_wordt_doelstelling_header_and_empty_od(seeded):
    (header,) = messages_at(seeded.report.warnings, 252)
    assert "lijkt op een tabelkop" in header and "WORDT DOELSTELLING 4" in header
    assert "SD5-OD3 heeft geen acties." in messages_at(seeded.report.warnings, 319)
    # Table rules ("--\t-----") are ignored silently.
    assert messages_at(seeded.report.warnings, 253) == []


def test_seed_zie_ook_references_resolve_by_position(seeded):
    plan = seeded.plan
    boekenstoet = acties_of(plan, "SD1-OD2")[0]
    assert "Boekenstoet" in boekenstoet.omschrijving
    assert boekenstoet.omschrijving.endswith("zie ook SD 4 OD 3")  # text stays verbatim
    assert [g.code for g in boekenstoet.zie_ook.all()] == ["SD4-OD3"]
    assert boekenstoet in goal(plan, "SD4-OD3").zie_ook_acties.all()
    overview = acties_of(plan, "SD4-OD3")[0]
    assert sorted(g.code for g in overview.zie_ook.all()) == [
        "SD1-OD2", "SD1-OD4", "SD2-OD3", "SD3-OD1", "SD3-OD3", "SD3-OD4", "SD4-OD2",
    ]
    jeugd = acties_of(plan, "SD3-OD4")[0]
    assert sorted(g.code for g in jeugd.zie_ook.all()) == ["SD4-OD3", "SD5-OD4"]
    # References in the regierol column count too ("zie SD 3 OD 3").
    subsidies = acties_of(plan, "SD5-OD4")[2]
    assert subsidies.regierol == "zie SD 3 OD 3"
    assert [g.code for g in subsidies.zie_ook.all()] == ["SD3-OD3"]


def test_seed_links_actors_named_in_the_texts(seeded):
    plan = seeded.plan
    rand_acties = set(Actie.objects.van_plan(plan).filter(actoren=seeded.rand))
    assert acties_of(plan, "SD1-OD1")[1] in rand_acties  # "vzw de Rand", "vzw De Rand"
    assert acties_of(plan, "SD2-OD3")[1] in rand_acties  # "vzw 'de Rand'"
    assert acties_of(plan, "SD2-OD2")[2] in set(seeded.centra.acties.all())  # "cc's en gc's"
    assert acties_of(plan, "SD3-OD1")[0] in set(seeded.regiobib.acties.all())
    links = ActieActor.objects.filter(actie__doelstelling__plan=plan)
    assert links.count() == seeded.report.actor_link_count > 0
    assert set(links.values_list("rol", flat=True)) == {ActieActor.Rol.PARTNER}


def test_seed_import_is_audited_with_user_and_reason(seeded):
    sd1 = goal(seeded.plan, "SD1")
    record = sd1.history.earliest()
    assert record.history_user == seeded.user
    assert record.history_change_reason == f"Ingelezen uit {SEED.name}"
    actie = acties_of(seeded.plan, "SD1-OD1")[0]
    assert actie.history.earliest().history_user == seeded.user


# The command ----------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_reports_what_it_would_create(seeded, capsys):
    before = counts()
    call_command("importeer_nota", str(SEED), "--dry-run")
    out = capsys.readouterr().out
    assert counts() == before
    assert "Proefdraai: er is niets opgeslagen." in out
    assert "Strategische doelstellingen (SD): 5" in out
    assert "Operationele doelstellingen (OD): 26" in out
    assert "Acties: 79" in out
    assert "regel 258: De actie heeft geen regierol (de kolom is leeg)." in out
    assert "SD5-OD3" in out and "(0 acties)" in out and "(1 actie)" in out


def test_service_dry_run_with_unsaved_plan_saves_nothing():
    before = counts()
    report = import_nota(
        path_or_text=table("SD1\tEen\t\t\t\t", "SD1 OD1\tOD\t\t\t\t", "actie\tDoen\tR\tA\t\t"),
        plan=Beleidsplan(titel="Proef", van_jaar=2020, tot_jaar=2025),
        dry_run=True,
    )
    assert (report.sd_count, report.od_count, report.actie_count) == (1, 1, 1)
    assert report.plan.pk is None
    assert counts() == before


def test_importing_into_a_plan_with_goals_is_refused(seeded):
    before = counts()
    with pytest.raises(CommandError, match="heeft al doelstellingen"):
        call_command("importeer_nota", str(SEED), "--plan", str(seeded.plan.pk))
    with pytest.raises(NotaImportError, match="zou ze verdubbelen"):
        import_nota(path_or_text=SEED, plan=seeded.plan)
    assert counts() == before


def test_command_creates_a_new_plan_with_defaults(capsys):
    call_command("importeer_nota", str(SEED))
    out = capsys.readouterr().out
    plan = Beleidsplan.objects.get(titel="Beleidsplan 2020-2025")
    assert (plan.titel, plan.van_jaar, plan.tot_jaar) == ("Beleidsplan 2020-2025", 2020, 2025)
    assert Doelstelling.objects.filter(plan=plan).count() == 31
    assert "Ingelezen in beleidsplan “Beleidsplan 2020-2025" in out
    assert "Acties: 79" in out
    assert "regel 280: “Actie 6:" in out


def test_command_imports_into_an_empty_existing_plan(tmp_path):
    plan = make_plan(titel="Leeg plan")
    path = tmp_path / "nota.txt"
    path.write_text(table("SD1\tEen\t\t\t\t", "SD1 OD1\tOD\t\t\t\t", "actie\tDoen\tR\tA\t\t"))
    call_command("importeer_nota", str(path), "--plan", str(plan.pk))
    assert Actie.objects.van_plan(plan).get().omschrijving == "Doen"


def test_command_refuses_plan_with_titel():
    with pytest.raises(CommandError, match="--plan kan niet samen met --titel"):
        call_command("importeer_nota", "x.txt", "--plan", "1", "--titel", "T")


def test_non_utf8_file_gives_a_dutch_error_and_writes_nothing(tmp_path):
    path = tmp_path / "nota-latin1.txt"
    path.write_bytes(table("SD1\tCultuurparticipatie in de regio verhogen (coördinatie)\t\t\t\t")
                     .encode("latin-1"))
    before = counts()
    with pytest.raises(CommandError, match="is geen UTF-8-tekst") as excinfo:
        call_command("importeer_nota", str(path))
    assert "Bewaar de nota als platte tekst met UTF-8-codering" in str(excinfo.value)
    assert counts() == before


def test_binary_file_gives_a_dutch_error_and_writes_nothing(tmp_path):
    path = tmp_path / "nota.docx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01")
    before = counts()
    with pytest.raises(CommandError, match="is geen tekstbestand"):
        call_command("importeer_nota", str(path))
    assert counts() == before


def test_missing_file_gives_a_dutch_error(tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("importeer_nota", str(tmp_path / "weg.txt"))


def test_file_without_table_gives_a_clear_error_and_writes_nothing(tmp_path):
    path = tmp_path / "brief.txt"
    path.write_text("Beste stuurgroep,\n\nHieronder de nota.\nSD1\tDe cultuurparticipatie\n")
    before = counts()
    with pytest.raises(CommandError, match="Geen plantabel gevonden"):
        call_command("importeer_nota", str(path))
    assert counts() == before


# The rules, on small tables ----------------------------------------------------------------


def test_unknown_reference_is_a_warning_not_a_crash():
    plan = make_plan()
    report = import_nota(
        path_or_text=table(
            "SD1\tEen\t\t\t\t",
            "SD1 OD1\tOD een\t\t\t\t",
            "actie\tSamen iets doen zie ook SD 9 OD 9\tR\tA\t\t",
        ),
        plan=plan,
    )
    assert report.actie_count == 1 and report.zie_ook_count == 0
    assert messages_at(report.warnings, 4) == [
        "“SD 9 OD 9” verwijst naar SD9-OD9, die niet bestaat in dit plan; er is geen "
        "koppeling gemaakt."
    ]
    assert Actie.objects.van_plan(plan).get().omschrijving.endswith("zie ook SD 9 OD 9")


def test_reference_to_own_goal_is_a_warning_and_forward_references_resolve():
    parsed = parse_nota(table(
        "SD1\tEen\t\t\t\t",
        "SD1 OD1\tOD een\t\t\t\t",
        "actie\tDoen zie SD1 OD1 en SD 2 OD 1\tR\tA\t\t",
        "SD2\tTwee\t\t\t\t",
        "SD2-OD1\tOD twee\t\t\t\t",
        "actie\tOok doen\tzie SD1-OD1\tA\t\t",
    ))
    first, second = parsed.acties
    assert [g.code for g in first.zie_ook] == ["SD2-OD1"]
    assert [g.code for g in second.zie_ook] == ["SD1-OD1"]
    assert any("eigen doelstelling van de actie, SD1-OD1" in m for m in messages_at(
        parsed.warnings, 4
    ))


def test_continuation_rows_append_to_each_column():
    parsed = parse_nota(table(
        "SD1\tDe cultuurparticipatie\t\t\t\t",
        "SD1 OD1\t<i>Het netwerk verkennen</i>\t\t\talle\t",
        "\t<i>en in kaart brengen</i>\t\t\tgemeenten\t",
        "actie\tEen tweedaagse organiseren en\tPartners contacteren\tLokaal\t\t",
        "",
        "\thet programma vastleggen\tActieplan vastleggen\tLokale communicatie\t\t",
    ))
    (od,) = parsed.operationele
    assert od.formulering == "Het netwerk verkennen en in kaart brengen"
    assert od.spreiding == "alle gemeenten"
    (actie,) = parsed.acties
    assert actie.omschrijving == "Een tweedaagse organiseren en het programma vastleggen"
    assert actie.regierol == "Partners contacteren Actieplan vastleggen"
    assert actie.actorrol == "Lokaal Lokale communicatie"
    assert any("Vervolg van de rij op regel 5" in m for m in messages_at(parsed.warnings, 7))


def test_revision_mark_in_a_continuation_row_goes_to_the_goals_note():
    parsed = parse_nota(table(
        "SD1\tEen\t\t\t\t",
        "SD1 OD1\tSpreiden\t-\t\talle gemeenten\t",
        "\t➤ SD 2 OD1 > = aanbod\t\t\t\t",
        "actie\tDoen\tR\tA\t\t",
        "\t➤ naar SD 3\t\t\t\t",
    ))
    (od,) = parsed.operationele
    assert od.formulering == "Spreiden"
    assert od.werknotitie == "➤ SD 2 OD1 > = aanbod\n➤ naar SD 3"
    assert parsed.acties[0].omschrijving == "Doen"
    assert any("het “-” in die kolom is genegeerd" in m for m in messages_at(parsed.warnings, 3))


def test_goal_row_text_in_regierol_is_kept_in_the_coordinators_note():
    parsed = parse_nota(table("SD1\tEen\tDe regisseur coördineert\t\t\t"))
    (sd,) = parsed.goals
    assert sd.werknotitie == "regierol: De regisseur coördineert"
    warning = messages_at(parsed.warnings, 2)[0]
    assert "bewaard in de werknotitie van SD1 (niet getoond op de site)" in warning


def test_timing_cells():
    parsed = parse_nota(table(
        "SD1\tEen\t\t\t\t",
        "SD1 OD1\tOD\t\t\t\t",
        "actie\tA\tR\tA\t\t2021",
        "actie\tB\tR\tA\t\t2020 – 2022",
        "actie\tC\tR\tA\t\tbegin 2021",
        "actie\tD\tR\tA\t\t2019 - 2021",
        "actie\tE\tR\tA\t\t2023 - 2021",
    ), periode=(2020, 2025))
    years = [(a.timing_tekst, a.van_jaar, a.tot_jaar) for a in parsed.acties]
    assert years == [
        ("2021", 2021, 2021),
        ("2020 – 2022", 2020, 2022),
        ("begin 2021", None, None),
        ("2019 - 2021", None, None),
        ("2023 - 2021", None, None),
    ]
    assert "geen jaar of reeks jaren" in messages_at(parsed.warnings, 6)[0]
    assert "buiten de planperiode 2020-2025" in messages_at(parsed.warnings, 7)[0]
    assert "eindigt voor ze begint" in messages_at(parsed.warnings, 8)[0]


def test_action_spreiding_cell():
    halle = make_gemeente("Halle")
    beersel = make_gemeente("Beersel")
    make_gemeente("Bever")
    plan = make_plan()
    report = import_nota(
        path_or_text=table(
            "SD1\tEen\t\t\t\t",
            "SD1 OD1\tOD\t\t\talle gemeenten\t",
            "actie\tA\tR\tA\talle gemeenten\t",
            "actie\tB\tR\tA\tHalle en Beersel (proef)\t",
            "actie\tC\tR\tA\tde centrumsteden\t",
        ),
        plan=plan,
    )
    a, b, c = Actie.objects.van_plan(plan).order_by("volgorde")
    assert (a.alle_gemeenten, a.spreiding_toelichting) == (True, "alle gemeenten")
    assert (b.alle_gemeenten, set(b.gemeenten.all())) == (False, {halle, beersel})
    assert b.spreiding_toelichting == "Halle en Beersel (proef)"
    assert (c.alle_gemeenten, c.spreiding_toelichting) == (True, "de centrumsteden")
    assert "noemt geen gekende gemeente" in messages_at(report.warnings, 6)[0]
    assert goal(plan, "SD1-OD1").spreiding == "alle gemeenten"


def test_markup_is_stripped_also_around_codes():
    parsed = parse_nota(table(
        "<i>SD1</i>\t<i>Een</i> <b>doel</b>\t\t\t\t",
        "<i>SD1 OD1</i>\t<i>Het   netwerk</i>\t\t\t\t",
        "actie\t  Doen\t<i>R</i>\tA\t\t",
    ))
    assert parsed.goals[0].formulering == "Een doel"
    assert parsed.operationele[0].formulering == "Het netwerk"
    assert parsed.acties[0].omschrijving == "Doen"
    assert parsed.acties[0].regierol == "R"


def test_label_that_differs_from_position_is_kept_in_place_with_a_warning():
    parsed = parse_nota(table(
        "SD1\tEen\t\t\t\t",
        "SD1 OD1\tEerste\t\t\t\t",
        "SD1 OD3\tTweede\t\t\t\t",
        "SD1 OD3\tDerde\t\t\t\t",
    ))
    assert [g.code for g in parsed.operationele] == ["SD1-OD1", "SD1-OD2", "SD1-OD3"]
    assert "volgens haar plaats in de tabel is het SD1-OD2" in messages_at(parsed.warnings, 4)[0]
    # (The tables also stop at an OD without actions, which the truncation check reports:
    # tests/test_nota_truncated.py.)
    assert messages_at([w for w in parsed.warnings if not w.truncated], 5) == [
        "Het label “SD1 OD3” werd al gebruikt op regel 4.",
        "SD1-OD3 heeft geen acties.",
    ]


def test_header_number_that_does_not_match_the_sd_warns():
    parsed = parse_nota(table("SD1\tEen\t\t\t\t", header="\tdoelstelling 2\tregierol\t\t\t"))
    assert "zegt “doelstelling 2”, maar dit is strategische doelstelling 1" in (
        messages_at(parsed.warnings, 2)[0]
    )


def test_od_before_any_sd_is_refused_and_nothing_is_written():
    before = counts()
    with pytest.raises(NotaImportError) as excinfo:
        import_nota(
            path_or_text=table("SD1 OD1\tOD\t\t\t\t", "actie\tDoen\tR\tA\t\t"),
            plan=Beleidsplan(titel="Nieuw", van_jaar=2020, tot_jaar=2025),
        )
    assert excinfo.value.message == "De nota is niet ingelezen; er is niets opgeslagen:"
    assert excinfo.value.errors == [
        "regel 2: Een operationele doelstelling (OD) moet na een strategische doelstelling "
        "(SD) komen.",
        "regel 3: Een actie moet na een operationele doelstelling (OD) komen.",
    ]
    assert counts() == before


def test_action_directly_under_an_sd_is_refused():
    plan = make_plan()
    with pytest.raises(NotaImportError, match="regel 3: Een actie moet na"):
        import_nota(path_or_text=table("SD1\tEen\t\t\t\t", "actie\tDoen\tR\tA\t\t"), plan=plan)
    assert not plan.doelstellingen.exists()


def test_rules_and_blank_lines_are_silent_but_loose_text_warns():
    parsed = parse_nota(table(
        "SD1\tEen\t\t\t\t",
        "----------------\t--",
        "",
        "SD1 OD1\tOD\t\t\t\t",
        "actie\tDoen\tR\tA\t\t",
        "Nieuwe OD",
        "\tWORDT DOELSTELLING 2\tregierol\tactorrol\tspreiding",
    ))
    assert [w.line for w in parsed.warnings] == [7, 8]
    assert messages_at(parsed.warnings, 7) == [
        "Niet ingelezen: deze regel is geen rij van de plantabel: “Nieuwe OD”."
    ]
    assert len(parsed.acties) == 1


def test_continuation_without_a_row_above_warns():
    parsed = parse_nota(table("\tlosse tekst\t\t\t\t", "SD1\tEen\t\t\t\t"))
    assert "is het vervolg van geen enkele doelstelling of actie" in (
        messages_at(parsed.warnings, 2)[0]
    )


def test_extra_columns_and_empty_columns_warn():
    parsed = parse_nota(table(
        "SD1\tEen\t\t\t\t",
        "SD1 OD1\tOD\t\t\t\t",
        "actie\tDoen\t\t\t\t2021\tnotitie",
    ))
    at_4 = messages_at(parsed.warnings, 4)
    assert "Kolom 7 hoort niet bij de plantabel; de tekst “notitie” is niet ingelezen." in at_4
    assert "De actie heeft geen regierol (de kolom is leeg)." in at_4
    assert "De actie heeft geen actorrol (de kolom is leeg)." in at_4


def test_actor_matching_uses_whole_words_any_case_and_aliases():
    ioed = Actor(naam="IOED")
    erfgoedcel = Actor(naam="Erfgoedcel", aliassen="Erfgoedcelwerking\n")
    rand = Actor(naam="vzw 'de Rand'", aliassen="vzw de Rand")
    parsed = parse_nota(table(
        "SD1\tEen\t\t\t\t",
        "SD1 OD1\tOD\t\t\t\t",
        "actie\tOverleg Erfgoedcel-IOED\tR\tA\t\t",
        "actie\tSamen met de IOEDX en de erfgoedcelwerking\tR\tA\t\t",
        "actie\tMet VZW DE RAND en vzw ‘de Rand’\tR\tA\t\t",
        "actie\tGeen actor\tRegie door de erfgoedcellen\tA\t\t",
    ))
    pairs = match_actors(parsed.acties, [ioed, erfgoedcel, rand])
    found = [(actie.volgorde, actor.naam) for actie, actor in pairs]
    assert found == [(1, "IOED"), (1, "Erfgoedcel"), (2, "Erfgoedcel"), (3, "vzw 'de Rand'")]


def test_read_nota_accepts_text_bytes_and_paths(tmp_path):
    text = table("SD1\tEen\t\t\t\t")
    assert read_nota(text)[0] == text
    assert read_nota(("\ufeff" + text).encode("utf-8"))[0] == text
    path = tmp_path / "nota.txt"
    path.write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    content, name = read_nota(path)
    assert name == "nota.txt"
    assert parse_nota(content).goals[0].formulering == "Een"
    assert read_nota(str(path))[1] == "nota.txt"
