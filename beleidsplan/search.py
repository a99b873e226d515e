"""Search over goals, actions and actors (the page plan:zoeken), from a stored index.

What is searched is exactly what the visitor may read, as ``reading.readings_for`` says:
the steering group and coordinators search the working state of every plan; anyone else
searches the latest published version of each public plan, so a word that is only in an
unpublished wording is never found by the public. Actors are the region's registry:
everyone searches the active ones, insiders all of them.

The index (``models.SearchEntry``) holds one row per goal, action and actor per source: a
plan's working state, a published version, or the actors. Each source also has a marker
row with the key it was built from. A search first reads the markers of the sources the
visitor may read (one query, which also computes the actors' fingerprint); a source that
is missing or whose key is not the current one is rebuilt there and then, all or nothing
(``build``). Keys:

- working state: the reading's key (``Reading.key``: the plan's stamp, raised in the same
  transaction as every change of the plan, and the day), so an edit is found at once;
- published version: the version itself (it never changes). ``services.publish_version``
  builds it after commit; a version without rows (older ones, a failed build) is built at
  the first search that needs it;
- actors: their number, highest id and last audit record (``_actors_key``).

On a warm index a search costs two queries whatever the size of the plans: the markers,
then the search itself. The second runs when the results are first read
(``Outcome.results``), so a page that keeps what it rendered under ``Outcome.key`` (which
changes with everything the results depend on) skips it on a hit.

How it matches:

- PostgreSQL: full-text search on the stored vectors (GIN index) in the ``dutch_unaccent``
  configuration (migration 0006: Dutch stemming after ``unaccent``), so "boek" finds
  "boeken" and "coordineren" finds "coördineren". The query is read as on search engines
  (``websearch``: quotes, ``or``, ``-word``), ranked with ``ts_rank`` on field weights (the
  wording of a goal, the description of an action and an actor's name weigh most), the
  matches marked with ``ts_headline``.
- SQLite (development): every word of the query must occur somewhere in the entry, as part
  of a word, compared case- and accent-insensitively (``fold``); ranked by weighted
  occurrences. It reads the texts of the readable sources from the index.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, partial

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .models import Planversie, SearchEntry
from .reading import Reading

logger = logging.getLogger(__name__)

MIN_LENGTH = 2
MAX_RESULTS = 50
# Around the first match, how much of a long text a result shows (characters, SQLite).
SNIPPET_BEFORE = 90
SNIPPET_AFTER = 160

# The text search configuration of migration 0006: Dutch, accents folded.
CONFIG = "dutch_unaccent"

GOAL, ACTION, ACTOR, GEMEENTE = "doelstelling", "actie", "actor", "gemeente"
KIND_LABELS = {
    GOAL: gettext_lazy("goal"),
    ACTION: gettext_lazy("action"),
    ACTOR: gettext_lazy("actor"),
    GEMEENTE: gettext_lazy("municipality"),
}
# What SearchEntry.text1, text2 and text3 hold, by kind.
FIELDS = {
    GOAL: ("formulering", "tagline", "toelichting"),
    ACTION: ("omschrijving", "regierol", "actorrol"),
    ACTOR: ("naam", "aliassen", "beschrijving"),
    GEMEENTE: ("naam", "nis", "opgegaan_in"),
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
    "nis": gettext_lazy("NIS code"),
    "opgegaan_in": gettext_lazy("merged into"),
}
# ts_rank weights (PostgreSQL: A 1.0, B 0.4, C 0.2, D 0.1), and the same on SQLite.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
FIELD_WEIGHTS = {
    "formulering": "A", "tagline": "A", "toelichting": "C",
    "omschrijving": "A", "regierol": "B", "actorrol": "B",
    "naam": "A", "aliassen": "A", "beschrijving": "C",
    "nis": "B", "opgegaan_in": "C",
}

ACTORS = "actoren"  # the actors' source

# Marks around a match while the text is still plain (escaped before they become <mark>).
_OPEN, _CLOSE = "\u27e6", "\u27e7"


@dataclass
class Entry:
    """One thing that can be found: a goal, an action or an actor, with its texts."""

    kind: str
    pk: int
    title: str
    url: str
    context: str  # the plan it belongs to; for actors empty or "not active"
    fields: list[tuple[str, str]]  # (field name, text), three of them
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


class Outcome:
    """What a search found. ``results`` (at most MAX_RESULTS, best first) and
    ``truncated`` (more matched) are looked up when first read: one query. ``key`` holds
    everything they depend on (the query, the reader's role and language, the keys of
    the plans read and of the actors), so a page may cache what it renders of them under
    ``key`` and, on a hit, never run the search query."""

    def __init__(self, query: str, *, hint: str = "", engine: str = "",
                 key: tuple | None = None,
                 find: Callable[[], tuple[list[Result], bool]] | None = None):
        self.query = query
        self.hint = hint  # why nothing was searched
        self.engine = engine
        self.key = key
        self._find = find

    @cached_property
    def _found(self) -> tuple[list[Result], bool]:
        return self._find() if self._find else ([], False)

    @property
    def results(self) -> list[Result]:
        return self._found[0]

    @property
    def truncated(self) -> bool:
        return self._found[1]


def search(query: str, *, readings: list[Reading], insider: bool) -> Outcome:
    """Search ``query`` in what the visitor may read: ``readings`` (``readings_for``), and
    the actors (all of them for an ``insider``, else the active ones).

    No query for an empty or too short ``query``. On a warm index two: the markers
    (``refresh``, now), then the search (when ``results`` is first read). A source to
    (re)build costs its own (``build``)."""
    query = " ".join(query.split())[:200]
    hint = ""
    if not query:
        hint = _("Type a word to search the goals, actions and actors.")
    elif len(fold(query)) < MIN_LENGTH or not _WORD.search(query):
        hint = _("Type at least %(n)s letters or digits to search.") % {"n": MIN_LENGTH}
    if hint:
        return Outcome(query, hint=hint, key=("hint", get_language(), query))
    actors = Source(ACTORS, None, None)
    sources = [_source(reading) for reading in readings] + [actors]
    refresh(sources)
    engine = "postgresql" if connection.vendor == "postgresql" else "python"
    # The plan's title, shown with each result, is in the reading's key (its stamp).
    key = (engine, get_language(), insider, query,
           tuple(reading.key for reading in readings), actors.key)
    return Outcome(query, engine=engine, key=key,
                   find=partial(_find, sources, readings, query, insider, engine))


def _find(sources: list[Source], readings: list[Reading], query: str, insider: bool,
          engine: str) -> tuple[list[Result], bool]:
    """The search itself, over the readable sources' rows. One query."""
    names = [s.name for s in sources]
    titles = {r.plan.pk: r.plan.titel for r in readings}
    rows = SearchEntry.objects.searchable(names, inactive_actors=insider).annotate(
        position=Case(
            *(When(source=name, then=Value(i)) for i, name in enumerate(names)),
            default=Value(len(names)), output_field=IntegerField(),
        )
    )
    if engine == "postgresql":
        return _search_postgresql(rows, query, titles)
    entries = [
        _entry(row, titles)
        for row in rows.order_by("position", "order").values(*_ROW, "text2", "text3")
    ]
    return _search_python(entries, query)


