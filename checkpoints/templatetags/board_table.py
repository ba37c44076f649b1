"""The board's two tables, drawn in Python (declarations/rows.py says why): a checkpoint's PC
reloads the board every 30 seconds, and its hundred rows through the template engine took most
of the page's time (128 ms at p50 under bench/desk.py on a slow machine)."""

from django import template

from declarations.rows import SharedCells, table_rows

register = template.Library()

PERSON_CELLS = '<td><a class="font-monospace" href="{}">{}</a></td><td>{}</td>'
PASSAGE_ROW = (
    '<tr class="row-risk-{}"><td>{}</td>'
    + PERSON_CELLS
    + "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"
)
DECLARATION_ROW = (
    '<tr class="row-risk-{}"><td>{}</td>' + PERSON_CELLS + "<td>{}</td><td>{}</td></tr>"
)


@register.simple_tag
def passage_rows(passages) -> str:
    """Today's passages: time, the person, direction, plate, outcome and the person's risk."""
    shared = SharedCells()
    return table_rows(PASSAGE_ROW, (_passage(p, shared) for p in passages))


@register.simple_tag
def qr_declaration_rows(declarations) -> str:
    """Today's declarations with the checkpoint's QR: time, the person, plate and the person's
    risk."""
    shared = SharedCells()
    return table_rows(DECLARATION_ROW, (_declaration(d, shared) for d in declarations))


def _passage(passage, shared: SharedCells) -> tuple:
    person = passage.person
    return (
        person.risk_level,
        _clock(passage.at, shared),
        *_person(person),
        shared.choice(passage, "direction"),
        passage.vehicle_plate,
        shared.choice(passage, "outcome"),
        shared.badge(person),
    )


def _declaration(declaration, shared: SharedCells) -> tuple:
    """The person's current risk, not the declaration's: the passages table beside it shows
    the person's, and one person must not read at two levels on one screen."""
    person = declaration.person
    return (
        person.risk_level,
        _clock(declaration.submitted_at, shared),
        *_person(person),
        declaration.vehicle_plate,
        shared.badge(person),
    )


def _person(person) -> tuple:
    """The cells of ``PERSON_CELLS``: the link to the person's page, their code and name."""
    return person.staff_path, person.display_code, person.full_name


def _clock(moment, shared: SharedCells) -> str:
    """As the template wrote it: ``{{ moment|date:"H:i" }}``."""
    return f"{moment.astimezone(shared.zone):%H:%M}"
