from django.core.management.base import BaseCommand

from declarations.services import zones_changed
from tracing.zones import RECENT_DAYS, risk_reevaluate


class Command(BaseCommand):
    help = "Re-evaluate the risk of recent declarations against the epidemic zones now in force."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=RECENT_DAYS)

    def handle(self, *args, days, **options):
        zones_changed()
        result = risk_reevaluate(days=days)
        self.stdout.write(
            f"Read {result.declarations} declarations: {result.changed} changed risk, "
            f"{result.people_changed} people changed, {result.follow_ups_opened} follow-ups "
            f"opened, in {result.seconds:.1f} s."
        )
