from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.core import get_usage

from declarations import codes
from declarations.forms import (
    SHARED_JOURNEY,
    DeclarationForm,
    LookupForm,
    initial_from_data,
    shared_journey,
)
from declarations.models import Declaration, DeclarationPoint, MergedCode, Person
from declarations.places import place_tree, places_version, served_province_code, with_places
from declarations.qr import qr_svg
from declarations.risk import RISK_DAYS
from declarations.services import DeclarationData, declaration_submit, point_for_token
from truyvet.cache import shared_cache_available
from truyvet.client import client_network

SUCCESS_QR_LABEL = gettext_noop("QR code of your lookup code, for checkpoint staff to scan")
# The health hotline, a tap away on the phone the success page is read on.
HOTLINE_LINK = format_html('<a href="tel:{}">{}</a>', "19009095", "1900 9095")
LOOKUP_SESSION_KEY = "lookup_person"
LOOKUP_SESSION_MINUTES = 30
# The QR poster a citizen with a code came from: its token rides in the address from the
# poster's form through the look-up to the update form (``?qr=<token>``), and is read again at
# each step; nothing else about the point is taken from the browser.
POSTER_PARAM = "qr"
POSTER_GONE = gettext_lazy(
    "The QR poster you scanned is no longer in use: your update will not be recorded at it."
)


def home(request):
    return render(request, "declarations/home.html")


def privacy(request):
    return render(request, "declarations/privacy.html")


@never_cache
def declare(request):
    return _declaration_form(request, person=None, initial=shared_journey(request.GET))


@never_cache
def point_declare(request, token):
    """A declaration point's QR: the form with the vehicle, checkpoint or facility fixed."""
    point, retired = point_for_token(token)
    if point is None:
        if not retired:
            raise Http404
        return render(request, "declarations/poster_retired.html", status=410)
    initial = shared_journey(request.GET, point=point)
    return _declaration_form(request, person=None, initial=initial, point=point)


@never_cache
def update(request):
    """The update form of the person looked up; opened from a QR poster (``?qr=<token>``), the
    new declaration is recorded at its point, with what its poster fixes."""
    point, poster_gone = _poster_point(request)
    person = _looked_up_person(request)
    if person is None:
        messages.info(request, _("Enter your lookup code again to update your declaration."))
        return redirect(_with_poster(reverse("declarations:lookup"), point))
    if poster_gone:
        messages.warning(request, POSTER_GONE)
    latest = latest_declaration(person)
    initial = initial_for_update(person, latest, point=point)
    return _declaration_form(request, person=person, initial=initial, point=point, updates=latest)


def _declaration_form(request, *, person, initial, point=None, updates=None):
    if request.method == "POST" and "refresh_places" in request.POST:
        form = DeclarationForm(initial=initial_from_data(request.POST, point=point), point=point)
    elif request.method == "POST":
        # With what the form started from: a plate carried from the last journey is told apart,
        # and the point of the declaration updated is kept for the same trip.
        form = DeclarationForm(request.POST, initial=initial, point=point, updates=updates)
        if form.is_valid():
            declaration = declaration_submit(
                data=form.declaration_data(),
                token=form.cleaned_data["form_token"],
                person=person,
            )
            return redirect("declarations:success", token=declaration.submission_token)
    else:
        # Most people declare on the day they travel: the plain form and the QR forms both
        # start at today (an update starts from the latest journey's date).
        blank = {"residence_province": served_province_code(), "travel_date": timezone.localdate()}
        form = DeclarationForm(initial={**blank, **initial}, point=point)
    context = {"form": form, "person": person, "point": point}
    if person is None:
        # Someone who declared before updates instead: one person, one code (no duplicate).
        context["lookup_url"] = _with_poster(reverse("declarations:lookup"), point)
    if request.method == "GET" and person is None and not initial:
        context["form_cache_key"] = _blank_form_key(point)
    return render(request, "declarations/declare.html", context)


