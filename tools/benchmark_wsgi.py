"""The WSGI application of the benchmark (tools/benchmark.py): the site, plus the "static
twin" of its pages.

``/__twin__/<name>`` answers with the bytes of the file ``<name>`` in the directory
``$BENCHMARK_TWIN_DIR`` and the Content-Type stored next to it in ``<name>.content-type``;
every other path goes to ``cultuurregio.wsgi.application`` unchanged. The benchmark stores
each page's exact body as its twin, so the twin is the same bytes served by the same
gunicorn workers without Django: the ceiling a page can reach on this machine.

Run by gunicorn with the checkout under test first on the Python path
(``--chdir PATH --pythonpath PATH``), so ``cultuurregio`` is that checkout's; the module
says on stderr (gunicorn's log) which one it loaded. Never deploy this module.
"""

import os
import re
import sys
from pathlib import Path

import cultuurregio
from cultuurregio.wsgi import application as django_application

PREFIX = "/__twin__/"
TWIN_DIR = Path(os.environ["BENCHMARK_TWIN_DIR"])
_NAME = re.compile(r"[A-Za-z0-9_-]+")

sys.stderr.write(f"benchmark_wsgi: cultuurregio from {Path(cultuurregio.__file__).parent}\n")


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PREFIX):
        return django_application(environ, start_response)
    name = path[len(PREFIX):]
    try:
        if not _NAME.fullmatch(name):
            raise FileNotFoundError(name)
        # Read at every request, as a file server would (the page cache keeps it in memory).
        body = (TWIN_DIR / name).read_bytes()
        content_type = (TWIN_DIR / f"{name}.content-type").read_text().strip()
    except FileNotFoundError:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]
    start_response(
        "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    )
    return [body]
