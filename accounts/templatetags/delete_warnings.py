"""What the admin's delete confirmation says beyond Django's list of rows: deleting a QR point
(vehicle, checkpoint, health facility) stops its posters, and deleting what a staff profile is
scoped to (checkpoint, facility, bus company) leaves those accounts with empty pages."""

from django import template
from django.db.models import Model
from django.utils.translation import gettext as _

from accounts.models import StaffProfile
from declarations.models import HasDeclarationPoint

register = template.Library()


@register.inclusion_tag("accounts/delete_warnings.html")
def delete_warnings(objects) -> dict:
    """``objects``: the one row of a delete page, or the rows of the list's delete action."""
    rows = [objects] if isinstance(objects, Model) else list(objects)
    warnings = []
    if rows and isinstance(rows[0], HasDeclarationPoint):
        warnings.append(
            _(
                "Their QR posters stop working: a scan says the poster is no longer valid and "
                "offers the plain form. Declarations already made through them are kept. To "
                "take one out of service and keep it, untick “In service” instead of deleting."
            )
        )
    accounts = staff_scoped_to(rows)
    if accounts:
        warnings.append(
            _(
                "These accounts are scoped to it and will see empty pages until given another "
                "scope: %(accounts)s."
            )
            % {"accounts": ", ".join(accounts)}
        )
    return {"warnings": warnings}


def staff_scoped_to(rows: list) -> list[str]:
    """The user names of the staff profiles scoped to any of ``rows`` (set to nothing when the
    rows are deleted)."""
    if not rows:
        return []
    model = type(rows[0])
    scopes = [
        field.name
        for field in StaffProfile._meta.get_fields()
        if field.many_to_one and field.related_model is model
    ]
    if not scopes:
        return []
    profiles = StaffProfile.objects.none()
    for scope in scopes:
        profiles |= StaffProfile.objects.filter(**{f"{scope}__in": rows})
    return sorted(profiles.values_list("user__username", flat=True).distinct())