def _blank_form_key(point) -> str:
    """What a blank declaration form depends on, besides the language: its rendered fields are
    the same for everyone (the form token is drawn outside), so they are rendered once and kept
    (``templates/declarations/declare.html``). A form with anyone's answers is never kept.
    Its travel date is today's: a form kept from yesterday must not be served today; its
    places are those of the reference data's version: a commune added is offered at once."""
    if point is None:
        where = "new"
    else:
        where = f"point {point.pk} {point.kind} {point.vehicle_plate} {point.departments}"
    return f"{where} {served_province_code()} {places_version()} {timezone.localdate()}"


@never_cache
def success(request, token):
    declaration = get_object_or_404(
        Declaration.objects.select_related("person", "point"), submission_token=token
    )
    with_places([declaration], "to_district", "to_commune")
    if timezone.now() - declaration.submitted_at > timedelta(hours=settings.SUCCESS_PAGE_HOURS):
        raise Http404
    # The risk the page heads with, and advises on, is the person's current one, as the staff
    # and the checkpoints see it: after a first declaration, that declaration's; after an
    # update, also a fever declared last week, a flag or a confirmed contact of a case.
    person = declaration.person
    staff_link = request.build_absolute_uri(codes.staff_path(person.lookup_code))
    context = {
        "declaration": declaration,
        "person": person,
        "qr": qr_svg(staff_link, label=_(SUCCESS_QR_LABEL)),
        "place_names": _place_names(declaration),
        "declare_another_url": _declare_again_url(declaration),
        "hotline": HOTLINE_LINK,
        "risk_days": RISK_DAYS,
    }
    return render(request, "declarations/success.html", context)


def _declare_again_url(declaration: Declaration) -> str:
    """Where a family declares the next of its members: the same QR point (its vehicle,
    checkpoint or facility filled in again) while it is in service, else the plain form; with
    the journey they share filled in (``SHARED_JOURNEY``), their identity and health blank."""
    point = declaration.point
    if point is not None and point.is_active:
        path = point.public_path
    else:
        path = reverse("declarations:declare")
    journey = journey_of(declaration, SHARED_JOURNEY)
    journey["travel_date"] = journey["travel_date"].isoformat()
    return f"{path}?{urlencode({name: value for name, value in journey.items() if value})}"


@never_cache
def lookup(request):
    """A citizen's own declarations, by code and the last digits of the phone. Come from a QR
    poster (``?qr=<token>``), they go on to the update form for that poster's point."""
    point, poster_gone = _poster_point(request)
    if poster_gone:
        messages.warning(request, POSTER_GONE)
    form = LookupForm(request.POST or None)
    context = {"form": form, "point": point}
    if request.method == "POST":
        refusal = _lookup_limited(request, form)
        if refusal:
            form.add_error(None, refusal)
            return _lookup_refused(request, context, paused=refusal is LOOKUP_PAUSED)
        if form.is_valid():
            person = _find_person(form.cleaned_data["code"], form.cleaned_data["phone_last4"])
            if person is not None:
                _remember_lookup(request, person)
                if point is None and not poster_gone:
                    return redirect("declarations:my_declarations")
                return redirect(_with_poster(reverse("declarations:update"), point))
            form.add_error(None, _("The lookup code and phone digits do not match a declaration."))
        _lookup_missed(request, form)  # a code or digits not understood count too
    return render(request, "declarations/lookup.html", context)


@never_cache
def my_declarations(request):
    person = _looked_up_person(request)
    if person is None:
        return redirect("declarations:lookup")
    declarations = with_places(person.declarations.newest_first(), "to_district", "to_commune")
    # The person's current risk heads the page, with its advice (as on the success page): the
    # level staff and checkpoints see, not that of a declaration.
    context = {
        "person": person,
        "declarations": declarations,
        "hotline": HOTLINE_LINK,
        "risk_days": RISK_DAYS,
    }
    return render(request, "declarations/my_declarations.html", context)


@require_GET
@cache_control(public=True, max_age=86400)
def places(request, code):
    """Children of a province or district for the chained selects: ``{"places": [[code, name]]}``"""
    children = place_tree().children_of(code)
    return JsonResponse({"places": [[p.code, p.name] for p in children]})


