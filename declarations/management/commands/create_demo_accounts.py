from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_PASSWORD = "truyvet-demo"  # noqa: S105 - development only; refused when DEBUG is off
DEMO_ACCOUNTS = [
    {"username": "admin", "is_staff": True, "is_superuser": True},
]


class Command(BaseCommand):
    help = "Create the demo accounts listed in README.md (development only). Safe to repeat."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only (DEBUG is off).")
        users = get_user_model()
        for account in DEMO_ACCOUNTS:
            user, created = users.objects.get_or_create(
                username=account["username"], defaults=account
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            state = "created" if created else "already there"
            self.stdout.write(f"Demo account {user.username} / {DEMO_PASSWORD}: {state}.")
