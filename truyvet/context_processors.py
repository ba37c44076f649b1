from django.conf import settings
from django.db import DatabaseError

from declarations.places import served_province_name
from declarations.risk import RISK_DAYS


def site(request):
    try:
        province_name = served_province_name()
    except DatabaseError:  # error pages must still render while the database is away
        province_name = ""
    return {
        "province_name": province_name,
        "staff_menu": _staff_menu(request),
        "scope_missing": _scope_missing(request),
        "retention_days": settings.RETENTION_DAYS,
        "audit_retention_days": settings.AUDIT_RETENTION_DAYS,  # the administrator's guide
        "risk_days": RISK_DAYS,  # the staff pages' note on a person's current risk
        # The login lockout's page (django-axes renders it with this context processor).
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


def _staff_menu(request) -> list[tuple[str, str]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from accounts.menu import menu_for

    return menu_for(user)


def _scope_missing(request) -> list[str]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from accounts.access import scope_missing

    return scope_missing(user)