def rate_limited(request, exception):
    return render(request, "429.html", status=429)


def code_guessing_limited(view):
    """For staff views that take a lookup code: 404s count as misses (``CODE_MISS_RATE``);
    past the limit the view answers 429 without looking the code up. Put it under
    ``login_required``, so that anonymous visitors are sent to log in and learn nothing."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if code_misses_exceeded(request):
            return rate_limited(request, None)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            code_miss_count(request)
            raise

    return wrapped


def code_misses_exceeded(request) -> bool:
    """Whether the user, or their address, has used up the misses of this window: one read of
    the marks ``code_miss_count`` leaves, on every page opened by a code (reading the counts
    themselves would take two cache commands each)."""
    return any(cache.get_many(_exceeded_keys(request)).values())


def code_miss_count(request) -> None:
    """Count a miss for the user and for their address; the one that reaches the limit is
    marked as exceeded until its window of counting ends."""
    marks = _exceeded_keys(request)
    for (group, key), mark in zip(CODE_MISS_GROUPS, marks, strict=True):
        usage = get_usage(
            request, group=group, key=key, rate=settings.CODE_MISS_RATE, increment=True
        )
        # A cache that does not answer gives a limit of 0: then the staff are not stopped.
        if usage is not None and 0 < usage["limit"] <= usage["count"]:
            cache.set(mark, True, timeout=max(usage["time_left"], 1))


def _user_key(_group, request) -> str:
    return str(request.user.pk)


def _address_key(_group, request) -> str:
    return client_network(request)


CODE_MISS_GROUPS = (("code-miss-user", _user_key), ("code-miss-address", _address_key))


def _exceeded_keys(request) -> list[str]:
    return [f"{group}-exceeded:{key(group, request)}" for group, key in CODE_MISS_GROUPS]


# -- helpers ------------------------------------------------------------------------------------


# What a failed look-up counts against: the client's address, and the code tried (in the short
# window, and over the day, so that the 10,000 possible last 4 digits of a known code cannot be
# worked through in days). A look-up that finds the declaration counts against nothing: the
# people behind one address (a hospital's Wi-Fi, a carrier's shared address) are not stopped by
# each other's successes.
LOOKUP_LIMITS = (
    ("lookup-address", "ip", "LOOKUP_RATE"),
    ("lookup-code", "code", "LOOKUP_RATE"),
    ("lookup-code-day", "code", "LOOKUP_CODE_DAY_RATE"),
)
LOOKUP_REFUSALS = {
    "lookup-address": gettext_lazy("Too many attempts. Please wait 10 minutes and try again."),
    "lookup-code-day": gettext_lazy(
        "Too many failed attempts with this code today. Try again tomorrow, or ask a checkpoint "
        "officer or the health staff: they can find your declaration by your phone number."
    ),
}


# While the shared cache is away, failed look-ups cannot be counted: look-ups wait for it.
LOOKUP_PAUSED = gettext_lazy(
    "Looking up declarations is paused for a few minutes. Your declarations are kept: please try "
    "again shortly."
)
LOOKUP_PAUSED_RETRY_SECONDS = 60


def _lookup_limited(request, form) -> str:
    """The message for the first limit of failed look-ups used up, ``LOOKUP_PAUSED`` while they
    cannot be counted (``truyvet.cache``), or ""."""
    usages = list(_lookup_usages(request, form, increment=False))
    if not shared_cache_available():
        return LOOKUP_PAUSED
    for (group, _key, _rate), usage in zip(LOOKUP_LIMITS, usages, strict=True):
        if usage["count"] >= usage["limit"]:
            return LOOKUP_REFUSALS.get(group, LOOKUP_REFUSALS["lookup-address"])
    return ""


def _lookup_refused(request, context: dict, *, paused: bool):
    """The look-up form with its refusal: 429 for a limit used up, 503 while paused."""
    if not paused:
        return render(request, "declarations/lookup.html", context, status=429)
    response = render(request, "declarations/lookup.html", context, status=503)
    response["Retry-After"] = str(LOOKUP_PAUSED_RETRY_SECONDS)
    return response


def _lookup_missed(request, form) -> None:
    """Count a failed look-up against each limit."""
    for _usage in _lookup_usages(request, form, increment=True):
        pass


def _lookup_usages(request, form, *, increment: bool):
    code = codes.parse_code(form.data.get("code", "")) or "invalid"
    keys = {"ip": "ip", "code": lambda _group, _request: code}
    for group, key, rate in LOOKUP_LIMITS:
        usage = get_usage(
            request, group=group, key=keys[key], rate=getattr(settings, rate), increment=increment
        )
        yield usage or {"count": 0, "limit": 0}


def _find_person(code: str, phone_last4: str) -> Person | None:
    """The person of this code, if the digits end their phone; a code merged into another
    person's (a duplicate) answers to its own phone too, the one its owner declared with."""
    person = Person.objects.by_code(code)
    if person is None:
        return None
    phones = [person.phone]
    if person.lookup_code != code:
        phones += MergedCode.objects.filter(code=code).values_list("phone", flat=True)
    if not any(phone and phone[-4:] == phone_last4 for phone in phones):
        return None
    return person


