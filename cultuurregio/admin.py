from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .roles import is_coordinator


class CultuurregioAdminSite(admin.AdminSite):
    """The coordinator's admin. Only coordinators get in: steering group members and
    partners use the site, even if someone made them staff by mistake."""

    site_header = _("Cultuurregio: beleidsplan")
    site_title = _("Cultuurregio")
    index_title = _("Coordinator's management")

    def has_permission(self, request):
        return is_coordinator(request.user)
