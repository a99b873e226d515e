"""What users get: the site's main pages under load, in production mode, on PostgreSQL,
with a plan ten times the seed's, measured against a static twin of each page.

    python3 tools/benchmark.py [--project PATH] [--duration 5]

Needs: PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth), ``wrk``
(``apt-get install -y wrk``), and the checkout's venv (PATH/.venv, else this repository's
.venv) with gunicorn. Standard library only: it runs everything of the site in
subprocesses, so ``--project`` (default: this repository) can point at another checkout,
e.g. an older commit (``git worktree add /tmp/before COMMIT``) to compare. Only loopback
traffic; one run takes a few minutes and never more than about 15 at the default duration.

What it does, and what each number means:

1. Setup: creates a fresh database ``cultuurregio_bench_<pid>``, ``migrate``, ``loaddata``
   of the municipalities and actors, and ``importeer_nota`` of the seed's nota ten times
   over (tools/make_big_nota.py: 50 SD, 260 OD, 790 actions). Through ``manage.py shell``
   (so an older checkout works too): a steering-group member and a coordinator with known
   passwords, a partner with a few approved progress reports (2021), 30 indicators (on 20
   actions and 10 ODs, among them the measured action and goal; three on home) with four
   yearly values each, version 1, a small edit and 10 new targets, version 2; the plan's
   published versions public.
2. Starts gunicorn in production mode (DEBUG=false, no CACHE_URL: each worker has its own
   memory cache, as the README's deploy line does), 2 workers, after ``collectstatic`` and
   ``compilemessages``. Its WSGI app is tools/benchmark_wsgi.py: the site, plus
   ``/__twin__/<name>``, which serves stored bytes without Django.
3. Throughput table, one row per page and visitor (anonymous, the steering group logged in,
   the coordinator for the admin's action list). The page is fetched once (must be 200);
   its exact body is stored as its twin; then ``wrk -t2 -c8 -d<duration>s`` on the page
   and on the twin. Columns: ``bytes`` of the page; ``page/s`` requests per second the
   page got; ``twin/s`` requests per second the same bytes got from the same workers
   without Django (the ceiling on this machine); ``share`` = page/s ÷ twin/s. Machine
   noise hits both alike, so the share is the number to compare between runs. ``notes``
   names non-2xx answers and socket errors (timeouts) that wrk saw. After each wrk run the
   script waits until the workers have served what wrk left queued (slow pages leave some).
4. Cold after an edit: an action's text is changed by another process (``manage.py
   shell``, not through gunicorn); then the time of the first GET of the working nota table
   as the steering group (and whether it shows the new text), next to the median of five
   single requests of the admin's action list (a page rendered from the database every
   time: the peer).
5. PDFs: time of the first and the second request (anonymous) of version 2's PDF (made when
   it was published), of version 1's PDF with its stored file removed (made on request, as
   after a deploy that changed the templates) and of the annual report's PDF. The second
   may land on the other worker.
6. Staleness across processes: gunicorn restarted with 3 workers; the working nota table
   warmed (20 requests as the steering group, 20 anonymous); an action edited by another
   process; ``stale after edit: X/20`` = steering-group requests that then do not show the
   new text; a version published by another process; ``stale after publish: Y/20`` =
   anonymous requests of the nota table that do not show the new version's text.
   Also the time publishing took, with the downloads it makes on commit.
7. Always (also after a failure or Ctrl-C): stops gunicorn, drops the database, removes the
   temporary directory.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))

from make_big_nota import SEED_NOTA, make_big_nota  # noqa: E402

PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
STEERING = ("bench-stuurgroep", "bench-stuurgroep-wachtwoord")
COORDINATOR = ("bench-coordinator", "bench-coordinator-wachtwoord")
PARTNER = ("bench-partner", "bench-partner-wachtwoord")
JSON_LINE = "BENCH-JSON:"
ERROR_WORDS = ("Traceback", "ERROR", "Internal Server Error", "WORKER TIMEOUT")
REQUEST_TIMEOUT = 180  # seconds for one request of ours (a PDF of the whole plan included)
# What a request can fail with: refused, reset, timed out, cut off (a killed worker).
NET_ERRORS = (OSError, http.client.HTTPException)


def say(text: str = "") -> None:
    print(text, flush=True)


class Failed(Exception):
    """A step that the rest of the run depends on went wrong."""


# --- The checkout under test ------------------------------------------------------------------


class Project:
    def __init__(self, path: Path, database: str, tmp: Path, gunicorn_timeout: int):
        self.path = path
        venv = path / ".venv" / "bin"
        if not (venv / "python").exists():
            venv = ROOT / ".venv" / "bin"
        self.python = venv / "python"
        self.gunicorn = venv / "gunicorn"
        for tool in (self.python, self.gunicorn):
            if not tool.exists():
                raise Failed(f"{tool} is missing (make install, or pip install gunicorn)")
        self.database = database
        self.tmp = tmp
        self.twins = tmp / "twins"
        self.twins.mkdir()
        self.gunicorn_timeout = gunicorn_timeout
        env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "PYTHONPATH")}
        env.update(
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            # Plain http on loopback: no redirect to https. The settings set the session and
            # CSRF cookies Secure in production mode (no variable for it); a client that is
            # not a browser sends them back over http anyway, as this script and wrk do.
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            MEDIA_ROOT=str(tmp / "media"),
            LOG_LEVEL="WARNING",
            BENCHMARK_TWIN_DIR=str(self.twins),
        )
        self.env = env
        self.server: subprocess.Popen | None = None
        self.port = 0
        self.log = tmp / "gunicorn.log"

    def manage(self, *args: str, timeout: int = 600) -> str:
        result = subprocess.run(
            [str(self.python), "manage.py", *args], cwd=self.path, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        if result.returncode:
            raise Failed(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def shell(self, code: str, timeout: int = 600) -> dict:
        """Run ``code`` in ``manage.py shell -c`` (another process than gunicorn's) and return
        the JSON it printed after JSON_LINE."""
        out = self.manage("shell", "-c", code, timeout=timeout)
        for line in out.splitlines():
            if line.startswith(JSON_LINE):
                return json.loads(line[len(JSON_LINE):])
        raise Failed(f"manage.py shell printed no result:\n{out[-2000:]}")

    def describe(self) -> str:
        def git(*args):
            result = subprocess.run(
                ["git", "-C", str(self.path), *args], capture_output=True, text=True
            )
            return result.stdout.strip()

        commit = git("log", "-1", "--format=%h %s") or "?"
        dirty = " (with uncommitted changes)" if git("status", "--porcelain") else ""
        return f"{self.path} at {commit}{dirty}"

    # gunicorn

    def start(self, workers: int) -> None:
        self.port = _free_port()
        log = self.log.open("a")
        self.server = subprocess.Popen(
            [
                str(self.gunicorn), "benchmark_wsgi:application",
                "--chdir", str(self.path),
                # gunicorn puts the later entry first: the checkout before tools/.
                "--pythonpath", f"{TOOLS},{self.path}",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(workers),
                "--timeout", str(self.gunicorn_timeout),
            ],
            cwd=self.path, env=self.env, stdout=log, stderr=log, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise Failed(f"gunicorn stopped at its start:\n{self.log_tail()}")
            try:
                if get(self.port, "/__twin__/ready", timeout=5).status == 404:
                    return
            except NET_ERRORS:
                pass
            time.sleep(0.3)
        raise Failed(f"gunicorn did not answer within 90 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.server is None or self.server.poll() is not None:
            self.server = None
            return
        self.server.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            self.server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.server.pid, signal.SIGKILL)  # the session we started for it
            self.server.wait(10)
        self.server = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- HTTP -------------------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookies(self) -> dict[str, str]:
        found = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                found[name.strip()] = rest.split(";", 1)[0]
        return found


def get(port, path, *, cookie=None, method="GET", form=None, timeout=REQUEST_TIMEOUT):
    """One request on a new connection (as wrk's, gunicorn's sync workers close each one)."""
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        seconds = time.perf_counter() - start
        return Response(response.status, response.getheaders(), data, seconds)
    finally:
        conn.close()


def log_in(port, username, password) -> str:
    """Log in through /aanmelden/ with its CSRF token; the Cookie header of the session."""
    page = get(port, "/aanmelden/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    csrf = page.cookies().get("csrftoken")
    if page.status != 200 or not token or not csrf:
        raise Failed(f"/aanmelden/ gave {page.status} without a CSRF token")
    answer = get(
        port, "/aanmelden/", method="POST", cookie=f"csrftoken={csrf}",
        form={"username": username, "password": password,
              "csrfmiddlewaretoken": token[1].decode()},
    )
    session = answer.cookies().get("sessionid")
    if answer.status != 302 or not session:
        raise Failed(f"logging in as {username} failed: {answer.status}")
    return f"sessionid={session}; csrftoken={csrf}"


def wait_idle(port, limit: float = 120) -> None:
    """Wait until every worker is idle: wrk stops at its deadline, but the requests
    it left in the listen queue are still served, and would eat into the next run. Rounds of
    4 parallel pings of the wrapper queue behind them; a round that is fast means idle."""

    def ping(_):
        try:
            get(port, "/__twin__/ready", timeout=limit)
        except NET_ERRORS:
            pass

    end = time.monotonic() + limit
    while time.monotonic() < end:
        start = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(ping, range(4)))
        if time.perf_counter() - start < 0.25:
            return


def wrk(port, path, cookie, duration) -> dict:
    command = ["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60
    ).stdout
    wait_idle(port)
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    errors = re.search(r"Socket errors:(.*)", out)
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "notes": ", ".join(
            note for note in (
                f"non-2xx {non2xx[1]}" if non2xx else "",
                f"socket errors:{errors[1]}" if errors else "",
            ) if note
        ),
    }


# --- The data ---------------------------------------------------------------------------------

SETUP = r"""
import json
from django.contrib.auth.models import Group, User
from django.db.models import Count
from django.test.utils import override_settings
from acties.models import Actie, ActieActor
from actoren.models import Actor, Gemeente
from beleidsplan.models import Beleidsplan, Doelstelling
from beleidsplan.services import publish_version
from cultuurregio import roles

ACCOUNTS = json.loads(%(accounts)r)
roles.ensure_groups()
users = {}
for role, (username, password) in ACCOUNTS.items():
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = role == "coordinator"
    user.is_active = True
    user.email = username + "@example.invalid"
    user.set_password(password)
    user.save()
    group = {"coordinator": roles.COORDINATOREN, "steering": roles.STUURGROEP,
             "partner": roles.PARTNERS}[role]
    user.groups.add(Group.objects.get(name=group))
    users[role] = user

plan = Beleidsplan.objects.get()
plan.publiek = True
plan.save()
acties = Actie.objects.filter(doelstelling__plan=plan).order_by("pk")
links = (ActieActor.objects.filter(actie__doelstelling__plan=plan).values("actor")
         .annotate(n=Count("id")).order_by("-n"))
actor = Actor.objects.get(pk=links[0]["actor"])

# A few approved progress reports (2021), through the partner's and the coordinator's
# workflow. Optional: a checkout without it still gets measured.
reports, report_error = 0, None
try:
    from acties import services as acties_services
    actor.gebruikers.add(users["partner"])
    ids = list(ActieActor.objects.filter(actor=actor, actie__doelstelling__plan=plan)
               .order_by("actie_id").values_list("actie_id", flat=True)[:6])
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for n, actie in enumerate(Actie.objects.filter(pk__in=ids)):
            rapport = acties_services.save_report(
                actie=actie, user=users["partner"], submit=True,
                data={"jaar": 2021, "halfjaar": 0, "status": "lopend",
                      "percentage": 20 + 10 * n, "wat_gedaan": "Benchmark: een eerste stap."},
            )
            acties_services.approve_report(rapport=rapport, user=users["coordinator"])
            reports += 1
except Exception as error:
    report_error = repr(error)

# Indicators, ten times the demo's three: one on each of the first 20 actions and on 10
# ODs (the measured action and goal among them), four yearly values each entered by the
# coordinator, three on the home page. Optional, as the reports.
indicators, indicator_error = [], None
try:
    from acties.models import Indicator, Meting
    ods = list(Doelstelling.objects.filter(plan=plan, parent__isnull=False).order_by("pk"))
    owners = [{"actie": a} for a in acties[:20]] + [
        {"doelstelling": o} for o in [acties.first().doelstelling] + ods[1:10]]
    for n, owner in enumerate(owners):
        indicator = Indicator(naam=f"Deelnemers {n + 1}", eenheid="deelnemers",
                              basiswaarde=100, basisjaar=2020, streefwaarde=600 + 10 * n,
                              streefjaar=2025, cumulatief=n %% 2 == 0, op_home=n < 3, **owner)
        indicator.full_clean()
        indicator.save()
        for year in (2021, 2022, 2023, 2024):
            Meting.objects.create(indicator=indicator, jaar=year,
                                  waarde=100 + 40 * (year - 2020) + n,
                                  ingevoerd_door=users["coordinator"])
        indicators.append(indicator)
except Exception as error:
    indicator_error = repr(error)

publish_version(plan=plan, naam="De nota, tien keer", user=users["coordinator"])
od = Doelstelling.objects.filter(plan=plan, parent__isnull=False).order_by("pk")[7]
od.formulering = od.formulering + " (herzien)"
od.save()
later = acties[40]
later.omschrijving = later.omschrijving + " (herzien)"
later.save()
for indicator in indicators[:10]:  # new targets: rows in the comparison of 1 and 2
    indicator.streefwaarde += 50
    indicator.save()
publish_version(plan=plan, naam="Na herziening", user=users["coordinator"])

first = acties.first()
print("BENCH-JSON:" + json.dumps({
    "plan": plan.pk,
    "sd": Doelstelling.objects.filter(plan=plan, parent__isnull=True).count(),
    "od": Doelstelling.objects.filter(plan=plan, parent__isnull=False).count(),
    "acties": acties.count(),
    "od_id": first.doelstelling_id,
    "actie": first.pk,
    "actor": actor.pk,
    "gemeente": Gemeente.objects.order_by("pk").first().pk,
    "versies": list(plan.versies.order_by("nummer").values_list("nummer", flat=True)),
    "reports": reports,
    "report_error": report_error,
    "indicators": len(indicators),
    "indicator_error": indicator_error,
}))
"""

EDIT = r"""
import json
from acties.models import Actie
actie = Actie.objects.get(pk=%(actie)d)
actie.omschrijving = %(marker)r + " " + actie.omschrijving
actie.save()
print("BENCH-JSON:" + json.dumps({"ok": True}))
"""

PUBLISH = r"""
import json, time
from django.contrib.auth.models import User
from beleidsplan.models import Beleidsplan
from beleidsplan.services import publish_version
plan, user = Beleidsplan.objects.get(pk=%(plan)d), User.objects.get(username=%(user)r)
started = time.monotonic()
versie = publish_version(plan=plan, naam=%(naam)r, user=user)  # with what runs on commit
print("BENCH-JSON:" + json.dumps({"nummer": versie.nummer,
                                  "seconds": time.monotonic() - started}))
"""


def setup(project: Project) -> dict:
    started = time.monotonic()
    subprocess.run(
        ["psql", *PG, "-d", "postgres", "-qc", f'CREATE DATABASE "{project.database}"'],
        check=True, capture_output=True, timeout=60,
    )
    project.manage("migrate", "--noinput", "-v0")
    # As a deploy does, before the site is used: what renders the pages is part of every
    # stored file's key (pagecache.release), so files made before would not be found.
    project.manage("collectstatic", "--noinput", "-v0")
    project.manage("compilemessages", "--ignore=.venv", "-v0")
    project.manage(
        "loaddata", "-v0",
        str(project.path / "fixtures" / "gemeenten.json"),
        str(project.path / "fixtures" / "actoren.json"),
    )
    nota = project.tmp / "nota-tien-keer.txt"
    nota.write_text(make_big_nota(SEED_NOTA.read_text(encoding="utf-8"), 10), encoding="utf-8")
    project.manage("importeer_nota", str(nota), "--titel", "Beleidsplan 2020-2025 (x10)",
                   "--van", "2020", "--tot", "2025")
    accounts = json.dumps({"steering": STEERING, "coordinator": COORDINATOR, "partner": PARTNER})
    data = project.shell(SETUP % {"accounts": accounts})
    say(
        f"Plan {data['plan']}: {data['sd']} SD, {data['od']} OD, {data['acties']} actions; "
        f"versions {data['versies']}; approved progress reports: {data['reports']}"
        + (f" (failed: {data['report_error']})" if data["report_error"] else "")
        + f"; indicators with four values each: {data.get('indicators', 0)}"
        + (f" (failed: {data['indicator_error']})" if data.get("indicator_error") else "")
        + f"; setup took {time.monotonic() - started:.0f} s"
    )
    return data


# --- The measurements -------------------------------------------------------------------------


def pages(d: dict) -> list[tuple[str, str, str]]:
    """(page, who, path) for the throughput table."""
    p = f"/plan/{d['plan']}"
    everyone = [
        ("home", "/"),
        ("nota table", f"{p}/"),
        ("nota, filtered", f"{p}/?gemeente={d['gemeente']}&jaar=2021"),
        ("goal (OD)", f"{p}/doelstellingen/{d['od_id']}/"),
        ("action", f"/acties/{d['actie']}/"),
        ("spreiding", f"{p}/spreiding/"),
        ("progress", f"{p}/voortgang/"),
        ("search", "/zoeken/?q=cultuur"),
        ("actor", f"/actoren/{d['actor']}/"),
        ("municipality", f"/gemeenten/{d['gemeente']}/"),
    ]
    published = [
        ("version 2", f"{p}/versies/2/"),
        ("comparison 1-2", f"{p}/vergelijk/?van=1&naar=2"),
        ("version JSON", f"{p}/versies/2/plan.json"),
        ("actions CSV", f"{p}/versies/2/acties.csv"),
    ]
    rows = [(name, "anonymous", path) for name, path in everyone + published]
    rows += [(name, "steering group", path) for name, path in everyone]
    rows.append(("admin action list", "coordinator", "/admin/acties/actie/"))
    return rows


def throughput(project: Project, d: dict, cookies: dict, duration: int) -> None:
    say(f"\nThroughput: wrk -t2 -c8 -d{duration}s, page and its static twin (same bytes, "
        "same workers, no Django)")
    header = (f"{'page':<20} {'who':<15} {'bytes':>9} {'page/s':>9} {'twin/s':>9} "
              f"{'share':>7}  notes")
    say(header)
    say("-" * len(header))
    for index, (name, who, path) in enumerate(pages(d)):
        cookie = cookies.get(who)
        prefix = f"{name:<20} {who:<15}"
        try:
            first = get(project.port, path, cookie=cookie)
        except NET_ERRORS as error:
            say(f"{prefix} {'-':>9} {'-':>9} {'-':>9} {'-':>7}  failed: {error!r}  {path}")
            continue
        if first.status != 200:
            say(f"{prefix} {len(first.body):>9} {'-':>9} {'-':>9} {'-':>7}  "
                f"status {first.status}  {path}")
            continue
        twin = f"p{index:02d}"
        (project.twins / twin).write_bytes(first.body)
        (project.twins / f"{twin}.content-type").write_text(
            first.header("Content-Type") or "application/octet-stream"
        )
        page = wrk(project.port, path, cookie, duration)
        static = wrk(project.port, f"/__twin__/{twin}", cookie, duration)
        share = f"{100 * page['rps'] / static['rps']:.1f}%" if static["rps"] else "-"
        notes = "; ".join(n for n in (page["notes"], static["notes"] and
                                      "twin " + static["notes"]) if n)
        say(f"{prefix} {len(first.body):>9} {page['rps']:>9.1f} {static['rps']:>9.1f} "
            f"{share:>7}  {notes}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def cold_after_edit(project: Project, d: dict, cookies: dict) -> None:
    say("\nCold after an edit (action text changed by another process)")
    marker = "BENCHEDIT" + secrets.token_hex(4)
    project.shell(EDIT % {"actie": d["actie"], "marker": marker})
    nota = f"/plan/{d['plan']}/"
    first = get(project.port, nota, cookie=cookies["steering group"])
    shows = "shows the new text" if marker.encode() in first.body else "DOES NOT show the new text"
    say(f"  first GET of the working nota table (steering group): {_ms(first.seconds)}, "
        f"status {first.status}, {shows}")
    admin = []
    for _ in range(5):
        response = get(project.port, "/admin/acties/actie/", cookie=cookies["coordinator"])
        if response.status != 200:
            say(f"  admin action list: status {response.status}")
            return
        admin.append(response.seconds)
    median = statistics.median(admin)
    say(f"  admin action list, median of 5 single requests (coordinator): {_ms(median)}")
    say(f"  ratio first nota GET / admin list: {first.seconds / median:.1f}")


def pdf_times(project: Project, d: dict) -> None:
    say("\nPDFs (anonymous): first and second request")
    p = f"/plan/{d['plan']}"
    # Version 1's PDF as after a deploy that changed the templates: its stored file gone,
    # so the first request makes it. Version 2's was made when it was published.
    sql = (
        "DELETE FROM beleidsplan_renderedfile WHERE family = (SELECT plan_id || ':versie-' "
        f"|| id || ':pdf' FROM beleidsplan_planversie WHERE plan_id = {d['plan']} AND nummer = 1)"
    )
    subprocess.run(["psql", *PG, "-d", project.database, "-qc", sql],
                   check=True, capture_output=True, timeout=60)
    for name, path in (("version 2 PDF (made at publishing)", f"{p}/versies/2/plan.pdf"),
                       ("version 1 PDF (made on request)", f"{p}/versies/1/plan.pdf"),
                       ("annual report 2021 PDF", f"{p}/jaarverslag/2021.pdf")):
        parts = []
        for attempt in ("first", "second"):
            try:
                response = get(project.port, path)
            except NET_ERRORS as error:
                parts.append(f"{attempt}: failed ({error!r})")
                continue
            kind = response.header("Content-Type")
            parts.append(f"{attempt}: {_ms(response.seconds)} (status {response.status}, "
                         f"{len(response.body)} bytes, {kind})")
        say(f"  {name:<36} " + "; ".join(parts) + f"  {path}")


def _many(project, path, cookie, n=20, parallel=3) -> list[Response | Exception]:
    def one(_):
        try:
            return get(project.port, path, cookie=cookie)
        except NET_ERRORS as error:
            return error

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, range(n)))


def _stale(responses, marker: str) -> str:
    ok = [r for r in responses if isinstance(r, Response) and r.status == 200]
    stale = sum(marker.encode() not in r.body for r in ok)
    failed = len(responses) - len(ok)
    return f"{stale}/{len(responses)}" + (f" ({failed} not 200)" if failed else "")


def staleness(project: Project, d: dict, cookies: dict) -> None:
    say("\nStaleness across processes: gunicorn with 3 workers, no CACHE_URL")
    project.stop()
    project.start(workers=3)
    nota = f"/plan/{d['plan']}/"
    steering = cookies["steering group"]
    _many(project, nota, steering)
    _many(project, nota, None)
    marker = "BENCHSTALE" + secrets.token_hex(4)
    project.shell(EDIT % {"actie": d["actie"], "marker": marker})
    say(f"  stale after edit: {_stale(_many(project, nota, steering), marker)}")
    published = project.shell(
        PUBLISH % {"plan": d["plan"], "naam": "Benchmark", "user": COORDINATOR[0]}
    )
    say(f"  stale after publish: {_stale(_many(project, nota, None), marker)}"
        f"  (version {published['nummer']}, anonymous; publishing, with the version's"
        f" downloads, took {_ms(published['seconds'])})")


# --- Main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description="The site's main pages under load, against their static twins.",
    )
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="The checkout to measure (its manage.py, venv, code).")
    parser.add_argument("--duration", type=int, default=5, help="Seconds per wrk run.")
    parser.add_argument("--gunicorn-timeout", type=int, default=30,
                        help="gunicorn's worker timeout (its default, 30 s, as deployed).")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        say("wrk is missing: apt-get install -y wrk")
        return 2
    if not shutil.which("psql"):
        say("psql is missing: apt-get install -y postgresql-client")
        return 2
    if not 1 <= args.duration <= 60:
        parser.error("--duration: 1 to 60 seconds")
    # A SIGTERM runs the cleanup too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="cultuurregio-bench-"))
    database = f"cultuurregio_bench_{os.getpid()}"
    project = None
    try:
        project = Project(args.project.resolve(), database, tmp, args.gunicorn_timeout)
        say(f"Checkout: {project.describe()}")
        say(f"Python: {project.python}; gunicorn timeout {args.gunicorn_timeout} s; "
            f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; "
            f"{time.strftime('%Y-%m-%d %H:%M:%S')}")
        data = setup(project)
        project.start(workers=2)
        where = [line for line in project.log_tail(200).splitlines() if "benchmark_wsgi:" in line]
        say(f"gunicorn: 2 workers on 127.0.0.1:{project.port}, production mode; "
            + (where[0].split("benchmark_wsgi: ")[1] if where else "?"))
        cookies = {
            "anonymous": None,
            "steering group": log_in(project.port, *STEERING),
            "coordinator": log_in(project.port, *COORDINATOR),
        }
        throughput(project, data, cookies, args.duration)
        cold_after_edit(project, data, cookies)
        pdf_times(project, data)
        staleness(project, data, cookies)
        say(f"\nTotal time: {time.monotonic() - started:.0f} s; "
            f"load average {os.getloadavg()[0]:.2f}")
        return 0
    except Failed as error:
        say(f"\nFAILED: {error}")
        return 1
    finally:
        if project is not None:
            errors = [line for line in project.log_tail(400).splitlines()
                      if any(word in line for word in ERROR_WORDS)]
            if errors:
                say(f"\ngunicorn log: {len(errors)} error lines, the last ones:")
                for line in errors[-10:]:
                    say(f"  {line}")
            project.stop()
        subprocess.run(
            ["psql", *PG, "-d", "postgres", "-qc",
             f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'],
            capture_output=True, timeout=60,
        )
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
