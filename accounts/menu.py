"""The staff menu: each role sees only its own entries."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: tuple[str, ...]


MENU = [
    MenuItem(_("Desk"), "checkpoints:desk", (Role.CHECKPOINT_OFFICER, Role.ADMINISTRATOR)),
    MenuItem(_("Board"), "checkpoints:board", (Role.CHECKPOINT_OFFICER, Role.ADMINISTRATOR)),
    MenuItem(_("Administration"), "admin:index", (Role.ADMINISTRATOR,)),
]


def menu_for(user) -> list[tuple[str, str]]:
    return [(item.label, reverse(item.url_name)) for item in MENU if has_role(user, *item.roles)]


def start_url(user) -> str:
    """Where a role lands after logging in."""
    if has_role(user, Role.CHECKPOINT_OFFICER):
        return reverse("checkpoints:desk")
    return reverse("accounts:home")
