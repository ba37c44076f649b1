from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.template.loader import select_template
from django.utils.translation import get_language
from django_ratelimit.core import _split_rate  # the library's own reading of a rate

from guide.guides import GUIDES, GUIDES_BY_SLUG


def index(request):
    """The user guide's contents: a page for each role."""
    return render(request, "guide/index.html", {"guides": GUIDES})


def page(request, slug):
    """One role's guide. Being long documents, they are written once per language
    (templates/guide/<language>/<slug>.html), in Vietnamese when no other exists."""
    guide = GUIDES_BY_SLUG.get(slug)
    if guide is None:
        raise Http404
    body = select_template([f"guide/{get_language()}/{slug}.html", f"guide/vi/{slug}.html"])
    context = {"guide": guide, "guides": GUIDES, "body": body, **_figures()}
    return render(request, "guide/page.html", context)


def _figures() -> dict[str, int]:
    """The deployment's own limits, which the guides quote."""
    code_misses, code_miss_seconds = _split_rate(settings.CODE_MISS_RATE)
    address_failures, address_failure_seconds = _split_rate(settings.LOGIN_ADDRESS_FAILURE_RATE)
    return {
        "code_miss_limit": code_misses,
        "code_miss_minutes": code_miss_seconds // 60,
        "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "address_failure_limit": address_failures,
        "address_failure_minutes": address_failure_seconds // 60,
        "success_hours": settings.SUCCESS_PAGE_HOURS,
    }
