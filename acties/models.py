from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actoren.models import Actor, Gemeente
from beleidsplan.models import Doelstelling, year_validators


class ActieQuerySet(models.QuerySet):
    def in_plan_order(self):
        """Actions in the order of the plan: by goal position, then by their own order."""
        return self.order_by(
            "doelstelling__tree_id", "doelstelling__lft", "volgorde", "pk"
        )

    def van_plan(self, plan):
        return self.filter(doelstelling__plan=plan)

    def bereikt(self, gemeente_id: int):
        """Actions that reach a municipality: those meant for all municipalities, and those
        naming it or a municipality that merged into it (Pajottegem gets Gooik's actions;
        history keeps the old name). A filter with subqueries: no extra query."""
        places = Gemeente.objects.filter(Q(pk=gemeente_id) | Q(opgegaan_in_id=gemeente_id))
        reached = Actie.gemeenten.through.objects.filter(
            gemeente__in=places.values("pk")
        ).values("actie_id")
        return self.filter(Q(alle_gemeenten=True) | Q(pk__in=reached))


class Actie(models.Model):
    """An action under one operational goal (OD)."""

    # PROTECT: deleting a goal that still has actions is refused, not cascaded.
    doelstelling = models.ForeignKey(
        Doelstelling, verbose_name=_("operational goal"), on_delete=models.PROTECT,
        related_name="acties",
    )
    volgorde = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Position of the action under its goal.")
    )
    omschrijving = models.TextField(_("description"))
    regierol = models.TextField(
        _("director's role (regierol)"), blank=True,
        help_text=_("What the cultuurregio (IGS) does."),
    )
    actorrol = models.TextField(
        _("actor's role (actorrol)"), blank=True,
        help_text=_("What the local partners do."),
    )
    alle_gemeenten = models.BooleanField(
        _("all municipalities"), default=True,
        help_text=_("The action is meant for every municipality of the region."),
    )
    gemeenten = models.ManyToManyField(
        Gemeente, verbose_name=_("municipalities"), blank=True, related_name="acties",
        help_text=_("Only when the action is not meant for all municipalities."),
    )
    spreiding_toelichting = models.TextField(_("note on spreading"), blank=True)
    van_jaar = models.PositiveSmallIntegerField(
        _("from year"), null=True, blank=True, validators=year_validators
    )
    tot_jaar = models.PositiveSmallIntegerField(
        _("to year"), null=True, blank=True, validators=year_validators
    )
    timing_tekst = models.CharField(
        _("timing as written"), max_length=100, blank=True,
        help_text=_('As the plan writes it, e.g. "2020 - 2021".'),
    )
    zie_ook = models.ManyToManyField(
        Doelstelling, verbose_name=_("see also"), blank=True, related_name="zie_ook_acties",
        help_text=_("Other goals this action contributes to."),
    )
    actoren = models.ManyToManyField(
        Actor, verbose_name=_("actors"), through="ActieActor", blank=True,
        related_name="acties",
    )

    history = HistoricalRecords(m2m_fields=[gemeenten, zie_ook])
    objects = ActieQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["doelstelling__tree_id", "doelstelling__lft", "volgorde", "pk"]
        indexes = [
            # The actions of one goal in their order (the nota table, the admin inline).
            models.Index(fields=["doelstelling", "volgorde"], name="actie_doel_volgorde"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(tot_jaar__isnull=True)
                | Q(van_jaar__isnull=True)
                | Q(tot_jaar__gte=F("van_jaar")),
                name="actie_timing_oplopend",
                violation_error_message=_("The end year cannot lie before the start year."),
            ),
        ]

    def __str__(self):
        code = self.doelstelling.code if self.doelstelling_id else ""
        text = self.omschrijving if len(self.omschrijving) <= 80 else self.omschrijving[:79] + "…"
        return f"{code}: {text}" if code else text

    @property
    def timing(self) -> str:
        if self.timing_tekst:
            return self.timing_tekst
        if self.van_jaar and self.tot_jaar and self.van_jaar != self.tot_jaar:
            return f"{self.van_jaar} - {self.tot_jaar}"
        return str(self.van_jaar or self.tot_jaar or "")

    def clean(self):
        super().clean()
        errors = {}
        if self.doelstelling_id and self.doelstelling.parent_id is None:
            errors["doelstelling"] = gettext(
                "An action belongs under an operational goal (OD), not directly under an SD."
            )
        if self.van_jaar and self.tot_jaar and self.tot_jaar < self.van_jaar:
            errors["tot_jaar"] = gettext("The end year cannot lie before the start year.")
        if self.doelstelling_id and (self.van_jaar or self.tot_jaar):
            plan = self.doelstelling.plan
            for field in ("van_jaar", "tot_jaar"):
                year = getattr(self, field)
                if year and not plan.van_jaar <= year <= plan.tot_jaar:
                    errors[field] = gettext(
                        "%(year)s lies outside the plan period %(start)s-%(end)s."
                    ) % {"year": year, "start": plan.van_jaar, "end": plan.tot_jaar}
        if errors:
            raise ValidationError(errors)


class ActieActor(models.Model):
    """An actor involved in an action, with its role."""

    class Rol(models.TextChoices):
        TREKKER = "trekker", _("lead (trekker)")
        PARTNER = "partner", _("partner")

    actie = models.ForeignKey(
        Actie, verbose_name=_("action"), on_delete=models.CASCADE, related_name="betrokkenen"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="betrokkenheden"
    )
    rol = models.CharField(_("role"), max_length=10, choices=Rol.choices, default=Rol.PARTNER)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("involved actor")
        verbose_name_plural = _("involved actors")
        ordering = ["rol", "actor__naam"]
        constraints = [
            # One role per actor per action.
            models.UniqueConstraint(fields=["actie", "actor"], name="actie_actor_uniek"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_rol_display()})"
