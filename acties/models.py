from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actoren.models import Actor, Gemeente
from cultuurregio.validators import year_validators


class Rapportering(models.TextChoices):
    """How often the partners report on a plan's actions (``Beleidsplan.rapportering``):
    once a year, or per half year."""

    JAARLIJKS = "jaarlijks", _("per year")
    HALFJAARLIJKS = "halfjaarlijks", _("per half year")


class ActieQuerySet(models.QuerySet):
    def in_plan_order(self):
        """Actions in the order of the plan: by goal position, then by their own order."""
        return self.order_by(
            "doelstelling__tree_id", "doelstelling__lft", "volgorde", "pk"
        )

    def van_plan(self, plan):
        return self.filter(doelstelling__plan=plan)

    def bewerkbaar_door(self, user):
        """Actions a partner may report on: those where one of the partner's organisations
        (Actor.gebruikers) is involved, as trekker or partner. Not those of a next plan
        still in preparation (started from another plan, nothing published yet: only the
        steering group and coordinators see it), though its actions carry the actors over.
        A filter with a subquery: no extra query."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        # The plan model through the relations: acties does not import beleidsplan.
        plan_model = self.model._meta.get_field("doelstelling").related_model._meta.get_field(
            "plan"
        ).related_model
        in_preparation = plan_model.objects.filter(
            vorig_plan__isnull=False, versies__isnull=True
        ).values("pk")
        return (
            self.filter(betrokkenen__actor__gebruikers=user)
            .exclude(doelstelling__plan__in=in_preparation)
            .distinct()
        )

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
        "beleidsplan.Doelstelling", verbose_name=_("operational goal"), on_delete=models.PROTECT,
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
        "beleidsplan.Doelstelling", verbose_name=_("see also"), blank=True,
        related_name="zie_ook_acties",
        help_text=_("Other goals this action contributes to."),
    )
    actoren = models.ManyToManyField(
        Actor, verbose_name=_("actors"), through="ActieActor", blank=True,
        related_name="acties",
    )

    # The action of the previous plan this one continues (copied when the next plan was
    # started, beleidsplan/succession.py), by identity: kept when the action is later
    # reworded or moved. SET_NULL: the link is history, not a dependency.
    voortzetting_van = models.ForeignKey(
        "self",
        verbose_name=_("continues"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voortzettingen",
        help_text=_("The action of the previous policy plan that this action continues."),
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
        if self.doelstelling_id and self.doelstelling.plan.afgesloten_op is not None:
            # Every form and spreadsheet import of actions runs this: a closed plan is
            # read-only.
            errors["doelstelling"] = gettext(
                "The policy plan of this goal is closed: its actions cannot change."
            )
        if self.voortzetting_van_id and self.doelstelling_id:
            # The plan's predecessor, through the goal's plan (no import of beleidsplan).
            previous_plan_id = self.doelstelling.plan.vorig_plan_id
            if self.voortzetting_van.doelstelling.plan_id != previous_plan_id:
                errors["voortzetting_van"] = gettext(
                    "An action can only continue an action of the previous policy plan."
                )
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


class VoortgangsrapportQuerySet(models.QuerySet):
    def goedgekeurd(self):
        return self.filter(fase=Voortgangsrapport.Fase.GOEDGEKEURD)

    def van_partner(self, user):
        """Reports on actions that one of the partner's organisations is involved in."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(actie__in=Actie.objects.bewerkbaar_door(user).values("pk"))


