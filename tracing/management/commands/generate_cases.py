import time

from django.core.management.base import BaseCommand, CommandError

from declarations.places import place_tree, served_province_code
from tracing.models import Case
from tracing.synthetic import AT_RISK_DAYS, synthetic_cases_load


class Command(BaseCommand):
    help = (
        "Generate synthetic follow-ups, cases and contacts from the people and declarations in "
        f"the database (development sites and benchmarks): a follow-up with its history for "
        f"every person at risk of the last {AT_RISK_DAYS} days who has none, a few confirmed "
        "cases, their F1 contacts (co-travellers, households, the investigation's reports) and "
        "some F2. With --if-empty, does nothing once any case exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=5, help="How many cases to confirm.")
        parser.add_argument("--seed", type=int, help="Seed, for the same cases again.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any case exists."
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Case.objects.exists():
            self.stdout.write("Cases already exist: no synthetic cases generated.")
            return
        if options["cases"] < 0:
            raise CommandError("--cases must be 0 or more.")
        started = time.monotonic()
        result = synthetic_cases_load(
            tree=place_tree(),
            province_code=served_province_code(),
            cases=options["cases"],
            seed=options["seed"],
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.follow_ups} follow-ups ({result.events} events, "
                f"{result.overdue} overdue), {result.cases} cases and their contacts: "
                f"{result.contacts_summary()}; in {elapsed:.2f} s."
            )
        )