# --- The index: sources, freshness, building ------------------------------------------------


@dataclass
class Source:
    """What one set of index rows is built from: a reading of a plan, or the actors
    (``reading`` None). ``key`` None: not known before building (the actors')."""

    name: str
    key: str | None
    reading: Reading | None


def _source(reading: Reading) -> Source:
    if reading.versie is not None:
        # A version never changes: built once.
        return Source(f"versie:{reading.versie.pk}", str(reading.versie.pk), reading)
    return Source(f"plan:{reading.plan.pk}", "|".join(map(str, reading.key)), reading)


def refresh(sources: list[Source]) -> None:
    """Rebuild every source whose rows are missing or were built from another key.

    One query (the markers, with the actors' current fingerprint) when all are fresh."""
    markers = SearchEntry.objects.markers(s.name for s in sources).annotate(
        actors=RawSQL(_actors_key_sql(), ())
    ).values_list("source", "key", "actors")
    stored: dict[str, str] = {}
    actors_key = None
    for name, key, actors in markers:
        stored[name] = key
        actors_key = actors
    for source in sources:
        if source.name == ACTORS:
            source.key = actors_key
        if source.key is None or stored.get(source.name) != source.key:
            build(source)


def build(source: Source) -> None:
    """Replace the rows of ``source``, all or nothing.

    Queries: the source's document (none when this process has it, see ``reading``) or
    the actors (two), then a delete, one insert (SQLite: one per 70 rows) and, on
    PostgreSQL, one update of the vectors; for a version one more delete (the rows of the
    plan's older versions, which no one searches any more). Savepoint or transaction
    around them.

    When another worker builds the same source at the same moment, the second insert
    fails on the marker's unique constraint; that worker then searches the first one's
    rows."""
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    try:
        with transaction.atomic():
            if source.reading is None:
                rows = _actor_rows(source)
            else:
                rows = _plan_rows(source)
            with connection.cursor() as cursor:
                # Raw: SearchEntry.objects.delete() would fetch the rows first (the
                # project's global delete signals), a cost that grows with the plan.
                cursor.execute(f"DELETE FROM {table} WHERE source = %s", [source.name])
                versie = source.reading.versie if source.reading else None
                if versie is not None:
                    older = Planversie.objects.filter(
                        plan_id=versie.plan_id, nummer__lt=versie.nummer
                    ).order_by().values("pk")
                    sql, params = older.query.sql_with_params()
                    cursor.execute(
                        f"DELETE FROM {table} WHERE plan_id = %s AND versie_id IN ({sql})",
                        [versie.plan_id, *params],
                    )
            SearchEntry.objects.bulk_create(rows)
            if connection.vendor == "postgresql" and len(rows) > 1:
                # One UPDATE from the stored texts: cheaper than a vector expression per
                # row in the INSERT, whose building costs more than the update.
                SearchEntry.objects.filter(source=source.name).exclude(
                    kind=SearchEntry.SOURCE
                ).update(vector=_VECTOR)
    except IntegrityError:
        logger.info("Search index: %s was built by another worker meanwhile", source.name)