class Voortgangsrapport(models.Model):
    """A partner's report on an action for a period: a year, or a half year when the plan
    reports per half year. One report per action and period. Draft, submitted, sent back,
    approved: the partner edits drafts and sent-back reports; the coordinator reviews.
    Approved reports make the action's progress."""

    class Status(models.TextChoices):
        NIET_GESTART = "niet_gestart", _("not started")
        LOPEND = "lopend", _("running")
        OP_SCHEMA = "op_schema", _("on track")
        VERTRAAGD = "vertraagd", _("delayed")
        AFGEROND = "afgerond", _("done")
        GESCHRAPT = "geschrapt", _("dropped")

    class Fase(models.TextChoices):
        CONCEPT = "concept", _("draft")
        INGEDIEND = "ingediend", _("submitted")
        TERUGGESTUURD = "teruggestuurd", _("sent back")
        GOEDGEKEURD = "goedgekeurd", _("approved")

    actie = models.ForeignKey(
        Actie, verbose_name=_("action"), on_delete=models.PROTECT, related_name="rapporten"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("reported for"), on_delete=models.PROTECT,
        related_name="rapporten", null=True, blank=True,
        help_text=_("The organisation the report is made for."),
    )
    jaar = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    # 0: the whole year; 1 or 2: the first or second half (plans that report per half year).
    halfjaar = models.PositiveSmallIntegerField(
        _("half year"), default=0,
        choices=[(0, _("whole year")), (1, _("first half")), (2, _("second half"))],
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    percentage = models.PositiveSmallIntegerField(
        _("percentage done"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    wat_gedaan = models.TextField(_("what was done"), blank=True)
    aantal_activiteiten = models.PositiveIntegerField(
        _("number of activities"), null=True, blank=True
    )
    aantal_deelnemers = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True
    )
    gemeenten = models.ManyToManyField(
        Gemeente, verbose_name=_("municipalities where it happened"), blank=True,
        related_name="rapporten",
    )
    links = models.TextField(_("links"), blank=True, help_text=_("One web address per line."))
    fase = models.CharField(_("stage"), max_length=15, choices=Fase.choices, default=Fase.CONCEPT)
    opmerking = models.TextField(
        _("coordinator's remark"), blank=True,
        help_text=_("Why the report was sent back; the partner sees it on the form."),
    )
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    aangemaakt_op = models.DateTimeField(_("created on"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("changed on"), auto_now=True)
    ingediend_op = models.DateTimeField(_("submitted on"), null=True, blank=True)
    beoordeeld_op = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    history = HistoricalRecords(m2m_fields=[gemeenten])
    objects = VoortgangsrapportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-jaar", "-halfjaar", "actie"]
        constraints = [
            # One report per action and period: a second one is refused.
            models.UniqueConstraint(
                fields=["actie", "jaar", "halfjaar"], name="rapport_een_per_periode",
                violation_error_message=_(
                    "There is already a report for this action and period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__lte=100),
                name="rapport_percentage_max_100",
                violation_error_message=_("A percentage lies between 0 and 100."),
            ),
        ]
        indexes = [
            # The coordinator's review queue and the partner's list by stage.
            models.Index(fields=["fase", "ingediend_op"], name="rapport_fase_ingediend"),
        ]

    def __str__(self):
        return f"{self.actie} ({self.periode_label})"

    @property
    def periode_label(self) -> str:
        if self.halfjaar:
            return gettext("%(year)s, half %(half)s") % {"year": self.jaar, "half": self.halfjaar}
        return str(self.jaar)

    @property
    def bewerkbaar(self) -> bool:
        """The partner may still change it: a draft, or sent back."""
        return self.fase in (self.Fase.CONCEPT, self.Fase.TERUGGESTUURD)

    def clean(self):
        super().clean()
        if self.actie_id and self.jaar:
            plan = self.actie.doelstelling.plan
            if not plan.van_jaar <= self.jaar <= plan.tot_jaar:
                raise ValidationError({
                    "jaar": gettext(
                        "%(year)s lies outside the plan period %(start)s-%(end)s."
                    ) % {"year": self.jaar, "start": plan.van_jaar, "end": plan.tot_jaar}
                })


class Bijlage(models.Model):
    """A file attached to a progress report (PDF, image or office file), checked by its
    content, not its name (acties.uploads)."""

    rapport = models.ForeignKey(
        Voortgangsrapport, verbose_name=_("progress report"), on_delete=models.CASCADE,
        related_name="bijlagen",
    )
    bestand = models.FileField(_("file"), upload_to="voortgang/%Y/")
    naam = models.CharField(_("name"), max_length=200)
    soort = models.CharField(_("type"), max_length=100)
    grootte = models.PositiveIntegerField(_("size in bytes"))
    toegevoegd_op = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["toegevoegd_op", "pk"]

    def __str__(self):
        return self.naam


# --- Indicators ----------------------------------------------------------------------------


class IndicatorQuerySet(models.QuerySet):
    def van_plan(self, plan):
        """Indicators of a plan: those on its ODs and those on its actions. A filter, no
        extra query."""
        return self.filter(
            Q(doelstelling__plan=plan) | Q(actie__doelstelling__plan=plan)
        )


class Indicator(models.Model):
    """A measurable indicator with a target, on an operational goal (OD) or on an action.
    The coordinator manages them in the admin; partners report measurements
    (``Meting``) in their progress reports."""

    class Richting(models.TextChoices):
        MEER = "meer", _("more is better")
        MINDER = "minder", _("less is better")

    # String references: acties does not import beleidsplan at run time.
    doelstelling = models.ForeignKey(
        "beleidsplan.Doelstelling", verbose_name=_("operational goal"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="indicatoren",
        help_text=_("Either an operational goal or an action, not both."),
    )
    # PROTECT on both: measurements are history; a goal or action that has indicators is
    # not deleted by accident.
    actie = models.ForeignKey(
        Actie, verbose_name=_("action"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="indicatoren",
        help_text=_("Either an operational goal or an action, not both."),
    )
    naam = models.CharField(_("name"), max_length=200)
    eenheid = models.CharField(
        _("unit"), max_length=50, help_text=_('What is counted, e.g. "participants".')
    )
    basiswaarde = models.DecimalField(
        _("base value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    basisjaar = models.PositiveSmallIntegerField(
        _("base year"), null=True, blank=True, validators=year_validators
    )
    streefwaarde = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    streefjaar = models.PositiveSmallIntegerField(
        _("target year"), validators=year_validators,
        help_text=_("A year of the plan's period."),
    )
    richting = models.CharField(
        _("direction"), max_length=10, choices=Richting.choices, default=Richting.MEER
    )
    rapporteur = models.ForeignKey(
        Actor, verbose_name=_("reported by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="indicatoren",
        help_text=_("The organisation that reports the values."),
    )
    cumulatief = models.BooleanField(
        _("cumulative"), default=False,
        help_text=_(
            "Checked: a number per period that adds up (e.g. participants per year). "
            "Unchecked: a level (e.g. the number of municipalities in the UiT-pas)."
        ),
    )
    op_home = models.BooleanField(
        _("headline indicator"), default=False,
        help_text=_("Shown on the home page: pick only a few."),
    )
    volgorde = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["volgorde", "pk"]
        constraints = [
            # An indicator measures one thing: an OD or an action, exactly one of the two.
            models.CheckConstraint(
                condition=(Q(doelstelling__isnull=False) & Q(actie__isnull=True))
                | (Q(doelstelling__isnull=True) & Q(actie__isnull=False)),
                name="indicator_doel_of_actie",
                violation_error_message=_(
                    "An indicator belongs to an operational goal or to an action, not both."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.naam} ({self.eenheid})"

    @property
    def meer_is_beter(self) -> bool:
        return self.richting == self.Richting.MEER

    #: What the plan says of an indicator (what a change proposal may change); its values,
    #: reporter and display settings are not part of it.
    DEFINITION_FIELDS = (
        "naam", "eenheid", "basiswaarde", "basisjaar", "streefwaarde", "streefjaar", "richting",
    )

    def definitie(self) -> dict[str, str | int | None]:
        """The plan's words on this indicator, as JSON-ready values (numbers as text, so
        that 12.50 and 12.5 compare equal). No query."""
        values: dict[str, str | int | None] = {}
        for name in self.DEFINITION_FIELDS:
            value = getattr(self, name)
            if name in ("basiswaarde", "streefwaarde") and value is not None:
                # Decimal from the database or a form, int or float when set in code.
                value = Decimal(str(value))
                value = format(value.normalize(), "f") if value != value.to_integral() else (
                    format(value, ".0f")
                )
            values[name] = value
        return values

    @property
    def onderwerp(self) -> str:
        """The OD's code, or the action (its OD's code and text). Select ``doelstelling``
        and ``actie__doelstelling`` with it."""
        if self.actie_id:
            return str(self.actie)
        return self.doelstelling.code if self.doelstelling_id else "?"

    def plan(self):
        """The plan of the goal or action (one query per relation not yet loaded)."""
        if self.actie_id:
            return self.actie.doelstelling.plan
        if self.doelstelling_id:
            return self.doelstelling.plan
        return None

    def clean(self):
        super().clean()
        errors = {}
        if bool(self.doelstelling_id) == bool(self.actie_id):
            errors["doelstelling"] = gettext(
                "An indicator belongs to an operational goal or to an action, not both."
            )
        elif self.doelstelling_id and self.doelstelling.parent_id is None:
            errors["doelstelling"] = gettext(
                "An indicator belongs to an operational goal (OD), not to an SD."
            )
        plan = self.plan() if not errors else None
        if plan is not None and plan.afgesloten_op is not None:
            # A closed plan is read-only (as its goals and actions): every admin form runs
            # this.
            raise ValidationError(
                gettext("The policy plan of this indicator is closed: it cannot change.")
            )
        if plan is not None:
            for field in ("basisjaar", "streefjaar"):
                year = getattr(self, field)
                if year and not plan.van_jaar <= year <= plan.tot_jaar:
                    errors[field] = gettext(
                        "%(year)s lies outside the plan period %(start)s-%(end)s."
                    ) % {"year": year, "start": plan.van_jaar, "end": plan.tot_jaar}
        if self.basisjaar and self.streefjaar and self.streefjaar < self.basisjaar:
            errors.setdefault(
                "streefjaar", gettext("The target year cannot lie before the base year.")
            )
        if errors:
            raise ValidationError(errors)


class MetingQuerySet(models.QuerySet):
    def telt(self):
        """Measurements that count: entered by the coordinator (no report) or reported in
        an approved report. A filter, no extra query."""
        return self.filter(
            Q(rapport__isnull=True) | Q(rapport__fase=Voortgangsrapport.Fase.GOEDGEKEURD)
        )


class Meting(models.Model):
    """The value of an indicator for a reporting period. Entered by a partner in a progress
    report (counts once the report is approved) or by the coordinator in the admin (counts
    at once)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
        related_name="metingen",
    )
    jaar = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    halfjaar = models.PositiveSmallIntegerField(
        _("half year"), default=0,
        choices=[(0, _("whole year")), (1, _("first half")), (2, _("second half"))],
    )
    waarde = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    rapport = models.ForeignKey(
        Voortgangsrapport, verbose_name=_("progress report"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="metingen",
        help_text=_("Empty: entered by the coordinator; it counts at once."),
    )
    ingevoerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    aangemaakt_op = models.DateTimeField(_("created on"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("changed on"), auto_now=True)

    history = HistoricalRecords()
    objects = MetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "jaar", "halfjaar"]
        constraints = [
            # One value per indicator and period: a report saved again updates it.
            models.UniqueConstraint(
                fields=["indicator", "jaar", "halfjaar"], name="meting_een_per_periode",
                violation_error_message=_(
                    "There is already a value for this indicator and period."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.periode_label}"

    @property
    def periode_label(self) -> str:
        return Voortgangsrapport(jaar=self.jaar, halfjaar=self.halfjaar).periode_label

    @property
    def telt(self) -> bool:
        return self.rapport_id is None or self.rapport.fase == Voortgangsrapport.Fase.GOEDGEKEURD

    def clean(self):
        super().clean()
        if (
            self.indicator_id
            and self.rapport_id
            and self.rapport.actie_id != self.indicator.actie_id
        ):
            raise ValidationError(
                {"rapport": gettext("This report is about another action than the indicator.")}
            )
        if self.indicator_id and self.jaar:
            from .perioden import check_period  # perioden imports this module

            plan = self.indicator.plan()
            if plan is not None and plan.afgesloten_op is not None:
                raise ValidationError(
                    gettext("The policy plan of this indicator is closed: it cannot change.")
                )
            if plan is not None:
                try:
                    check_period(plan, (self.jaar, self.halfjaar or 0))
                except ValidationError as error:
                    raise ValidationError({"jaar": error.messages}) from None
