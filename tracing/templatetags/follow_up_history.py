"""The follow-up page's history drawn in Python (declarations/rows.py says why): a follow-up
gathers an event for every change and note, and the page shows them all, up to its limit."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext as _

from accounts.names import staff_name
from declarations.rows import SharedCells, table_rows
from tracing.models import shown_text

register = template.Library()

ROW = '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="note-cell">{}</td></tr>'


@register.simple_tag
def event_rows(events) -> str:
    """The table rows of a follow-up's events."""
    shared = SharedCells()
    system, nobody = _("System"), _("Nobody (assignment removed)")
    return table_rows(ROW, (_cells(event, shared, system, nobody) for event in events))


def _cells(event, shared: SharedCells, system: str, nobody: str) -> tuple:
    assignee = staff_name(event.assignee) if event.assignee else ""
    if event.unassigned:
        assignee = nobody
    return (
        shared.time(event.at),
        staff_name(event.user) if event.user else system,
        shared.choice(event, "status"),
        assignee,
        linebreaksbr(shown_text(event.note), autoescape=True),
    )
