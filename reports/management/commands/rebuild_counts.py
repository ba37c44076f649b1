import os
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from reports.counts import counts_rebuild, first_day
from reports.retention import first_unpurged_day


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
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="keep counting the last --days days every SECONDS until the process that "
            "started this one ends (make run's demo server; in service a timer runs the job)",
        )

    def handle(self, *args, days=None, since=None, every=None, **options):
        if every is not None:
            if days is None or every < 1:
                raise CommandError("--every needs --days and a number of seconds.")
            return self.keep_counting(days, every)
        self.count(days, since)

    def keep_counting(self, days: int, every: int) -> None:
        """Count, then again every ``every`` seconds, while the parent process lives: started
        in the background beside a server, this stops with it."""
        parent = os.getppid()
        while True:
            try:
                self.count(days, None)
            except DatabaseError as error:  # busy (SQLite) or away: the next round tries again
                self.stderr.write(f"counts not written this time: {error}")
            for _second in range(every):
                time.sleep(1)
                if os.getppid() != parent:
                    return

    def count(self, days: int | None, since: str | None) -> None:
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
        first_whole_day = first_unpurged_day()
        if first_whole_day is not None and start < first_whole_day:
            self.stdout.write(
                f"The days before {first_whole_day:%Y-%m-%d} were purged: "
                "their counts are kept as stored."
            )
            start = first_whole_day
        rows = counts_rebuild(start=start, end=end)
        self.stdout.write(f"{rows} counts written for {start:%Y-%m-%d} to {end:%Y-%m-%d}.")
