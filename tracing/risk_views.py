"""The health staff's risk pages: the list of people at risk, one person's follow-up, and the
epidemic zones."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import audit
from accounts.directory import directory_version
from accounts.models import AuditAction
from accounts.names import staff_accounts, staff_name, with_staff_names
from declarations import codes
from declarations.models import Declaration, District, EpidemicZone, Person
from declarations.places import place_tree, places_version, served_province_code, with_places
from declarations.risk import RiskLevel
from declarations.services import risk_sources_of
from declarations.views import code_guessing_limited
from tracing.access import (
    can_manage_zones,
    people_at_risk_in_scope,
    person_for_health_staff,
    person_scope,
    scope_name,
    zone_manager_required,
)
from tracing.forms_risk import FollowUpForm, RiskListForm, ZoneEndForm, ZoneForm
from tracing.models import OVERDUE_AFTER_HOURS, Case, FollowUpStatus, is_overdue
from tracing.risk_counts import scope_counts
from tracing.services import follow_up_of, follow_up_update
from tracing.zones import Reevaluation, zone_add, zone_end
from truyvet import query_settings
from truyvet.compiled import compiled_once
from truyvet.db_router import reads_from_replica
from truyvet.exports import xlsx_response
from truyvet.paging import KeyOrder, PageStart, keyed_page, without_position

RESULTS_PER_PAGE = 50
# The list's two orders, each served by an index: newest first (``person_at_risk_listed``), and
# overdue only, those who have waited longest first (``followup_open_waiting``, then each person
# from ``person_at_risk_by_id``).
NEWEST_FIRST = KeyOrder("updated_at", "id", descending=True)
LONGEST_WAITING_FIRST = KeyOrder("follow_up__updated_at", "follow_up__id", descending=False)
EXPORT_BATCH = 2000  # people read at a time for the download
HISTORY_LENGTH = 200

follow_up_viewers = permission_required("tracing.view_followup", raise_exception=True)
follow_up_editors = permission_required("tracing.change_followup", raise_exception=True)


# What a row of the list (and of its download) shows, and all that is read of each person (the
# person's part is held in the people's indexes, ``declarations.models.AT_RISK_SHOWN``): read
# as tuples, not as model instances (a person and a follow-up made for each of 51 rows cost a
# risk list more than its query), into ``ListedPerson`` and ``ListedFollowUp``.
ROW_VALUES = (
    "id",
    "lookup_code",
    "full_name",
    "birth_year",
    "phone",
    "residence_district_id",  # the names come from memory (place_tree)
    "risk_level",
    "updated_at",
    "follow_up__id",
    "follow_up__status",
    "follow_up__updated_at",
    "follow_up__assignee_id",  # the names come from memory (staff_accounts)
)


@dataclass(slots=True)
class ListedFollowUp:
    """What the list shows of a person's follow-up."""

    id: int
    status: str
    updated_at: datetime
    assignee_id: int | None
    assignee: object = None  # the account, with its names (``accounts.names.staff_accounts``)


@dataclass(slots=True)
class ListedPerson(codes.ShownByCode):
    """What the list shows of a person at risk (``ROW_VALUES``), with what ``Person`` gives
    pages of the same: the code as shown, the staff page's address, the district's place."""

    id: int
    lookup_code: str
    full_name: str
    birth_year: int
    phone: str
    residence_district_id: str
    risk_level: str
    updated_at: datetime
    follow_up: ListedFollowUp | None
    residence_district: object = None  # the place, from memory (``_rows``)

    @classmethod
    def from_values(cls, values: tuple) -> "ListedPerson":
        *person, follow_up_id, status, followed_up_at, assignee_id = values
        follow_up = None
        if follow_up_id is not None:
            follow_up = ListedFollowUp(follow_up_id, status, followed_up_at, assignee_id)
        return cls(*person, follow_up)

    def is_overdue(self, now: datetime) -> bool:
        """As the list's "overdue" filter (``tracing.forms_risk.overdue``) would find them."""
        follow_up = self.follow_up
        return follow_up is not None and is_overdue(follow_up.status, follow_up.updated_at, now)

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class RiskRow:
    """One person on the risk list; without a follow-up yet, they count as new."""

    person: ListedPerson
    overdue: bool

    @property
    def follow_up(self) -> ListedFollowUp | None:
        return self.person.follow_up

    @property
    def status(self) -> str:
        follow_up = self.follow_up
        return FollowUpStatus(follow_up.status if follow_up else FollowUpStatus.NEW).label

    @property
    def assignee(self):
        return self.follow_up.assignee if self.follow_up else None

    @property
    def followed_up_at(self) -> datetime | None:
        """When the follow-up last changed (what falls overdue), if there is one."""
        return self.follow_up.updated_at if self.follow_up else None

    @property
    def updated_at(self) -> datetime:
        """When the person last declared or their risk last changed: what the list is ordered
        by (newest first) and its dates filter."""
        return self.person.updated_at

    def cells(self) -> list:
        person, assignee = self.person, self.assignee
        return [
            person.display_code,
            person.full_name,
            person.birth_year,
            person.phone,
            str(person.residence_district),
            str(RiskLevel(person.risk_level).label),
            str(self.status),
            staff_name(assignee) if assignee else "",
            _when(self.followed_up_at),
            _when(self.updated_at),
            str(_("Overdue")) if self.overdue else "",
        ]


