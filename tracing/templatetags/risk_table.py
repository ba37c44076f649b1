"""The rows of the risk list, drawn in Python: fifty rows of nine cells through the template
engine cost more than the rest of the page together.

Every value is escaped as ``format_html`` escapes it (``conditional_escape``: HTML marked safe
is kept, anything else escaped), with the standard library's ``html.escape`` called directly:
``format_html_join`` checks each of the 650 values of a page for lazy strings on the way, which
cost more than the escaping itself (3 of the page's 7 ms for its rows).
"""

import html

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext as _

from declarations.templatetags.risk import risk_badge

register = template.Library()

ROW = (
    '<tr class="row-risk-{}">'
    '<td><a class="font-monospace fw-semibold" href="{}">{}</a></td>'
    '<td><a href="{}">{}</a></td>'
    "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td>"
    "</tr>"
)
OVERDUE = ' <span class="badge text-bg-danger overdue">{}</span>'


@register.simple_tag
def risk_rows(rows) -> str:
    """The table rows of ``tracing.risk_views.RiskRow`` objects."""
    shared = _Shared()
    return SafeString("\n".join(ROW.format(*map(_escaped, _cells(row, shared))) for row in rows))


def _escaped(value) -> str:
    """``value`` as HTML, as ``conditional_escape`` gives it."""
    if isinstance(value, SafeData):
        return value
    return html.escape(str(value))


class _Shared:
    """What many rows show alike, made once per table: the badges, the follow-up link and the
    overdue mark."""

    CODE = "0000CODE"  # a lookup code's shape, replaced by each person's

    def __init__(self):
        self.badges = {}
        self.statuses = {}
        self.follow_up_path = reverse("tracing:follow_up", args=[self.CODE])
        self.overdue = format_html(OVERDUE, _("OVERDUE"))
        self.zone = timezone.get_current_timezone()

    def badge(self, person) -> str:
        if person.risk_level not in self.badges:
            self.badges[person.risk_level] = risk_badge(person)
        return self.badges[person.risk_level]

    def status(self, row) -> str:
        """The follow-up's status, translated once per table (a lazy label costs each time)."""
        status = row.follow_up.status if row.follow_up else None
        if status not in self.statuses:
            self.statuses[status] = str(row.status)
        return self.statuses[status]


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
        (assignee.get_full_name() or assignee.username) if assignee else "",
        f"{row.last_update.astimezone(shared.zone):%H:%M %d/%m/%Y}",
        shared.overdue if row.overdue else "",
    )
