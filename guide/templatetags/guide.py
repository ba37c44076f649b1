from django import template
from django.db import DatabaseError
from django.urls import reverse

from guide.guides import guide_for

register = template.Library()


@register.simple_tag(takes_context=True)
def user_guide_url(context) -> str:
    """The address of the visitor's own guide: their role's, or the citizens' guide."""
    user = getattr(context.get("request"), "user", None)
    try:
        guide = guide_for(user)
    except DatabaseError:  # error pages must still render while the database is away
        guide = None
    return guide.get_absolute_url() if guide else reverse("guide:index")
