"""The seed's revision round as data: version 1 "De nota hoe ze was", the proposals of the
seed's first half (decided ones accepted, open questions left open), and version 2
"Na herziening" published from the accepted ones.

Every reading of an ambiguous line is recorded in docs/seed-revision.md; keep the two in
step. Goals are looked up by their code in version 1 before anything is accepted, so the
proposals hold the goals themselves (their identity), not codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import Beleidsplan, Doelstelling, Herziening, Wijzigingsvoorstel
from .services import accept_proposal, publish_version

S = Wijzigingsvoorstel.Soort

HERZIENING_NAAM = "Herziening van het beleidsplan (2021)"
VERSIE_1 = "De nota hoe ze was"
VERSIE_2 = "Na herziening"


@dataclass(frozen=True)
class Proposal:
    soort: str
    goal: str | None = None  # code in version 1
    target: str | None = None  # code in version 1
    formulering: str = ""
    transversaal: bool | None = None
    positie: int | None = None
    delen: tuple[str, ...] = ()
    motivatie: str = ""
    accept: bool = True


# In the order of the seed's first half (lines 45-169), except that the decisions are
# applied in this order too; the places they produce are in docs/seed-revision.md.
DECIDED = [
    Proposal(
        S.VERPLAATSEN,
        "SD1-OD1",
        target="SD2",
        motivatie="➤ Naar SD2: aanbod afstemmen en versterken (regel 48; herhaald op regel 169: "
        '"Weggehaald bij SD 1 ... Naar SD 2 : afstemmen en spreiden AANBOD")',
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD1-OD2",
        formulering="Regionale acties & projecten gericht op drempelverlaging en inclusie "
        "initiëren, faciliteren & spreiden in de regio (vb. UIT- pas , Taalpunt, ...)",
        motivatie="Nieuwe formulering als OD 1 van SD 1 (regel 51).",
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD1-OD3",
        formulering="Wegwerken van drempels voor cultuurparticipatie (bv. UIT-pas, Taalpunt, ..)",
        motivatie="Nieuwe formulering als OD 2 van SD 1 (regel 54), met de kanttekening "
        '"zit al in OD1".',
    ),
    Proposal(
        S.VERPLAATSEN,
        "SD1-OD4",
        target="SD4",
        motivatie="➤ SD 3 OD => actieve participatie en co creatie stimuleren (regel 59); "
        '"Weggehaald bij SD 1" (regel 102).',
    ),
    Proposal(
        S.SPLITSEN,
        "SD1-OD5",
        delen=(
            "In kaart brengen van bestaande actoren en praktijken gericht op drempelverlaging "
            "(ook uit andere sectoren) en samenwerking faciliteren",
            "(Zoeken naar geschikte) inzetten of het ontwikkelen van communicatiestrategie / "
            "... om actieve cultuurdeelname binnen alle lagen van de bevolking te stimuleren",
        ),
        motivatie="OD 3 & OD 4: Splitsen in (regel 62).",
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD2",
        formulering="Het Cultuuraanbod in de regio versterken door betere afstemming en "
        "spreiding & nieuw aanbod te stimuleren, initiëren en faciliteren",
        motivatie="WORDT (regels 66-68).",
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD2-OD1",
        formulering="Het aanbod en de rol van de Regiobib versterken en verbreden, zodat het "
        "aanbod (collectie, vorming, projecten, ...), de ontsluiting ervan, en de kwaliteit "
        "van de dienstverlening voor alle inwoners in de regio stijgt.",
        motivatie="Nieuw voorstel (regel 71).",
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD2-OD2",
        formulering="De werking en het aanbod van de cultuur-en gemeenschapscentra versterken "
        "door een betere afstemming van activiteiten & programmatie, kennisdeling, en "
        "visieontwikkeling",
        motivatie='Vervangen door (regel 74). Bij het weggelaten "met aandacht voor wat er '
        'leeft in de Vlaamse Rand": (dat zit in SD 3 regionale en maatschappelijke '
        "tendensen).",
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD2-OD3",
        formulering="Doelgroepgericht aanbod initiëren naar bv. kinderen, jongeren, ouderen, "
        "mensen in armoede, mensen met een migratieachtergrond,",
        motivatie="Nieuwe formulering als OD 3 (regel 77).",
    ),
    Proposal(
        S.OD_NAAR_ACTIE,
        "SD2-OD4",
        target="SD1-OD1",
        motivatie="Is geen OD maar een actie / dus zou ik schrappen als OD maar opnemen als "
        'actie (regel 80). De actie en de drie acties van deze OD gaan naar de OD "Het '
        'netwerk, het cultuurlandschap ... verkennen en in kaart brengen", die ook naar SD 2 '
        "verhuist.",
    ),
    Proposal(
        S.VERPLAATSEN,
        "SD3-OD3",
        target="SD2",
        formulering="Verder uitbouwen van een gerichte culturele werking voor en met scholen "
        "/ het onderwijs (ook DKO)",
        motivatie='"Weggehaald bij SD 4" (regel 82, bedoeld is SD 3) en ➤ Naar SD 2 '
        "(regel 126), met een ruimere formulering (regel 84).",
    ),
    Proposal(
        S.HERORDENEN,
        "SD4",
        positie=3,
        formulering="Actieve (cultuur)participatie & Co-creatie in de regio stimuleren",
        motivatie="Wordt SD 3 (regels 89-91).",
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD4-OD1",
        formulering="regionaal noden en mogelijkheden detecteren en initiatieven stimuleren "
        "en opzetten rond cocreatie en vernieuwende vormen van (cultuur)participatie in "
        "samenspraak met de verschillende partners",
        motivatie='"Lokaal en" geschrapt (regel 93).',
    ),
    Proposal(
        S.VERPLAATSEN,
        "SD3-OD4",
        target="SD4",
        motivatie='"Weggehaald bij SD 4" (regel 105, bedoeld is SD 3) en ➤ Naar SD 3 '
        "Co-creatie (regel 129).",
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD3",
        formulering="Vanuit cultuur inspelen op actuele maatschappelijke en regio-specifieke "
        "tendensen",
        transversaal=True,
        motivatie="SD 4 (regel 111), transversaal in de tekening van het plan. Huidige "
        "regionale tendensen: digitale geletterdheid & digitalisering, taalstimulering, "
        "(ecologische) transitie.",
    ),
    Proposal(
        S.NIEUW,
        target="SD3",
        formulering="Stimuleren en faciliteren van gezamenlijke initiatieven die inzetten op "
        "andere urgente thema's die zich aandienen in de periode 2020-2025",
        motivatie='Nieuwe OD (regels 134-136); stond in het oude plan als "Actie 6" onder SD 3.',
    ),
    Proposal(
        S.HERFORMULEREN,
        "SD5",
        transversaal=True,
        motivatie="Transversaal SD5 in de tekening van het plan.",
    ),
]


def _open_questions(goals_now: dict[str, Doelstelling], new_od: Doelstelling, jeugdwerk):
    """Open proposals, written against the plan as it stands after the decisions (the
    seed asks them about the new wordings)."""
    return [
        (
            S.SAMENVOEGEN,
            goals_now["SD1-OD2"],
            goals_now["SD1-OD1"],
            "OD 1 en 2 = samenvoegen ? enkel 1 overhouden? (want 2 te allesomvattend?) (regel 56)",
        ),
        (S.OPMERKING, jeugdwerk, None, "(moet nog verscherpt worden) (regel 109)"),
        (S.OPMERKING, new_od, None, "(moet nog verscherpt worden) (regel 139)"),
    ]


@transaction.atomic
def load_seed_revision(*, plan: Beleidsplan, user=None) -> Herziening:
    """Publish version 1, record the seed's revision round, accept its decisions and
    publish version 2. Only for a plan without versions (raises ValueError otherwise)."""
    if plan.versies.exists():
        raise ValueError("The plan already has published versions.")
    publish_version(plan=plan, naam=VERSIE_1, user=user)
    by_code = {g.code: g for g in Doelstelling.objects.filter(plan=plan)}
    herziening = Herziening.objects.create(
        plan=plan,
        naam=HERZIENING_NAAM,
        beschrijving="De voorstellen uit het eerste deel van de nota (herziening 2021).",
    )
    proposals = []
    for volgorde, item in enumerate(DECIDED, start=1):
        voorstel = Wijzigingsvoorstel(
            herziening=herziening,
            volgorde=volgorde,
            soort=item.soort,
            doelstelling=by_code[item.goal] if item.goal else None,
            doel=by_code[item.target] if item.target else None,
            nieuwe_formulering=item.formulering,
            nieuw_transversaal=item.transversaal,
            positie=item.positie,
            delen="\n".join(item.delen),
            motivatie=item.motivatie,
            auteur=user,
        )
        voorstel.full_clean()
        voorstel.save()
        proposals.append(voorstel)
    accepted = [accept_proposal(voorstel=voorstel, user=user) for voorstel in proposals]

    goals_now = {g.code: g for g in Doelstelling.objects.filter(plan=plan)}
    (new_od_id,) = next(v.effect["nieuw"] for v in accepted if v.soort == S.NIEUW)
    new_od = Doelstelling.objects.get(pk=new_od_id)
    jeugdwerk = by_code["SD3-OD4"]
    jeugdwerk.refresh_from_db()
    start = len(proposals)
    for offset, (soort, goal, target, text) in enumerate(
        _open_questions(goals_now, new_od, jeugdwerk), start=1
    ):
        voorstel = Wijzigingsvoorstel(
            herziening=herziening,
            volgorde=start + offset,
            soort=soort,
            doelstelling=goal,
            doel=target,
            motivatie=text,
            auteur=user,
        )
        voorstel.full_clean()
        voorstel.save()
    publish_version(plan=plan, naam=VERSIE_2, user=user)
    return herziening
