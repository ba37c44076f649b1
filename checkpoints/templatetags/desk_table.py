"""The rows of the desk's results, drawn in Python (declarations/rows.py says why)."""

from django import template

from declarations.rows import SharedCells, table_rows

register = template.Library()

ROW = (
    '<tr class="row-risk-{}">'
    '<td><a class="font-monospace fw-semibold" href="{}">{}</a></td>'
    "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
    "</tr>"
)


@register.simple_tag
def desk_rows(people) -> str:
    """The table rows of the people found."""
    shared = SharedCells()
    return table_rows(ROW, (_cells(person, shared) for person in people))


def _cells(person, shared: SharedCells) -> tuple:
    return (
        person.risk_level,
        person.staff_path,
        person.display_code,
        person.full_name,
        person.birth_year,
        person.phone,
        person.residence_district,
        shared.badge(person),
        # The search reads it (``PersonQuerySet.with_last_declared``).
        shared.time(person.last_declared_at) if person.last_declared_at else "",
    )
