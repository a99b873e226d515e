from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_groups(sender, **kwargs):
    from cultuurregio.roles import ensure_groups

    ensure_groups()


class BeleidsplanConfig(AppConfig):
    name = "beleidsplan"
    verbose_name = _("Policy plan")

    def ready(self):
        from . import signals  # noqa: F401  (keeps goal codes in step with the tree)

        # After the last of our apps migrated, so all permissions exist.
        post_migrate.connect(_ensure_groups, dispatch_uid="cultuurregio_ensure_groups")
