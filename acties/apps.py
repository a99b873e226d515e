from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActiesConfig(AppConfig):
    name = "acties"
    verbose_name = _("Actions")

    def ready(self):
        # Connects the login handler that remembers whether the user is a partner (for the
        # "Mijn acties" menu item) even before the partner URLs are first loaded.
        from . import partner_views  # noqa: F401