def _when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else ""


EXPORT_HEADERS = [
    gettext_lazy("Lookup code"),
    gettext_lazy("Full name"),
    gettext_lazy("Year of birth"),
    gettext_lazy("Phone"),
    gettext_lazy("District of residence"),
    gettext_lazy("Risk"),
    gettext_lazy("Follow-up"),
    gettext_lazy("Assigned to"),
    gettext_lazy("Follow-up changed"),
    gettext_lazy("Updated"),
    gettext_lazy("Overdue"),
]


@login_required
@follow_up_viewers
@reads_from_replica
def risk_list(request):
    """People at risk in the user's scope, newest first, filtered; or all of them in Excel."""
    form = RiskListForm(request.GET, user=request.user)
    context = {
        "form": form,
        # The filters are kept rendered in the shared cache (``{% cache %}``), drawn once for
        # every page of a list, not once per worker: keyed by the query without the position.
        "form_key": without_position(request),
        "places_version": places_version(),  # the filters list the places: a renamed one shows
        "can_manage_zones": can_manage_zones(request.user),
        "overdue_hours": OVERDUE_AFTER_HOURS,
    }
    if not form.is_valid():
        return render(request, "tracing/risk_list.html", context)
    export = request.GET.get("format") == "xlsx"
    now = timezone.now()  # what "overdue" is measured from, in the query and the rows alike
    people = _at_risk(request.user, form, a_page=not export, now=now)
    filters = urlencode(form.filters())
    if export:
        shown = []
        rows = _export_rows(people, shown, now)
        name = f"nguy-co-{timezone.localdate():%Y-%m-%d}.xlsx"
        response = xlsx_response(name, EXPORT_HEADERS, rows)
        # The file is written whole before it is sent: its entry names everyone it holds.
        audit(request, AuditAction.EXPORT, subject="risk_list", filters=filters, shown=shown)
        return response
    context |= {"filters": filters, "counts": scope_counts(request.user)}
    context |= _page(request, people, form, now)
    # The list opened as it comes is no search: the log's "Searched" keeps to filtered lists.
    # The entry names everyone the page listed, so that the log searched by a code finds it.
    action = AuditAction.SEARCH if filters else AuditAction.VIEW_LIST
    shown = [row.person.lookup_code for row in context["rows"]]
    audit(request, action, subject="risk_list", filters=filters, shown=shown)
    return render(request, "tracing/risk_list.html", context)


def _order(form: RiskListForm) -> KeyOrder:
    return LONGEST_WAITING_FIRST if form.cleaned_data["qua_han"] else NEWEST_FIRST


def _at_risk(user, form: RiskListForm, *, a_page: bool, now: datetime):
    """People at risk in the user's scope, filtered, in the list's order (``_order``).
    ``a_page``: only a page of them will be read (``people_in_scope``)."""
    people = people_at_risk_in_scope(user, a_page=a_page)
    return form.narrow(people, now=now).order_by(*_order(form).order_by())


def _page(request, people, form: RiskListForm, now: datetime) -> dict:
    """One page of the list, without counting it all (a province can have many at risk): the
    first, or one before or after a position (``truyvet.paging.keyed_page``)."""
    kept = _kept_list(request.user, form, now, connections[people.db])
    page = keyed_page(
        request,
        people,
        _order(form),
        RESULTS_PER_PAGE,
        read=lambda start, limit: _window(start, form, limit, kept),
    )
    rows = [RiskRow(person, person.is_overdue(now)) for person in page.rows]
    return {"rows": rows, "newer": page.newer, "older": page.older}


