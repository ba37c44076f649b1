import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from declarations.models import DeclarationPoint, Person, PointKind
from declarations.places import place_tree, served_province_code
from declarations.synthetic import SyntheticPopulation, default_people, synthetic_data_load

MAX_BATCH = 20_000  # keeps the per-batch look-up of lookup codes within SQLite's parameter limit


class Command(BaseCommand):
    help = (
        "Generate synthetic people and declarations (development sites and load tests). "
        "Journeys go through the active declaration points when there are any: coaches' "
        "passenger lists, facility visits, checkpoint QR. "
        "With --if-empty, does nothing once any person exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--declarations", type=int, required=True, help="How many to create.")
        parser.add_argument(
            "--people", type=int, help="How many people make them (default: declarations / 1.6)."
        )
        parser.add_argument("--days", type=int, default=14, help="Travel dates over the last N.")
        parser.add_argument("--seed", type=int, help="Seed, for the same data again.")
        parser.add_argument("--batch", type=int, default=5000, help="Declarations per insert.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any person exists."
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("People already exist: no synthetic data generated.")
            return
        declarations = options["declarations"]
        people = (
            options["people"] if options["people"] is not None else default_people(declarations)
        )
        if not 1 <= options["batch"] <= MAX_BATCH:
            raise CommandError(f"--batch must be between 1 and {MAX_BATCH}.")
        try:
            population = SyntheticPopulation(
                tree=place_tree(),
                province_code=served_province_code(),
                declarations=declarations,
                people=people,
                days=options["days"],
                seed=options["seed"],
                points=list(DeclarationPoint.objects.filter(is_active=True).order_by("pk")),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error

        started = time.monotonic()
        # The bar shows on a terminal only (disable=None), on stderr so stdout keeps the summary.
        with tqdm(
            total=declarations, unit="decl", unit_scale=True, file=sys.stderr, disable=None
        ) as bar:
            result = synthetic_data_load(
                population=population, batch_size=options["batch"], progress=bar.update
            )
        elapsed = time.monotonic() - started
        through = result.through_points
        qr = (
            f" Through QR points: {through[PointKind.VEHICLE]} on coaches' passenger lists, "
            f"{through[PointKind.FACILITY]} at health facilities, "
            f"{through[PointKind.CHECKPOINT]} at checkpoints."
            if population.point_kinds
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.people} people and {result.declarations} declarations, "
                f"{result.at_risk_share:.1%} of them at risk, in {elapsed:.1f} s "
                f"({result.declarations / max(elapsed, 1e-9):,.0f} declarations/s).{qr}"
            )
        )
