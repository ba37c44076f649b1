"""Contact proposals and the risk list among a million declarations, on PostgreSQL.

What it measures, in one run: the latency of the health staff's risk list (GET /y-te/) as a
provincial health worker sees it, unfiltered, by district of residence, overdue only, a district
overdue only, and its later pages; and the time to propose a case's contacts, next to a trivial
page (the privacy notice, a static template) measured first and last in the same run and the
same session. The aim is well under a second for both: the table gives each page's requests,
errors, req/s, p50/p95/p99, its p95 as a multiple of the trivial page's, and whether its p95 is
under ``AIM_MS``.

The proposal is timed twice. Directly: a ``manage.py shell`` process on the database calls
``tracing.services.contacts_propose`` (the F1s) and ``contacts_propose_onward`` (the F2s, around
the confirmed F1s) for the cases with the most co-travellers, each call in a transaction rolled
back at the end, after deleting the proposals it would make again, so that every call proposes
from scratch and leaves the database as it was; it prints the median and maximum times and the
number of proposals. Through the web: the POST of the case page's proposal form
(/y-te/ca-benh/<id>/de-xuat/) by the clients, in a phase of its own. Those proposals are kept:
after the first POST for a case, each one searches as much but finds everyone already proposed.

How: it reuses bench/desk.py's database ``truyvet_bench_desk`` (with --reuse, any database that
holds at least N declarations: it is migrated; else it is built as bench/desk.py builds it), adds
follow-ups, cases and contacts with ``generate_cases --if-empty`` if it has no case, runs ANALYZE,
and makes sure of a provincial health worker (group health_staff, a staff profile with
province_wide). Then it collects the static files into a scratch directory and starts gunicorn
on a free port of 127.0.0.1 with ``bench.wsgi_bench``; N clients log in once each and GET (or
POST) in a loop for a fixed time per phase after a short warm-up. An error is an unexpected
status or a page without what it must show. At the end it stops gunicorn and drops the database,
unless --keep (keep it: bench/desk.py uses it too).

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth by default):

    .venv/bin/python bench/tracing.py [--reuse] [--keep] [--seconds 15] [--clients 4]
                                      [--workers 3] [--cases 40] [--proposals 20]
    make bench-tracing TRACING_ARGS="--reuse --keep"

It talks only to 127.0.0.1 and stops by itself: every loop is bounded by time and by count.
"""

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from urllib.parse import urlencode

from common import (
    Database,
    Tally,
    app_environment,
    free_port,
    manage,
    production_workers,
    run,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)
from desk import (
    DEFAULT_DATABASE_URL,
    TRIVIAL_PATH,
    Kind,
    Probe,
    StaffClient,
    fetch,
    prepare_database,
    timed,
)

DEFAULT_PROVINCE = "12"  # truyvet.settings.PROVINCE_CODE's default
AIM_MS = 1000.0  # "well under a second": p95 under this, and far under for the direct proposal
CASES_SEED = 2021  # generate_cases --seed
HEALTH_USER = "bench-yte-tinh"
HEALTH_PASSWORD = "bench-yte-tinh-1"  # a local scratch database only
RISK_PATH = "/y-te/"
RISK_ROW = 'href="/y-te/theo-doi/'  # a person's follow-up link: the list shows someone
RISK_PAGE = 50  # tracing.risk_views.RESULTS_PER_PAGE
LAST_PAGE_ROW = 20 * RISK_PAGE  # later pages go up to page 20
PROPOSAL_ROUNDS = 3  # timed calls per case (each from scratch, rolled back)

HEALTH_STAFF_SETUP = """
import os
from django.contrib.auth.models import Group, User
from accounts.models import StaffProfile
user, _created = User.objects.get_or_create(username=os.environ["BENCH_USER"])
district = os.environ.get("BENCH_DISTRICT") or None
user.first_name = "Bench y tế huyện" if district else "Bench CDC tỉnh"
user.is_active = True
user.set_password(os.environ["BENCH_PASSWORD"])
user.save()
user.groups.set([Group.objects.get(name="health_staff")])
StaffProfile.objects.update_or_create(
    user=user,
    defaults={
        "province_wide": district is None,
        "district_id": district,
        "checkpoint": None,
        "facility": None,
    },
)
print("BENCH-USER", user.pk)
"""

