"""manage.py importeer_nota FILE [--plan ID | --titel T --van 2020 --tot 2025] [--dry-run]

Reads the plan tables of a nota (a Word document saved as UTF-8 text) into a policy plan:
a new one unless ``--plan`` names an existing plan without goals. The work is done by
``beleidsplan.importer.import_nota``; this command only turns arguments into its inputs
and its report into Dutch output.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beleidsplan.importer import ImportReport, NotaImportError, import_nota
from beleidsplan.models import Beleidsplan

DEFAULT_VAN = 2020
DEFAULT_TOT = 2025


class Command(BaseCommand):
    @property
    def help(self):
        # A property, not a lazy string: argparse needs a real str for the description.
        return _("Import the plan tables of a nota (UTF-8 text) into a policy plan.")

    def add_arguments(self, parser):
        parser.add_argument("bestand", metavar="FILE", help=_("The nota as a UTF-8 text file."))
        parser.add_argument(
            "--plan", type=int, metavar="ID",
            help=_("Import into this existing policy plan (it must have no goals yet)."),
        )
        parser.add_argument(
            "--titel", metavar="T",
            help=_("Title of the new policy plan (default: “Beleidsplan VAN-TOT”)."),
        )
        parser.add_argument(
            "--van", type=int, metavar="JAAR",
            help=_("Start year of the new policy plan (default: %(year)s).")
            % {"year": DEFAULT_VAN},
        )
        parser.add_argument(
            "--tot", type=int, metavar="JAAR",
            help=_("End year of the new policy plan (default: %(year)s).")
            % {"year": DEFAULT_TOT},
        )
        parser.add_argument(
            "--gebruiker", metavar="USERNAME",
            help=_("Record this user as the author in the change history."),
        )
        parser.add_argument(
            "--dry-run", action="store_true",
            help=_("Only show what would be imported; save nothing."),
        )
        parser.add_argument(
            "--bevestig-volledig", action="store_true",
            help=_(
                "The file looks cut off (see --dry-run), but you checked it: it is "
                "complete. Import it anyway."
            ),
        )

    def handle(self, *args, **options):
        plan = self.get_plan(options)
        user = self.get_user(options["gebruiker"])
        try:
            report = import_nota(
                path_or_text=Path(options["bestand"]),
                plan=plan,
                dry_run=options["dry_run"],
                user=user,
                confirmed_complete=options["bevestig_volledig"],
            )
        except NotaImportError as exc:
            message = str(exc)
            if exc.truncated:
                message += "\n" + _(
                    "If the file is complete, import it with --bevestig-volledig."
                )
            raise CommandError(message) from exc
        self.write_report(report)

    def get_plan(self, options) -> Beleidsplan:
        if options["plan"] is not None:
            if options["titel"] or options["van"] or options["tot"]:
                raise CommandError(
                    _("--plan cannot be combined with --titel, --van or --tot.")
                )
            try:
                return Beleidsplan.objects.get(pk=options["plan"])
            except Beleidsplan.DoesNotExist:
                raise CommandError(
                    _("There is no policy plan with id %(id)s.") % {"id": options["plan"]}
                ) from None
        van = options["van"] or DEFAULT_VAN
        tot = options["tot"] or DEFAULT_TOT
        # Not saved here: import_nota validates and saves it in the import's transaction,
        # so a failed import leaves no empty plan behind (and a dry run saves nothing).
        return Beleidsplan(
            titel=options["titel"] or f"Beleidsplan {van}-{tot}", van_jaar=van, tot_jaar=tot
        )

    def get_user(self, username: str | None):
        if not username:
            return None
        User = get_user_model()
        try:
            return User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                _("There is no user %(username)s.") % {"username": username}
            ) from None

    def write_report(self, report: ImportReport) -> None:
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(str(warning)))
        if report.warnings:
            self.stdout.write("")
        if report.truncation and report.dry_run:
            self.stdout.write(self.style.ERROR(_(
                "The file looks cut off (the warnings that start with “Cut off?”). Check "
                "it; importing it needs --bevestig-volledig, to say it is complete."
            )))
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was saved. The import would create:"))
            for sd in report.goals:
                self.stdout.write(f"  {sd.code}  {_short(sd.formulering)}")
                for od in sd.children:
                    count = len(od.acties)
                    self.stdout.write(
                        "    "
                        + ngettext(
                            "%(code)s  %(text)s (%(count)s action)",
                            "%(code)s  %(text)s (%(count)s actions)",
                            count,
                        )
                        % {"code": od.code, "text": _short(od.formulering), "count": count}
                    )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported into policy plan “%(plan)s” (id %(id)s):")
                    % {"plan": report.plan, "id": report.plan.pk}
                )
            )
        counts = [
            (_("Strategic goals (SD)"), report.sd_count),
            (_("Operational goals (OD)"), report.od_count),
            (_("Actions"), report.actie_count),
            (_("See-also links"), report.zie_ook_count),
            (_("Actor links"), report.actor_link_count),
            (_("Warnings"), len(report.warnings)),
        ]
        for label, count in counts:
            self.stdout.write(f"  {label}: {count}")


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
