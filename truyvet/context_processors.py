from django.conf import settings
from django.db import DatabaseError

from declarations.places import served_province_name


def site(request):
    try:
        province_name = served_province_name()
    except DatabaseError:  # error pages must still render while the database is away
        province_name = ""
    return {
        "province_name": province_name,
        "retention_days": settings.RETENTION_DAYS,
    }
