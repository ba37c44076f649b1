from django.core.management.base import BaseCommand

from declarations.places import places_load


class Command(BaseCommand):
    help = "Load (or refresh) every province, district and commune of Vietnam. Safe to repeat."

    def handle(self, *args, **options):
        counts = places_load()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Places loaded: {summary}."))