def index_version(versie_id: int) -> None:
    """Build the index of a published version (``services.publish_version``, after
    commit). A few queries: the version with its plan, its document, the build."""
    versie = Planversie.objects.select_related("plan").defer("document").get(pk=versie_id)
    build(_source(Reading(plan=versie.plan, versie=versie, insider=False)))


def _marker(source: Source, **extra) -> SearchEntry:
    return SearchEntry(source=source.name, key=source.key or "", kind=SearchEntry.SOURCE, **extra)


def _plan_rows(source: Source) -> list[SearchEntry]:
    """The marker, then the goals and actions of the reading's plan document in plan
    order (an SD, its actions, its ODs each with their actions)."""
    reading = source.reading
    where = {"plan_id": reading.plan.pk, "versie_id": reading.versie.pk if reading.versie else None}
    rows = [_marker(source, **where)]

    def add(**values):
        rows.append(SearchEntry(source=source.name, key=source.key, order=len(rows),
                                **where, **values))

    def walk(goals):
        for goal in goals:
            add(kind=GOAL, object_id=goal.id, code=goal.code, text1=_clean(goal.formulering),
                text2=_clean(goal.tagline), text3=_clean(goal.toelichting))
            for action in goal.acties:
                add(kind=ACTION, object_id=action.id, code=goal.code, number=action.number,
                    text1=_clean(action.omschrijving), text2=_clean(action.regierol),
                    text3=_clean(action.actorrol))
            walk(goal.children)

    walk(reading.document.sds)
    return rows


def _actor_rows(source: Source) -> list[SearchEntry]:
    """The marker with the registry's fingerprint (read again here, inside the build's
    transaction, before the rows), then every actor and every municipality by name. Three
    queries."""
    source.key = _actors_key()
    rows = [_marker(source)]
    from actoren.models import Actor, Gemeente

    actors = Actor.objects.order_by("naam").values_list(
        "pk", "naam", "aliassen", "beschrijving", "actief"
    )
    for pk, naam, aliassen, beschrijving, actief in actors:
        rows.append(SearchEntry(
            source=source.name, key=source.key, order=len(rows), kind=ACTOR, object_id=pk,
            text1=_clean(naam), text2=_clean(aliassen), text3=_clean(beschrijving),
            active=actief,
        ))
    gemeenten = Gemeente.objects.order_by("naam").values_list("pk", "naam", "nis_code",
                                                                "opgegaan_in__naam")
    for pk, naam, nis, opgegaan_in in gemeenten:
        rows.append(SearchEntry(
            source=source.name, key=source.key, order=len(rows), kind=GEMEENTE, object_id=pk,
            text1=_clean(naam), text2=_clean(nis), text3=_clean(opgegaan_in), active=True,
        ))
    return rows


def _actors_key() -> str:
    """What the actors' rows depend on (``_actors_key_sql``). One query."""
    with connection.cursor() as cursor:
        cursor.execute(_actors_key_sql())
        return cursor.fetchone()[0]


@cache
def _actors_key_sql() -> str:
    """The registry's state: the actors' and the municipalities' number, highest id and
    newest audit record (every save and delete through the ORM writes one), as
    "n:id:history:n:id:history". Count and index lookups; SQL (the same on SQLite and
    PostgreSQL) rather than ORM subqueries, whose building cost more than running them on
    every search."""
    from actoren.models import Actor, Gemeente

    name = connection.ops.quote_name

    def state(model) -> str:
        table, history = model._meta, model.history.model._meta
        return (
            f"(SELECT COUNT(*) || ':' || COALESCE(MAX({name(table.pk.column)}), 0) "
            f"FROM {name(table.db_table)}) || ':' || "
            f"(SELECT COALESCE(MAX({name(history.pk.column)}), 0) "
            f"FROM {name(history.db_table)})"
        )

    return f"SELECT {state(Actor)} || ':' || {state(Gemeente)}"


