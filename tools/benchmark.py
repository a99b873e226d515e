"""Measure the main pages on a large plan: time per request (median of several) and the
number of queries. Not a test: numbers to compare before and after a change.

    DEBUG=true .venv/bin/python tools/benchmark.py [--sds 10 --ods 8 --acties 8 --runs 7]

Runs against a throwaway SQLite database (or DATABASE_URL, which it must not share with
real data: it creates and deletes rows). Each page is measured cold (cache cleared) and
warm (from the page cache where the page has one).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cultuurregio.settings")
os.environ.setdefault("DEBUG", "true")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/benchmark.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def build(sds: int, ods: int, acties: int):
    from django.contrib.auth.models import Group, User

    from acties.models import Actie, ActieActor
    from actoren.models import Actor, Gemeente
    from beleidsplan.models import Beleidsplan, Doelstelling
    from beleidsplan.services import publish_version
    from cultuurregio import roles

    roles.ensure_groups()
    plan = Beleidsplan.objects.create(titel="Benchmark", van_jaar=2020, tot_jaar=2025)
    places = [Gemeente.objects.create(naam=f"Gemeente {i}") for i in range(15)]
    actors = [Actor.objects.create(naam=f"Actor {i}", soort="instelling") for i in range(20)]
    for s in range(sds):
        sd = Doelstelling.objects.create(plan=plan, formulering=f"Strategische doelstelling {s}")
        for o in range(ods):
            od = Doelstelling.objects.create(
                plan=plan, parent=sd, formulering=f"Operationele doelstelling {s}.{o}"
            )
            for a in range(acties):
                actie = Actie.objects.create(
                    doelstelling=od, volgorde=a, omschrijving=f"Actie {s}.{o}.{a} regionaal",
                    regierol="Partners bovenlokaal bij elkaar brengen",
                    actorrol="Activiteiten lokaal uitvoeren", alle_gemeenten=a % 2 == 0,
                )
                if a % 2:
                    actie.gemeenten.set(places[a % 15 : a % 15 + 3])
                ActieActor.objects.create(actie=actie, actor=actors[a % 20], rol="trekker")
    user = User.objects.create_user("bench", password="x")
    user.groups.add(Group.objects.get(name=roles.STUURGROEP))
    publish_version(plan=plan, naam="Een", user=None)
    publish_version(plan=plan, naam="Twee", user=None)
    return plan, user


def measure(client, url, runs):
    times, queries = [], 0
    for i in range(runs):
        connection.queries_log.clear()
        if i == 0:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if i == 0:
            cold, queries = elapsed, len(captured)
        else:
            times.append(elapsed)
    return cold, statistics.median(times) if times else cold, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sds", type=int, default=10)
    parser.add_argument("--ods", type=int, default=8)
    parser.add_argument("--acties", type=int, default=8)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    plan, user = build(args.sds, args.ods, args.acties)
    n = args.sds * args.ods * args.acties
    print(f"Plan: {args.sds} SD, {args.sds * args.ods} OD, {n} actions; {args.runs} runs each")
    goal = plan.doelstellingen.filter(parent__isnull=False).first()
    actie = goal.acties.first()
    pages = [
        ("home", "/"),
        ("nota table", f"/plan/{plan.pk}/"),
        ("nota, filtered", f"/plan/{plan.pk}/?gemeente=1&jaar=2021"),
        ("goal page", f"/plan/{plan.pk}/doelstellingen/{goal.pk}/"),
        ("action page", f"/acties/{actie.pk}/"),
        ("spreiding matrix", f"/plan/{plan.pk}/spreiding/"),
        ("progress", f"/plan/{plan.pk}/voortgang/"),
        ("search", "/zoeken/?q=regionaal"),
        ("version 2", f"/plan/{plan.pk}/versies/2/"),
        ("comparison 1-2", f"/plan/{plan.pk}/vergelijk/?van=1&naar=2"),
        ("version JSON", f"/plan/{plan.pk}/versies/2/plan.json"),
        ("actions CSV", f"/plan/{plan.pk}/versies/2/acties.csv"),
    ]
    for who, client in (("visitor", Client()), ("steering group", Client())):
        if who == "steering group":
            client.force_login(user)
        print(f"\n{who}:")
        print(f"  {'page':<18} {'cold ms':>8} {'warm ms':>8} {'queries':>8}")
        for name, url in pages:
            cold, warm, queries = measure(client, url, args.runs)
            print(f"  {name:<18} {cold:>8.1f} {warm:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
