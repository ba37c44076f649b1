"""Pages about people across cases: the same human under several codes (and merging them), and
the communes involved by the open cases or by one case (zoning)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import profile_of
from accounts.audit import audit
from accounts.models import AuditAction
from checkpoints.forms import DeskSearchForm
from checkpoints.search import staff_search
from declarations import codes
from declarations.views import code_guessing_limited, rate_limited
from tracing.access import (
    case_for_staff,
    people_in_scope,
    person_for_health_staff,
    sees_the_whole_province,
)
from tracing.duplicates import (
    DuplicateRule,
    duplicate_groups,
    duplicate_keys,
    people_merge_group,
    same_human,
)
from tracing.models import Case
from tracing.zoning import ZONING_DAYS, ZONING_HEADERS, zoning_for
from truyvet.exports import xlsx_response
from truyvet.paging import page_number

GROUPS_PER_PAGE = 25
PROPOSED_PARAM = "de-xuat"

change_contact_required = permission_required("tracing.change_contact", raise_exception=True)
view_case_required = permission_required("tracing.view_case", raise_exception=True)
follow_up_viewers = permission_required("tracing.view_followup", raise_exception=True)


# -- search ----------------------------------------------------------------------------------------


@login_required
@follow_up_viewers
def search(request):
    """The desk's search (checkpoints.search), among the people the user may see: a health
    worker taking a citizen's call finds them by name, phone, ID number or code. A code outside
    the user's scope is answered as a code nobody has."""
    form = DeskSearchForm(request.GET or None)
    profile = profile_of(request.user)
    context = {
        "form": form,
        "whole_province": sees_the_whole_province(request.user),
        "facility_only": profile is not None and profile.district_id is None,
    }
    if form.is_valid():
        people = people_in_scope(request.user, a_page=True)
        found = staff_search(request, form.cleaned_data["q"], among=people)
        if found.refused:
            return rate_limited(request, None)
        if found.exact is not None:
            return redirect(found.exact_path)
        context |= found.context
    return render(request, "tracing/search.html", context)


# -- duplicates ------------------------------------------------------------------------------------


@login_required
@change_contact_required
def duplicates(request):
    """Groups of people who look like one human (same ID number, or same phone, name and year
    of birth), in the user's scope, largest groups first, each with a merge form."""
    rule = request.GET.get("theo", DuplicateRule.ID_NUMBER)
    if rule not in DuplicateRule.values:
        rule = DuplicateRule.ID_NUMBER
    people = people_in_scope(request.user)
    number = page_number(request)
    start = (number - 1) * GROUPS_PER_PAGE
    # One more than a page tells whether there is a next one, without counting every group.
    keys = list(duplicate_keys(people, rule)[start : start + GROUPS_PER_PAGE + 1])
    groups = duplicate_groups(people, rule, keys[:GROUPS_PER_PAGE])
    shown = [person.lookup_code for group in groups for person in group.people]
    audit(request, AuditAction.SEARCH, shown=shown, subject=f"duplicates_{rule}", page=number)
    context = {
        "rule": rule,
        "rules": DuplicateRule.choices,
        "groups": groups,
        "page_number": number,
        "has_next": len(keys) > GROUPS_PER_PAGE,
    }
    return render(request, "tracing/duplicates.html", context)


class CodeListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [text for text in (value or []) if text]


class MergeForm(forms.Form):
    keep = forms.CharField(max_length=40)
    merge = CodeListField()
    rule = forms.CharField(required=False)


@login_required
@change_contact_required
@require_POST
@code_guessing_limited
def duplicates_merge(request):
    """Merge the ticked people of a group into the one chosen to keep."""
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the person to keep and at least one to merge."))
        return redirect("tracing:duplicates")
    keep = person_for_health_staff(request, form.cleaned_data["keep"])
    others = {person_for_health_staff(request, code) for code in form.cleaned_data["merge"]}
    others = sorted((p for p in others if p.pk != keep.pk), key=lambda p: p.pk)
    refusal = _merge_refusal(keep, others)
    if refusal:
        messages.error(request, refusal)
    else:
        merged = [other.lookup_code for other in others]
        with transaction.atomic():  # the merge and its audit entry, or neither
            people_merge_group(keep=keep, others=others, user=request.user)
            audit(
                request,
                AuditAction.MERGE_PEOPLE,
                person=keep,
                subject="merge",
                codes=" ".join(merged),
            )
        messages.success(
            request,
            _("Merged into %(code)s: %(codes)s. The old codes lead to this person.")
            % {"code": keep.display_code, "codes": ", ".join(map(codes.format_code, merged))},
        )
    rule = form.cleaned_data["rule"]
    query = f"?theo={rule}" if rule in DuplicateRule.values else ""
    return redirect(reverse("tracing:duplicates") + query)


def _merge_refusal(keep, others) -> str:
    if not others:
        return _("Tick at least one other person to merge into the one kept.")
    if not all(same_human(keep, other) for other in others):
        return _(
            "Only people with the same ID number, or the same phone, name and year of birth, "
            "are merged."
        )
    return ""


# -- zoning ----------------------------------------------------------------------------------------


@login_required
@view_case_required
def zoning(request):
    """The communes involved by all the open cases the user may see."""
    return _zoning_page(request, _open_cases(request), case=None)


@login_required
@view_case_required
def zoning_export(request):
    return _zoning_export(request, _open_cases(request), "khoanh-vung", "zoning_open")


@login_required
@view_case_required
def case_zoning(request, case_id):
    """The communes involved by one case."""
    case = case_for_staff(request, case_id)
    audit(request, AuditAction.VIEW_PERSON, person=case.person, subject="zoning_case", case=case.pk)
    return _zoning_page(request, Case.objects.filter(pk=case.pk), case=case)


@login_required
@view_case_required
def case_zoning_export(request, case_id):
    case = case_for_staff(request, case_id)
    cases = Case.objects.filter(pk=case.pk)
    return _zoning_export(request, cases, f"khoanh-vung-ca-{case.pk}", "zoning_case", case=case.pk)


def _open_cases(request):
    return Case.objects.filter(person__in=people_in_scope(request.user), closed_at__isnull=True)


def _zoning_page(request, cases, *, case):
    include_proposed = request.GET.get(PROPOSED_PARAM) == "1"
    context = {
        "case": case,
        "zoning": zoning_for(cases, include_proposed=include_proposed),
        "include_proposed": include_proposed,
        "days": ZONING_DAYS,
        "query": f"?{PROPOSED_PARAM}=1" if include_proposed else "",
    }
    return render(request, "tracing/zoning.html", context)


def _zoning_export(request, cases, filename: str, subject: str, **values):
    include_proposed = request.GET.get(PROPOSED_PARAM) == "1"
    result = zoning_for(cases, include_proposed=include_proposed)
    subject += "_proposed" if include_proposed else ""
    audit(request, AuditAction.EXPORT, subject=subject, **values)
    name = f"{filename}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return xlsx_response(name, ZONING_HEADERS, result.cells())
