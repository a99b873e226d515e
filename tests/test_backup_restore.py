"""Backup and restore (beleidsplan/backup.py, `make backup` / `make restore`): an archive of
the database and the attachments, restored into a fresh PostgreSQL database and an empty
MEDIA_ROOT, gives every plan's JSON export (working state and each published version) and
every attachment byte for byte (issue 12).

The round trip runs the commands as an operator would, in processes of their own (the
dump must see committed rows: a transactional test), against PostgreSQL only.
"""

import io
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from acties.models import Actie, Bijlage, Voortgangsrapport
from actoren.models import Actor
from beleidsplan.models import Beleidsplan

from .factories import make_actie, make_od, make_plan, make_sd, make_user
from .test_site_pages import load_seed

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Backup and restore need PostgreSQL (pg_dump, pg_restore); CI runs this on "
    "PostgreSQL.",
)
pytestmark = [on_postgresql, pytest.mark.django_db(transaction=True)]

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
# Every byte value, so that no text conversion on the way goes unnoticed.
BINARY = bytes(range(256)) * 64


def url_of(db: dict, name: str) -> str:
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def manage(*args: str, database_url: str, media_root: Path) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root),
           "DEBUG": "true"}
    env.setdefault("SECRET_KEY", "test-only-not-secret")
    result = subprocess.run(
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def exports(database_url: str, media_root: Path, out: Path) -> dict[str, bytes]:
    """Every plan's export: the working state and each published version, as files."""
    out.mkdir(parents=True, exist_ok=True)
    found = {}
    for plan in Beleidsplan.objects.prefetch_related("versies"):
        targets = [("werk", [])] + [(str(v.nummer), ["--versie", str(v.nummer)])
                                    for v in plan.versies.all()]
        for label, extra in targets:
            path = out / f"plan-{plan.pk}-{label}.json"
            manage("exporteer_plan", "--plan", str(plan.pk), *extra, "--output", str(path),
                   database_url=database_url, media_root=media_root)
            found[path.name] = path.read_bytes()
    return found


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_database():
    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield url_of(db, name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def region(media):
    coordinator = make_user("regisseur", staff=True)
    seed = load_seed(coordinator)
    other = make_plan(titel="Volgend plan", van_jaar=2027, tot_jaar=2032)
    make_actie(make_od(make_sd(other, "Nieuw")), "Een actie voor later")
    rapport = Voortgangsrapport.objects.create(
        actie=Actie.objects.filter(doelstelling__plan=seed).first(),
        actor=Actor.objects.first(), jaar=2021, status="lopend", wat_gedaan="Gestart",
    )
    for name, content in [("verslag.pdf", b"%PDF-1.4\n" + BINARY), ("foto.png", BINARY)]:
        bijlage = Bijlage(rapport=rapport, naam=name, soort="application/pdf",
                          grootte=len(content))
        bijlage.bestand.save(name, ContentFile(content), save=True)
    return seed, other


def test_backup_restored_into_a_fresh_database_gives_every_export_and_attachment_back(
    region, media, fresh_database, tmp_path
):
    source_url = url_of(connection.settings_dict, connection.settings_dict["NAME"])
    before = exports(source_url, media, (tmp_path / "before").resolve())
    attachments = files_under(media)
    assert len(before) >= 3  # two plans' working states and version 1
    assert len(attachments) == 2

    out = manage("maak_backup", "--map", str(tmp_path / "backups"),
                 database_url=source_url, media_root=media)
    archive = Path(out.strip())
    assert archive.parent == tmp_path / "backups"
    assert archive.name.startswith("cultuurregio-backup-") and archive.suffix == ".tar"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "database.dump" in names and "manifest.json" in names
    assert sum(name.startswith("media/") for name in names) == 2

    restored_media = tmp_path / "restored-media"
    manage("herstel_backup", str(archive), database_url=fresh_database,
           media_root=restored_media)

    after = exports(fresh_database, restored_media, (tmp_path / "after").resolve())
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    assert files_under(restored_media) == attachments


def test_restore_refuses_a_database_that_is_not_empty(region, media, tmp_path):
    archive = Path(call_command_out("maak_backup", "--map", str(tmp_path)))

    with pytest.raises(CommandError) as refused:
        call_command("herstel_backup", str(archive))

    assert "is niet leeg" in str(refused.value)
    assert "--overschrijven" in str(refused.value)


def test_restore_refuses_a_damaged_archive_before_changing_anything(region, media, tmp_path):
    archive = Path(call_command_out("maak_backup", "--map", str(tmp_path)))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data[:-1] + b"!"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    plans_before = Beleidsplan.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("herstel_backup", str(damaged), "--overschrijven")

    assert "is beschadigd" in str(refused.value)
    assert Beleidsplan.objects.count() == plans_before


def call_command_out(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()
