"""Confirmed cases (F0), their proposed and confirmed contacts (F1, F2) and their chain."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.access import profile_of
from accounts.audit import audit
from accounts.models import AuditAction
from accounts.roles import Role, has_role
from declarations import codes
from declarations.models import Person
from declarations.places import served_province_code
from declarations.views import code_guessing_limited, code_miss_count
from tracing.access import case_for_staff, cases_in_scope, mark_reachable, person_for_health_staff
from tracing.chain import chain_layout, chain_links, chain_tree
from tracing.forms_cases import CaseCloseForm, CaseForm, CasePersonForm, DecisionForm
from tracing.models import Case, Contact, ContactLevel, ContactStatus
from tracing.proposals import (
    INFECTIOUS_DAYS_BEFORE_CONFIRMATION,
    INFECTIOUS_DAYS_BEFORE_ONSET,
    case_window,
    reason_text,
)
from tracing.services import (
    case_close,
    case_confirm,
    case_confirm_new_person,
    contact_decide,
    contact_decision_refused,
    contacts_decide_all,
    contacts_propose,
    contacts_propose_onward,
)

CASES_PER_PAGE = 50
CASE_FILTERS = {"mo": Q(closed_at__isnull=True), "dong": Q(closed_at__isnull=False)}

view_case_required = permission_required("tracing.view_case", raise_exception=True)
add_case_required = permission_required("tracing.add_case", raise_exception=True)
add_contact_required = permission_required("tracing.add_contact", raise_exception=True)
change_contact_required = permission_required("tracing.change_contact", raise_exception=True)


# -- pages ---------------------------------------------------------------------------------------


@login_required
@view_case_required
def case_list(request):
    return _case_list_page(request)


def _case_list_page(request, *, code="", code_error="", status=200):
    """The cases in the user's scope, newest first, with the counts of their contacts; with the
    code typed to mark as a case and its error beside it, when nobody in scope has it."""
    shown = request.GET.get("trang-thai", "")
    cases = (
        cases_in_scope(request.user)
        .select_related("person", "person__residence_district")
        .annotate(**_contact_counts())
        .order_by("-confirmed_on", "-id")  # Meta.ordering is not applied with an aggregate
    )
    if shown in CASE_FILTERS:
        cases = cases.filter(CASE_FILTERS[shown])
    else:
        shown = ""
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    audit(
        request,
        AuditAction.VIEW_LIST,
        shown=[case.person.lookup_code for case in page],  # the log searched by a code finds it
        subject=f"cases_{shown}".rstrip("_"),
        page=page.number,
    )
    context = {
        "page": page,
        "shown": shown,
        "can_enter_new": _entry_district(request.user) != "",
        "code": code,
        "code_error": code_error,
    }
    return render(request, "tracing/case_list.html", context, status=status)


@login_required
@add_case_required
@code_guessing_limited
def case_new(request):
    """Mark as a confirmed case someone who declared (``?ma=<code>``) or someone who never did.

    A code nobody in the user's scope has sends them back to the list's code box, told so as
    at the desk, counted as a miss (``code_guessing_limited``): whether someone elsewhere has
    it is not said."""
    code = request.GET.get("ma", "")
    if not code:
        return _case_for_new_person(request)
    try:
        person = person_for_health_staff(request, code)
    except Http404:
        code_miss_count(request)
        return _case_list_page(request, code=code, code_error=_code_error(code), status=404)
    return _case_for_person(request, person)


def _code_error(typed: str) -> str:
    parsed = codes.parse_code(typed)
    if parsed is None:
        return _("A lookup code has 8 letters and digits, like K7QX-3M9P.")
    return _("No one has the lookup code %(code)s") % {"code": codes.format_code(parsed)}


@login_required
@view_case_required
def case_detail(request, pk):
    return _case_page(request, case_for_staff(request, pk))


def _case_page(request, case, close_form=None, status=200):
    """The case page; with the close form sent back with its error beside its field. Its
    audit entry names everyone the page lists (``people_named``)."""
    contacts = case.contacts.select_related("person", "person__follow_up", "via__person")
    levels = contact_groups(contacts)
    shown = [c for level in levels for part in level.statuses for c in part.contacts]
    audit(
        request,
        AuditAction.VIEW_PERSON,
        person=case.person,
        shown=people_named(shown),
        subject="case",
        case=case.pk,
    )
    mark_reachable(request.user, shown)
    context = {
        "case": case,
        "levels": levels,
        "search_window": case_window(case),  # which of the case's journeys the F1 search reads
        "infectious_days": INFECTIOUS_DAYS_BEFORE_CONFIRMATION,
        "infectious_days_onset": INFECTIOUS_DAYS_BEFORE_ONSET,
        "can_propose": request.user.has_perm("tracing.add_contact"),
        "can_decide": request.user.has_perm("tracing.change_contact"),
        "can_close": request.user.has_perm("tracing.add_case") and case.closed_at is None,
        "close_form": close_form or CaseCloseForm(),
    }
    return render(request, "tracing/case_detail.html", context, status=status)


@login_required
@add_case_required
@require_POST
def case_close_view(request, pk):
    """End the case (recovered, or not a case after all): those who confirm cases close them."""
    case = case_for_staff(request, pk)
    if case.closed_at is not None:
        messages.info(request, _("This case is already closed."))
        return redirect("tracing:case", pk=case.pk)
    form = CaseCloseForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, close_form=form, status=400)
    case_close(case=case, user=request.user, note=form.cleaned_data["note"])
    messages.success(request, _("Case closed: their follow-up is cleared."))
    return redirect("tracing:case", pk=case.pk)


@login_required
@view_case_required
def case_chain(request, pk):
    """The transmission chain F0 → F1 → F2 of confirmed contacts, drawn and listed."""
    case = case_for_staff(request, pk)
    contacts = case.contacts.filter(status=ContactStatus.CONFIRMED).select_related("person")
    tree = chain_tree(case, list(contacts.order_by("level", "person__full_name", "pk")))
    shown = [link.person.lookup_code for link in chain_links(tree) if link is not tree]
    audit(
        request,
        AuditAction.VIEW_PERSON,
        person=case.person,
        shown=shown,
        subject="chain",
        case=case.pk,
    )
    context = {"case": case, "tree": tree, "layout": chain_layout(tree)}
    return render(request, "tracing/chain.html", context)


# -- actions -------------------------------------------------------------------------------------


@login_required
@add_contact_required
@require_POST
def case_propose(request, pk):
    """Search the data for the case's F1s and propose them."""
    case = case_for_staff(request, pk)
    count = contacts_propose(case=case)
    messages.success(request, _proposed_message(count))
    return redirect("tracing:case", pk=case.pk)


