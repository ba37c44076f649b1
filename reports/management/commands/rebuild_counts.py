from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.counts import counts_rebuild, first_day


class Command(BaseCommand):
    help = (
        "Recompute the daily counts of the report from the raw data: the last N days, the days "
        "since a date, or (by default) every day since the first declaration. Run with "
        "--days 2 every 5 minutes (systemd timer, cron or the compose service)."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--days", type=int, help="the last N days, today included")
        group.add_argument("--since", help="from this day (YYYY-MM-DD) to today")

    def handle(self, *args, days=None, since=None, **options):
        end = timezone.localdate()
        if days is not None:
            if days < 1:
                raise CommandError("--days must be at least 1.")
            start = end - timedelta(days=days - 1)
        elif since:
            try:
                start = date.fromisoformat(since)
            except ValueError:
                raise CommandError("--since takes a day as YYYY-MM-DD.") from None
        else:
            start = first_day()
            if start is None:
                self.stdout.write("No declaration yet: nothing to count.")
                return
        if start > end:
            raise CommandError("The first day is after today.")
        rows = counts_rebuild(start=start, end=end)
        self.stdout.write(f"{rows} counts written for {start:%Y-%m-%d} to {end:%Y-%m-%d}.")
