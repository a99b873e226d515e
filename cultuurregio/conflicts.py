"""Optimistic concurrency: a save of a form opened before the record last changed is
refused, with what changed, instead of silently undoing the other person's work.

The version of a record is its audit trail (django-simple-history): the id of its latest
historical record, and for forms that also edit child rows (the admin's inlines), the
latest change of those rows. Every audited save makes a new historical record (accepting a
proposal saves its goal), so no version column and no migration is needed. A form carries
the version it was opened on in a hidden field (``TOKEN_FIELD``); the save locks the row
(``select_for_update``), reads the version again and compares.

On a conflict, the historical record the form was opened on is the common base of the two
edits, so each field is known as changed by the other person, by this person, or both:

- the conflict lists every field the other person changed: their value and this person's,
  side by side;
- the form is shown again with this person's changes kept and, in the fields they did not
  touch, the other person's values (so saving it again does not undo those), carrying the
  new version: saving it again applies this person's changes on the current record. The
  rows of the admin's inlines are merged the same way, row by row (``merge_rows``), each
  against its own historical record as of the form's opening.

Nothing here knows the apps' models: the admin (cultuurregio.admin.ConflictCheckMixin) and
the partner's report form (acties) use it.

What the version does not see: writes that bypass the audit trail (``QuerySet.update()``,
the code refresh, mptt's tree moves of other rows; none of these writes a field the forms
edit, except the ODs a merge moves, whose old SD is then gone, so their stale form fails
validation anyway) and many-to-many relations the audit trail does not keep
(``Actor.gebruikers``), which are also left out of the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext

TOKEN_FIELD = "_versie"
#: The version of a record that does not exist (yet): a form for a new record.
NEW = "0"


def history_model(model):
    """The historical model of ``model``, or None when it keeps no audit trail."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


@dataclass(frozen=True)
class Children:
    """Child rows a form edits too (an admin inline): their model and their foreign key
    to the parent. Their version is their latest change; additions by someone else do not
    count (a stale form cannot undo a row it never showed)."""

    model: type[models.Model]
    fk_name: str
    label: str = ""


def version_token(model, pk, children=()) -> str:
    """The version of the row ``pk`` of ``model`` (and of its ``children``): "0" when it
    has no history. One query, whatever the number of children."""
    history = history_model(model)
    if history is None or pk is None:
        return NEW
    annotations = {
        "v0": Subquery(
            history.objects.filter(**{model._meta.pk.attname: OuterRef("pk")})
            .order_by("-history_id")
            .values("history_id")[:1]
        )
    }
    for index, child in enumerate(children, start=1):
        rows = history_model(child.model).objects.filter(**{child.fk_name: OuterRef("pk")})
        # Compared: the latest change or removal of a child row.
        annotations[f"v{index}"] = Subquery(
            rows.exclude(history_type="+").order_by("-history_id").values("history_id")[:1]
        )
        # Not compared, but where each child row's base is found: the latest record.
        annotations[f"a{index}"] = Subquery(
            rows.order_by("-history_id").values("history_id")[:1]
        )
    row = (
        model._default_manager.filter(pk=pk)
        .annotate(**annotations)
        .values_list(*annotations)
        .first()
    )
    if row is None:
        return NEW
    values = dict(zip(annotations, (part or 0 for part in row), strict=True))
    token = ".".join(str(v) for k, v in values.items() if k.startswith("v"))
    if children:
        token += "~" + ".".join(str(v) for k, v in values.items() if k.startswith("a"))
    return token


def form_token(instance, children=()) -> str:
    """The version a form opening ``instance`` carries ("0" for None: a new record). A
    record without audit trail (loaded raw from fixtures) first gets one record of its
    current state, so that a conflict on it later has a base to compare with."""
    if instance is None or instance.pk is None:
        return NEW
    model = type(instance)
    token = version_token(model, instance.pk, children)
    if _parts(token)[:1] == [0] and history_model(model) is not None:
        _baseline(instance)
        token = version_token(model, instance.pk, children)
    return token


