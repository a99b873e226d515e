"""Fill the Dutch catalog: refresh it from the code, then set translations from a JSON file.

    .venv/bin/python tools/translate.py path/to/translations.json

The JSON file maps English msgids to Dutch (``{"Actions": "Acties"}``); for plural entries
give a list ``["1 actie", "%(count)s acties"]``; for a msgid with a context (pgettext) use
the key ``"context::msgid"``. Entries not in the file keep what the
catalog has. Runs under a file lock so that two people (or helpers) filling the catalog at
the same time do not overwrite each other. Ends with compilemessages.
"""

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
PY = str(ROOT / ".venv" / "bin" / "python")


def main(path: str) -> None:
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    with open("/tmp/cultuurregio-po.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = {**os.environ, "DEBUG": "true"}
        subprocess.run(
            [
                PY,
                "manage.py",
                "makemessages",
                "-l",
                "nl",
                "--ignore=.venv",
                "--ignore=staticfiles",
                "--no-obsolete",
                "-v0",
            ],
            cwd=ROOT,
            check=True,
            env=env,
        )
        catalog = polib.pofile(str(PO))
        catalog.metadata["Language"] = "nl"
        catalog.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        catalog.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        missing = []
        for entry in catalog:
            key = f"{entry.msgctxt}::{entry.msgid}" if entry.msgctxt else entry.msgid
            if key in translations:
                value = translations[key]
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: value[0], 1: value[1]}
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            elif not entry.translated():
                missing.append(entry.msgid)
        catalog.save()
        subprocess.run(
            [PY, "manage.py", "compilemessages", "--ignore=.venv", "-v0"],
            cwd=ROOT,
            check=True,
            env=env,
        )
    if missing:
        print(f"{len(missing)} msgids still without Dutch:")
        for msgid in missing:
            print("  ", msgid)


if __name__ == "__main__":
    main(sys.argv[1])