@login_required
@add_contact_required
@require_POST
def case_propose_onward(request, pk):
    """Search the data around the confirmed F1s and propose F2s."""
    case = case_for_staff(request, pk)
    count = contacts_propose_onward(case=case)
    messages.success(request, _proposed_message(count))
    return redirect("tracing:case", pk=case.pk)


@login_required
@change_contact_required
@require_POST
def contact_decision(request, pk, contact_pk):
    """Confirm or dismiss a proposed contact, or decide again on one decided by mistake."""
    case = case_for_staff(request, pk)
    contact = get_object_or_404(case.contacts.select_related("person", "via"), pk=contact_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to confirm or to dismiss the contact."))
        return redirect("tracing:case", pk=case.pk)
    contact.case = case
    refused = contact_decision_refused(contact=contact, status=form.cleaned_data["status"])
    if refused:
        messages.error(request, refused)
        return redirect("tracing:case", pk=case.pk)
    status = form.cleaned_data["status"]
    contact_decide(contact=contact, status=status, user=request.user)
    audit_decision(request, contact, status)
    messages.success(request, _decided_message(status, 1))
    return redirect("tracing:case", pk=case.pk)


@login_required
@change_contact_required
@require_POST
def contacts_decision(request, pk):
    """Confirm or dismiss every proposed contact of one level at once."""
    case = case_for_staff(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        status, level = form.cleaned_data["status"], form.cleaned_data["level"]
        decided = contacts_decide_all(case=case, status=status, user=request.user, level=level)
        if decided:
            audit(
                request,
                AuditAction.DECIDE_CONTACT,
                shown=decided,
                subject=f"contacts_{status}",
                count=len(decided),
                level=level or "F1, F2",
                case=case.pk,
            )
        messages.success(request, _decided_message(status, len(decided)))
    return redirect("tracing:case", pk=case.pk)


# -- helpers -------------------------------------------------------------------------------------


def _case_for_person(request, person: Person):
    existing = Case.objects.filter(person=person).first()
    if existing is not None and existing.closed_at is None:
        messages.info(request, _("This person is already a confirmed case."))
        return redirect("tracing:case", pk=existing.pk)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k != "form_token"}
        case = case_confirm(person=person, user=request.user, **details)
        messages.success(request, _("%(name)s is now a confirmed case.") % {"name": person})
        return redirect("tracing:case", pk=case.pk)
    # The form shows who they are and where they live: a view of the person, as their page is.
    audit(request, AuditAction.VIEW_PERSON, person=person)
    context = {"person": person, "form": form, "closed_case": existing}
    return render(request, "tracing/case_new.html", context)


def _case_for_new_person(request):
    district = _entry_district(request.user)
    if district == "":  # a facility's staff: nobody they entered would be theirs to see
        return render(request, "tracing/case_new.html", {"no_entry": True}, status=403)
    if request.method == "POST" and "refresh_places" not in request.POST:
        person_form = CasePersonForm(request.POST, district=district)
        form = CaseForm(request.POST)
        if person_form.is_valid() and form.is_valid():
            values = person_form.person_values()
            case = case_confirm_new_person(
                person_values=values, user=request.user, **form.cleaned_data
            )
            messages.success(
                request,
                _("Case entered. Their lookup code is %(code)s.")
                % {"code": case.person.display_code},
            )
            return redirect("tracing:case", pk=case.pk)
    else:
        initial = request.POST.dict() or {
            "residence_province": served_province_code(),
            "residence_district": district,
        }
        person_form = CasePersonForm(initial=initial, district=district)
        form = CaseForm(initial=request.POST.dict())
    return render(request, "tracing/case_new.html", {"person_form": person_form, "form": form})


def _entry_district(user) -> str | None:
    """The district whose residents the user may enter as new cases; None for anywhere.

    Anyone else entered would be out of their sight at once; staff of a facility only, with
    no district, get "" and may enter nobody new: they see only the people who declared at
    their facility, so they confirm their visitors by code, and the staff of the patient's
    district (or the province's) enter a case who never declared."""
    profile = profile_of(user)
    if has_role(user, Role.ADMINISTRATOR) or (profile and profile.province_wide):
        return None
    return (profile.district_id if profile else None) or ""


def _contact_counts() -> dict:
    """``f1_confirmed``, ``f1_proposed``, ``f2_confirmed``, ``f2_proposed``, per case."""
    return {
        f"{level.lower()}_{status}": Count(
            "contacts", filter=Q(contacts__level=level, contacts__status=status)
        )
        for level in ContactLevel.values
        for status in (ContactStatus.CONFIRMED, ContactStatus.PROPOSED)
    }


@dataclass
class StatusGroup:
    status: str
    label: str
    contacts: list[Contact]  # the first CONTACTS_SHOWN, by name
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.contacts)