def _weighted(weights: tuple[str, str, str]) -> SearchVector:
    return (SearchVector("text1", weight=weights[0], config=CONFIG)
            + SearchVector("text2", weight=weights[1], config=CONFIG)
            + SearchVector("text3", weight=weights[2], config=CONFIG))


# The vector of a row, its texts weighted as their fields (FIELD_WEIGHTS).
_VECTOR = Case(
    *(When(kind=kind, then=_weighted(tuple(FIELD_WEIGHTS[f] for f in names)))
      for kind, names in FIELDS.items()),
)


# --- Results --------------------------------------------------------------------------------

_ROW = ("kind", "object_id", "plan_id", "code", "number", "text1", "active")


def _entry(row: dict, titles: dict[int, str]) -> Entry:
    """An index row as a result's entry: title, link and context made here, in the
    reader's language. No query."""
    kind, pk = row["kind"], row["object_id"]
    texts = [row.get(f"text{i}", "") for i in (1, 2, 3)]
    fields = list(zip(FIELDS[kind], texts, strict=True))
    if kind == GOAL:
        return Entry(
            kind=kind, pk=pk, title=f"{row['code']} {texts[0]}",
            url=reverse("plan:doelstelling", args=[row["plan_id"], pk]),
            context=titles.get(row["plan_id"], ""), fields=fields,
        )
    if kind == ACTION:
        return Entry(
            kind=kind, pk=pk,
            title=_("%(goal)s action %(number)s") % {"goal": row["code"], "number": row["number"]},
            url=reverse("plan:actie", args=[pk]),
            context=titles.get(row["plan_id"], ""), fields=fields, summary=texts[0],
        )
    if kind == GEMEENTE:
        # PostgreSQL's rows carry the third text only as its headline (marks removed).
        merged = texts[2] or (row.get("h3") or "").replace(_OPEN, "").replace(_CLOSE, "")
        return Entry(
            kind=kind, pk=pk, title=texts[0], url=reverse("actoren:gemeente", args=[pk]),
            context=_("merged into %(naam)s") % {"naam": merged} if merged else "",
            fields=fields,
        )
    return Entry(
        kind=kind, pk=pk, title=texts[0], url=reverse("actoren:actor", args=[pk]),
        context="" if row["active"] else _("not active"), fields=fields,
    )


# --- Matching on PostgreSQL ----------------------------------------------------------------

# The part of a text around its best match (up to 30 words; most texts are shorter).
# Fragments (MaxFragments) would cost half as much again per text.
_HEADLINE = {
    "config": CONFIG, "start_sel": _OPEN, "stop_sel": _CLOSE, "max_words": 30,
    "min_words": 12, "short_word": 2,
}


def _search_postgresql(rows, query: str, titles: dict[int, str]) -> tuple[list[Result], bool]:
    """One query: the rows whose vector matches, best first, the matches marked in each
    text (PostgreSQL computes the headlines of the rows returned only)."""
    match = SearchQuery(query, search_type="websearch", config=CONFIG)
    found = list(
        rows.filter(vector=match)
        .annotate(
            rank=SearchRank(F("vector"), match),
            h1=SearchHeadline("text1", match, **_HEADLINE),
            h2=SearchHeadline("text2", match, **_HEADLINE),
            h3=SearchHeadline("text3", match, **_HEADLINE),
        )
        .order_by("-rank", "position", "order")
        .values(*_ROW, "rank", "h1", "h2", "h3")[: MAX_RESULTS + 1]
    )
    results = []
    for row in found[:MAX_RESULTS]:
        entry = _entry(row, titles)
        snippets = [
            Snippet(name, _marked(headline))
            for name, headline in zip(FIELDS[row["kind"]], (row["h1"], row["h2"], row["h3"]),
                                      strict=True)
            if headline and _OPEN in headline
        ]
        results.append(Result(entry, float(row["rank"]), snippets))
    return results, len(found) > MAX_RESULTS


def _marked(text: str) -> SafeString:
    """Plain text with _OPEN/_CLOSE marks as escaped HTML with <mark> elements."""
    return mark_safe(escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def _clean(text: str | None) -> str:
    """A text as indexed: never None, without the characters that mark matches."""
    return (text or "").replace(_OPEN, "").replace(_CLOSE, "")


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
    """Every folded word of ``query`` in some text of the entry; ranked by weighted
    occurrences, then in the entries' order. No query."""
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