# Runs in a manage.py shell: times the proposals (F1, then F2 through the confirmed F1s) of the
# cases with the most co-travellers, each call in a transaction rolled back after deleting the
# proposals it would make again, and prints the figures as one JSON line.
PROPOSAL_TIMER = """
import json, os, time
from django.db import connection, transaction
from tracing.models import Case, Contact, ContactLevel, ContactSource
from tracing.services import contacts_propose, contacts_propose_onward

class Rollback(Exception):
    pass

with connection.cursor() as cursor:
    cursor.execute(
        "SELECT c.id, count(DISTINCT o.person_id) AS n FROM tracing_case c"
        " JOIN declarations_declaration d ON d.person_id = c.person_id AND d.vehicle_plate <> ''"
        " JOIN declarations_declaration o ON o.vehicle_plate = d.vehicle_plate"
        " AND o.travel_date BETWEEN d.travel_date - 1 AND d.travel_date + 1"
        " GROUP BY c.id ORDER BY n DESC, c.id LIMIT %s",
        [int(os.environ["BENCH_CASES"])],
    )
    ranked = cursor.fetchall()

def timed(case, propose, remade):
    times, counts = [], []
    for _round in range(int(os.environ["BENCH_ROUNDS"])):
        try:
            with transaction.atomic():
                remade.delete()
                started = time.perf_counter()
                counts.append(propose(case=case))
                times.append((time.perf_counter() - started) * 1000)
                raise Rollback
        except Rollback:
            pass
    return {"ms": times, "proposals": max(counts, default=0)}

figures = []
for case_id, travellers in ranked:
    case = Case.objects.select_related("person").get(pk=case_id)
    found = Contact.objects.filter(case=case, source=ContactSource.PROPOSED)
    figures.append({
        "case": case_id,
        "travellers": travellers,
        "confirmed_f1": case.contacts.filter(level="F1", status="confirmed").count(),
        "F1": timed(case, contacts_propose, found),
        "F2": timed(case, contacts_propose_onward, found.filter(level=ContactLevel.F2)),
    })
print("BENCH-PROPOSALS " + json.dumps(figures))
"""

# The page of each case and the action of its proposal form: (case id, page, action).
CASE_PAGES = """
import json, os
from django.urls import reverse
out = []
for pk in json.loads(os.environ["BENCH_CASE_IDS"]):
    page = reverse("tracing:case", kwargs={"pk": pk})
    out.append([pk, page, reverse("tracing:case_propose", kwargs={"pk": pk})])
print("BENCH-CASES " + json.dumps(out))
"""


# -- command line ---------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="local PostgreSQL database to build or reuse; its name must contain 'bench'",
    )
    parser.add_argument("--declarations", type=int, default=1_000_000, help="synthetic ones")
    parser.add_argument("--seconds", type=float, default=15, help="length of each measured phase")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up of each page kind")
    parser.add_argument("--clients", type=int, default=4, help="concurrent logged-in clients")
    parser.add_argument(
        "--workers",
        type=int,
        default=production_workers(),  # as many as truyvet/gunicorn.py starts
        help="gunicorn worker processes",
    )
    parser.add_argument("--cases", type=int, default=40, help="cases generated if there are none")
    parser.add_argument(
        "--proposals", type=int, default=20, help="cases whose proposal is timed directly"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="skip building if the database has enough data"
    )
    args = parser.parse_args()
    if args.seconds <= 0 or args.warmup < 0 or args.clients < 1 or args.workers < 1:
        parser.error("--seconds must be > 0, --warmup >= 0, --clients and --workers >= 1")
    if args.declarations < 100 or args.cases < 1 or args.proposals < 1:
        parser.error("--declarations must be >= 100, --cases and --proposals >= 1")
    return args