@dataclass(frozen=True)
class _KeptList:
    """A list read by a query compiled once per process (``_kept_rows``): its name, and its
    values before a page's position."""

    name: str
    values: tuple


# The values of each scope's list of people at risk, before any filter: its query's first.
_scope_values: dict[str, tuple] = {}


def _kept_list(user, form: RiskListForm, now: datetime, connection) -> _KeptList | None:
    """The user's list as a ``_KeptList`` when a query compiled once may read it: the list of
    their scope (``tracing.access.scope_name``) in one of the shapes ``RiskListForm.kept_shape``
    names; None for any other filter. Its values are the scope's, then the filter's."""
    shape, scope = form.kept_shape(), scope_name(user)
    if shape is None or scope is None:
        return None
    values = _scope_values.get(scope)
    if values is None:
        in_scope = people_at_risk_in_scope(user, a_page=True).values_list(*ROW_VALUES)
        values = _scope_values.setdefault(scope, tuple(in_scope.query.sql_with_params()[1]))
    return _KeptList(f"risk_list_{scope}_{shape}", values + form.kept_values(now, connection))


def _window(start: PageStart, form: RiskListForm, limit: int, kept: _KeptList | None = None):
    """The first ``limit`` people from ``start``, as the list shows them (``_rows``).

    A ``kept`` list is read by a query compiled once per process for it and the page's start
    (``_kept_rows``); for a district's overdue list, its keys are (``_kept_keys``).

    For the overdue list of a district or a commune, PostgreSQL cannot tell that the follow-ups
    belong to the people at risk: it expects a handful where there are hundreds, and reads every
    person at risk of the place to join them (9 to 27 ms among a million declarations). Asked for
    keys, it walks the place's open follow-ups in order instead (``_place_keys``). So their keys
    are found first, then the rows read by key. The other lists walk an index in order and need
    no second query.
    """
    by_keys = form.overdue_of_a_place()
    if kept is not None and not by_keys:
        return _rows(_kept_rows(start, kept, limit))
    people = start.query()
    if not by_keys:
        return _rows(people[:limit].values_list(*ROW_VALUES))
    keys = _kept_keys(start, kept, limit) if kept is not None else _place_keys(people[:limit])
    found = people.order_by().filter(pk__in=keys).values_list(*ROW_VALUES)
    by_key = {row.id: row for row in _rows(found)}
    return [by_key[key] for key in keys if key in by_key]


# For the keys of a place's overdue list alone (``truyvet.query_settings``).
_SSD_READS = ("random_page_cost", "1.1")


def _ssd_reads(alias: str) -> str | None:
    """What to send before a place's overdue keys query (``_place_keys``, ``_kept_keys``)."""
    return query_settings.for_one_query(connections[alias], *_SSD_READS)


def _place_keys(people) -> list[int]:
    """The keys of ``people``, a page of a place's overdue list, in its order.

    PostgreSQL joins the place's open follow-ups (``followup_open_district``,
    ``followup_open_commune``, in the list's order) to their people at risk
    (``person_at_risk_by_id``). Expecting a handful of them to be at risk where all are, it
    weighs walking the follow-ups in order, one index read per person until the page is full,
    against reading every person at risk of the province at once and sorting. With the cost of a
    random read PostgreSQL assumes by default (4, for a spinning disk), it read them all for six
    districts of eight among a million declarations (5 to 7 ms) and walked for the other two
    (0.4 ms). With the cost on an SSD, as ``docs/scaling.md`` sets the server (1.1), it walks for
    every district and commune: this query is planned so whatever the server's setting, and the
    others as it is set (at 1.1 the other lists were slower; docs/performance.md, twenty-eighth
    and thirty-fourth rounds). Inside a transaction the query runs as the server is set: the
    setting would last to the end of the transaction."""
    keys = people.values_list("pk", flat=True)
    ssd_reads = _ssd_reads(keys.db)
    if ssd_reads is None:
        return list(keys)
    try:
        sql, params = keys.query.get_compiler(using=keys.db).as_sql()
    except EmptyResultSet:  # a scope that holds nobody
        return []
    with connections[keys.db].cursor() as cursor:
        cursor.execute(ssd_reads + sql, params)
        return [key for (key,) in cursor.fetchall()]


