"""Search over goals, actions and actors (the page site:zoeken).

What is searched is exactly what the visitor may read: the steering group and coordinators
search the working state (the current rows of every plan); anyone else searches the latest
published version of each public plan, from its stored document, so a word that is only in
an unpublished wording is never found by the public. Actors are the region's registry:
everyone searches the active ones, insiders all of them.

How it matches:

- PostgreSQL: full-text search with the ``dutch`` configuration, one query over the texts
  of the corpus (passed as arrays): ``websearch_to_tsquery`` (so quotes, ``or`` and ``-``
  work as on search engines), ranked with ``ts_rank`` on field weights (the wording of a
  goal, the description of an action and an actor's name weigh most) and marked with
  ``ts_headline``. Dutch stemming finds "boeken" for "boek", and the Dutch stemmer drops
  diaereses and acute accents, so "coordineren" finds "coördineren".
- SQLite (development): every word of the query must occur somewhere in the entry, as part
  of a word, compared case- and accent-insensitively (``fold``); ranked by weighted
  occurrences.

The corpus is read in a fixed number of queries; a regional plan is a few hundred texts,
so reading it per search is cheap, and it keeps the rule "the public searches what was
published" in one place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIN_LENGTH = 2
MAX_RESULTS = 50
# Around the first match, how much of a long text a result shows (characters).
SNIPPET_BEFORE = 90
SNIPPET_AFTER = 160

GOAL, ACTION, ACTOR = "doelstelling", "actie", "actor"
KIND_LABELS = {
    GOAL: gettext_lazy("goal"),
    ACTION: gettext_lazy("action"),
    ACTOR: gettext_lazy("actor"),
}
FIELD_LABELS = {
    "formulering": gettext_lazy("wording"),
    "tagline": gettext_lazy("short title"),
    "toelichting": gettext_lazy("explanation"),
    "omschrijving": gettext_lazy("description"),
    "regierol": gettext_lazy("regierol"),
    "actorrol": gettext_lazy("actorrol"),
    "naam": gettext_lazy("name"),
    "aliassen": gettext_lazy("other spellings"),
    "beschrijving": gettext_lazy("description"),
}
# ts_rank weights (PostgreSQL: A 1.0, B 0.4, C 0.2, D 0.1), and the same on SQLite.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
FIELD_WEIGHTS = {
    "formulering": "A", "tagline": "A", "toelichting": "C",
    "omschrijving": "A", "regierol": "B", "actorrol": "B",
    "naam": "A", "aliassen": "A", "beschrijving": "C",
}
FIELDS_PER_ENTRY = 3  # every kind has three searchable fields (the SQL below relies on it)

# Marks around a match while the text is still plain (escaped before they become <mark>).
_OPEN, _CLOSE = "\u27e6", "\u27e7"


@dataclass
class Entry:
    """One thing that can be found: a goal, an action or an actor, with its texts."""

    kind: str
    pk: int
    title: str
    url: str
    context: str  # the plan (and goal) it belongs to; empty for actors
    fields: list[tuple[str, str]]  # (field name, text), FIELDS_PER_ENTRY of them
    summary: str = ""  # shown under the title when the match is elsewhere

    def summary_field(self) -> str:
        return self.fields[0][0]

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class Snippet:
    field: str
    text: SafeString  # escaped, the match wrapped in <mark>

    @property
    def label(self) -> str:
        return str(FIELD_LABELS[self.field])


@dataclass
class Result:
    entry: Entry
    rank: float
    snippets: list[Snippet] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The entry's summary, unless a snippet of that field already shows it."""
        if any(s.field == self.entry.summary_field() for s in self.snippets):
            return ""
        return self.entry.summary


@dataclass
class Outcome:
    query: str
    hint: str = ""  # why nothing was searched
    results: list[Result] = field(default_factory=list)
    truncated: bool = False  # more than MAX_RESULTS matched
    engine: str = ""


def search(query: str, *, insider: bool) -> Outcome:
    """Search ``query`` in what the visitor may read. No query for an empty or too short
    ``query``; otherwise the corpus's queries (see ``corpus``) and, on PostgreSQL, one
    ranking query."""
    query = " ".join(query.split())[:200]
    if not query:
        return Outcome(query, hint=_("Type a word to search the goals, actions and actors."))
    if len(fold(query)) < MIN_LENGTH or not _WORD.search(query):
        return Outcome(query, hint=_(
            "Type at least %(n)s letters or digits to search."
        ) % {"n": MIN_LENGTH})
    entries = corpus(insider=insider)
    if connection.vendor == "postgresql":
        results, truncated = _search_postgresql(entries, query)
        engine = "postgresql"
    else:
        results, truncated = _search_python(entries, query)
        engine = "python"
    return Outcome(query, results=results, truncated=truncated, engine=engine)