def _baseline(instance) -> None:
    model = type(instance)
    manager = getattr(model, model._meta.simple_history_manager_attribute)
    manager.bulk_history_create(
        [instance], update=True, default_change_reason=gettext("State before the first edit")
    )
    record = manager.filter(**{model._meta.pk.attname: instance.pk}).latest("history_id")
    # The many-to-many state too, as simple-history records it on a save.
    for m2m in getattr(record, "_history_m2m_fields", []):
        historical_through = getattr(record, m2m.name).model
        through = m2m.remote_field.through
        columns = [f.attname for f in through._meta.fields]
        historical_through.objects.bulk_create(
            historical_through(history=record, **dict(zip(columns, row, strict=True)))
            for row in through.objects.filter(**{m2m.m2m_field_name(): instance.pk})
            .values_list(*columns)
        )


class EditConflict(ValidationError):
    """Raised by a service that was given a version that is no longer the current one;
    nothing was saved. ``token``: the current version. A ValidationError, so that a caller
    that does not look for it still refuses with a Dutch message."""

    def __init__(self, token: str):
        super().__init__(
            gettext("Someone else changed this in the meantime. Nothing was saved."),
            code="conflict",
        )
        self.token = token


def lock(model, pk) -> None:
    """Lock the row until the end of the transaction (PostgreSQL; SQLite serialises
    writers anyway): a second save waits, then sees the first one's version."""
    list(model._default_manager.select_for_update().filter(pk=pk).values_list("pk"))


def _parts(token: str | None, section: int = 0) -> list[int]:
    """The compared parts of a token (``section`` 1: the child rows' base cut-offs)."""
    sections = (token or "").split("~")
    try:
        return [int(part) for part in sections[section].split(".")]
    except (IndexError, ValueError):
        return []


# --- Values ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as a form's initial data holds it: a row by its key, several rows as a
    sorted list of keys."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_plain(item) for item in value)
    return value


def _same(a: Any, b: Any) -> bool:
    def norm(value):
        value = _plain(value)
        if isinstance(value, list):
            return sorted(str(item) for item in value) or ""
        if value is None:
            return ""
        if isinstance(value, str):
            return value.replace("\r\n", "\n").strip()
        return str(value)

    return norm(a) == norm(b)


