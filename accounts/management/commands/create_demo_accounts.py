from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = "Create one demo account per role (development only). Safe to repeat."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only (DEBUG is off).")
        for username, created in demo_accounts_create():
            state = "created" if created else "already there"
            self.stdout.write(f"Demo account {username} / {DEMO_PASSWORD}: {state}.")