@dataclass
class LevelGroup:
    level: str
    label: str
    statuses: list[StatusGroup]

    @property
    def count(self) -> int:
        return sum(group.total for group in self.statuses)

    @property
    def confirmed(self) -> int:
        """The level's contacts: those confirmed (the case list counts the same)."""
        return sum(g.total for g in self.statuses if g.status == ContactStatus.CONFIRMED)


# A case's page shows this many of each level's proposed, confirmed or dismissed contacts, by
# name, and says how many more there are: a coach on a busy route, or a plate shared by mistake,
# can bring thousands, which would take seconds to draw. "Confirm all proposed" and "Dismiss all
# proposed" act on all of them.
CONTACTS_SHOWN = 200


def contact_groups(contacts) -> list[LevelGroup]:
    """The contacts by level (F1, F2) then status (proposed first), each with its reasons in
    words (``reason_texts``); at most ``CONTACTS_SHOWN`` of each group, by name. Reasons of an
    F2 found near another F1 say which."""
    totals = {
        (level, status): count
        for level, status, count in contacts.order_by()
        .values_list("level", "status")
        .annotate(count=Count("pk"))
    }
    shown = _first_of_each_group(contacts.order_by("level", "person__full_name", "pk"), totals)
    f1s = _f1_people(shown, contacts)
    for contact in shown:
        contact.named = [
            f1s[via]
            for reason in contact.reasons
            if (via := reason.get("via")) and via != contact.via_id and via in f1s
        ]
        contact.reason_texts = [_reason_words(contact, reason, f1s) for reason in contact.reasons]
    order = [ContactStatus.PROPOSED, ContactStatus.CONFIRMED, ContactStatus.DISMISSED]
    return [
        LevelGroup(
            level,
            label,
            [
                StatusGroup(
                    status,
                    status.label,
                    [c for c in shown if c.level == level and c.status == status],
                    totals.get((level, status), 0),
                )
                for status in order
            ],
        )
        for level, label in ContactLevel.choices
    ]


