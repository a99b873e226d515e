import json

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from mptt.exceptions import InvalidMove
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from simple_history.models import HistoricalRecords

from acties.models import Indicator, Rapportering
from cultuurregio.validators import year_validators


class BeleidsplanQuerySet(models.QuerySet):
    def leesbaar_voor(self, user):
        """The plans ``user`` may read: every plan for the steering group and coordinators
        (they read the working state); for anyone else only public plans with at least one
        published version (they read the latest one). A filter: no query of its own
        besides the group check (``can_see_working_state``, one query at most)."""
        from cultuurregio.roles import can_see_working_state

        if can_see_working_state(user):
            return self.all()
        published = Planversie.objects.filter(plan=models.OuterRef("pk"))
        return self.filter(publiek=True).filter(models.Exists(published))

    def afgesloten(self):
        """Plans the coordinator closed: read-only, no reports. A filter."""
        return self.filter(afgesloten_op__isnull=False)

    def lopend(self):
        """Plans that run: not closed, and with at least one published version (a plan
        without one is still in preparation). A filter with a subquery: no extra query."""
        published = Planversie.objects.filter(plan=models.OuterRef("pk"))
        return self.filter(afgesloten_op__isnull=True).filter(models.Exists(published))

    def in_voorbereiding(self):
        """Plans in preparation: never published, so only insiders see them
        (``leesbaar_voor``). A filter with a subquery: no extra query."""
        published = Planversie.objects.filter(plan=models.OuterRef("pk"))
        return self.filter(afgesloten_op__isnull=True).exclude(models.Exists(published))

    def raise_stamp(self) -> int:
        """Raise the stamp of these plans (one UPDATE). Call inside the transaction of the
        change, before writing the changed rows (beleidsplan/stamps.py): the plan row is
        then locked first, in the same order as ``services._lock_plan``."""
        return self.update(stempel=F("stempel") + 1, gewijzigd_op=timezone.now())


