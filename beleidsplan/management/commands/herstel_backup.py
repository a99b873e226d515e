"""manage.py herstel_backup FILE [--overschrijven]: put an archive of ``maak_backup`` back
into the configured database (DATABASE_URL) and MEDIA_ROOT (beleidsplan/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from beleidsplan.backup import BackupError, restore_backup


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Restore an archive of maak_backup into the database and MEDIA_ROOT (both "
            "empty, unless --overschrijven)."
        )

    def add_arguments(self, parser):
        parser.add_argument("archief", metavar="FILE", help=_("The archive of maak_backup."))
        parser.add_argument(
            "--overschrijven", action="store_true",
            help=_("Replace what the database and MEDIA_ROOT hold now."),
        )

    def handle(self, *args, **options):
        path = Path(options["archief"])
        if not path.is_file():
            raise CommandError(
                _("The file %(path)s does not exist (or is not a file).") % {"path": path}
            )
        try:
            manifest = restore_backup(archive_path=path, overwrite=options["overschrijven"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            _("Restored the backup of %(created)s: the database and %(count)s attachments.")
            % {
                "created": manifest["created"],
                "count": sum(1 for name in manifest["files"] if name.startswith("media/")),
            }
        ))
