from django.db import models
from django.utils.translation import gettext_lazy as _


class OnverstuurdeEmailQuerySet(models.QuerySet):
    def open(self):
        """The messages still waiting to be sent again."""
        return self.filter(verstuurd_op__isnull=True)


class OnverstuurdeEmail(models.Model):
    """An e-mail that could not be sent: the message as it was, and why it failed.

    The body may hold a link to set a password (an invitation, a reset); it is shown only
    to coordinators, in the admin, who can invite the person again anyway.
    """

    aan = models.TextField(_("to"), help_text=_("Addresses, one per line."))
    van = models.CharField(_("from"), max_length=254)
    onderwerp = models.CharField(_("subject"), max_length=998)
    tekst = models.TextField(_("text"))
    html = models.TextField(_("HTML text"), blank=True)
    fout = models.TextField(_("error"))
    pogingen = models.PositiveIntegerField(_("attempts"), default=1)
    aangemaakt_op = models.DateTimeField(_("first attempt"), auto_now_add=True)
    laatste_poging_op = models.DateTimeField(_("last attempt"), auto_now=True)
    verstuurd_op = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OnverstuurdeEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("unsent e-mail")
        verbose_name_plural = _("unsent e-mails")
        ordering = ["-aangemaakt_op", "-pk"]

    def __str__(self):
        return f"{self.onderwerp} → {self.aan_text}"

    @property
    def aan_text(self) -> str:
        return ", ".join(self.recipients())

    def recipients(self) -> list[str]:
        return [line.strip() for line in self.aan.splitlines() if line.strip()]
