"""manage.py maak_backup [--map DIR]: the database and the attachments in one dated archive
(beleidsplan/backup.py). Prints only the archive's path, for scripts and cron."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from beleidsplan.backup import BackupError, make_backup


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Write the database (pg_dump) and the attachments (MEDIA_ROOT) into one dated "
            "archive."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--map", metavar="DIR", default=str(Path(settings.BASE_DIR) / "backups"),
            help=_("Folder for the archive (default: backups/ in the project)."),
        )

    def handle(self, *args, **options):
        try:
            path = make_backup(directory=Path(options["map"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
