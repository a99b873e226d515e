from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorenConfig(AppConfig):
    name = "actoren"
    verbose_name = _("Actors and municipalities")
