from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "cultuurregio.outbox"
    label = "outbox"
    verbose_name = _("E-mail")
    default_auto_field = "django.db.models.BigAutoField"
