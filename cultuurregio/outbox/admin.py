"""Unsent e-mails in the coordinator's admin: read why they failed, send them again."""

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .mail import resend
from .models import OnverstuurdeEmail


class StillOpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "verstuurd"

    def lookups(self, request, model_admin):
        return [("nee", _("not sent yet")), ("ja", _("sent again"))]

    def queryset(self, request, queryset):
        if self.value() == "nee":
            return queryset.open()
        if self.value() == "ja":
            return queryset.filter(verstuurd_op__isnull=False)
        return queryset


@admin.register(OnverstuurdeEmail)
class OnverstuurdeEmailAdmin(admin.ModelAdmin):
    list_display = ["onderwerp", "aan_text", "aangemaakt_op", "pogingen", "verstuurd_op", "fout"]
    list_filter = [StillOpenFilter]
    search_fields = ["aan", "onderwerp"]
    actions = ["send_again"]
    readonly_fields = [
        "aan", "van", "onderwerp", "tekst", "html", "fout", "pogingen", "aangemaakt_op",
        "laatste_poging_op", "verstuurd_op",
    ]

    @admin.display(description=_("to"))
    def aan_text(self, obj):
        return obj.aan_text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Shown read-only; "sending again" is the action, not an edit.
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("outbox.view_onverstuurdeemail")

    @admin.action(description=_("Send the e-mail again"), permissions=["view"])
    def send_again(self, request, queryset):
        sent = failed = 0
        for email in queryset.open():
            if resend(email):
                sent += 1
            else:
                failed += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(count)s e-mail was sent.", "%(count)s e-mails were sent.", sent)
                % {"count": sent},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)s e-mail could still not be sent; the error is in the list.",
                    "%(count)s e-mails could still not be sent; the errors are in the list.",
                    failed,
                )
                % {"count": failed},
                messages.ERROR,
            )
        if not sent and not failed:
            self.message_user(request, gettext("These e-mails were already sent."))
