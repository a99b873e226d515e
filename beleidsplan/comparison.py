"""Comparing two states of a plan: the ``cultuurregio-vergelijking/1`` document
(docs/open-data.md).

Both sides are ``cultuurregio-plan/1`` documents (a published version's stored text, or
the working state built now), so a comparison of published versions never changes. A goal
or action is matched by its ``id`` (its identity through rewording, renumbering and moving);
what ids alone cannot tell (merges, splits, conversions) comes from the proposals accepted
between the two sides, which recorded the ids they removed and created (``effect``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from acties.models import Actie, Indicator

from . import charts
from .export import build_plan_document
from .models import Beleidsplan, Doelstelling, Planversie, Wijzigingsvoorstel

SCHEMA = "cultuurregio-vergelijking/1"
WERK = "werk"

S = Wijzigingsvoorstel.Soort


class SideNotFound(LookupError):
    def __init__(self, side):
        super().__init__(side)
        self.side = side


@dataclass
class Side:
    """One side of a comparison: a published version or the working state."""

    label: int | str  # the version number, or "werk"
    document: dict
    versie: Planversie | None = None


@dataclass
class _Node:
    id: int
    soort: str
    code: str | None
    formulering: str
    ouder_id: int | None
    ouder: str | None
    extra: dict = field(default_factory=dict)


def load_side(plan: Beleidsplan, label: str | int, *, working: dict | None = None) -> Side:
    """A version by number, or ``"werk"`` for the working state. One query for a version;
    the working state is ``working`` (a page's reading has it) or costs what
    ``build_plan_document`` costs. Raises SideNotFound."""
    if str(label) == WERK:
        return Side(WERK, working if working is not None else build_plan_document(plan))
    try:
        nummer = int(label)
    except (TypeError, ValueError):
        raise SideNotFound(label) from None
    versie = plan.versies.filter(nummer=nummer).first()
    if versie is None:
        raise SideNotFound(label)
    return Side(nummer, versie.data(), versie)


def ordered(plan: Beleidsplan, a: Side, b: Side) -> tuple[Side, Side]:
    """Older side first: the working state is the newest of all."""

    def key(side: Side):
        return (1, 0) if side.label == WERK else (0, side.label)

    return (a, b) if key(a) <= key(b) else (b, a)


def _flatten(document: dict) -> tuple[dict[int, _Node], dict[int, _Node]]:
    goals: dict[int, _Node] = {}
    actions: dict[int, _Node] = {}

    def walk(items, parent):
        for item in items:
            goals[item["id"]] = _Node(
                id=item["id"],
                soort=item["soort"],
                code=item["code"],
                formulering=item["formulering"],
                ouder_id=parent["id"] if parent else None,
                ouder=parent["code"] if parent else None,
                # Cross-cutting or not is shown on the page, but is no change of wording.
                extra={"tagline": item.get("tagline")},
            )
            for actie in item.get("acties", []):
                actions[actie["id"]] = _Node(
                    id=actie["id"],
                    soort="actie",
                    code=None,
                    formulering=actie["omschrijving"],
                    ouder_id=item["id"],
                    ouder=item["code"],
                    extra={"regierol": actie.get("regierol"), "actorrol": actie.get("actorrol")},
                )
            walk(item.get("doelstellingen", []), item)

    walk(document.get("doelstellingen", []), None)
    return goals, actions


def word_diff(old: str | None, new: str | None) -> list[list[str]]:
    """Word-level diff in reading order: ``[["=", "kept"], ["-", "removed"], ["+", "added"]]``.
    Whitespace is normalised to single spaces."""
    a = re.findall(r"\S+", old or "")
    b = re.findall(r"\S+", new or "")
    result: list[list[str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            result.append(["=", " ".join(a[i1:i2])])
        else:
            if i2 > i1:
                result.append(["-", " ".join(a[i1:i2])])
            if j2 > j1:
                result.append(["+", " ".join(b[j1:j2])])
    return result


def _relations(plan: Beleidsplan, old: Side, new: Side) -> dict[str, Any]:
    """What accepted proposals between the two sides did, by id. One query."""
    start = old.versie.gepubliceerd_op if old.versie else None
    end = new.versie.gepubliceerd_op if new.versie else None
    proposals = Wijzigingsvoorstel.objects.filter(
        herziening__plan=plan,
        status=Wijzigingsvoorstel.Status.AANVAARD,
    ).exclude(effect={})
    if start is not None:
        proposals = proposals.filter(beslist_op__gt=start)
    if end is not None:
        proposals = proposals.filter(beslist_op__lte=end)
    if old.label == WERK:
        proposals = proposals.none()
    goal_kinds: dict[int, set[str]] = {}
    goal_related: dict[int, list[int]] = {}
    action_kinds: dict[int, set[str]] = {}
    action_related: dict[int, list[int]] = {}

    def mark(kinds, related, key, kind, others):
        kinds.setdefault(key, set()).add(kind)
        for other in others:
            if other not in related.setdefault(key, []):
                related[key].append(other)

    for voorstel in proposals.order_by("beslist_op", "pk"):
        effect = voorstel.effect
        removed = effect.get("geschrapt", [])
        created = effect.get("nieuw", [])
        if voorstel.soort == S.SAMENVOEGEN:
            kept = effect.get("behouden")
            for goal_id in removed:
                mark(goal_kinds, goal_related, goal_id, "samengevoegd", [kept])
            mark(goal_kinds, goal_related, kept, "samengevoegd", removed)
        elif voorstel.soort == S.SPLITSEN:
            for goal_id in removed:
                mark(goal_kinds, goal_related, goal_id, "gesplitst", created)
            for goal_id in created:
                mark(goal_kinds, goal_related, goal_id, "gesplitst", removed)
        elif voorstel.soort == S.OD_NAAR_ACTIE:
            new_actions = effect.get("acties", [])
            for goal_id in removed:
                mark(goal_kinds, goal_related, goal_id, "omgezet_naar_actie", new_actions)
            for actie_id in new_actions:
                mark(action_kinds, action_related, actie_id, "omgezet_naar_actie", removed)
        elif voorstel.soort == S.ACTIE_NAAR_OD:
            old_actions = effect.get("geschrapte_acties", [])
            for goal_id in created:
                mark(goal_kinds, goal_related, goal_id, "omgezet_naar_doelstelling", old_actions)
            for actie_id in old_actions:
                mark(action_kinds, action_related, actie_id, "omgezet_naar_doelstelling", created)
    return {
        "goal_kinds": goal_kinds,
        "goal_related": goal_related,
        "action_kinds": action_kinds,
        "action_related": action_related,
    }


def _side(node: _Node | None) -> dict | None:
    if node is None:
        return None
    return {"code": node.code, "formulering": node.formulering, "ouder": node.ouder}


def _entries(old_nodes, new_nodes, kinds, related, *, with_code: bool) -> list[dict]:
    entries = []
    ids = list(old_nodes) + [i for i in new_nodes if i not in old_nodes]
    for node_id in ids:
        before, after = old_nodes.get(node_id), new_nodes.get(node_id)
        changes: list[str] = []
        if before is None:
            changes.extend(sorted(kinds.get(node_id, ())) or ["nieuw"])
        elif after is None:
            changes.extend(sorted(kinds.get(node_id, ())) or ["geschrapt"])
        else:
            if before.formulering != after.formulering or before.extra != after.extra:
                changes.append("geherformuleerd")
            if before.ouder_id != after.ouder_id:
                changes.append("verplaatst")
            elif with_code and before.code != after.code:
                changes.append("hernummerd")
            changes.extend(k for k in sorted(kinds.get(node_id, ())) if k not in changes)
        if not changes:
            continue
        soort = (after or before).soort
        entry = {"id": node_id}
        if with_code:
            entry["soort"] = soort
        entry.update(
            {
                "wijzigingen": changes,
                "van": _side(before),
                "naar": _side(after),
                "diff": word_diff(
                    before.formulering if before else None, after.formulering if after else None
                ),
                "verwant": related.get(node_id, []),
            }
        )
        entries.append(entry)
    return entries


# --- Indicators --------------------------------------------------------------------------

#: What the plan says of an indicator; its values (``metingen``) are progress, not plan, and
#: whether it shows on the home page is presentation.
INDICATOR_FIELDS = ("naam", "eenheid", "basis", "doel", "richting", "cumulatief")


def _indicators(document: dict) -> dict[int, dict]:
    """Every indicator of a document by id: what the plan says of it, and what it measures
    (the OD's id, or the action's id with its OD's code). Versions published before
    indicators existed have none."""
    found: dict[int, dict] = {}

    def side(raw: dict, goal: dict, actie: dict | None) -> dict:
        return {
            **{name: raw.get(name) for name in INDICATOR_FIELDS},
            "doelstelling": None if actie else goal["id"],
            "actie": actie["id"] if actie else None,
            "code": goal["code"],
        }

    def walk(items):
        for item in items:
            for raw in item.get("indicatoren", ()):
                found[raw["id"]] = side(raw, item, None)
            for actie in item.get("acties", ()):
                for raw in actie.get("indicatoren", ()):
                    found[raw["id"]] = side(raw, item, actie)
            walk(item.get("doelstellingen", ()))

    walk(document.get("doelstellingen", []))
    return found


def _indicator_entries(old: dict[int, dict], new: dict[int, dict]) -> list[dict]:
    """One entry per indicator that is new, gone, changed (``gewijzigd``: what the plan
    says of it) or moved to another goal or action (``verplaatst``)."""
    entries = []
    for indicator_id in list(old) + [i for i in new if i not in old]:
        before, after = old.get(indicator_id), new.get(indicator_id)
        if before is None:
            changes = ["nieuw"]
        elif after is None:
            changes = ["geschrapt"]
        else:
            changes = []
            if any(before[name] != after[name] for name in INDICATOR_FIELDS):
                changes.append("gewijzigd")
            if (before["doelstelling"], before["actie"]) != (after["doelstelling"], after["actie"]):
                changes.append("verplaatst")
        if changes:
            entries.append(
                {"id": indicator_id, "wijzigingen": changes, "van": before, "naar": after}
            )
    return entries


def is_equal(doc: dict) -> bool:
    """Whether a comparison found no difference at all."""
    return not any(doc.get(key) for key in ("doelstellingen", "acties", "indicatoren"))


def compare(plan: Beleidsplan, a: Side, b: Side) -> dict[str, Any]:
    """The ``cultuurregio-vergelijking/1`` document from the older side to the newer one.

    Entries: every goal or action that exists on either side and differs, in the order of
    the old plan, then the new ones in the order of the new plan; likewise every indicator
    whose definition or place differs. One query (the accepted proposals) besides loading
    the sides.
    """
    old, new = ordered(plan, a, b)
    old_goals, old_actions = _flatten(old.document)
    new_goals, new_actions = _flatten(new.document)
    rel = _relations(plan, old, new)
    return {
        "schema": SCHEMA,
        "van": old.label,
        "naar": new.label,
        "doelstellingen": _entries(
            old_goals, new_goals, rel["goal_kinds"], rel["goal_related"], with_code=True
        ),
        "acties": _entries(
            old_actions,
            new_actions,
            rel["action_kinds"],
            rel["action_related"],
            with_code=False,
        ),
        "indicatoren": _indicator_entries(
            _indicators(old.document), _indicators(new.document)
        ),
    }


# --- Across plans --------------------------------------------------------------------------


def continued_ids(plan: Beleidsplan) -> tuple[dict[int, int], dict[int, int]]:
    """The goals and actions of ``plan`` that continue one of the plan before it, as
    {own id: the continued id}, goals and actions, read from their audit trail so that a
    copy merged away or split since still names what it continued (two queries). When
    several copies continue one original, the first keeps its identity: the others are
    new goals of the plan."""

    def first_of_each(rows) -> dict[int, int]:
        taken: set[int] = set()
        mapping = {}
        for own, continued in rows:
            if own not in mapping and continued not in taken:
                taken.add(continued)
                mapping[own] = continued
        return mapping

    if plan.vorig_plan_id is None:
        return {}, {}
    goals = first_of_each(
        Doelstelling.history.filter(plan_id=plan.pk, voortzetting_van__plan=plan.vorig_plan_id)
        .order_by("id", "history_id").values_list("id", "voortzetting_van_id")
    )
    actions = first_of_each(
        Actie.history.filter(voortzetting_van__doelstelling__plan=plan.vorig_plan_id)
        .order_by("id", "history_id").values_list("id", "voortzetting_van_id")
    )
    return goals, actions


def as_continued(document: dict, goals: dict[int, int], actions: dict[int, int]) -> dict:
    """A copy of a ``cultuurregio-plan/1`` document of a next plan in which every goal and
    action that continues one of the plan before it carries that one's id: then comparing
    it with a document of the plan before is comparing by identity, as within one plan.
    No query."""

    def goal(item: dict) -> dict:
        return {
            **item,
            "id": goals.get(item["id"], item["id"]),
            "doelstellingen": [goal(child) for child in item.get("doelstellingen", [])],
            "acties": [
                {**actie, "id": actions.get(actie["id"], actie["id"])}
                for actie in item.get("acties", [])
            ],
        }

    return {**document, "doelstellingen": [goal(item) for item in document["doelstellingen"]]}


def compare_plans(old: Side, new: Side, *, old_plan: Beleidsplan, new_plan: Beleidsplan,
                  goals: dict[int, int], actions: dict[int, int]) -> dict[str, Any]:
    """The ``cultuurregio-vergelijking/1`` document from a version of a plan to a version
    (or the working state) of the plan that succeeds it, matched through the "continues"
    links: ``new`` must already be ``as_continued`` with ``goals`` and ``actions``
    (``continued_ids``). Reworded, renumbered, moved, new and removed as within a plan;
    merged, split and converted from the new plan's accepted proposals, their ids read as
    the originals they continue. Adds ``van_plan`` and ``naar_plan`` (the plans' ids) to
    the format. One query (the proposals)."""
    old_goals, old_actions = _flatten(old.document)
    new_goals, new_actions = _flatten(new.document)
    rel = _relations(new_plan, Side(0, {}), new)

    def by_original(kinds, related, mapping):
        def one(node_id):
            return mapping.get(node_id, node_id)

        return (
            {one(key): value for key, value in kinds.items()},
            {one(key): [one(other) for other in value] for key, value in related.items()},
        )

    goal_kinds, goal_related = by_original(rel["goal_kinds"], rel["goal_related"], goals)
    action_kinds, action_related = by_original(
        rel["action_kinds"], rel["action_related"], actions
    )
    return {
        "schema": SCHEMA,
        "van": old.label,
        "naar": new.label,
        "van_plan": old_plan.pk,
        "naar_plan": new_plan.pk,
        "doelstellingen": _entries(old_goals, new_goals, goal_kinds, goal_related,
                                   with_code=True),
        "acties": _entries(old_actions, new_actions, action_kinds, action_related,
                           with_code=False),
    }


_CHANGE_LABELS = {
    "nieuw": gettext_lazy("new"),
    "geschrapt": gettext_lazy("removed"),
    "geherformuleerd": gettext_lazy("reworded"),
    "hernummerd": gettext_lazy("renumbered"),
    "verplaatst": gettext_lazy("moved"),
    "samengevoegd": gettext_lazy("merged"),
    "gesplitst": pgettext_lazy("kind of change", "split"),
    "omgezet_naar_actie": gettext_lazy("turned into an action"),
    "omgezet_naar_doelstelling": gettext_lazy("turned into a goal"),
    "gewijzigd": gettext_lazy("changed"),
}


def change_label(kind: str) -> str:
    return str(_CHANGE_LABELS.get(kind, kind))


def side_label(label) -> str:
    return gettext("working state") if label == WERK else gettext("version %(n)s") % {"n": label}


def summary_lines(doc: dict) -> list[str]:
    """A readable Dutch summary of a comparison document, one line per goal or action."""
    lines = [
        gettext("Comparison of %(van)s with %(naar)s")
        % {"van": side_label(doc["van"]), "naar": side_label(doc["naar"])}
    ]
    if is_equal(doc):
        lines.append(gettext("No differences."))
        return lines
    if doc["doelstellingen"]:
        lines.append("")
        lines.append(gettext("Goals:"))
        for entry in doc["doelstellingen"]:
            lines.append(_summary_line(entry))
    if doc["acties"]:
        lines.append("")
        lines.append(gettext("Actions:"))
        for entry in doc["acties"]:
            lines.append(_summary_line(entry))
    if doc.get("indicatoren"):
        lines.append("")
        lines.append(gettext("Indicators:"))
        for entry in doc["indicatoren"]:
            row = indicator_row(entry)
            changes = "; ".join(f"{what} {old} → {new}" for what, old, new in row["changes"])
            lines.append(
                f"- [{entry['id']}] {row['where']}: {', '.join(row['labels'])}\n    "
                f"{row['naam']}" + (f" ({changes})" if changes else "")
            )
    return lines


def _indicator_value(name: str, value) -> str:
    """A value of an indicator's definition as a reader reads it."""
    if name in ("basis", "doel"):
        # A value and its year; a base that was never set is both null.
        if not value or value.get("waarde") is None:
            return "–"
        return f"{charts.fmt(value['waarde'])} ({value['jaar']})"
    if value is None:
        return "–"
    if name == "richting":
        return str(Indicator.Richting(value).label)
    if name == "cumulatief":
        return gettext("yes") if value else gettext("no")
    return str(value)


#: The indicator's model field each part of the document is named after (its label).
_INDICATOR_FIELD = {"basis": "basiswaarde", "doel": "streefwaarde"}


def _indicator_label(name: str) -> str:
    return str(Indicator._meta.get_field(_INDICATOR_FIELD.get(name, name)).verbose_name)


def indicator_row(entry: dict, *, actions: dict[int, _Node] | None = None) -> dict:
    """An indicator's entry as the page and the summary show it: its name, where it
    stands (the goal's code, or the action's goal and text when ``actions`` are given),
    its changes, and (what, before, after) per value that changed. No query."""
    before, after = entry["van"], entry["naar"]

    def where(side: dict | None) -> str:
        if side is None:
            return ""
        node = (actions or {}).get(side["actie"]) if side["actie"] else None
        if node is not None:
            return gettext('action under %(code)s: "%(text)s"') % {
                "code": side["code"], "text": _truncate(node.formulering, 60),
            }
        return side["code"] or ""

    place = where(after or before)
    if before and after and "verplaatst" in entry["wijzigingen"]:
        place = f"{where(before)} → {where(after)}"
    changes = [
        (_indicator_label(name), _indicator_value(name, before[name]),
         _indicator_value(name, after[name]))
        for name in INDICATOR_FIELDS
        if before and after and before[name] != after[name]
    ]
    return {
        "id": entry["id"],
        "naam": (after or before)["naam"],
        "where": place,
        "labels": [change_label(kind) for kind in entry["wijzigingen"]],
        "changes": changes,
        "doel": _indicator_value("doel", (after or before)["doel"]),
        "eenheid": (after or before)["eenheid"],
    }


def _summary_line(entry: dict) -> str:
    kinds = ", ".join(change_label(k) for k in entry["wijzigingen"])
    before, after = entry["van"], entry["naar"]

    def where(side):
        return side["code"] or side["ouder"] or ""

    if before and after:
        # An action can move between two goals with the same code (its OD was turned into
        # an action and its actions went to the OD that now has that code).
        moved = where(before) != where(after) or "verplaatst" in entry["wijzigingen"]
        place = f"{where(before)} → {where(after)}" if moved else where(after)
    else:
        place = where(before or after)
    text = (after or before)["formulering"]
    short = _truncate(text, 90)
    related = entry["verwant"]
    tail = (
        (" (" + gettext("related: %(ids)s") % {"ids": ", ".join(map(str, related))} + ")")
        if related
        else ""
    )
    return f"- [{entry['id']}] {place}: {kinds}{tail}\n    {short}"


def side_by_side(old: Side, new: Side, doc: dict) -> dict[str, Any]:
    """Rows for the side-by-side page: per SD of the new side, its old state left and new
    state right, then its ODs the same way. An OD that moved shows twice: at its new place,
    and at its old place as a row that points there ("verhuisd"). Goals that are gone
    (removed, merged, split, turned into an action) come last. No queries."""
    changes = {e["id"]: e for e in doc["doelstellingen"]}
    old_goals, old_actions = _flatten(old.document)
    new_goals, new_actions = _flatten(new.document)

    def describe(other_id):
        """A related goal by its code (new side first), or an action by its text."""
        goal = new_goals.get(other_id) or old_goals.get(other_id)
        if goal is not None:
            return goal.code
        actie = new_actions.get(other_id) or old_actions.get(other_id)
        if actie is not None:
            text = actie.formulering
            return gettext('action under %(code)s: "%(text)s"') % {
                "code": actie.ouder,
                "text": _truncate(text, 60),
            }
        return str(other_id)

    def row(goal_id, *, moved_away=False):
        entry = changes.get(goal_id)
        before, after = old_goals.get(goal_id), new_goals.get(goal_id)
        return {
            "id": goal_id,
            "van": before,
            "naar": None if moved_away else after,
            "moved_to": after if moved_away else None,
            "wijzigingen": [change_label(k) for k in entry["wijzigingen"]] if entry else [],
            "diff": entry["diff"] if entry and before and after and not moved_away else None,
            "verwant": [describe(i) for i in entry["verwant"]] if entry else [],
            "moved_in": bool(before and after and before.ouder_id != after.ouder_id),
        }

    def place(node: _Node | None) -> str:
        """Where an action stands: its goal's code and the start of its wording, so that
        a move between two goals that share a code (reused codes) still reads as one."""
        if node is None:
            return ""
        goal = (new_goals if node is new_actions.get(node.id) else old_goals).get(node.ouder_id)
        if goal is None:
            return node.ouder or ""
        return f"{goal.code} {_short(goal.formulering, 50)}"

    actions = []
    for entry in doc["acties"]:
        before, after = old_actions.get(entry["id"]), new_actions.get(entry["id"])
        actions.append({
            **entry,
            "labels": [change_label(k) for k in entry["wijzigingen"]],
            "moved": "verplaatst" in entry["wijzigingen"],
            "van_plaats": place(before),
            "naar_plaats": place(after),
        })

    sections = []
    for sd in new.document.get("doelstellingen", []):
        rows = [row(od["id"]) for od in sd.get("doelstellingen", [])]
        # ODs that lay under this SD on the old side and now lie elsewhere.
        for goal in old_goals.values():
            if (
                goal.ouder_id == sd["id"]
                and goal.id in new_goals
                and (new_goals[goal.id].ouder_id != sd["id"])
            ):
                rows.append(row(goal.id, moved_away=True))
        sd_row = row(sd["id"])
        for od_row in rows:
            # SD4 became SD3, so its SD4-OD2 is SD3-OD2: the parent's renumbering, told
            # once on the SD's row, not as a change of each of its ODs.
            od_row["follows_parent"] = (
                od_row["wijzigingen"] == [change_label("hernummerd")]
                and change_label("hernummerd") in sd_row["wijzigingen"]
                and _own_number(od_row["van"]) == _own_number(od_row["naar"])
            )
        sd_row["children_renumbered"] = any(r.get("follows_parent") for r in rows)
        for each in (sd_row, *rows):
            each["changed"] = changed(each)
        sections.append({
            "sd": sd_row, "rows": rows,
            "changed": sd_row["changed"] or any(r["changed"] for r in rows),
        })
    gone = []
    for goal_id in old_goals:
        if goal_id in new_goals:
            continue
        gone.append(row(goal_id))
        # ODs of a goal that is gone (an SD merged away) moved elsewhere: show their old
        # place here, or their new place's "was" link would lead nowhere.
        gone.extend(
            row(goal.id, moved_away=True)
            for goal in old_goals.values()
            if goal.ouder_id == goal_id and goal.id in new_goals
        )
    for each in gone:
        each["changed"] = changed(each)
    indicators = [
        indicator_row(entry, actions={**old_actions, **new_actions})
        for entry in doc.get("indicatoren", [])
    ]
    summary = _summary(sections, gone, actions, indicators)
    return {
        "sections": sections, "gone": gone, "actions": actions, "indicators": indicators,
        "summary": summary,
    }


def _own_number(node: _Node | None) -> str | None:
    """An OD's own number within its SD ("OD2" of "SD4-OD2")."""
    return node.code.rsplit("-", 1)[-1] if node is not None and node.code else None


def _truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, "…" marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(text: str, limit: int) -> str:
    return f"«{_truncate(text, limit)}»"


def changed(row: dict) -> bool:
    """Whether a row of the side-by-side table shows a change of its own."""
    return bool(row["wijzigingen"] or row["moved_to"]) and not row.get("follows_parent")


def _summary(sections: list[dict], gone: list[dict], actions: list[dict],
             indicators: list[dict]) -> list[dict]:
    """Per kind of change, the goals and actions it concerns, each with the anchor of its
    row on the page: what a reader scans first."""
    kinds: dict[str, dict] = {}

    def add(kind: str, text: str, anchor: str) -> None:
        kinds.setdefault(kind, {"label": kind, "items": []})["items"].append(
            {"text": text, "anchor": anchor}
        )

    goal_rows = [s["sd"] for s in sections] + [r for s in sections for r in s["rows"]] + gone
    for goal in goal_rows:
        if goal["moved_to"] or not changed(goal):
            continue  # a moved goal's old place points to its new row, counted there
        node = goal["naar"] or goal["van"]
        for label in goal["wijzigingen"]:
            add(label, node.code, f"g-{goal['id']}")
    for action in actions:
        for label in action["labels"]:
            add(label, _short((action["naar"] or action["van"])["formulering"], 40),
                f"a-{action['id']}")
    for indicator in indicators:
        # One group: the page's section on indicators says per indicator what changed.
        add(gettext("indicators"), _short(indicator["naam"], 40), f"i-{indicator['id']}")
    return [{**kind, "count": len(kind["items"])} for kind in kinds.values()]
