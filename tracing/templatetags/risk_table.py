"""The rows of the risk list, drawn in Python: fifty rows of nine cells through the template
engine cost more than the rest of the page together. Every value is escaped by format_html."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
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
    overdue = format_html(OVERDUE, _("OVERDUE"))
    return format_html_join("\n", ROW, (_cells(row, overdue) for row in rows))


def _cells(row, overdue: str) -> tuple:
    person, assignee = row.person, row.assignee
    return (
        person.risk_level,
        person.staff_path,
        person.display_code,
        reverse("tracing:follow_up", args=[person.lookup_code]),
        person.full_name,
        person.birth_year,
        person.phone,
        person.residence_district,
        risk_badge(person),
        row.status,
        (assignee.get_full_name() or assignee.username) if assignee else "",
        f"{timezone.localtime(row.last_update):%H:%M %d/%m/%Y}",
        overdue if row.overdue else "",
    )
