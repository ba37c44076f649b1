"""Tables of people drawn in Python, for the lists staff open all day (the desk's results, the
risk list): twenty to fifty rows of seven to nine cells through the template engine cost more
than the rest of the page together.

Every value is escaped as ``format_html`` escapes it (``conditional_escape``: HTML marked safe
is kept, anything else escaped), with the standard library's ``html.escape`` called directly:
``format_html_join`` checks each of the 650 values of a page for lazy strings on the way, which
cost more than the escaping itself (3 of the risk list's 7 ms for its rows).
"""

import html
from collections.abc import Iterable

from django.utils import timezone
from django.utils.safestring import SafeData, SafeString

from declarations.templatetags.risk import risk_badge


def table_rows(row: str, cells: Iterable[tuple]) -> SafeString:
    """Each tuple of ``cells`` put, escaped, into the ``row`` format (``{}`` for each cell)."""
    return SafeString("\n".join(row.format(*map(escaped, values)) for values in cells))


def escaped(value) -> str:
    """``value`` as HTML, as ``conditional_escape`` gives it."""
    if isinstance(value, SafeData):
        return value
    return html.escape(str(value))


class SharedCells:
    """What many rows of a table show alike, made once per table: the risk badges, the labels of
    choices, the time zone."""

    def __init__(self):
        self.badges = {}
        self.labels = {}
        self.zone = timezone.get_current_timezone()

    def badge(self, person) -> str:
        if person.risk_level not in self.badges:
            self.badges[person.risk_level] = risk_badge(person)
        return self.badges[person.risk_level]

    def choice(self, obj, field: str) -> str:
        """The label of ``obj``'s choice in ``field``, as ``{{ obj.get_<field>_display }}``: each
        label translated once per table (a lazy label costs each time)."""
        key = (field, getattr(obj, field))
        if key not in self.labels:
            self.labels[key] = str(getattr(obj, f"get_{field}_display")())
        return self.labels[key]

    def time(self, moment) -> str:
        """As the templates write times: ``{{ moment|date:"H:i d/m/Y" }}`` (formatted with
        ``%``: half of what ``strftime`` or an f-string costs, twice on each row of a list)."""
        local = moment.astimezone(self.zone)
        values = (local.hour, local.minute, local.day, local.month, local.year)
        return "%02d:%02d %02d/%02d/%04d" % values  # noqa: UP031 - half an f-string's cost

    @staticmethod
    def day(day) -> str:
        """As the templates write days: ``{{ day|date:"d/m/Y" }}``."""
        return "%02d/%02d/%04d" % (day.day, day.month, day.year)  # noqa: UP031 - as ``time``
