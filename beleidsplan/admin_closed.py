"""A closed plan (``Beleidsplan.afgesloten_op``, ``succession.close_plan``) is read-only
in the admin: the plan, its goals, its actions and their inlines. Shared by
``beleidsplan.admin`` and ``beleidsplan.admin_acties``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import Beleidsplan


def closed_notice(plan: Beleidsplan) -> str:
    """The admin's word on a closed plan, above its own, its goals' and actions' forms."""
    return gettext("This plan was closed on %(date)s: it can no longer be changed.") % {
        "date": date_format(timezone.localtime(plan.afgesloten_op), "j F Y"),
    }


class ClosedPlanReadOnlyMixin:
    """Objects of a closed plan (``Beleidsplan.afgesloten_op``) are read-only in the
    admin: no change, no delete (a POST to the change view is refused with 403, as
    Django does without change permission); the form shows the fields read-only and says
    why. ``plan_of`` gives an object's plan (select its plan with the object)."""

    def plan_of(self, obj) -> Beleidsplan:
        raise NotImplementedError

    def _closed(self, obj) -> bool:
        return obj is not None and obj.pk is not None and self.plan_of(obj).is_afgesloten

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._closed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._closed(obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an earlier version is an edit: simple-history lets anyone who may
        # view the history post it, so refuse it here for a closed plan.
        if request.method == "POST" and self._closed(self.get_object(request, object_id)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if self._closed(obj) and request.method == "GET":
            messages.warning(request, closed_notice(self.plan_of(obj)))
        return super().change_view(request, object_id, form_url, extra_context)


class ClosedPlanInlineMixin:
    """An inline on the form of an object of a closed plan: read-only too."""

    def _closed(self, obj) -> bool:
        return obj is not None and obj.pk is not None and self.parent_plan(obj).is_afgesloten

    def parent_plan(self, obj) -> Beleidsplan:
        raise NotImplementedError

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._closed(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._closed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._closed(obj)