# --- The corpus: what the visitor may read -------------------------------------------------


def corpus(*, insider: bool) -> list[Entry]:
    """Every searchable entry, in plan order (goals, actions), then the actors by name.

    Four queries for insiders (plans, goals, actions, actors), two for others (the latest
    published version of each public plan, the actors)."""
    entries = _working_corpus() if insider else _published_corpus()
    from actoren.models import Actor

    actors = Actor.objects.order_by("naam").values(
        "pk", "naam", "beschrijving", "aliassen", "actief"
    )
    if not insider:
        actors = actors.filter(actief=True)
    for actor in actors:
        entries.append(Entry(
            kind=ACTOR, pk=actor["pk"], title=actor["naam"],
            url=reverse("actoren:actor", args=[actor["pk"]]),
            context="" if actor["actief"] else _("not active"),
            fields=[("naam", actor["naam"]), ("aliassen", actor["aliassen"]),
                    ("beschrijving", actor["beschrijving"])],
        ))
    return entries


def _goal_entry(plan_id: int, plan_label: str, goal: dict) -> Entry:
    return Entry(
        kind=GOAL, pk=goal["id"],
        title=f"{goal['code']} {goal['formulering']}",
        url=reverse("site:doelstelling", args=[plan_id, goal["id"]]),
        context=plan_label,
        fields=[("formulering", goal["formulering"]), ("tagline", goal.get("tagline") or ""),
                ("toelichting", goal.get("toelichting") or "")],
    )


def _action_entry(plan_label: str, code: str, number: int, actie: dict) -> Entry:
    return Entry(
        kind=ACTION, pk=actie["id"],
        title=_("%(goal)s action %(number)s") % {"goal": code, "number": number},
        url=reverse("acties:actie", args=[actie["id"]]),
        context=plan_label,
        summary=actie["omschrijving"],
        fields=[("omschrijving", actie["omschrijving"]),
                ("regierol", actie.get("regierol") or ""),
                ("actorrol", actie.get("actorrol") or "")],
    )


def _working_corpus() -> list[Entry]:
    from acties.models import Actie

    from .models import Beleidsplan, Doelstelling

    plans = dict(Beleidsplan.objects.values_list("pk", "titel"))
    entries: list[Entry] = []
    goals = Doelstelling.objects.order_by("tree_id", "lft").values(
        "pk", "plan_id", "code", "formulering", "tagline", "toelichting"
    )
    for goal in goals:
        entries.append(_goal_entry(goal["plan_id"], plans.get(goal["plan_id"], ""), {
            **goal, "id": goal["pk"],
        }))
    numbers: dict[int, int] = {}
    acties = Actie.objects.in_plan_order().values(
        "pk", "doelstelling_id", "doelstelling__plan_id", "doelstelling__code",
        "omschrijving", "regierol", "actorrol",
    )
    for actie in acties:
        goal_id = actie["doelstelling_id"]
        numbers[goal_id] = numbers.get(goal_id, 0) + 1
        entries.append(_action_entry(
            plans.get(actie["doelstelling__plan_id"], ""), actie["doelstelling__code"],
            numbers[goal_id], {**actie, "id": actie["pk"]},
        ))
    return entries


def _published_corpus() -> list[Entry]:
    from .models import Planversie

    latest = Planversie.objects.filter(plan=OuterRef("plan")).order_by("-nummer")
    versies = (
        Planversie.objects.filter(plan__publiek=True, nummer=Subquery(latest.values("nummer")[:1]))
        .select_related("plan")
        .order_by("-plan__van_jaar", "plan__titel")
    )
    entries: list[Entry] = []
    for versie in versies:
        label = versie.plan.titel

        def walk(goals, plan_id=versie.plan_id, label=label):
            for goal in goals:
                entries.append(_goal_entry(plan_id, label, goal))
                for number, actie in enumerate(goal["acties"], start=1):
                    entries.append(_action_entry(label, goal["code"], number, actie))
                walk(goal["doelstellingen"])

        walk(versie.data()["doelstellingen"])
    return entries


# --- Matching on PostgreSQL ----------------------------------------------------------------

_HEADLINE_OPTIONS = (
    f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=30, MinWords=12, ShortWord=2, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)

