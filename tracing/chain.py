"""The transmission chain of a case (F0 → F1 → F2) as a tree, and its layout as a drawing.

The page draws it as inline SVG from the layout computed here (the template escapes every
name) and lists the same tree as nested lists, which screen readers and printers read.
Only confirmed contacts are in the chain.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from declarations.models import Person
from tracing.models import Case, Contact, ContactLevel

# The drawing: one column per level, one row per person at the deepest level of each branch.
COLUMN_WIDTH = 250
BOX_WIDTH = 210
BOX_HEIGHT = 30
ROW_HEIGHT = 40
MARGIN = 10
LABEL_CHARS = 26  # longer names are cut, the full name is in the box's tooltip


@dataclass
class Link:
    """One person in the chain, with the people found through them."""

    person: Person
    level: str  # "F0", "F1" or "F2"
    contact: Contact | None = None
    children: list["Link"] = field(default_factory=list)


def chain_tree(case: Case, contacts: list[Contact]) -> Link:
    """The case and its confirmed contacts as a tree: F1s under the case, F2s under the F1
    they were found through. ``contacts`` come with their person selected."""
    root = Link(case.person, "F0")
    f1s = {}
    for contact in contacts:
        if contact.level == ContactLevel.F1:
            f1s[contact.pk] = Link(contact.person, contact.level, contact)
            root.children.append(f1s[contact.pk])
    for contact in contacts:
        if contact.level == ContactLevel.F2 and contact.via_id in f1s:
            f1s[contact.via_id].children.append(Link(contact.person, contact.level, contact))
    return root


def chain_links(root: Link) -> Iterator[Link]:
    """Everyone in the chain, the case first, each before the people found through them."""
    yield root
    for child in root.children:
        yield from chain_links(child)


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    level: str
    label: str
    title: str

    @property
    def text_x(self) -> int:
        return self.x + 8

    @property
    def text_y(self) -> int:
        return self.y + BOX_HEIGHT // 2 + 5


@dataclass(frozen=True)
class Edge:
    path: str  # an SVG path made of numbers only


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    boxes: list[Box]
    edges: list[Edge]
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT


def chain_layout(root: Link) -> Layout:
    """A layered drawing, left to right: the case, its F1s, their F2s. Each leaf takes a row;
    a person stands level with the middle of the people found through them."""
    boxes: list[Box] = []
    edges: list[Edge] = []
    next_row = deepest = 0

    def place(link: Link, depth: int) -> float:
        nonlocal next_row, deepest
        deepest = max(deepest, depth)
        rows = [place(child, depth + 1) for child in link.children]
        if rows:
            row = (rows[0] + rows[-1]) / 2
        else:
            row, next_row = next_row, next_row + 1
        x, y = MARGIN + depth * COLUMN_WIDTH, _top(row)
        boxes.append(Box(x, y, link.level, _label(link.person.full_name), _title(link)))
        for child_row in rows:
            edges.append(_edge(x + BOX_WIDTH, y, x + COLUMN_WIDTH, _top(child_row)))
        return row

    place(root, 0)
    return Layout(
        width=2 * MARGIN + deepest * COLUMN_WIDTH + BOX_WIDTH,
        height=2 * MARGIN + (next_row - 1) * ROW_HEIGHT + BOX_HEIGHT,
        boxes=boxes,
        edges=edges,
    )


def _top(row: float) -> int:
    return round(MARGIN + row * ROW_HEIGHT)


def _edge(x1: int, y1: int, x2: int, y2: int) -> Edge:
    """A smooth link from the right side of a box to the left side of the next column's."""
    y1, y2 = y1 + BOX_HEIGHT // 2, y2 + BOX_HEIGHT // 2
    middle = (x1 + x2) // 2
    return Edge(f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}")


def _label(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def _title(link: Link) -> str:
    return f"{link.level} · {link.person.full_name} · {link.person.display_code}"