# -- the database ---------------------------------------------------------------------------------


def prepare_tracing(database: Database, env: dict[str, str], args: argparse.Namespace) -> None:
    """Follow-ups, cases and contacts if there are none; statistics; the health worker."""
    cases = database.scalar("SELECT count(*) FROM tracing_case")
    if cases:
        print(f"database {database.name}: {cases} cases already")
    else:
        generate = ["generate_cases", "--cases", str(args.cases), "--seed", str(CASES_SEED)]
        said = []
        timed(" ".join(generate), lambda: said.append(manage(env, *generate, "--if-empty")))
        print(f"    {said[0].strip()}")
    timed("ANALYZE", lambda: database.execute("ANALYZE"))
    health_worker(env, HEALTH_USER, HEALTH_PASSWORD)
    counts = {
        "at risk": "SELECT count(*) FROM declarations_person WHERE risk_level <> 'none'",
        "follow-ups": "SELECT count(*) FROM tracing_followup",
        "overdue": "SELECT count(*) FROM tracing_followup WHERE status <> 'cleared'"
        " AND updated_at < now() - interval '24 hours'",
        "events": "SELECT count(*) FROM tracing_followupevent",
        "cases": "SELECT count(*) FROM tracing_case",
        "contacts": "SELECT count(*) FROM tracing_contact",
    }
    print("  " + ", ".join(f"{database.scalar(sql):,} {name}" for name, sql in counts.items()))


def health_worker(env: dict[str, str], username: str, password: str, district: str = "") -> None:
    """A health worker with this password: of the whole province, or of ``district``."""
    user_env = {
        **env,
        "BENCH_USER": username,
        "BENCH_PASSWORD": password,
        "BENCH_DISTRICT": district,
    }
    manage(user_env, "shell", "--no-imports", "-c", HEALTH_STAFF_SETUP)


def busiest_districts(database: Database, province: str) -> list[str]:
    """The province's districts, those with the most people at risk first."""
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT residence_district_id, count(*) FROM declarations_person"
                " WHERE risk_level <> 'none' AND residence_province_id = %s"
                " GROUP BY 1 ORDER BY 2 DESC, 1",
                [province],
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


# -- the direct proposal --------------------------------------------------------------------------


def time_proposals(env: dict[str, str], count: int) -> list[dict]:
    proposal_env = {**env, "BENCH_CASES": str(count), "BENCH_ROUNDS": str(PROPOSAL_ROUNDS)}
    output = manage(proposal_env, "shell", "--no-imports", "-c", PROPOSAL_TIMER, timeout=1800)
    line = next(line for line in output.splitlines() if line.startswith("BENCH-PROPOSALS "))
    return json.loads(line.removeprefix("BENCH-PROPOSALS "))


