import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from declarations.places import place_tree, served_province_code
from transport.models import BusCompany, Vehicle
from transport.synthetic import SyntheticFleet, synthetic_fleet_load


class Command(BaseCommand):
    help = (
        "Generate synthetic bus companies and their coaches, each with its QR declaration point "
        "(development sites). With --if-empty, does nothing once there are as many vehicles as "
        "asked for (the demo's two do not count as a fleet)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=12, help="How many to create.")
        parser.add_argument("--vehicles", type=int, default=120, help="How many to create.")
        parser.add_argument("--seed", type=int, help="Seed, for the same fleet again.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if at least --vehicles vehicles exist.",
        )

    def handle(self, *args, **options):
        companies, vehicles = options["companies"], options["vehicles"]
        if companies < 0 or vehicles < 0:
            raise CommandError("--companies and --vehicles cannot be negative.")
        existing = Vehicle.objects.count()
        if options["if_empty"] and existing >= vehicles:
            self.stdout.write(f"{existing} vehicles already exist: no synthetic fleet generated.")
            return
        try:
            fleet = SyntheticFleet(
                tree=place_tree(),
                province_code=served_province_code(),
                companies=companies,
                vehicles=vehicles,
                seed=options["seed"],
                taken_names=BusCompany.objects.values_list("name", flat=True),
                taken_plates=Vehicle.objects.values_list("plate", flat=True),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error

        started = time.monotonic()
        # The bar shows on a terminal only (disable=None), on stderr so stdout keeps the summary.
        with tqdm(total=vehicles, unit="vehicle", file=sys.stderr, disable=None) as bar:
            result = synthetic_fleet_load(fleet=fleet, progress=bar.update)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.companies} bus companies and {result.vehicles} vehicles with "
                f"their QR points in {elapsed:.2f} s."
            )
        )
