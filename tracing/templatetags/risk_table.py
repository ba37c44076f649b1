"""The rows of the risk list, drawn in Python (declarations/rows.py says why)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.names import staff_name
from declarations.rows import SharedCells, table_rows

register = template.Library()

ROW = (
    '<tr class="row-risk-{}">'
    '<td><a class="font-monospace fw-semibold" href="{}">{}</a></td>'
    '<td><a href="{}">{}</a></td>'
    "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}{}</td><td>{}</td>"
    '<td class="text-nowrap">{}</td>'
    "</tr>"
)
OVERDUE = ' <span class="badge text-bg-danger overdue">{}</span>'
# Under the follow-up's status: when it last changed (what falls overdue).
FOLLOWED_UP_AT = '<br><span class="small text-body-secondary text-nowrap">{}</span>'


@register.simple_tag
def risk_rows(rows, back: str = "") -> str:
    """The table rows of ``tracing.risk_views.RiskRow`` objects; each follow-up link carries
    ``back``, the list's address, for the follow-up page's way back to it."""
    shared = _Shared(back)
    return table_rows(ROW, (_cells(row, shared) for row in rows))


class _Shared(SharedCells):
    """What many rows show alike, made once per table: besides the badges, the follow-up link
    and the overdue mark."""

    CODE = "0000CODE"  # a lookup code's shape, replaced by each person's

    def __init__(self, back: str = ""):
        super().__init__()
        self.statuses = {}
        self.follow_up_path = reverse("tracing:follow_up", args=[self.CODE])
        if back:
            self.follow_up_path += "?" + urlencode({"next": back})
        self.overdue = format_html(OVERDUE, _("OVERDUE"))

    def status(self, row) -> str:
        """The follow-up's status, translated once per table (a lazy label costs each time)."""
        status = row.follow_up.status if row.follow_up else None
        if status not in self.statuses:
            self.statuses[status] = str(row.status)
        return self.statuses[status]

    def followed_up_at(self, row) -> SafeString | str:
        moment = row.followed_up_at
        return SafeString(FOLLOWED_UP_AT.format(self.time(moment))) if moment else ""


def _cells(row, shared: _Shared) -> tuple:
    person, assignee = row.person, row.assignee
    return (
        person.risk_level,
        person.staff_path,
        person.display_code,
        shared.follow_up_path.replace(shared.CODE, person.lookup_code),
        person.full_name,
        person.birth_year,
        person.phone,
        person.residence_district,
        shared.badge(person),
        shared.status(row),
        shared.followed_up_at(row),
        shared.overdue if row.overdue else "",
        staff_name(assignee) if assignee else "",
        shared.time(row.updated_at),
    )
