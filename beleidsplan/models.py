from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from mptt.exceptions import InvalidMove
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from simple_history.models import HistoricalRecords

year_validators = [MinValueValidator(2000), MaxValueValidator(2100)]


class Beleidsplan(models.Model):
    """A six-year policy plan of the region. Old plans stay readable."""

    titel = models.CharField(_("title"), max_length=200)
    van_jaar = models.PositiveSmallIntegerField(_("from year"), validators=year_validators)
    tot_jaar = models.PositiveSmallIntegerField(_("to year"), validators=year_validators)
    beschrijving = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

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

    def clean(self):
        super().clean()
        if self.van_jaar and self.tot_jaar and self.tot_jaar < self.van_jaar:
            raise ValidationError(
                {"tot_jaar": _("The end year cannot lie before the start year.")}
            )

    def refresh_codes(self) -> dict[int, str]:
        """Give every goal of this plan the code of its place in the tree (SD1, SD1-OD2).

        Two queries (one read, one bulk update of the changed rows). The code is derived
        data, so the update deliberately bypasses the audit trail. Returns every goal's
        code by primary key.
        """
        goals = list(
            Doelstelling.objects.filter(plan=self).order_by("tree_id", "lft")
        )
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
        Beleidsplan, verbose_name=_("policy plan"), on_delete=models.PROTECT,
        related_name="doelstellingen",
    )
    # PROTECT: deleting an SD that still has ODs is refused, not cascaded.
    parent = TreeForeignKey(
        "self", verbose_name=_("strategic goal"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
        help_text=_("Empty for a strategic goal (SD); the SD for an operational goal (OD)."),
    )
    code = models.CharField(_("code"), max_length=20, editable=False, default="")
    formulering = models.TextField(_("wording"))
    tagline = models.CharField(
        _("short title"), max_length=200, blank=True,
        help_text=_('E.g. "CULTUURPARTICIPATIE in de regio VERGROTEN".'),
    )
    transversaal = models.BooleanField(
        _("cross-cutting"), default=False,
        help_text=_("A cross-cutting strategic goal runs across the others."),
    )
    toelichting = models.TextField(_("explanation"), blank=True)
    spreiding = models.TextField(_("spreading"), blank=True)

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
                errors["transversaal"] = gettext(
                    "Only a strategic goal (SD) can be cross-cutting."
                )
        elif self.pk and self.acties.exists():
            errors["parent"] = gettext(
                "This goal has actions; actions belong under an operational goal, "
                "so choose its SD."
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
                        "%(code)s has actions, so it must stay an operational goal "
                        "under an SD."
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
                    "%(code)s has operational goals of its own, so it must stay a "
                    "strategic goal."
                )
                % {"code": self.code}
            )
