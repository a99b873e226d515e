"""The partner's progress report form: short Dutch labels, usable on a phone and without
JavaScript. The form checks and normalises; acties.services.save_report checks again
(it is also called from elsewhere) and writes."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actoren.models import Gemeente

from .indicators import format_number, parse_value
from .models import Bijlage, Voortgangsrapport
from .services import clean_links
from .uploads import ACCEPTED, check_upload

# What the file picker offers on phones and computers; the server decides by content.
ACCEPT = ",".join(f".{kind.extension}" for kind in ACCEPTED) + ",.jpeg"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each checked by content (acties.uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(item, initial) for item in items if item]
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return files


class GemeenteChoiceField(forms.ModelMultipleChoiceField):
    """Municipalities as checkboxes; those the action plans to reach are marked."""

    def __init__(self, *args, planned=(), **kwargs):
        self.planned = set(planned)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        if obj.pk in self.planned:
            return gettext("%(name)s (planned)") % {"name": obj.naam}
        return obj.naam


class VoortgangsrapportForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How is the action doing?"),
        choices=Voortgangsrapport.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status.")},
    )
    percentage = forms.IntegerField(
        label=_("Percentage done"),
        required=False,
        help_text=_("Optional: how far the action is, from 0 to 100."),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
    )
    wat_gedaan = forms.CharField(
        label=_("What was done?"),
        required=False,
        help_text=_("A few sentences: what happened, with whom, what came of it."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    aantal_activiteiten = forms.IntegerField(
        label=_("Number of activities"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    aantal_deelnemers = forms.IntegerField(
        label=_("Number of participants"),
        required=False,
        min_value=0,
        help_text=_("An estimate is fine."),
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    gemeenten = GemeenteChoiceField(
        label=_("Where did it happen?"),
        required=False,
        queryset=Gemeente.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The municipalities where the action actually took place."),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        help_text=_("Optional: one web address per line, e.g. photos or an article."),
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url"}),
    )
    bijlagen = MultipleFileField(label=_("Attachments"), required=False)
    bijlagen_weg = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        required=False,
        queryset=Bijlage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    # The version of the report the form was opened on (acties.services.report_version):
    # a save after another account of the partner saved the report is a conflict, not an
    # overwrite.
    versie = forms.CharField(required=False, widget=forms.HiddenInput)

    #: The fields of the report itself, as the conflict notice compares them.
    REPORT_FIELDS = (
        "status", "percentage", "wat_gedaan", "aantal_activiteiten", "aantal_deelnemers",
        "gemeenten", "links",
    )

    def __init__(
        self, *args, gemeenten, planned=(), rapport=None, versie=None, indicatoren=(),
        **kwargs,
    ):
        if rapport is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "status": rapport.status,
                "percentage": rapport.percentage,
                "wat_gedaan": rapport.wat_gedaan,
                "aantal_activiteiten": rapport.aantal_activiteiten,
                "aantal_deelnemers": rapport.aantal_deelnemers,
                "links": rapport.links,
                "gemeenten": [g.pk for g in rapport.gemeenten.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["versie"].initial = versie
        self.fields["gemeenten"].queryset = gemeenten
        self.fields["gemeenten"].planned = set(planned)
        self.fields["bijlagen"].help_text = gettext(
            "Optional: PDF, image (PNG, JPEG, GIF) or office file; at most %(max)s MB each."
        ) % {"max": settings.MAX_BIJLAGE_MB}
        if rapport is not None and rapport.pk:
            self.fields["bijlagen_weg"].queryset = rapport.bijlagen.all()
        else:
            del self.fields["bijlagen_weg"]
        self.indicatoren = list(indicatoren)
        for row in self.indicatoren:
            self._add_indicator_field(row)

    def _add_indicator_field(self, row) -> None:
        """A number field for one indicator of the action: labelled with its name and
        unit, last period's value beside it (``row``: acties.services.IndicatorRow)."""
        indicator = row.indicator
        help_text = (
            gettext("previous period: %(value)s") % {"value": format_number(row.vorige)}
            if row.vorige is not None
            else gettext("no value for an earlier period yet")
        )
        field = forms.CharField(
            label=gettext("%(name)s (in %(unit)s)")
            % {"name": indicator.naam, "unit": indicator.eenheid},
            required=False,
            max_length=40,
            help_text=help_text,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
        )
        field.indicator = indicator
        name = self.indicator_field_name(indicator)
        self.fields[name] = field
        if row.huidige is not None and name not in self.initial:
            self.initial[name] = format_number(row.huidige)

    @staticmethod
    def indicator_field_name(indicator) -> str:
        return f"indicator_{indicator.pk}"

    def indicator_fields(self):
        """The bound fields of the indicators, in order (for the template)."""
        return [self[self.indicator_field_name(row.indicator)] for row in self.indicatoren]

    def clean(self):
        cleaned_data = super().clean()
        for row in self.indicatoren:
            name = self.indicator_field_name(row.indicator)
            if name not in cleaned_data:
                continue
            try:
                cleaned_data[name] = parse_value(cleaned_data[name], row.indicator.eenheid)
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned_data

    def clean_percentage(self):
        value = self.cleaned_data.get("percentage")
        if value is not None and not 0 <= value <= 100:
            raise ValidationError(
                gettext("%(value)s%% is not possible: a percentage lies between 0 and 100.")
                % {"value": value}
            )
        return value

    def clean_links(self):
        return clean_links(self.cleaned_data.get("links", ""))

    def report_data(self) -> dict:
        """The fields for acties.services.save_report's ``data``."""
        data = {
            key: self.cleaned_data.get(key)
            for key in (
                "status",
                "percentage",
                "wat_gedaan",
                "aantal_activiteiten",
                "aantal_deelnemers",
                "links",
            )
        }
        data["bijlagen_weg"] = list(self.cleaned_data.get("bijlagen_weg") or ())
        data["metingen"] = {
            row.indicator.pk: self.cleaned_data.get(self.indicator_field_name(row.indicator))
            for row in self.indicatoren
        }
        return data
