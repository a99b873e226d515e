from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Reactie


class PlanCompareForm(forms.Form):
    """Choose a version of the plan before and a version (or the working state) of this
    plan, for the comparison across plans."""

    van = forms.ChoiceField(label=_("The plan before"))
    naar = forms.ChoiceField(label=_("This plan"))
    alles = forms.BooleanField(label=_("Also show what did not change"), required=False)

    def __init__(self, *args, old_versies, new_versies, with_working_state: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["van"].choices = [(str(v.nummer), str(v)) for v in old_versies]
        naar = [(str(v.nummer), str(v)) for v in new_versies]
        if with_working_state:
            naar.append(("werk", _("Working state (not published)")))
        self.fields["naar"].choices = naar
        for name in ("van", "naar"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "%(value)s is not a version of this plan."
            )


class ReactieForm(forms.ModelForm):
    class Meta:
        model = Reactie
        fields = ["tekst"]
        labels = {"tekst": _("Your comment")}
        widgets = {"tekst": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tekst"].error_messages["required"] = _("Write a comment before posting it.")

    def clean_tekst(self):
        tekst = self.cleaned_data["tekst"]
        if len(tekst) > 5000:
            raise forms.ValidationError(_("A comment can be at most 5000 characters long."))
        return tekst


class CompareForm(forms.Form):
    """Choose two sides of a comparison: version numbers, or the working state."""

    van = forms.ChoiceField(label=_("Old"))
    naar = forms.ChoiceField(label=_("New"))
    alles = forms.BooleanField(
        label=_("Also show what did not change"), required=False,
        help_text=_("Without it, the tables show only goals and actions that changed."),
    )

    def __init__(self, *args, versies, with_working_state: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(v.nummer), str(v)) for v in versies]
        if with_working_state:
            choices.append(("werk", _("Working state (not published)")))
        self.fields["van"].choices = choices
        self.fields["naar"].choices = choices
        self.fields["van"].error_messages["invalid_choice"] = _(
            "%(value)s is not a version of this plan."
        )
        self.fields["naar"].error_messages["invalid_choice"] = _(
            "%(value)s is not a version of this plan."
        )