class Beleidsplan(models.Model):
    """A six-year policy plan of the region. Old plans stay readable."""

    titel = models.CharField(_("title"), max_length=200)
    van_jaar = models.PositiveSmallIntegerField(_("from year"), validators=year_validators)
    tot_jaar = models.PositiveSmallIntegerField(_("to year"), validators=year_validators)
    beschrijving = models.TextField(_("description"), blank=True)

    # How often partners report: a rule of the reports (acties.services reads it).
    Rapportering = Rapportering

    rapportering = models.CharField(
        _("progress reporting"),
        max_length=15,
        choices=Rapportering.choices,
        default=Rapportering.JAARLIJKS,
        help_text=_("How often partners report progress on their actions."),
    )
    # Partners write a period's report after it ends (January-March for last year): for
    # this many months the previous period stays open next to the current one, and the
    # reminders and "not yet reported" lists are about it (acties/perioden.py).
    rapportering_marge_maanden = models.PositiveSmallIntegerField(
        _("reporting grace period (months)"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
        help_text=_(
            "How many months after a reporting period ends partners may still report on it. "
            "During that time reminders are about the period that ended."
        ),
    )
    publiek = models.BooleanField(
        _("published versions are public"),
        default=True,
        help_text=_(
            "When ticked, anyone may read the published versions. The working state and "
            "open proposals are only for the steering group and coordinators."
        ),
    )

    # Plan succession (beleidsplan/succession.py): the next plan starts from a copy of
    # this plan's last version and records the plan it succeeds, so that each copied goal
    # and action can say which one it continues. PROTECT: an old plan that has a
    # successor is part of that successor's history.
    vorig_plan = models.ForeignKey(
        "self",
        verbose_name=_("previous plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volgende_plannen",
        help_text=_("The plan this plan succeeds (set when the next plan is started)."),
    )
    # Set when the coordinator closes the plan (``succession.close_plan``): from then on
    # its goals and actions cannot be edited and partners can no longer report on it;
    # everything stays readable at the same URLs.
    afgesloten_op = models.DateTimeField(
        _("closed on"), null=True, blank=True, editable=False
    )

    # What the read model and every cached page of the plan are keyed by: raised in the
    # same transaction as every change of the plan, its goals, actions, versions,
    # proposals, approved reports, actors and municipalities (beleidsplan/stamps.py).
    # It lives in the database, so every worker and host agrees on it.
    stempel = models.PositiveBigIntegerField(default=0, editable=False)
    gewijzigd_op = models.DateTimeField(null=True, blank=True, editable=False)

    # The stamp is derived data: raising it is not an edit of the plan.
    history = HistoricalRecords(excluded_fields=["stempel", "gewijzigd_op"])
    objects = BeleidsplanQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy plan")
        verbose_name_plural = _("policy plans")
        ordering = ["-van_jaar", "titel"]
        constraints = [
            # A plan runs forwards in time: "2020-2025", never "2025-2020".
            models.CheckConstraint(
                condition=Q(tot_jaar__gte=F("van_jaar")),
                name="beleidsplan_periode_oplopend",
                violation_error_message=_("The end year cannot lie before the start year."),
            ),
        ]

    def __str__(self):
        return f"{self.titel} ({self.van_jaar}-{self.tot_jaar})"

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The stamp is raised by UPDATEs of its own (beleidsplan/stamps.py), before this
            # save in a transaction: writing back the value this instance was loaded with
            # would undo that.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in ("stempel", "gewijzigd_op")
            ]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.van_jaar and self.tot_jaar and self.tot_jaar < self.van_jaar:
            raise ValidationError({"tot_jaar": _("The end year cannot lie before the start year.")})
        if self.vorig_plan_id and self.pk and self.vorig_plan_id == self.pk:
            raise ValidationError({"vorig_plan": _("A plan cannot succeed itself.")})

    @property
    def is_afgesloten(self) -> bool:
        """Closed by the coordinator: read-only. No query."""
        return self.afgesloten_op is not None

    def in_voorbereiding(self) -> bool:
        """Still in preparation: not closed and never published. One query."""
        return not self.is_afgesloten and not self.versies.exists()

    def refresh_codes(self) -> dict[int, str]:
        """Give every goal of this plan the code of its place in the tree (SD1, SD1-OD2).

        Two queries (one read, one bulk update of the changed rows). The code is derived
        data, so the update deliberately bypasses the audit trail. Returns every goal's
        code by primary key.
        """
        goals = list(Doelstelling.objects.filter(plan=self).order_by("tree_id", "lft"))
        codes: dict[int, str] = {}
        sd_count = 0
        od_counts: dict[int, int] = {}
        for goal in goals:
            if goal.parent_id is None:
                sd_count += 1
                codes[goal.pk] = f"SD{sd_count}"
            else:
                od_counts[goal.parent_id] = od_counts.get(goal.parent_id, 0) + 1
                codes[goal.pk] = f"{codes.get(goal.parent_id, '?')}-OD{od_counts[goal.parent_id]}"
        changed = [g for g in goals if g.code != codes[g.pk]]
        for goal in changed:
            goal.code = codes[goal.pk]
        if changed:
            Doelstelling.objects.bulk_update(changed, ["code"])
        return codes


class DoelstellingManager(TreeManager):
    def move_node(self, node, target, position="last-child"):
        """Move a goal, refusing moves that break the plan's two levels (SD > OD).

        Used by the admin's drag and drop; the refusal message is shown to the coordinator.
        """
        node.check_move(target, position)
        return super().move_node(node, target, position)


class DoelstellingQuerySet(models.QuerySet):
    def strategisch(self):
        return self.filter(parent__isnull=True)

    def operationeel(self):
        return self.filter(parent__isnull=False)


class Doelstelling(MPTTModel):
    """A goal: an SD (strategische doelstelling, a root) or an OD (operationele, its child).

    The row is the goal's identity through rewording, renumbering and moving. ``code``
    follows the goal's position and is refreshed whenever the tree changes
    (``Beleidsplan.refresh_codes``); never edit it by hand.
    """

    class Soort(models.TextChoices):
        SD = "SD", _("strategic goal")
        OD = "OD", _("operational goal")

    plan = models.ForeignKey(
        Beleidsplan,
        verbose_name=_("policy plan"),
        on_delete=models.PROTECT,
        related_name="doelstellingen",
    )
    # PROTECT: deleting an SD that still has ODs is refused, not cascaded.
    parent = TreeForeignKey(
        "self",
        verbose_name=_("strategic goal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Empty for a strategic goal (SD); the SD for an operational goal (OD)."),
    )
    code = models.CharField(_("code"), max_length=20, editable=False, default="")
    formulering = models.TextField(_("wording"))
    tagline = models.CharField(
        _("short title"),
        max_length=200,
        blank=True,
        help_text=_('E.g. "CULTUURPARTICIPATIE in de regio VERGROTEN".'),
    )
    transversaal = models.BooleanField(
        _("cross-cutting"),
        default=False,
        help_text=_("A cross-cutting strategic goal runs across the others."),
    )
    toelichting = models.TextField(_("explanation"), blank=True)
    spreiding = models.TextField(_("spreading"), blank=True)
    # Notes that are not part of the plan: revision notes and margin text an import found
    # beside the goal. Shown in the admin only, never on the site or in open data.
    werknotitie = models.TextField(
        _("coordinator's note"), blank=True,
        help_text=_(
            "Not shown on the site or in downloads: revision notes and margin text from an "
            "imported nota, reminders. Copy what readers should see to the explanation."
        ),
    )

    # The goal of the previous plan this one continues (copied by ``start_next_plan``),
    # by identity: kept when this goal is later reworded, renumbered, moved, merged or
    # split, so a goal can be followed across plans. SET_NULL: the link is history, not a
    # dependency.
    voortzetting_van = models.ForeignKey(
        "self",
        verbose_name=_("continues"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voortzettingen",
        help_text=_("The goal of the previous policy plan that this goal continues."),
    )

    history = HistoricalRecords(
        excluded_fields=["lft", "rght", "tree_id", "level"],
    )
    objects = DoelstellingManager.from_queryset(DoelstellingQuerySet)()

    class MPTTMeta:
        parent_attr = "parent"

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [
            # Looking a goal up by its code within a plan (importer, "zie ook" references).
            models.Index(fields=["plan", "code"], name="doelstelling_plan_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.formulering[:80]}".strip()

    @property
    def soort(self) -> str:
        return self.Soort.SD if self.parent_id is None else self.Soort.OD

    def get_absolute_url(self):
        """The goal's page on the site. Stable through renumbering and moving (by
        identity, not by code)."""
        from django.urls import reverse

        return reverse("plan:doelstelling", args=[self.plan_id, self.pk])

    def delete(self, *args, **kwargs):
        # mptt closes the gap in the tree before Django deletes the row; when the delete is
        # refused (PROTECT: the goal has actions or ODs) that must be rolled back too, or
        # the tree is left broken.
        with transaction.atomic():
            return super().delete(*args, **kwargs)

    def get_soort_display(self) -> str:
        return self.Soort(self.soort).label

    def clean(self):
        super().clean()
        errors = {}
        if self.parent_id:
            parent = self.parent
            if parent.parent_id is not None:
                errors["parent"] = gettext(
                    "An operational goal (OD) belongs under a strategic goal (SD), "
                    "not under another OD."
                )
            elif self.plan_id and parent.plan_id != self.plan_id:
                errors["parent"] = gettext("The SD belongs to another policy plan.")
            elif self.pk and self.children.exists():
                errors["parent"] = gettext(
                    "This goal has operational goals of its own; a goal with ODs "
                    "stays a strategic goal."
                )
            if self.transversaal:
                errors["transversaal"] = gettext("Only a strategic goal (SD) can be cross-cutting.")
        elif self.pk and self.acties.exists():
            errors["parent"] = gettext(
                "This goal has actions; actions belong under an operational goal, so choose its SD."
            )
        if self.plan_id and self.plan.afgesloten_op is not None:
            # Every form and spreadsheet import of goals runs this: a closed plan is
            # read-only (the admin refuses earlier, beleidsplan/admin_closed.py).
            errors["plan"] = gettext("This policy plan is closed: its goals cannot change.")
        if self.voortzetting_van_id and self.plan_id:
            if self.voortzetting_van.plan_id != self.plan.vorig_plan_id:
                errors["voortzetting_van"] = gettext(
                    "A goal can only continue a goal of the previous policy plan."
                )
        if errors:
            raise ValidationError(errors)

    def check_move(self, target, position: str) -> None:
        """Raise ``InvalidMove`` (Dutch message) for a move that breaks the SD > OD tree.

        ``position`` as mptt's: first-child, last-child, left, right.
        """
        if target is not None and target.plan_id != self.plan_id:
            raise InvalidMove(gettext("A goal cannot move to another policy plan."))
        becomes_child = position in ("first-child", "last-child")
        if target is None or (not becomes_child and target.parent_id is None):
            # The goal becomes a strategic goal (root).
            if self.acties.exists():
                raise InvalidMove(
                    gettext(
                        "%(code)s has actions, so it must stay an operational goal under an SD."
                    )
                    % {"code": self.code}
                )
            return
        new_parent = target if becomes_child else target.parent
        if new_parent.parent_id is not None:
            raise InvalidMove(
                gettext("An operational goal cannot get operational goals of its own.")
            )
        if self.children.exists():
            raise InvalidMove(
                gettext(
                    "%(code)s has operational goals of its own, so it must stay a strategic goal."
                )
                % {"code": self.code}
            )


class Herziening(models.Model):
    """A revision round: a named set of change proposals to the working plan."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        AFGESLOTEN = "afgesloten", _("closed")

    plan = models.ForeignKey(
        Beleidsplan,
        verbose_name=_("policy plan"),
        on_delete=models.PROTECT,
        related_name="herzieningen",
    )
    naam = models.CharField(_("name"), max_length=200)
    beschrijving = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    aangemaakt_op = models.DateTimeField(_("created on"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("revision round")
        verbose_name_plural = _("revision rounds")
        ordering = ["-aangemaakt_op"]

    def __str__(self):
        return self.naam


_MISSING = object()  # a foreign key whose row does not exist


class WijzigingsvoorstelQuerySet(models.QuerySet):
    def with_subjects(self):
        """With what ``__str__`` and ``beschrijving`` read: the goal, the target, the
        action with its OD, the indicator with what it measures. Joins, no extra query."""
        return self.select_related(
            "doelstelling", "doel", "actie__doelstelling",
            "indicator__doelstelling", "indicator__actie__doelstelling",
        )


class Wijzigingsvoorstel(models.Model):
    """A change proposal of a revision round. Accepting it applies it to the working plan
    (``beleidsplan.services.accept_proposal``); rejected and open ones stay on record.

    The goal and action a proposal is about are foreign keys that survive as plain ids
    (``*_ref``) when a merge, split or conversion removes the row: the comparison of
    versions needs those ids to connect both sides.
    """

    class Soort(models.TextChoices):
        HERFORMULEREN = "herformuleren", _("reword")
        VERPLAATSEN = "verplaatsen", _("move to another SD")
        HERORDENEN = "herordenen", _("reorder (renumber)")
        SAMENVOEGEN = "samenvoegen", _("merge")
        SPLITSEN = "splitsen", _("split")
        OD_NAAR_ACTIE = "od_naar_actie", _("turn an OD into an action")
        ACTIE_NAAR_OD = "actie_naar_od", _("turn an action into an OD")
        NIEUW = "nieuw", _("new goal")
        SCHRAPPEN = "schrappen", _("remove")
        OPMERKING = "opmerking", _("comment or open question")
        ACTIE_HERFORMULEREN = "actie_herformuleren", _("reword an action")
        ACTIE_VERPLAATSEN = "actie_verplaatsen", _("move an action to another OD")
        ACTIE_SCHRAPPEN = "actie_schrappen", _("remove an action")
        INDICATOR_NIEUW = "indicator_nieuw", _("new indicator")
        INDICATOR_WIJZIGEN = "indicator_wijzigen", _("change an indicator")
        INDICATOR_SCHRAPPEN = "indicator_schrappen", _("remove an indicator")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        AANVAARD = "aanvaard", _("accepted")
        VERWORPEN = "verworpen", _("rejected")

    herziening = models.ForeignKey(
        Herziening,
        verbose_name=_("revision round"),
        on_delete=models.PROTECT,
        related_name="voorstellen",
    )
    volgorde = models.PositiveIntegerField(_("order"), default=0)
    soort = models.CharField(_("kind"), max_length=20, choices=Soort.choices)
    doelstelling = models.ForeignKey(
        Doelstelling,
        verbose_name=_("goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voorstellen",
        error_messages={"invalid": _("This goal does not exist (anymore) in the plan.")},
        help_text=_("The goal the proposal is about (empty for a new goal)."),
    )
    doelstelling_ref = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    actie = models.ForeignKey(
        "acties.Actie",
        verbose_name=_("action"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voorstellen",
        error_messages={"invalid": _("This action does not exist (anymore) in the plan.")},
        help_text=_("The action the proposal is about (proposals about an action)."),
    )
    actie_ref = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    doel = models.ForeignKey(
        Doelstelling,
        verbose_name=_("target goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        error_messages={"invalid": _("This goal does not exist (anymore) in the plan.")},
        help_text=_(
            "Move, new OD, action into OD: the SD it goes under. Merge: the goal that "
            "remains. OD into action: the OD that gets the action."
        ),
    )
    positie = models.PositiveSmallIntegerField(
        _("position"),
        null=True,
        blank=True,
        help_text=_("1 = first. Empty: last."),
    )
    nieuwe_formulering = models.TextField(_("new wording"), blank=True)
    nieuwe_tagline = models.CharField(_("new short title"), max_length=200, blank=True)
    nieuw_transversaal = models.BooleanField(
        _("cross-cutting from now on"),
        null=True,
        blank=True,
        help_text=_("Empty: unchanged."),
    )
    delen = models.TextField(
        _("parts"),
        blank=True,
        help_text=_("Split: the wording of each new goal, one per line."),
    )
    # Proposals about an indicator (beleidsplan/proposals.py, IndicatorKind): the indicator,
    # kept as a plain id when it is removed, and the values proposed for it.
    indicator = models.ForeignKey(
        "acties.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voorstellen",
        error_messages={"invalid": _("This indicator does not exist (anymore) in the plan.")},
    )
    indicator_ref = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    indicator_naam = models.CharField(_("name of the indicator"), max_length=200, blank=True)
    indicator_eenheid = models.CharField(
        _("unit"), max_length=50, blank=True, help_text=_('What is counted, e.g. "participants".')
    )
    indicator_basiswaarde = models.DecimalField(
        _("base value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    indicator_basisjaar = models.PositiveSmallIntegerField(
        _("base year"), null=True, blank=True, validators=year_validators
    )
    indicator_streefwaarde = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    indicator_streefjaar = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, validators=year_validators,
        help_text=_("A year of the plan's period."),
    )
    indicator_richting = models.CharField(
        _("direction"), max_length=10, choices=Indicator.Richting.choices, blank=True
    )
    indicator_cumulatief = models.BooleanField(
        _("cumulative"), default=False,
        help_text=_(
            "Checked: a number per period that adds up (e.g. participants per year). "
            "Unchecked: a level (e.g. the number of municipalities in the UiT-pas)."
        ),
    )
    motivatie = models.TextField(_("motivation"), blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    aangemaakt_op = models.DateTimeField(_("created on"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    beslist_op = models.DateTimeField(_("decided on"), null=True, blank=True)
    beslist_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the goal (or, for a proposal about an action, the action's description and
    # OD) looked like when the proposal was written: accepting a proposal whose subject
    # changed since then is refused (it no longer applies as written).
    basis_formulering = models.TextField(blank=True, editable=False)
    basis_ouder_ref = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # The target's wording then: a merge that rewords the goal that remains must not
    # overwrite a rewording accepted after the merge was written.
    basis_doel_formulering = models.TextField(blank=True, editable=False)
    # What accepting did, by id: {"geschrapt": [...], "nieuw": [...], "acties": [...]}.
    effect = models.JSONField(default=dict, blank=True, editable=False)

    history = HistoricalRecords()
    objects = WijzigingsvoorstelQuerySet.as_manager()

    class Meta:
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        ordering = ["herziening", "volgorde", "pk"]
        indexes = [
            # The accepted proposals between two versions (comparison of versions).
            models.Index(fields=["status", "beslist_op"], name="voorstel_status_beslist"),
        ]

    def __str__(self):
        """The kind and its subject: the indicator's name, the goal's code, or the action's
        OD code and text. Call on ``with_subjects()``."""
        if self.indicator_id:
            subject = self.indicator.naam
        elif self.doelstelling_id:
            subject = self.doelstelling.code
        elif self.actie_id:
            subject = str(self.actie)
        else:
            subject = ""
        return f"{self.get_soort_display()} {subject}".strip()

    def save(self, *args, **kwargs):
        if self.pk is None and self.indicator_id:
            # The indicator as the plan stated it then (staleness check, and the "from"
            # side of what the proposal changes once the indicator itself has changed).
            self.basis_formulering = json.dumps(self.indicator.definitie(), sort_keys=True)
        elif self.pk is None and self.doelstelling_id:
            # What the goal looked like when the proposal was written (staleness check).
            self.basis_formulering = self.doelstelling.formulering
            self.basis_ouder_ref = self.doelstelling.parent_id
        elif self.pk is None and self.actie_id:
            self.basis_formulering = self.actie.omschrijving
            self.basis_ouder_ref = self.actie.doelstelling_id
        if self.pk is None and self.doel_id:
            self.basis_doel_formulering = self.doel.formulering
        if self.doelstelling_id:
            self.doelstelling_ref = self.doelstelling_id
        if self.actie_id:
            self.actie_ref = self.actie_id
        if self.indicator_id:
            self.indicator_ref = self.indicator_id
        super().save(*args, **kwargs)

    def delen_lijst(self) -> list[str]:
        return [line.strip() for line in self.delen.splitlines() if line.strip()]

    def beschrijving(self) -> str:
        """What the proposal does, in one Dutch sentence (its kind says it). Call on
        ``with_subjects()``."""
        from .proposals import KINDS

        kind = KINDS.get(self.soort)
        return kind.describe(self) if kind is not None else self.get_soort_display()

    def indicator_changes(self) -> list[tuple[str, str, str]]:
        """(what, before, proposed) for each value a proposal about an indicator changes;
        ``[]`` for the other kinds. No query."""
        from .proposals import KINDS

        kind = KINDS.get(self.soort)
        return kind.indicator_changes(self) if kind is not None else []

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def clean(self):
        """Check that the proposal says what its kind needs, in words a coordinator
        understands. Runs before saving from any form (admin, site)."""
        super().clean()
        errors: dict[str, str] = {}
        # Fields that already failed their own check (a form excludes them) get no second
        # message here.
        skip = getattr(self, "_clean_exclude", set())
        goal, target, actie, indicator = (
            self._related(name) for name in ("doelstelling", "doel", "actie", "indicator")
        )
        if _MISSING in (goal, target, actie, indicator):
            # The field's own check already says it does not exist ("invalid" below).
            return
        plan_id = self.herziening.plan_id if self.herziening_id else None
        if self.pk is None and plan_id and self.herziening.plan.afgesloten_op is not None:
            # A closed plan changes no more (succession.close_plan): no new proposals.
            raise ValidationError(
                gettext("This policy plan is closed: it takes no new change proposals.")
            )
        # What each kind needs is stated once, with the kind (beleidsplan/proposals.py).
        from .proposals import KINDS

        kind = KINDS.get(self.soort)
        if kind is None:
            return  # the field's own check refuses an unknown kind
        if "doelstelling" in kind.fields and kind.goal_required and goal is None:
            errors["doelstelling"] = gettext("Choose the goal this proposal is about.")
        for field, value in (("doelstelling", goal), ("doel", target)):
            if value is not None and plan_id and value.plan_id != plan_id:
                errors[field] = gettext(
                    "This goal belongs to another policy plan than the revision round."
                )
        if actie is not None and plan_id and actie.doelstelling.plan_id != plan_id:
            errors["actie"] = gettext(
                "This action belongs to another policy plan than the revision round."
            )
        if indicator is not None and plan_id and indicator.plan().pk != plan_id:
            errors["indicator"] = gettext(
                "This indicator belongs to another policy plan than the revision round."
            )
        errors = {field: message for field, message in errors.items() if field not in skip}
        if errors:
            raise ValidationError(errors)
        errors = kind.validate(self, goal=goal, target=target, actie=actie)
        errors = {field: message for field, message in errors.items() if field not in skip}
        if errors:
            raise ValidationError(errors)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        self._clean_exclude = set(exclude or ())
        try:
            return super().full_clean(exclude, validate_unique, validate_constraints)
        finally:
            del self._clean_exclude

    def _related(self, name: str):
        """The related object, None when not set, or _MISSING when its id does not exist."""
        if getattr(self, f"{name}_id") is None:
            return None
        try:
            return getattr(self, name)
        except ObjectDoesNotExist:
            return _MISSING


class Reactie(models.Model):
    """A comment in the discussion of a change proposal."""

    voorstel = models.ForeignKey(
        Wijzigingsvoorstel,
        verbose_name=_("change proposal"),
        on_delete=models.CASCADE,
        related_name="reacties",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tekst = models.TextField(_("comment"))
    geplaatst_op = models.DateTimeField(_("posted on"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["geplaatst_op", "pk"]

    def __str__(self):
        return self.tekst[:60]


class Planversie(models.Model):
    """A published, immutable, numbered state of the whole plan.

    The version IS its ``cultuurregio-plan/1`` document, stored as the exact text that is
    served and exported: nothing done to the working plan afterwards changes it.
    """

    plan = models.ForeignKey(
        Beleidsplan,
        verbose_name=_("policy plan"),
        on_delete=models.PROTECT,
        related_name="versies",
    )
    nummer = models.PositiveIntegerField(_("number"))
    naam = models.CharField(_("name"), max_length=200)
    gepubliceerd_op = models.DateTimeField(_("published on"))
    gepubliceerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.TextField(_("document"), editable=False)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "nummer"]
        constraints = [
            # Version numbers count up per plan; two publications never share one.
            models.UniqueConstraint(fields=["plan", "nummer"], name="planversie_nummer_uniek"),
        ]

    def __str__(self):
        return _("Version %(nummer)s: %(naam)s") % {"nummer": self.nummer, "naam": self.naam}

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk).exists():
            raise ValueError("A published plan version is immutable.")
        super().save(*args, **kwargs)

    def data(self) -> dict:
        """The stored document, parsed. No query."""
        return json.loads(self.document)


class RenderedFile(models.Model):
    """A download made once and kept in the database, so that no worker renders the same
    file twice: a published version's PDF, XLSX and CSV (``key`` names the version, which
    never changes), and the working state's and annual report's files (``key`` holds the
    plan's stamp). Only the newest file of a ``family`` is kept (``pagecache.stored_file``).
    Not plan data: never exported, never audited, safe to empty."""

    plan = models.ForeignKey(Beleidsplan, on_delete=models.CASCADE, related_name="+")
    # The file's identity: family and the stamp or version it was made from.
    key = models.CharField(max_length=250, unique=True)
    # The same file for another stamp (older ones are removed when a newer is made).
    family = models.CharField(max_length=200, db_index=True)
    content_type = models.CharField(max_length=120)
    filename = models.CharField(max_length=200)
    body = models.BinaryField()
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stored download")
        verbose_name_plural = _("stored downloads")

    def __str__(self):
        return self.key


# The search index (beleidsplan/search.py). Imported here, not at the top, to keep the
# search's storage in one block; django.contrib.postgres's fields and indexes need no
# INSTALLED_APPS entry and cost nothing on SQLite.
from django.contrib.postgres.indexes import GinIndex  # noqa: E402
from django.contrib.postgres.search import SearchVectorField  # noqa: E402


class SearchEntryQuerySet(models.QuerySet):
    def markers(self, sources):
        """The rows that record what each of ``sources`` was built from. A filter; the
        partial unique index ``searchentry_one_marker_per_source`` serves it."""
        return self.filter(kind=SearchEntry.SOURCE, source__in=list(sources))

    def searchable(self, sources, *, inactive_actors: bool):
        """The goals, actions and actors of ``sources`` a reader may find: inactive actors
        only for insiders (``inactive_actors``). A filter."""
        rows = self.filter(source__in=list(sources)).exclude(kind=SearchEntry.SOURCE)
        if not inactive_actors:
            rows = rows.filter(active=True)
        return rows


class SearchEntry(models.Model):
    """One goal, action or actor as a source shows it, with its three texts and their
    weighted full-text vector: the index of the site's search (beleidsplan/search.py).

    A source is a plan's working state (``plan:<pk>``), a published version
    (``versie:<pk>``, built once: versions never change) or the actors (``actoren``). Each
    source has one more row, of kind ``source``, whose ``key`` says what the source was
    built from (the working state's reading key, the version, the actors' fingerprint); a
    source whose key is not the current one is rebuilt, all rows in one transaction.

    Derived data: never audited or exported, safe to empty (the next search rebuilds it).
    Titles, links and plan names are not stored; the search makes them from ``kind``,
    ``object_id``, ``plan``, ``code`` and ``number``, in the reader's language.
    """

    SOURCE = "source"

    source = models.CharField(max_length=40)
    key = models.CharField(max_length=200, blank=True)
    # Both set for a version's rows, only ``plan`` for the working state's, neither for
    # the actors'. Deleting the plan or version deletes its rows.
    plan = models.ForeignKey(
        Beleidsplan, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    versie = models.ForeignKey(
        Planversie, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12)  # doelstelling, actie, actor, or source
    object_id = models.PositiveBigIntegerField(default=0)
    order = models.PositiveIntegerField(default=0)  # plan order in the source, from 1
    code = models.CharField(max_length=20, blank=True)  # the goal's (of an action: its goal's)
    number = models.PositiveIntegerField(default=0)  # an action's number under its goal
    # The texts searched, by kind (search.FIELDS): a goal's formulering, tagline and
    # toelichting; an action's omschrijving, regierol and actorrol; an actor's naam,
    # aliassen and beschrijving.
    text1 = models.TextField(blank=True)
    text2 = models.TextField(blank=True)
    text3 = models.TextField(blank=True)
    active = models.BooleanField(default=True)  # an actor's ``actief``
    # The three texts, weighted (search.WEIGHTS), in the dutch_unaccent configuration.
    # PostgreSQL only; empty on SQLite, whose search reads the texts.
    vector = SearchVectorField(null=True, blank=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        indexes = [
            # The search: vector @@ websearch_to_tsquery('dutch_unaccent', ...). Created
            # on PostgreSQL only (migration 0006); SQLite has no GIN.
            GinIndex(fields=["vector"], name="searchentry_vector"),
            # Rebuilding a source (DELETE ... WHERE source = ...) and the SQLite search's
            # reading of the readable sources in plan order.
            models.Index(fields=["source", "order"], name="searchentry_source_order"),
        ]
        constraints = [
            # The freshness check reads these rows; and when two workers rebuild the same
            # source at once, the second one's insert fails here and it uses the first's.
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(kind="source"),
                name="searchentry_one_marker_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.object_id}"