_SQL = """
SELECT t.i, ts_rank(x.v, q.query) AS rank,
       ts_headline('dutch', t.f1, q.query, %(opts)s),
       ts_headline('dutch', t.f2, q.query, %(opts)s),
       ts_headline('dutch', t.f3, q.query, %(opts)s)
FROM unnest(%(f1)s::text[], %(f2)s::text[], %(f3)s::text[],
            %(w1)s::text[], %(w2)s::text[], %(w3)s::text[])
     WITH ORDINALITY AS t(f1, f2, f3, w1, w2, w3, i)
CROSS JOIN websearch_to_tsquery('dutch', %(q)s) AS q(query)
CROSS JOIN LATERAL (
    SELECT setweight(to_tsvector('dutch', t.f1), t.w1::"char")
        || setweight(to_tsvector('dutch', t.f2), t.w2::"char")
        || setweight(to_tsvector('dutch', t.f3), t.w3::"char") AS v
) AS x
WHERE x.v @@ q.query
ORDER BY rank DESC, t.i
LIMIT %(limit)s
"""


def _search_postgresql(entries: list[Entry], query: str) -> tuple[list[Result], bool]:
    """One query: Dutch full-text search over the entries' texts, ranked, with marks."""
    if not entries:
        return [], False
    params = {"opts": _HEADLINE_OPTIONS, "q": query, "limit": MAX_RESULTS + 1}
    for slot in range(FIELDS_PER_ENTRY):
        params[f"f{slot + 1}"] = [_clean(e.fields[slot][1]) for e in entries]
        params[f"w{slot + 1}"] = [FIELD_WEIGHTS[e.fields[slot][0]] for e in entries]
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        rows = cursor.fetchall()
    results = []
    for index, rank, *headlines in rows[:MAX_RESULTS]:
        entry = entries[index - 1]
        snippets = [
            Snippet(name, _marked(headline))
            for (name, _text), headline in zip(entry.fields, headlines, strict=True)
            if headline and _OPEN in headline
        ]
        results.append(Result(entry, float(rank), snippets))
    return results, len(rows) > MAX_RESULTS


def _marked(text: str) -> SafeString:
    """Plain text with _OPEN/_CLOSE marks as escaped HTML with <mark> elements."""
    return mark_safe(escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def _clean(text: str) -> str:
    return text.replace(_OPEN, "").replace(_CLOSE, "")


# --- Matching in Python (SQLite) ------------------------------------------------------------

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents: "Coördineren" -> "coordineren", "Efficiëntie" ->
    "efficientie"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for every character of it, the index of the character of
    ``text`` it comes from (folding can change the length: "ß" -> "ss")."""
    folded: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        part = fold(char)
        folded.append(part)
        positions.extend([index] * len(part))
    return "".join(folded), positions


def _search_python(entries: list[Entry], query: str) -> tuple[list[Result], bool]:
    terms = sorted({fold(word) for word in _WORD.findall(query)}, key=len, reverse=True)
    results = []
    for order, entry in enumerate(entries):
        found: set[str] = set()
        score = 0.0
        snippets = []
        for name, text in entry.fields:
            if not text:
                continue
            folded, positions = _fold_with_positions(text)
            spans = []
            for term in terms:
                start = folded.find(term)
                while start != -1:
                    found.add(term)
                    spans.append((positions[start], positions[start + len(term) - 1] + 1))
                    start = folded.find(term, start + len(term))
            if spans:
                score += WEIGHTS[FIELD_WEIGHTS[name]] * len(spans)
                snippets.append(Snippet(name, _snippet(text, spans)))
        if len(found) == len(terms):
            results.append((score, -order, Result(entry, score, snippets)))
    results.sort(key=lambda item: (item[0], item[1]), reverse=True)
    ranked = [result for _score, _order, result in results]
    return ranked[:MAX_RESULTS], len(ranked) > MAX_RESULTS


def _snippet(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """The text around its first match, every match wrapped in <mark>, escaped."""
    spans = _merge(sorted(spans))
    start, end = 0, len(text)
    if len(text) > SNIPPET_BEFORE + SNIPPET_AFTER:
        first = spans[0][0]
        start = max(0, first - SNIPPET_BEFORE)
        end = min(len(text), first + SNIPPET_AFTER)
        # Cut at word boundaries.
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        if end < len(text):
            space = text.rfind(" ", spans[0][1], end)
            end = space if space > 0 else end
    parts = ["… " if start > 0 else ""]
    cursor = start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        parts.append(escape(text[cursor:a]))
        parts.append(f"<mark>{escape(text[a:b])}</mark>")
        cursor = b
    parts.append(escape(text[cursor:end]))
    parts.append(" …" if end < len(text) else "")
    return mark_safe("".join(parts))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