def _poster_point(request) -> tuple[DeclarationPoint | None, bool]:
    """The point of the QR poster named by ``?qr=<token>`` while it is in service, and whether
    a poster was named that is not (an unknown token, a retired poster, a point out of
    service): then the citizen goes on without it, as without a poster."""
    token = request.GET.get(POSTER_PARAM, "")
    if not token:
        return None, False
    point, _retired = point_for_token(token)
    return point, point is None


def _with_poster(path: str, point: DeclarationPoint | None) -> str:
    """``path``, naming the poster's point by its token (read from the database, not the
    browser) to the page it leads to."""
    return f"{path}?{urlencode({POSTER_PARAM: point.token})}" if point is not None else path


def _remember_lookup(request, person) -> None:
    request.session.cycle_key()
    request.session[LOOKUP_SESSION_KEY] = person.pk
    request.session.set_expiry(LOOKUP_SESSION_MINUTES * 60)


def _looked_up_person(request) -> Person | None:
    person_id = request.session.get(LOOKUP_SESSION_KEY)
    return Person.objects.filter(pk=person_id).first() if person_id else None


JOURNEY_FIELDS = (
    "travel_date",
    "to_address",
    "transport",
    "vehicle_plate",
    "seat",
    "places_visited",
    "vaccine_doses",
)
JOURNEY_PLACES = ("from_province", "from_district", "to_district", "to_commune")


def journey_of(declaration: Declaration, names=(*JOURNEY_FIELDS, *JOURNEY_PLACES)) -> dict:
    """The declaration's journey fields ``names`` as the form takes them (a place by its code)."""
    return {
        name: getattr(declaration, f"{name}_id" if name in JOURNEY_PLACES else name)
        for name in names
    }


def latest_declaration(person: Person) -> Declaration | None:
    """The declaration an update starts from, with its point (``DeclarationForm.carry_over``)."""
    return person.declarations.newest_first().select_related("point").first()


def initial_for_update(
    person: Person, latest: Declaration | None, *, point: DeclarationPoint | None = None
) -> dict:
    """The update form starts from the latest declaration; health answers start blank. Opened
    from a QR ``point``'s poster, it is a trip of today's, as on the poster's blank form (whose
    fixed fields the form sets itself), with no seat of an earlier vehicle."""
    initial = {name: getattr(person, name) for name in DeclarationData.PERSON_FIELDS}
    initial |= {name: getattr(person, f"{name}_id") for name in DeclarationData.PERSON_PLACES}
    if latest is not None:
        initial |= journey_of(latest)
    if point is not None:
        initial |= {"travel_date": timezone.localdate(), "seat": ""}
    return initial


def _place_names(declaration: Declaration) -> dict[str, str]:
    tree = place_tree()
    return {reason.detail: tree.name(reason.detail) for reason in declaration.reasons()}
