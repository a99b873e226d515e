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
        # Goal codes keep in step with the tree; the plan's stamp with every change, once
        # per transaction for code that writes many rows (cultuurregio.bulk).
        from cultuurregio import bulk

        from . import signals, stamps  # noqa: F401 (signals: connected on import)

        bulk.register(stamps.once_for_every_plan)

        # After the last of our apps migrated, so all permissions exist.
        post_migrate.connect(_ensure_groups, dispatch_uid="cultuurregio_ensure_groups")