def print_proposals(cases: list[dict]) -> None:
    if not cases:
        print("direct proposal: no case to propose for")
        return
    print()
    print(
        f"direct proposal (tracing.services), {len(cases)} cases with the most co-travellers x "
        f"{PROPOSAL_ROUNDS} calls each, from scratch and rolled back:"
    )
    for level, name in (("F1", "contacts_propose"), ("F2", "contacts_propose_onward")):
        times = sorted(ms for case in cases for ms in case[level]["ms"])
        made = [case[level]["proposals"] for case in cases]
        middle = times[len(times) // 2]
        print(
            f"  {level} {name:<24} median {middle:7.1f} ms, max {times[-1]:7.1f} ms "
            f"(max {times[-1] / AIM_MS:.2f}x the {AIM_MS:.0f} ms aim); proposals per case: "
            f"mean {mean(made):.0f}, max {max(made)}, total {sum(made):,}"
        )
    print(
        f"  {'case':>8}{'co-travellers':>14}{'F1 made':>9}{'F1 ms (each call)':>26}"
        f"{'confirmed F1':>14}{'F2 made':>9}{'F2 ms (each call)':>26}"
    )
    for case in cases:
        f1, f2 = case["F1"], case["F2"]
        print(
            f"  {case['case']:>8}{case['travellers']:>14}{f1['proposals']:>9}"
            f"{' '.join(f'{ms:.1f}' for ms in f1['ms']):>26}{case['confirmed_f1']:>14}"
            f"{f2['proposals']:>9}{' '.join(f'{ms:.1f}' for ms in f2['ms']):>26}"
        )


# -- what the clients ask for ---------------------------------------------------------------------


def risk_probe(shows_someone: bool = True, **filters) -> Probe:
    """A GET of the risk list; a list that must show someone must hold a follow-up link."""
    query = f"?{urlencode(filters)}" if filters else ""
    return Probe(path=f"{RISK_PATH}{query}", contains=RISK_ROW if shows_someone else "")


def later_pages(database: Database, district: str | None = None) -> list[Probe]:
    """GETs of the risk list's pages 2 to 20 that exist, as its "Older" links ask for them:
    each starts after a position (``truyvet.paging.Position``), that of the last person at risk
    of the page before. A district's list holds its residents and those who declared a journey
    to it, as ``tracing.access.people_in_scope`` scopes it for a district health worker."""
    in_district = """AND (residence_district_id = %s OR EXISTS (
                SELECT 1 FROM declarations_declaration AS journey
                WHERE journey.person_id = person.id AND journey.to_district_id = %s))"""
    query = f"""
        SELECT position FROM (
            SELECT (extract(epoch FROM updated_at) * 1000000)::bigint || '-' || id AS position,
                   row_number() OVER (ORDER BY updated_at DESC, id DESC) AS number
            FROM declarations_person AS person
            WHERE risk_level <> 'none' {in_district if district else ""}
        ) AS numbered
        WHERE number %% %s = 0 AND number < %s ORDER BY number"""
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute(query, [*([district] * 2 if district else []), RISK_PAGE, LAST_PAGE_ROW])
            return [risk_probe(sau=position) for (position,) in cursor.fetchall()]
    finally:
        connection.close()


def page_kinds(database: Database, env: dict[str, str], cases: list[tuple]) -> list[Kind]:
    """The risk list's variants (the districts with people at risk, the pages that exist) and
    the cases' pages."""
    districts = busiest_districts(database, env.get("PROVINCE_CODE", DEFAULT_PROVINCE))
    pages = later_pages(database)
    kinds = [
        Kind("risk list", [risk_probe()]),
        Kind("risk: a district", [risk_probe(huyen=code) for code in districts]),
        Kind("risk: overdue", [risk_probe(False, qua_han="on")]),
        Kind(
            "risk: district+overdue",
            [risk_probe(False, huyen=code, qua_han="on") for code in districts],
        ),
    ]
    if pages:
        kinds.append(Kind(f"risk: pages 2-{len(pages) + 1}", pages))
    if cases:
        kinds.append(Kind("case page", [Probe(path=page) for _pk, page, _action in cases]))
    return kinds


def case_pages(env: dict[str, str], ids: list[int]) -> list[tuple[int, str, str]]:
    case_env = {**env, "BENCH_CASE_IDS": json.dumps(ids)}
    output = manage(case_env, "shell", "--no-imports", "-c", CASE_PAGES)
    line = next(line for line in output.splitlines() if line.startswith("BENCH-CASES "))
    return [tuple(item) for item in json.loads(line.removeprefix("BENCH-CASES "))]


def post_proposal(actions: list[str]):
    """The web proposal's action: POST the case page's proposal form; None when redirected."""

    def action(client: StaffClient) -> str | None:
        path = client.random.choice(actions)
        token = client.cookies.get("csrftoken", "")
        status, location, body = client.request(
            "POST", path, urlencode({"csrfmiddlewaretoken": token})
        )
        if status not in (200, 302):
            return f"POST {path}: {status} {location!r} {body[:300].decode('utf-8', 'replace')!r}"
        return None

    return action


# -- the measurement ------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    tally: Tally
    reference: bool = False


def measure(clients: list[StaffClient], kinds: list[Kind], posts: list[str], args) -> list[Row]:
    trivial = Kind("trivial page", [Probe(path=TRIVIAL_PATH)])
    print(
        f"{args.clients} clients; warm-up {args.warmup:g} s of each kind, phases {args.seconds:g} s"
    )
    for kind in [trivial, *kinds]:
        warm = run(clients, fetch(kind), args.warmup)
        if warm.errors:
            print(f"warm-up {kind.name}: {warm.errors} errors, first: {warm.first_error}")
    rows = [Row("trivial page #1", run(clients, fetch(trivial), args.seconds), reference=True)]
    for kind in kinds:
        rows.append(Row(kind.name, run(clients, fetch(kind), args.seconds)))
    if posts:
        rows.append(Row("propose (web POST)", run(clients, post_proposal(posts), args.seconds)))
    rows.append(Row("trivial page #2", run(clients, fetch(trivial), args.seconds), reference=True))
    return rows


def print_report(rows: list[Row]) -> None:
    reference = mean(row.tally.percentile_ms(0.95) for row in rows if row.reference)
    header = f"{'page':<24}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
    print()
    print(f"{header}{'p99 ms':>8}{'p95/triv':>9}  aim: p95 < {AIM_MS:.0f} ms")
    for row in rows:
        tally = row.tally
        p95 = tally.percentile_ms(0.95)
        verdict = "(reference)" if row.reference else ("met" if p95 < AIM_MS else "not met")
        print(
            f"{row.name:<24}{tally.requests:>9}{tally.errors:>7}{tally.rate:>8.1f}"
            f"{tally.percentile_ms(0.50):>8.1f}{p95:>8.1f}"
            f"{tally.percentile_ms(0.99):>8.1f}{p95 / reference:>8.1f}x  {verdict}"
        )
    print()
    print(f"trivial page p95 (mean of its 2 runs): {reference:.1f} ms")
    for row in rows:
        if row.tally.first_error:
            print(f"{row.name}: first error: {row.tally.first_error}")


# -- the whole run --------------------------------------------------------------------------------


def benchmark(
    database: Database, env: dict[str, str], args, scratch: Path, case_ids: list[int]
) -> list[Row]:
    server = None
    try:
        manage(env, "collectstatic", "--no-input")
        port, log = free_port(), scratch / "gunicorn.log"
        cases = case_pages(env, case_ids)
        kinds = page_kinds(database, env, cases)
        posts = [action for _pk, _page, action in cases]
        print("inputs:")
        for kind in kinds:
            examples = ", ".join(repr(probe.path) for probe in kind.probes[:3])
            print(f"  {kind.name:<24}{len(kind.probes):>4}: {examples}")
        print(f"  {'propose (web POST)':<24}{len(posts):>4}: {posts[:3]}")
        server = start_gunicorn(env, args.workers, port, log)
        wait_healthy(server, port, log)
        clients = [StaffClient(port, seed) for seed in range(args.clients)]
        for client in clients:
            client.log_in(HEALTH_USER, HEALTH_PASSWORD)
        return measure(clients, kinds, posts, args)
    finally:
        stop_gunicorn(server)


def main() -> int:
    args = parse_args()
    database = Database.from_url(args.database_url)
    scratch = Path(tempfile.mkdtemp(prefix="truyvet-bench-tracing-"))
    try:
        env = app_environment(database, scratch / "static")
        prepare_database(database, env, args)
        prepare_tracing(database, env, args)
        proposals = time_proposals(env, args.proposals)
        rows = benchmark(database, env, args, scratch, [case["case"] for case in proposals])
        print_report(rows)
        print_proposals(proposals)
        return 1 if any(row.tally.errors for row in rows) else 0
    finally:
        if args.keep:
            print(f"kept database {database.name} (rerun with --reuse)")
        else:
            database.drop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
