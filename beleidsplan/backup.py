"""Backup and restore: the database (``pg_dump``, custom format) and the attachments
(``MEDIA_ROOT``) in one dated archive, and back.

The archive ``cultuurregio-backup-YYYYMMDD-HHMMSS.tar`` holds

- ``database.dump``: ``pg_dump --format=custom --no-owner --no-acl`` of the whole database
  (every table: plans, versions, history, reports, accounts, sessions);
- ``media/...``: every file under ``MEDIA_ROOT`` (the attachments of progress reports),
  byte for byte;
- ``manifest.json``: when, from which database, and the SHA-256 of every file above, which
  the restore checks before it changes anything.

Restoring needs an empty database (a fresh ``createdb``) and an empty ``MEDIA_ROOT``, or
``overwrite``: then ``pg_restore --clean`` replaces what is there and ``MEDIA_ROOT`` is
emptied first. PostgreSQL only: the client programs ``pg_dump`` and ``pg_restore`` (Debian's
``postgresql-client``, of the server's major version or newer) must be on the PATH.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "cultuurregio-backup/1"
DUMP = "database.dump"
MANIFEST = "manifest.json"
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is Dutch and says why."""


def _database(alias: str = "default") -> dict:
    db = connections[alias].settings_dict
    if connections[alias].vendor != "postgresql":
        raise BackupError(_(
            "Backup and restore work on PostgreSQL only (DATABASE_URL=postgres://...); "
            "this database is %(vendor)s."
        ) % {"vendor": connections[alias].vendor})
    return db


def _client_env(db: dict) -> tuple[list[str], dict]:
    """The connection options of pg_dump/pg_restore, and the environment with the password
    (never on the command line, where other users of the host could read it)."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    program = command[0]
    if shutil.which(program) is None:
        raise BackupError(_(
            "%(program)s is missing: install the PostgreSQL client "
            "(apt-get install postgresql-client)."
        ) % {"program": program})
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(_("%(program)s failed: %(error)s") % {
            "program": program, "error": result.stderr.strip()[-2000:],
        })


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def make_backup(*, directory: Path, alias: str = "default") -> Path:
    """Write a dated archive of the database and ``MEDIA_ROOT`` into ``directory`` and
    return its path. The dump is one consistent snapshot (pg_dump's own transaction)."""
    db = _database(alias)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = directory / f"cultuurregio-backup-{stamp}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=directory) as work:
        dump = Path(work) / DUMP
        args, env = _client_env(db)
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-acl",
              "--file", str(dump), db["NAME"]], env)
        files = {DUMP: _sha256(dump)}
        media = _media_files(media_root)
        for path in media:
            files[f"{MEDIA}/{path.relative_to(media_root).as_posix()}"] = _sha256(path)
        manifest = Path(work) / MANIFEST
        manifest.write_text(json.dumps({
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": db["NAME"],
            "files": files,
        }, indent=2, sort_keys=True), encoding="utf-8")
        partial = target.with_suffix(".tar.part")
        with tarfile.open(partial, "w") as archive:
            archive.add(manifest, MANIFEST)
            archive.add(dump, DUMP)
            for path in media:
                archive.add(path, f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
        # Only a complete archive gets the final name.
        partial.rename(target)
    return target


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path) as archive:
            manifest = json.load(archive.extractfile(MANIFEST))
    except (OSError, KeyError, tarfile.TarError, ValueError, TypeError):
        raise BackupError(_(
            "%(file)s is not a backup of this application (no readable manifest.json)."
        ) % {"file": archive_path}) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("%(file)s is not a backup of this application.") % {
            "file": archive_path})
    return manifest


def restore_backup(*, archive_path: Path, overwrite: bool = False,
                   alias: str = "default") -> dict:
    """Restore the archive into the configured database and ``MEDIA_ROOT``; return its
    manifest. Checks every file's SHA-256 before changing anything. Without ``overwrite``
    the database must have no tables and ``MEDIA_ROOT`` no files."""
    db = _database(alias)
    manifest = read_manifest(archive_path)
    media_root = Path(settings.MEDIA_ROOT)
    if not overwrite:
        if connections[alias].introspection.table_names():
            raise BackupError(_(
                "The database %(name)s is not empty. Restore into a new, empty database, "
                "or replace its content with --overschrijven."
            ) % {"name": db["NAME"]})
        if _media_files(media_root):
            raise BackupError(_(
                "MEDIA_ROOT (%(path)s) is not empty. Restore into an empty folder, or "
                "replace its content with --overschrijven."
            ) % {"path": media_root})
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(archive_path) as archive:
            archive.extractall(work, filter="data")
        for name, expected in manifest["files"].items():
            path = Path(work) / name
            if not path.is_file() or _sha256(path) != expected:
                raise BackupError(_(
                    "%(file)s is damaged: %(name)s does not match its checksum. Nothing "
                    "was restored."
                ) % {"file": archive_path, "name": name})
        connections[alias].close()  # pg_restore --clean must not wait for our own session
        args, env = _client_env(db)
        command = ["pg_restore", *args, "--no-owner", "--no-acl", "--single-transaction",
                   "--exit-on-error", "--dbname", db["NAME"]]
        if overwrite:
            command += ["--clean", "--if-exists"]
        _run([*command, str(Path(work) / DUMP)], env)
        if media_root.exists():
            for child in media_root.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        media_root.mkdir(parents=True, exist_ok=True)
        extracted = Path(work) / MEDIA
        if extracted.is_dir():
            shutil.copytree(extracted, media_root, dirs_exist_ok=True)
    return manifest


def created_at(manifest: dict) -> datetime:
    return datetime.fromisoformat(manifest["created"])
