"""manage.py maak_downloads [--plan ID]

Makes the downloads (PDF, XLSX, CSV) of every published version that are not kept yet for
this release of the site, as publishing does for a new version
(``beleidsplan.downloads.make_version_files``). A deploy that changes what renders them
(templates, static files, translations: ``pagecache.release``) leaves the kept files
behind; without this, the first reader of each version's PDF waits for it (seconds for a
large plan with its indicators' charts). Run it after ``collectstatic`` and
``compilemessages``; the site serves meanwhile. Files already kept are not made again.
"""

import time

from django.core.management.base import BaseCommand
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beleidsplan.downloads import make_version_files
from beleidsplan.management.plans import plan_from_option
from beleidsplan.models import Planversie, RenderedFile


class Command(BaseCommand):
    @property
    def help(self):
        # A property, not a lazy string: argparse needs a real str for the description.
        return _(
            "Make the downloads (PDF, XLSX, CSV) of every published version that are not "
            "kept yet, e.g. after a deploy."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", type=int, metavar="ID",
            help=_("Only this policy plan's versions. Default: every plan's."),
        )

    def handle(self, *args, plan=None, **options):
        versies = Planversie.objects.defer("document").select_related("plan")
        if plan is not None:
            versies = versies.filter(plan=plan_from_option(plan))
        made = 0
        for versie in versies.order_by("plan_id", "nummer"):
            # A file made now is a new row (one kept for an earlier release is replaced).
            last = RenderedFile.objects.order_by("-pk").values_list("pk", flat=True).first()
            started = time.monotonic()
            make_version_files(versie.pk)
            if RenderedFile.objects.filter(pk__gt=last or 0).exists():
                made += 1
                self.stdout.write(
                    _("%(plan)s, version %(nummer)s: made in %(seconds)s s")
                    % {"plan": versie.plan, "nummer": versie.nummer,
                       "seconds": number_format(time.monotonic() - started, 1)}
                )
        self.stdout.write(
            ngettext(
                "Downloads made for %(count)s version; the others were kept already.",
                "Downloads made for %(count)s versions; the others were kept already.",
                made,
            )
            % {"count": made}
        )