def _kept_rows(start: PageStart, kept: _KeptList, limit: int) -> list[tuple]:
    """The ``ROW_VALUES`` of the first ``limit`` people of a ``kept`` list from ``start``, by
    SQL compiled once per process for the list and the kind of start (``truyvet.compiled``):
    building and compiling the query cost a district's later pages 1.5 ms of their 14 on a slow
    machine. It is sent whole, never prepared: PostgreSQL must plan it for its values, to read
    the partial index of people at risk (``truyvet/compiled.py`` says why). Its values are the
    list's, then the position's (``KeyOrder.beyond_values``), as ``KeyOrder.beyond`` adds
    them."""

    def make():  # the first time only
        return start.query()[:limit].values_list(*ROW_VALUES)

    name, values = f"{kept.name}_{start.kind}_{limit}", _page_values(start, kept)
    return compiled_once(make, name, *values, prepare=False)


def _kept_keys(start: PageStart, kept: _KeptList, limit: int) -> list[int]:
    """The keys of the first ``limit`` people of a ``kept`` place's overdue list from
    ``start``, as ``_place_keys`` finds them (with the SSD cost), by SQL compiled once per
    process as ``_kept_rows`` reads rows. Building and compiling the keys' query cost a
    district's overdue list about 0.35 ms of its 8 of CPU (docs/performance.md, thirty-fifth
    round)."""

    def make():  # the first time only
        return start.query()[:limit].values_list("pk", flat=True)

    name, values = f"{kept.name}_{start.kind}_{limit}_keys", _page_values(start, kept)
    before = _ssd_reads(start.rows.db) or ""
    return compiled_once(make, name, *values, prepare=False, before=before)


def _page_values(start: PageStart, kept: _KeptList) -> tuple:
    """A kept list's values, then its page's position's (``KeyOrder.beyond_values``), as
    ``KeyOrder.beyond`` adds them."""
    if start.position is None:
        return kept.values
    return kept.values + start.order.beyond_values(start.position, connections[start.rows.db])


def _export_rows(people, shown: list[str], now: datetime) -> Iterator[list]:
    """The download's rows, read ``EXPORT_BATCH`` people at a time; each person's lookup code
    is added to ``shown`` as their row is made."""
    values = people.values_list(*ROW_VALUES).iterator(chunk_size=EXPORT_BATCH)
    while batch := list(islice(values, EXPORT_BATCH)):
        for person in _rows(batch):
            shown.append(person.lookup_code)
            yield RiskRow(person, person.is_overdue(now)).cells()


def _rows(values: Iterable[tuple]) -> list[ListedPerson]:
    """The people of these ``ROW_VALUES`` tuples, with their districts and their follow-ups'
    assignees taken from memory."""
    people = [ListedPerson.from_values(row) for row in values]
    tree = place_tree()
    assignees = staff_accounts(p.follow_up.assignee_id for p in people if p.follow_up)
    for person in people:
        person.residence_district = _district(tree, person.residence_district_id)
        if person.follow_up is not None:
            person.follow_up.assignee = assignees.get(person.follow_up.assignee_id)
    return people


def _district(tree, code: str):
    """The district with this code, from memory; one the tree does not know, from the
    database."""
    return tree.instance(code) or District.objects.filter(pk=code).first()


@login_required
@follow_up_viewers
@code_guessing_limited
def follow_up(request, code):
    """A person at risk and their follow-up (opened now if they had none), with its history."""
    person = person_for_health_staff(request, code, "follow_up", "case")
    return _follow_up_page(request, person)


