"""Keep goal codes in step with the tree: after a save, a move or a delete."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from mptt.signals import node_moved

from .models import Beleidsplan, Doelstelling


def _refresh(instance: Doelstelling) -> None:
    codes = Beleidsplan(pk=instance.plan_id).refresh_codes()
    # Reflect the refreshed code on the instance the caller holds.
    instance.code = codes.get(instance.pk, instance.code)


@receiver(post_save, sender=Doelstelling)
def refresh_codes_after_save(sender, instance, raw=False, **kwargs):
    # Fixture loading (raw) stores codes as they are in the fixture.
    if not raw:
        _refresh(instance)


@receiver(node_moved, sender=Doelstelling)
def refresh_codes_after_move(sender, instance, **kwargs):
    _refresh(instance)


@receiver(post_delete, sender=Doelstelling)
def refresh_codes_after_delete(sender, instance, **kwargs):
    _refresh(instance)