def record_values(instance, names) -> dict[str, Any]:
    """The values of ``names`` on a row, as a form's initial data holds them."""
    values = {}
    for name in names:
        try:
            model_field = instance._meta.get_field(name)
        except FieldDoesNotExist:  # a form field that is not a model field
            continue
        if model_field.many_to_many:
            values[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
        elif model_field.concrete:
            values[name] = getattr(instance, model_field.attname)
    return values


def historical_values(model, history_id: int, names) -> dict[str, Any] | None:
    """The values of ``names`` as the historical record ``history_id`` of ``model`` has
    them (many-to-many fields from the audit trail's own tables), or None if there is no
    such record."""
    history = history_model(model)
    record = history.objects.filter(history_id=history_id).first() if history else None
    if record is None:
        return None
    values = {}
    m2m = {f.name: f for f in getattr(record, "_history_m2m_fields", [])}
    for name in names:
        if name in m2m:
            through = getattr(record, name)
            target = m2m[name].m2m_reverse_field_name()
            values[name] = sorted(through.values_list(target, flat=True))
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.concrete and not model_field.many_to_many:
            values[name] = getattr(record, model_field.attname)
    return values


def display_value(form_field: forms.Field, value: Any) -> str:
    """A value as the person knows it: a goal by its code and wording, a choice by its
    label, yes or no."""
    value = _plain(value)
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    queryset = getattr(form_field, "queryset", None)
    if queryset is not None:
        keys = value if isinstance(value, list) else [value]
        rows = {str(row.pk): row for row in queryset.model._default_manager.filter(pk__in=keys)}
        label = getattr(form_field, "label_from_instance", str)
        return ", ".join(str(label(rows[str(k)])) if str(k) in rows else str(k) for k in keys)
    choices = getattr(form_field, "choices", None)
    if choices:
        labels = {str(key): label for key, label in choices}
        if isinstance(value, list):
            return ", ".join(str(labels.get(str(item), item)) for item in value)
        return str(labels.get(str(value), value))
    return str(value)


def _data_value(form_field: forms.Field, value: Any):
    """``value`` as the browser would post it for ``form_field``: a string, a list of
    strings, or None for an unticked checkbox."""
    value = _plain(value)
    widget = getattr(form_field.widget, "widget", form_field.widget)  # admin wrappers
    if isinstance(widget, forms.NullBooleanSelect):
        return {True: "true", False: "false"}.get(value, "unknown")
    if isinstance(widget, forms.CheckboxInput):
        return "on" if value else None
    if isinstance(value, list):
        return [str(item) for item in value]
    return "" if value is None else str(value)


# --- The conflict ----------------------------------------------------------------------------


@dataclass
class FieldChange:
    name: str
    label: str
    theirs: str
    yours: str
    #: This person changed the field too: their value stays in the form.
    you_changed: bool


@dataclass
class Conflict:
    """What changed since a form was opened, for the conflict notice."""

    token: str  # the current version: the form shown again carries it
    changes: list[FieldChange] = field(default_factory=list)
    by: Any = None  # the user of the latest change, if known
    at: Any = None  # its time
    #: Child rows (an inline table) changed by someone else: their labels and what changed.
    children: list[tuple[str, list[str]]] = field(default_factory=list)
    #: The version the form was opened on is unknown (no history then): every field that
    #: differs is listed, and the form keeps this person's values.
    no_base: bool = False


def _latest(model, pk):
    history = history_model(model)
    if history is None:
        return None
    return (
        history.objects.filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("-history_id")
        .first()
    )


def detect(
    *,
    form: forms.BaseForm,
    model,
    pk,
    posted: str | None,
    children=(),
    names=None,
) -> Conflict | None:
    """Compare the version ``posted`` with the current one of row ``pk``; call with the row
    locked. None when they agree (or nothing the form shows differs: a save that changed
    nothing, or only what the form does not edit). Otherwise a Conflict, and ``form`` is
    made ready to be shown again: this person's changes kept, the other person's changes
    in the fields this person did not touch, so that saving it again loses neither.

    ``posted`` None (a form without the field) is not checked. ``names``: the form fields
    to compare (default: all that are fields of the model). Fields the audit trail does
    not keep (a many-to-many relation outside ``m2m_fields``) cannot be compared and are
    left out.
    """
    if posted is None:
        return None
    token = version_token(model, pk, children)
    if posted == token:
        return None
    names = [name for name in (names or form.fields) if name != TOKEN_FIELD]
    current = record_values(model._default_manager.get(pk=pk), names)
    old, new = _parts(posted), _parts(token)
    if old == new:
        return None  # only rows added meanwhile: nothing this form showed was changed
    if posted == NEW:
        base = {}
        no_base = False
        names = [name for name in names if name in current]
    else:
        base = historical_values(model, old[0], names) if old else None
        no_base = base is None
        names = [name for name in names if name in current and (no_base or name in base)]
    conflict = Conflict(token=token, no_base=no_base)

    data = form.data.copy()
    for name in names:
        form_field = form.fields[name]
        bound = form[name]
        theirs = current[name]
        if no_base:
            changed_by_them = not _same(theirs, _posted_value(form, name))
            you_changed = True
        else:
            start = base.get(name, form_field.initial if posted == NEW else None)
            changed_by_them = not _same(start, theirs)
            you_changed = form_field.has_changed(start, bound.data)
        if not changed_by_them:
            continue
        conflict.changes.append(
            FieldChange(
                name=name,
                label=str(form_field.label or name),
                theirs=display_value(form_field, theirs),
                yours=display_value(form_field, _posted_value(form, name)),
                you_changed=you_changed,
            )
        )
        if not you_changed:
            _put(data, bound.html_name, form_field, theirs)

    for index, child in enumerate(children, start=1):
        before = old[index] if len(old) > index else 0
        now = new[index] if len(new) > index else 0
        if now != before:
            conflict.children.append((child.label, _child_changes(child, pk, before)))

    if not conflict.changes and not conflict.children:
        return None  # nothing the form shows was changed: not a conflict
    latest = _latest(model, pk)
    if latest is not None:
        conflict.by, conflict.at = latest.history_user, latest.history_date
    form.data = data
    return conflict


def _put(data, key: str, form_field: forms.Field, value) -> None:
    """Put ``value`` into the (mutable) posted ``data`` as the browser would send it."""
    value = _data_value(form_field, value)
    if value is None:
        data.pop(key, None)
    elif isinstance(value, list):
        data.setlist(key, value)
    else:
        data[key] = value


def merge_rows(data, *, prefix: str, form_class, model, posted: str, index: int) -> None:
    """The rows of an inline formset in the posted ``data`` (mutable), after a conflict:
    in each row the form showed, a field this person left as it was and someone else
    changed since takes the current value, so that saving the form again does not undo
    that change. ``index``: the child's place in the token (1 for the first)."""
    cutoffs = _parts(posted, 1)
    if len(cutoffs) < index:
        return
    cutoff = cutoffs[index - 1]
    history = history_model(model)
    pk_name = model._meta.pk.name
    names = [
        name for name, form_field in form_class.base_fields.items()
        if name not in (pk_name, "DELETE", "ORDER")
        and not isinstance(form_field, forms.models.InlineForeignKeyField)
    ]
    for i in range(int(data.get(f"{prefix}-INITIAL_FORMS") or 0)):
        row_prefix = f"{prefix}-{i}-"
        pk = data.get(row_prefix + pk_name)
        if not pk or not str(pk).isdigit():
            continue
        record = (
            history.objects.filter(**{model._meta.pk.attname: pk}, history_id__lte=cutoff)
            .order_by("-history_id")
            .first()
        )
        row = model._default_manager.filter(pk=pk).first()
        if record is None or row is None:
            continue
        base = historical_values(model, record.history_id, names)
        current = record_values(row, names)
        for name in names:
            if name not in base or name not in current or _same(base[name], current[name]):
                continue
            form_field = form_class.base_fields[name]
            raw = form_field.widget.value_from_datadict(data, {}, row_prefix + name)
            if not form_field.has_changed(base[name], raw):
                _put(data, row_prefix + name, form_field, current[name])


def _posted_value(form, name):
    cleaned = getattr(form, "cleaned_data", {}) or {}
    if name in cleaned:
        return cleaned[name]
    return form[name].data


def _child_changes(child: Children, pk, after: int) -> list[str]:
    history = history_model(child.model)
    records = (
        history.objects.filter(**{child.fk_name: pk}, history_id__gt=after)
        .exclude(history_type="+")
        .order_by("history_id")
    )
    labels = {"~": gettext("changed"), "-": gettext("deleted")}
    lines = []
    for record in records[:20]:
        try:
            text = str(record.instance)
        except ObjectDoesNotExist:  # a row whose related rows are gone
            text = str(record.pk)
        lines.append(f"{text} ({labels.get(record.history_type, record.history_type)})")
    return lines


def message(conflict: Conflict) -> str:
    """The one sentence that says what happened, for the form's error."""
    who = ""
    if conflict.by is not None:
        who = conflict.by.get_full_name() or conflict.by.get_username()
    if who:
        return gettext(
            "%(who)s changed this while you were editing it. Nothing of yours was saved "
            "yet: check the differences below, then save again."
        ) % {"who": who}
    return gettext(
        "Someone else changed this while you were editing it. Nothing of yours was saved "
        "yet: check the differences below, then save again."
    )
