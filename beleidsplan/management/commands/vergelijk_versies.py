import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from beleidsplan.comparison import SideNotFound, compare, load_side, summary_lines
from beleidsplan.management.plans import plan_from_option


class Command(BaseCommand):
    help = (
        "Compare two published versions of a plan (or a version and the working state, "
        "'werk'): a readable summary, or the cultuurregio-vergelijking/1 JSON with --json."
    )

    def add_arguments(self, parser):
        parser.add_argument("a", help="Version number, or 'werk' for the working state.")
        parser.add_argument("b", help="Version number, or 'werk' for the working state.")
        parser.add_argument("--plan", type=int, metavar="ID")
        parser.add_argument("--json", action="store_true", help="Print the JSON document.")

    def handle(self, *args, a, b, plan=None, json=False, **options):
        beleidsplan = plan_from_option(plan)
        try:
            side_a, side_b = load_side(beleidsplan, a), load_side(beleidsplan, b)
        except SideNotFound as error:
            raise CommandError(
                _(
                    "%(side)s is not a published version of %(plan)s. Give a version "
                    "number or 'werk' for the working state."
                )
                % {"side": error.side, "plan": beleidsplan}
            ) from None
        doc = compare(beleidsplan, side_a, side_b)
        if json:
            self.stdout.write(_dump(doc), ending="")
        else:
            self.stdout.write("\n".join(summary_lines(doc)))


def _dump(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
