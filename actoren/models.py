from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

nis_validator = RegexValidator(
    r"^\d{5}$", _("A NIS code has exactly five digits, e.g. 23027 for Halle.")
)


class GemeenteQuerySet(models.QuerySet):
    def huidig(self, *, op=None):
        """Municipalities that still exist (not merged into another) on date ``op``
        (today when omitted). One query."""
        from django.utils import timezone

        op = op or timezone.localdate()
        return self.filter(Q(opgegaan_in__isnull=True) | Q(fusiedatum__gt=op))


class Gemeente(models.Model):
    """A municipality of the region. The list is the region's own data, never hard-coded.

    A merger keeps the old row: actions and reports of earlier years keep naming it, and
    ``opgegaan_in`` lets the current view add them up under the new municipality.
    """

    naam = models.CharField(_("name"), max_length=100, unique=True)
    nis_code = models.CharField(
        _("NIS code"), max_length=5, unique=True, null=True, blank=True,
        validators=[nis_validator],
        help_text=_("The five-digit code of Statbel, e.g. 23027."),
    )
    faciliteitengemeente = models.BooleanField(
        _("municipality with language facilities"), default=False
    )
    opgegaan_in = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="fusiegemeenten",
    )
    fusiedatum = models.DateField(_("merger date"), null=True, blank=True)
    # The place on the spreiding page's tile map (beleidsplan.charts.tile_map): the region's
    # own data, like the list itself, so a region draws its own geography.
    tegel_rij = models.PositiveSmallIntegerField(
        _("tile row"), null=True, blank=True,
        help_text=_("Row of the municipality's tile on the map of the region, 0 at the top "
                    "(north). Empty: the tile goes in a row under the map."),
    )
    tegel_kolom = models.PositiveSmallIntegerField(
        _("tile column"), null=True, blank=True,
        help_text=_("Column of the municipality's tile on the map of the region, 0 at the "
                    "left (west). Empty: the tile goes in a row under the map."),
    )

    history = HistoricalRecords()
    objects = GemeenteQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["naam"]
        constraints = [
            # A merger has both a target and a date, or neither.
            models.CheckConstraint(
                condition=Q(opgegaan_in__isnull=True, fusiedatum__isnull=True)
                | Q(opgegaan_in__isnull=False, fusiedatum__isnull=False),
                name="gemeente_fusie_volledig",
                violation_error_message=_(
                    "A merger needs both the new municipality and the merger date."
                ),
            ),
        ]

    def __str__(self):
        return self.naam

    def clean(self):
        super().clean()
        if self.opgegaan_in_id and self.opgegaan_in_id == self.pk:
            raise ValidationError(
                {"opgegaan_in": _("A municipality cannot merge into itself.")}
            )
        if bool(self.opgegaan_in_id) != bool(self.fusiedatum):
            raise ValidationError(
                _("A merger needs both the new municipality and the merger date.")
            )


class Actor(models.Model):
    """An organisation or person of the regional culture field (the seed's REGIEROL kinds)."""

    class Soort(models.TextChoices):
        VERENIGING = "vereniging", _("culture association or volunteers")
        PROFESSIONAL = "professional", _("culture official or professional")
        INSTELLING = "instelling", _("culture house or institution")
        ANDER_DOMEIN = "ander_domein", _("partner from another policy domain")
        SAMENWERKINGSVERBAND = "samenwerkingsverband", _(
            "intermunicipal or regional partnership"
        )

    class Niveau(models.TextChoices):
        LOKAAL = "lokaal", _("local")
        BOVENLOKAAL = "bovenlokaal", _("supra-local")
        VLAAMS = "vlaams", _("Flemish")

    naam = models.CharField(_("name"), max_length=200, unique=True)
    soort = models.CharField(_("kind"), max_length=30, choices=Soort.choices)
    niveau = models.CharField(
        _("level"), max_length=20, choices=Niveau.choices, default=Niveau.LOKAAL
    )
    gemeenten = models.ManyToManyField(
        Gemeente, verbose_name=_("municipalities"), blank=True, related_name="actoren"
    )
    # Plan texts name the same organisation in several ways ("vzw 'de Rand'", "vzw De
    # Rand"); the nota importer links an action to the actor when one of these occurs.
    aliassen = models.TextField(
        _("other spellings"), blank=True,
        help_text=_(
            "One alternative spelling per line, e.g. an abbreviation. Used to recognise "
            "the actor in the texts of the plan."
        ),
    )
    beschrijving = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    telefoon = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    adres = models.CharField(_("address"), max_length=250, blank=True)
    actief = models.BooleanField(_("active"), default=True)
    gebruikers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("partner accounts"), blank=True,
        related_name="actoren",
        help_text=_("People who may report progress for this organisation."),
    )

    history = HistoricalRecords(m2m_fields=[gemeenten])

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class ContactPersoon(models.Model):
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="contactpersonen"
    )
    naam = models.CharField(_("name"), max_length=150)
    functie = models.CharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    telefoon = models.CharField(_("phone"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["naam"]

    def __str__(self):
        return f"{self.naam} ({self.actor})"
