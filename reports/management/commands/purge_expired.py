from django.core.management.base import BaseCommand, CommandError

from reports.retention import purge_expired


class Command(BaseCommand):
    help = (
        "Delete the personal data older than RETENTION_DAYS (people with no activity since, and "
        "not under an open case or follow-up), after storing the daily counts of those days, "
        "and the audit entries older than AUDIT_RETENTION_DAYS. "
        "Run it daily; running it again removes nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Retention in days (default: RETENTION_DAYS)."
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        result = purge_expired(retention_days=days)
        if result.counted_days:
            first, last = result.counted_days
            self.stdout.write(f"Stored the daily counts from {first:%Y-%m-%d} to {last:%Y-%m-%d}.")
        self.stdout.write(
            f"Removed {result.people} people, {result.declarations} declarations, "
            f"{result.passages} passages and {result.follow_ups} follow-ups "
            f"with no activity since {result.cutoff:%Y-%m-%d}; "
            f"forgot {result.names} names that nobody has any more."
        )
        self.stdout.write(
            f"Removed {result.audit_entries} audit entries written before "
            f"{result.audit_cutoff:%Y-%m-%d} (AUDIT_RETENTION_DAYS)."
        )
