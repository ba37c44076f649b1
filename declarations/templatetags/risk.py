from django import template
from django.utils.html import format_html

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
