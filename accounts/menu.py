"""The staff menu and start pages: each role sees only its own entries."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from accounts.access import profile_of
from accounts.roles import Role, has_role, roles_of


def _at_a_facility(user) -> bool:
    profile = profile_of(user)
    return has_role(user, Role.ADMINISTRATOR) or bool(profile and profile.facility_id)


def _anyone(user) -> bool:
    return True


def _manages_zones(user) -> bool:
    from tracing.access import can_manage_zones

    return can_manage_zones(user)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    scoped: Callable = _anyone  # a further condition on the user's scope

    def shown_to(self, user, roles: set[str]) -> bool:
        """Whether the user, who has these ``roles``, sees the entry."""
        return not roles.isdisjoint(self.roles) and self.scoped(user)


OFFICERS = (Role.CHECKPOINT_OFFICER, Role.ADMINISTRATOR)
VEHICLE_STAFF = (Role.OPERATOR, Role.TRANSPORT, Role.ADMINISTRATOR)
HEALTH = (Role.HEALTH_STAFF, Role.ADMINISTRATOR)

# In this order; a role lands on the first entry it sees (administrators on their start page).
MENU = [
    MenuItem(_("Desk"), "checkpoints:desk", OFFICERS),
    MenuItem(_("Board"), "checkpoints:board", OFFICERS),
    MenuItem(_("Check a bus"), "checkpoints:bus_check", OFFICERS),
    MenuItem(_("Vehicles"), "transport:vehicles", VEHICLE_STAFF),
    MenuItem(
        _("Undeclared passengers"), "checkpoints:findings", (Role.TRANSPORT, Role.ADMINISTRATOR)
    ),
    MenuItem(_("Visitors"), "facilities:visitors", HEALTH, _at_a_facility),
    MenuItem(_("Risk list"), "tracing:risk_list", HEALTH),
    MenuItem(_("Cases"), "tracing:cases", HEALTH),
    MenuItem(_("Zoning"), "tracing:zoning", HEALTH),
    MenuItem(_("Duplicates"), "tracing:duplicates", HEALTH),
    MenuItem(_("Epidemic zones"), "tracing:zones", HEALTH, _manages_zones),
    MenuItem(_("Report"), "reports:report", (Role.LEADERSHIP, Role.ADMINISTRATOR)),
    MenuItem(_("Administration"), "admin:index", (Role.TRANSPORT, Role.ADMINISTRATOR)),
]


def menu_for(user) -> list[tuple[str, str]]:
    """The entries the user sees, as (label, path). Every staff page draws the menu: the roles
    are read once for it, and each path is reversed once per process."""
    roles = roles_of(user)
    return [(item.label, _path(item.url_name)) for item in MENU if item.shown_to(user, roles)]


def _path(url_name: str) -> str:
    return _path_in(url_name, get_urlconf(), get_script_prefix())


@cache
def _path_in(url_name: str, urlconf, script_prefix: str) -> str:
    return reverse(url_name, urlconf=urlconf)


def start_url(user) -> str:
    """Where a role lands after logging in: its first page, or the staff start page."""
    if has_role(user, Role.ADMINISTRATOR):
        return reverse("accounts:home")
    entries = menu_for(user)
    return entries[0][1] if entries else reverse("accounts:home")
