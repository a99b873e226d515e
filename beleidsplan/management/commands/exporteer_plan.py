from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from beleidsplan.export import VersieNotFound, export_plan
from beleidsplan.management.plans import plan_from_option


class Command(BaseCommand):
    help = (
        "Write a plan as open data (cultuurregio-plan/1 JSON): the working state, or a "
        "published version with --versie."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", type=int, metavar="ID",
            help="The plan's id. Default: the plan that runs (the newest published and not "
            "closed).",
        )
        parser.add_argument(
            "--versie", type=int, metavar="N",
            help="Published version N instead of the working state.",
        )
        parser.add_argument(
            "--output", metavar="FILE", help="Write to FILE (UTF-8) instead of stdout."
        )

    def handle(self, *args, plan=None, versie=None, output=None, **options):
        beleidsplan = plan_from_option(plan)
        try:
            text = export_plan(beleidsplan, versie=versie)
        except VersieNotFound:
            raise CommandError(
                _("Version %(versie)s does not exist for the plan %(plan)s.")
                % {"versie": versie, "plan": beleidsplan}
            ) from None
        if output is None:
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(
                _("The directory %(directory)s does not exist.") % {"directory": path.parent}
            )
        try:
            # newline="": the exact text (LF line ends) on every platform.
            with path.open("w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as error:
            raise CommandError(
                _("Could not write %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        self.stdout.write(_("Plan written to %(path)s.") % {"path": path})

