import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from checkpoints.models import BusCheck, Passage
from checkpoints.synthetic import synthetic_passages_load
from declarations.places import served_province_code


class Command(BaseCommand):
    help = (
        "Generate synthetic checkpoint passages and bus checks from the declarations of the "
        "last 14 days (development sites), with passages today at every staffed checkpoint. "
        "With --if-empty, does nothing once any passage or bus check exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--share",
            type=float,
            default=0.3,
            help="Share of the travellers, and of the coaches' daily lists, seen at a checkpoint.",
        )
        parser.add_argument("--seed", type=int, help="Seed, for the same passages again.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any passage exists."
        )

    def handle(self, *args, **options):
        if options["if_empty"] and (Passage.objects.exists() or BusCheck.objects.exists()):
            self.stdout.write("Passages already exist: no synthetic passages generated.")
            return
        started = time.monotonic()
        # The bar shows on a terminal only (disable=None), on stderr so stdout keeps the summary.
        with tqdm(unit="passage", file=sys.stderr, disable=None) as bar:
            try:
                result = synthetic_passages_load(
                    province_code=served_province_code(),
                    share=options["share"],
                    seed=options["seed"],
                    progress=bar.update,
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.passages} passages at {result.checkpoints} "
                f"checkpoint{'' if result.checkpoints == 1 else 's'} "
                f"({result.today} today, {result.stopped} held or asked to update) and "
                f"{result.bus_checks} bus checks ({result.undeclared} undeclared passengers) "
                f"in {elapsed:.2f} s."
            )
        )
