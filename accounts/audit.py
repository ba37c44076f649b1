"""The audit log: one call per view of personal data, search, passage or export.

Entries are written with one prepared statement (``truyvet.inserts.insert_one``): nearly every
staff page writes one.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address

from accounts.models import AuditEntry
from truyvet import inserts
from truyvet.client import client_ip


def audit(request, action: str, *, person=None, detail: str = "") -> AuditEntry:
    entry = AuditEntry(
        user=request.user,
        username=request.user.get_username(),
        action=action,
        person=person,
        person_code=person.lookup_code if person else "",
        detail=detail.replace("\x00", "")[:300],  # PostgreSQL stores no NUL in text
        client_ip=_valid_ip(client_ip(request)),
    )
    inserts.insert_one(entry)
    return entry


def _valid_ip(value: str) -> str | None:
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value
