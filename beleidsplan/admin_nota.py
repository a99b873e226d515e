"""The admin's "Nota importeren": a coordinator uploads the nota (.docx or text), reads a
preview of the plan it makes (SD → OD → actions, with counts) and every warning with its
place, and confirms. All or nothing, through ``beleidsplan.importer.import_nota``, the same
service the command ``importeer_nota`` calls.

The file is never stored. The upload is read in memory and forgotten; only the text of its
plan tables (the rows the parser reads, or the text of a .txt) goes back to the browser in
the preview form, signed and compressed, and comes back with the confirmation. So the
server keeps nothing between the two steps, any worker can take the confirmation, and what
is imported is exactly what was previewed. A one-time token in the session stops a second
click on "Importeren" from importing the plan twice.

Its URL is the Beleidsplan admin's (``BeleidsplanAdmin.get_urls`` in admin.py); the button
on the plans' list is the template ``admin/beleidsplan/beleidsplan/change_list.html``.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .importer import (
    ImportReport,
    NotaImportError,
    NotaRow,
    NotaTables,
    NotaText,
    import_nota,
    load_nota,
)
from .models import Beleidsplan, Doelstelling

# Every model an import writes: the coordinator must be allowed to add each of them.
IMPORT_PERMISSIONS = (
    "beleidsplan.add_beleidsplan",
    "beleidsplan.add_doelstelling",
    "acties.add_actie",
)
_SALT = "beleidsplan.nota-import"
# The preview is valid this long: long enough to read it, short enough not to linger.
PAYLOAD_MAX_AGE = 60 * 60 * 2
# The largest upload read (a nota with pictures is a few MB; the tables are what matters).
MAX_UPLOAD_MB = 20
_SESSION_KEY = "nota_import_token"


class NotaImportForm(forms.Form):
    bestand = forms.FileField(
        label=_("The nota"),
        required=False,
        help_text=_("A Word document (.docx) or the nota saved as text (UTF-8)."),
    )
    plan = forms.ModelChoiceField(
        label=_("Import into"),
        queryset=Beleidsplan.objects.none(),
        required=False,
        empty_label=_("a new policy plan"),
        help_text=_("Only plans without goals are listed."),
    )
    titel = forms.CharField(label=_("Title of the new plan"), max_length=200, required=False)
    van_jaar = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100,
                                  required=False, initial=2020)
    tot_jaar = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100,
                                  required=False, initial=2025)
    payload = forms.CharField(widget=forms.HiddenInput, required=False)
    # Ticked on the preview of a file that looks cut off (ImportReport.truncation).
    volledig = forms.BooleanField(
        label=_("I checked the file at these places: it is complete."), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Beleidsplan.objects.filter(
            ~Exists(Doelstelling.objects.filter(plan=OuterRef("pk")))
        ).order_by("-van_jaar", "titel")

    def clean_bestand(self):
        bestand = self.cleaned_data.get("bestand")
        if bestand and bestand.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                gettext("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_MB}
            )
        return bestand

    def clean(self):
        data = super().clean()
        if data.get("plan") is None:
            van, tot = data.get("van_jaar"), data.get("tot_jaar")
            if van is None or tot is None:
                raise forms.ValidationError(
                    gettext("Give the period of the new plan (from and to year).")
                )
            if tot < van:
                raise forms.ValidationError(gettext("The plan cannot end before it starts."))
        return data

    def target_plan(self) -> Beleidsplan:
        """The chosen empty plan, or a new one (unsaved: the import saves it)."""
        data = self.cleaned_data
        if data.get("plan") is not None:
            return data["plan"]
        van, tot = data["van_jaar"], data["tot_jaar"]
        return Beleidsplan(
            titel=(data.get("titel") or "").strip() or f"Beleidsplan {van}-{tot}",
            van_jaar=van,
            tot_jaar=tot,
        )


def dump_nota(nota: NotaText | NotaTables, token: str) -> str:
    """The read nota as a signed, compressed string for the preview form."""
    if isinstance(nota, NotaTables):
        body = {"source": nota.source, "rows": [[r.place, r.cells, r.warning] for r in nota.rows]}
    else:
        body = {"source": nota.source, "text": nota.text}
    return signing.dumps({**body, "token": token}, salt=_SALT, compress=True)


def load_payload(value: str) -> tuple[NotaText | NotaTables, str]:
    """The nota and its token back from ``dump_nota``; raises ``signing.BadSignature``
    (also when older than ``PAYLOAD_MAX_AGE``)."""
    body = signing.loads(value, salt=_SALT, max_age=PAYLOAD_MAX_AGE)
    if "rows" in body:
        rows = [NotaRow(place=p, cells=list(c), warning=w) for p, c, w in body["rows"]]
        return NotaTables(source=body["source"], rows=rows), body["token"]
    return NotaText(source=body["source"], text=body["text"]), body["token"]


def nota_import_view(model_admin: admin.ModelAdmin, request):
    """Upload → preview (a dry run) → confirm (the import), for coordinators only."""
    # The admin site already let only coordinators in (has_permission); an import also
    # needs the right to add plans, goals and actions.
    if not all(request.user.has_perm(perm) for perm in IMPORT_PERMISSIONS):
        raise PermissionDenied
    form = NotaImportForm(request.POST or None, request.FILES or None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Beleidsplan._meta,
        "title": gettext("Import a nota"),
        "form": form,
        "max_mb": MAX_UPLOAD_MB,
    }
    template = "admin/beleidsplan/nota_import.html"
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, template, context)
    plan = form.target_plan()
    if request.POST.get("confirm") == "yes":
        return _confirm(request, form, plan, context, template)
    bestand = form.cleaned_data.get("bestand")
    if not bestand:
        form.add_error("bestand", gettext("Choose the file of the nota."))
        return TemplateResponse(request, template, context)
    try:
        # Read in memory and forgotten after this request: never written to disk by us
        # (Django spools uploads over 2.5 MB to a temporary file it deletes at once).
        nota = load_nota(bestand.read(), name=bestand.name)
        report = import_nota(path_or_text=nota, plan=plan, dry_run=True)
    except NotaImportError as error:
        context["import_error"] = error
        return TemplateResponse(request, template, context)
    token = secrets.token_urlsafe(16)
    request.session[_SESSION_KEY] = token
    context.update(
        report=report,
        tree=_tree(report),
        source=nota.source,
        plan=plan,
        payload=dump_nota(nota, token),
    )
    return TemplateResponse(request, template, context)


def _confirm(request, form, plan, context, template):
    try:
        nota, token = load_payload(form.cleaned_data.get("payload") or "")
    except signing.BadSignature:
        context["import_error"] = NotaImportError(gettext(
            "The preview has expired or is not valid. Upload the nota again."
        ))
        return TemplateResponse(request, template, context)
    if request.session.get(_SESSION_KEY) != token:
        messages.warning(request, gettext(
            "This preview was already imported (or replaced by a newer one); nothing was "
            "imported again."
        ))
        return redirect("admin:beleidsplan_beleidsplan_changelist")
    try:
        report = import_nota(
            path_or_text=nota, plan=plan, user=request.user,
            confirmed_complete=form.cleaned_data.get("volledig", False),
        )
    except NotaImportError as error:
        context["import_error"] = error
        if error.truncated:
            # The preview again, with the question the coordinator did not answer.
            report = import_nota(path_or_text=nota, plan=plan, dry_run=True)
            context.update(
                report=report, tree=_tree(report), source=nota.source, plan=plan,
                payload=form.cleaned_data["payload"],
            )
        return TemplateResponse(request, template, context)
    del request.session[_SESSION_KEY]
    messages.success(request, gettext(
        "The nota was imported into “%(plan)s”: %(sd)s strategic goals, %(od)s operational "
        "goals and %(acties)s actions, with %(warnings)s warnings to check."
    ) % {
        "plan": report.plan, "sd": report.sd_count, "od": report.od_count,
        "acties": report.actie_count, "warnings": len(report.warnings),
    })
    return redirect(
        reverse("admin:beleidsplan_doelstelling_changelist") + f"?plan__id__exact={report.plan.pk}"
    )


def _tree(report: ImportReport) -> list[dict]:
    return [
        {
            "goal": sd,
            "ods": [{"goal": od, "acties": od.acties} for od in sd.children],
            "actie_count": sum(len(od.acties) for od in sd.children),
        }
        for sd in report.goals
    ]
