from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from declarations.places import place_tree
from declarations.risk import RiskLevel

register = template.Library()


@register.simple_tag
def risk_badge(item):
    """The risk level of a declaration or a person as a badge, readable without colour too."""
    level = RiskLevel(item.risk_level)
    return format_html('<span class="badge risk-{}">{}</span>', level.value, level.label)


@register.filter
def reason_labels(declaration) -> list[str]:
    tree = place_tree()
    return [
        reason.label({reason.detail: tree.name(reason.detail)}) for reason in declaration.reasons()
    ]


@register.filter
def risk_source_text(source) -> str:
    """One thing that puts a person at risk (``declarations.services.RiskSource``), in words,
    in the reader's language."""
    when = f"{timezone.localtime(source.at):%H:%M %d/%m/%Y}" if source.at else ""
    if source.kind == "declaration":
        tree = place_tree()
        labels = [str(r.label({r.detail: tree.name(r.detail)})) for r in source.reasons]
        return _("Declaration of %(when)s: %(reasons)s") % {
            "when": when,
            "reasons": "; ".join(labels),
        }
    if source.kind == "flag":
        return _("Flagged by staff at %(when)s: %(note)s") % {"when": when, "note": source.text}
    if source.kind == "case":
        return _("Confirmed case (F0), not closed")
    return _("Confirmed %(level)s contact of the case %(case)s (confirmed at %(when)s)") % {
        "level": source.contact_level,
        "case": source.case_name,
        "when": when,
    }