def _first_of_each_group(contacts, totals: dict) -> list[Contact]:
    """All the contacts, in one query, unless a group has more than ``CONTACTS_SHOWN``: then
    that group's first ones, in a query of its own. Each group keeps the query's order."""
    big = [key for key, count in totals.items() if count > CONTACTS_SHOWN]
    rest = contacts
    for level, status in big:
        rest = rest.exclude(level=level, status=status)
    first = [contacts.filter(level=level, status=status)[:CONTACTS_SHOWN] for level, status in big]
    return [*rest, *(contact for group in first for contact in group)]


def _f1_people(shown: list[Contact], contacts) -> dict[int, Person]:
    """The people of the contacts shown, by contact, and of the case's F1s that their reasons
    name but the page leaves out (read only then)."""
    people = {contact.pk: contact.person for contact in shown}
    named = {reason.get("via") for contact in shown for reason in contact.reasons} - {None}
    if missing := named - people.keys():
        left_out = (
            contacts.filter(pk__in=missing)
            .select_related(None)
            .select_related("person")
            .only("person", "person__full_name", "person__lookup_code")
        )
        people |= {contact.pk: contact.person for contact in left_out}
    return people


def _reason_words(contact: Contact, reason: dict, f1s: dict[int, Person]) -> str:
    text = reason_text(reason)
    via = reason.get("via")
    if via and via != contact.via_id and via in f1s:
        text = _("%(reason)s (with %(name)s)") % {"reason": text, "name": f1s[via].full_name}
    return text


def people_named(contacts: list[Contact]) -> list[str]:
    """The lookup codes of everyone the case page names beside its case: the contacts shown,
    the F1 each F2 was found through, and the other F1s its reasons name (``contact_groups``)."""
    return [
        person.lookup_code
        for contact in contacts
        for person in (
            contact.person,
            *([contact.via.person] if contact.via_id else []),
            *getattr(contact, "named", ()),
        )
    ]


def _proposed_message(count: int) -> str:
    if not count:
        return _("No new contact found in the data.")
    return ngettext(
        "%(count)s new contact proposed.", "%(count)s new contacts proposed.", count
    ) % {"count": count}


def _decided_message(status: str, count: int) -> str:
    if status == ContactStatus.CONFIRMED:
        return ngettext(
            "%(count)s contact confirmed; they are followed up.",
            "%(count)s contacts confirmed; they are followed up.",
            count,
        ) % {"count": count}
    return ngettext("%(count)s contact dismissed.", "%(count)s contacts dismissed.", count) % {
        "count": count
    }


def audit_decision(request, contact: Contact, status: str) -> None:
    """The audit entry of a decision on a contact (confirmed or dismissed): the contact keeps
    only its last decision, so who took an earlier one is kept here."""
    audit(
        request,
        AuditAction.DECIDE_CONTACT,
        person=contact.person,
        subject=f"contact_{status}",
        level=contact.level,
        case=contact.case_id,
    )
