"""Staff roles: Django groups with permissions. The one place that says what each role may do."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.backends import cached_roles


class Role(models.TextChoices):
    OPERATOR = "operator", _("Bus operator")
    CHECKPOINT_OFFICER = "checkpoint_officer", _("Checkpoint officer")
    HEALTH_STAFF = "health_staff", _("Health staff")
    TRANSPORT = "transport", _("Transport department")
    LEADERSHIP = "leadership", _("Leadership")
    ADMINISTRATOR = "administrator", _("Administrator")


# Permissions ("app_label.codename") granted to each role's group. Administrators also get
# is_staff and is_superuser on their accounts, for the Django admin.
OFFICER = [
    "checkpoints.use_desk",
    "declarations.view_person",
    "checkpoints.add_passage",
    "checkpoints.view_passage",
    "checkpoints.add_buscheck",
]
TRANSPORT = [
    "transport.view_vehicle",
    "transport.add_vehicle",
    "transport.change_vehicle",
    "transport.view_buscompany",
    "transport.add_buscompany",
    "transport.change_buscompany",
    "transport.manage_vehicles",
    "transport.view_findings",
]
FACILITIES = [
    "facilities.view_healthfacility",
    "facilities.add_healthfacility",
    "facilities.change_healthfacility",
]
HEALTH = [
    "declarations.view_person",
    "facilities.view_healthfacility",
    "tracing.view_followup",
    "tracing.change_followup",
    "tracing.view_case",
    "tracing.add_case",
    "tracing.view_contact",
    "tracing.add_contact",
    "tracing.change_contact",
    "declarations.view_epidemiczone",
    "declarations.add_epidemiczone",
    "declarations.change_epidemiczone",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OPERATOR: ["transport.view_vehicle"],
    Role.CHECKPOINT_OFFICER: OFFICER,
    Role.HEALTH_STAFF: HEALTH,
    Role.TRANSPORT: TRANSPORT,
    Role.LEADERSHIP: ["reports.view_report"],
    Role.ADMINISTRATOR: [
        *OFFICER,
        "checkpoints.add_checkpoint",
        "checkpoints.change_checkpoint",
        "checkpoints.view_checkpoint",
        "accounts.view_auditentry",
        *TRANSPORT,
        *FACILITIES,
        *HEALTH[2:],
        "reports.view_report",
    ],
}
# The transport department manages companies and vehicles in the admin: their accounts get
# is_staff (as administrators do).
ADMIN_SITE_ROLES = {Role.TRANSPORT, Role.ADMINISTRATOR}


def roles_of(user) -> set[str]:
    """The roles of a user, from their groups (kept for the request, and in the shared cache:
    ``accounts.backends``)."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_roles"):
        user._roles = cached_roles(user, lambda: _roles_read(user))
    return user._roles


def _roles_read(user) -> set[str]:
    roles = set(user.groups.values_list("name", flat=True)) & set(Role.values)
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return roles


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))