def _follow_up_page(request, person, form=None, status=200):
    """The follow-up page; with a form sent back with its errors beside its fields."""
    follow_up = with_staff_names([follow_up_of(person=person)], "assignee")[0]
    scope = person_scope(person)
    audit(request, AuditAction.VIEW_PERSON, person=person)
    latest = person.declarations.newest_first().select_related("point")[:1]
    latest = compiled_once(latest, "follow_up_latest_declaration", person.pk)
    latest = next(iter(with_places(latest, *Declaration.PLACES)), None)
    events = follow_up.events.all()[:HISTORY_LENGTH]
    events = compiled_once(events, "follow_up_events", follow_up.pk)
    flags = with_staff_names(person.open_risk_flags(), "flagged_by")
    context = {
        "person": person,
        "follow_up": follow_up,
        "latest": latest,
        "flags": flags,
        "events": with_staff_names(events, "user", "assignee"),
        # Built only when a kept field of the form is drawn again, once for all of them.
        "form": form
        or SimpleLazyObject(lambda: FollowUpForm(follow_up=follow_up, assignable=scope.staff())),
        "sent_back": form is not None,
        "staff_key": scope.staff_key,
        "directory_version": directory_version(),
        "overdue_hours": OVERDUE_AFTER_HOURS,
        "case": _case_of(person),
        "risk_sources": risk_sources_of(person, open_flags=flags),
        "back": list_address(request, request.GET.get("next") or request.POST.get("next")),
    }
    return render(request, "tracing/follow_up.html", context, status=status)


def _case_of(person: Person) -> Case | None:
    """The person's case, read with them (``select_related("case")``), or None."""
    try:
        return person.case
    except Case.DoesNotExist:
        return None


@login_required
@follow_up_editors
@require_POST
@code_guessing_limited
def follow_up_change(request, code):
    person = person_for_health_staff(request, code, "follow_up", "case")
    follow_up = follow_up_of(person=person)
    form = FollowUpForm(request.POST, follow_up=follow_up, assignable=person_scope(person).staff())
    if not form.is_valid():
        return _follow_up_page(request, person, form=form, status=400)
    follow_up_update(follow_up=follow_up, user=request.user, **form.changes())
    messages.success(request, _("Follow-up updated."))
    page = reverse("tracing:follow_up", args=[person.lookup_code])
    back = list_address(request, request.POST.get("next"))
    if back != reverse("tracing:risk_list"):
        page += "?" + urlencode({"next": back})
    return redirect(page)


def list_address(request, address: str | None) -> str:
    """Where the follow-up page goes back to: the risk list with the filters and the page it
    was opened from (``address``, its path and query string), if that is one of this site's
    risk list addresses; else the list."""
    plain = reverse("tracing:risk_list")
    if not address or not url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return plain
    parts = urlsplit(address)
    if parts.scheme or parts.netloc or parts.path != plain:
        return plain
    return f"{plain}?{parts.query}" if parts.query else plain


@login_required
@zone_manager_required
def zones(request):
    """Epidemic zones in force, planned and ended; and the form to declare a new one."""
    if request.method == "POST" and "refresh_places" in request.POST:
        form = ZoneForm(initial=request.POST.dict())  # without JavaScript: show the children
    elif request.method == "POST":
        form = ZoneForm(request.POST)
        if form.is_valid():
            zone, result = zone_add(
                place_code=form.place_code,
                **{k: form.cleaned_data[k] for k in ("starts_on", "ends_on", "note")},
            )
            _reevaluated(request, _("Epidemic zone added: %(place)s.") % {"place": zone}, result)
            return redirect("tracing:zones")
    else:
        form = ZoneForm(initial={"province": served_province_code()})
    zones = list(EpidemicZone.objects.order_by("-starts_on", "-pk"))
    tree = place_tree()
    for zone in zones:  # its place with the places above it, not its code
        zone.place_shown = (
            tree.full_name(zone.place_code) if tree.get(zone.place_code) else str(zone)
        )
    context = {"form": form, "zones": zones}
    context["today"] = timezone.localdate()
    return render(request, "tracing/zones.html", context)


@login_required
@zone_manager_required
@require_POST
def zone_close(request, pk):
    zone = get_object_or_404(EpidemicZone, pk=pk)
    form = ZoneEndForm(request.POST, zone=zone)
    if form.is_valid():
        result = zone_end(zone=zone, ends_on=form.cleaned_data["ends_on"])
        _reevaluated(request, _("Epidemic zone ended: %(place)s.") % {"place": zone}, result)
    else:
        messages.error(request, " ".join(form.errors["ends_on"]))
    return redirect("tracing:zones")


def _reevaluated(request, done: str, result: Reevaluation) -> None:
    messages.success(
        request,
        _(
            "%(done)s Risk re-evaluated over %(declarations)s recent declarations: "
            "%(changed)s changed, %(people)s people's risk changed, %(opened)s follow-ups "
            "opened."
        )
        % {
            "done": done,
            "declarations": result.declarations,
            "changed": result.changed,
            "people": result.people_changed,
            "opened": result.follow_ups_opened,
        },
    )
