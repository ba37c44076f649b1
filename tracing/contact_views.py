"""Contacts reported by an investigation team for a case: typed one by one, or imported from a
spreadsheet after a preview (nothing is imported until every row is right)."""

import base64
import hashlib
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.audit import audit
from accounts.models import AuditAction
from tracing.access import case_for_staff, mark_reachable
from tracing.case_views import CONTACTS_SHOWN, audit_decision, people_named
from tracing.contact_import import (
    COLUMNS,
    MAX_BYTES,
    ImportFileError,
    check_contacts,
    contacts_import,
    read_table,
    template_csv,
    template_xlsx,
)
from tracing.forms_contacts import (
    ContactEntryForm,
    ImportConfirmForm,
    ImportUploadForm,
    entry_initial,
)
from tracing.models import ContactStatus
from tracing.services import contact_report
from truyvet.exports import XLSX

add_contact_required = permission_required("tracing.add_contact", raise_exception=True)
ENTRY_SESSION_KEY = "contact_entry"
IMPORT_SESSION_KEY = "contact_import"
IMPORTED_SESSION_KEY = "contact_imported"  # the last file imported: a resend says so
IMPORT_KEEP_SECONDS = 30 * 60
TEMPLATE_NAME = "mau-danh-sach-tiep-xuc"


@login_required
@add_contact_required
def contact_add(request, case_id):
    """One short form per contact, again and again; the contacts so far are listed below."""
    case = case_for_staff(request, case_id)
    if request.method == "POST" and "refresh_places" in request.POST:
        form = ContactEntryForm(initial=request.POST.dict(), case=case)
    elif request.method == "POST":
        form = ContactEntryForm(request.POST, case=case)
        if form.is_valid():
            contact = _record_entry(request, case, form)
            request.session[ENTRY_SESSION_KEY] = form.remembered()
            messages.success(request, _entry_message(contact, is_new=form.person is None))
            if contact.via_confirmed is not None:
                messages.info(
                    request,
                    _("Their F1 %(name)s, proposed until now, is confirmed too.")
                    % {"name": contact.via_confirmed.person.full_name},
                )
            return redirect("tracing:contact_add", case_id=case.pk)
    else:
        initial = entry_initial(request.session.get(ENTRY_SESSION_KEY))
        form = ContactEntryForm(initial=initial, case=case)
    contacts, total = _latest_contacts(request.user, case)
    audit(
        request,
        AuditAction.VIEW_LIST,
        person=case.person,
        shown=people_named(contacts),
        subject="contacts",
        case=case.pk,
    )
    context = {"case": case, "form": form, "contacts": contacts, "total": total}
    return render(request, "tracing/contact_add.html", context)


def _latest_contacts(user, case) -> tuple[list, int]:
    """The case's contacts below the entry form: the ``CONTACTS_SHOWN`` entered last, newest
    first (what the team has just typed is on top), and how many the case has in all."""
    contacts = case.contacts.select_related("person__residence_commune", "via__person")
    shown = mark_reachable(user, contacts.order_by("-created_at", "-pk")[:CONTACTS_SHOWN])
    total = case.contacts.count() if len(shown) == CONTACTS_SHOWN else len(shown)
    return shown, total


@transaction.atomic
def _record_entry(request, case, form):
    """The contact entered, with its audit entries: both written, or neither."""
    cleaned = form.cleaned_data
    contact = contact_report(
        case=case,
        person=form.person,
        person_values=form.person_values(),
        level=cleaned["level"],
        via=cleaned["via"],
        note=cleaned["note"],
        user=request.user,
    )
    # Matching the entry to a known person reads personal data: audited as a match.
    audit(
        request, AuditAction.MATCH_CONTACTS, person=contact.person, subject="contact", case=case.pk
    )
    if contact.via_confirmed is not None:
        audit_decision(request, contact.via_confirmed, ContactStatus.CONFIRMED)
    return contact


def _entry_message(contact, *, is_new: bool) -> str:
    values = {
        "level": contact.level,
        "name": contact.person.full_name,
        "code": contact.person.display_code,
    }
    if is_new:
        return _("%(level)s added: %(name)s, new person, code %(code)s.") % values
    return _("%(level)s added: %(name)s, already known, code %(code)s.") % values


@login_required
@add_contact_required
def contact_import(request, case_id):
    """Choose a file; it is checked and shown, row by row, before anything is imported."""
    case = case_for_staff(request, case_id)
    request.session.pop(IMPORT_SESSION_KEY, None)  # a new file, or none: the old one goes
    form = ImportUploadForm(request.POST or None, request.FILES or None, max_bytes=MAX_BYTES)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = read_table(data, upload.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            check = check_contacts(case=case, dataset=table.dataset)
            mark_reachable(request.user, check.rows)
            known = [row.person.lookup_code for row in check.rows if row.person is not None]
            audit(
                request,
                AuditAction.MATCH_CONTACTS,
                shown=known,
                subject="contacts_checked",
                case=case.pk,
            )
            digest = _keep_file(request, case, upload.name, data) if check.is_valid else ""
            context = {"case": case, "check": check, "table": table, "sha256": digest}
            return render(request, "tracing/import_preview.html", context)
    context = {"case": case, "form": form, "columns": COLUMNS, "max_kb": MAX_BYTES // 1024}
    return render(request, "tracing/import_form.html", context)


@login_required
@add_contact_required
@require_POST
def contact_import_confirm(request, case_id):
    """Import the file checked a moment ago, all rows or none (it is checked again)."""
    case = case_for_staff(request, case_id)
    form = ImportConfirmForm(request.POST)
    digest = form.cleaned_data["sha256"] if form.is_valid() else ""
    kept = _kept_file(request, case, digest)
    if kept is None and digest and request.session.get(IMPORTED_SESSION_KEY) == [case.pk, digest]:
        messages.info(request, _("This file has been imported."))  # sent twice
        return redirect("tracing:contact_add", case_id=case.pk)
    if kept is None:
        messages.error(request, _("The checked file is no longer available: choose it again."))
        return redirect("tracing:contact_import", case_id=case.pk)
    name, data = kept
    table = read_table(data, name)
    with transaction.atomic():  # the contacts and their audit entries, or none of them
        check = contacts_import(case=case, dataset=table.dataset, user=request.user)
        if check.is_valid:
            count = len(check.contacts)
            audit(
                request,
                AuditAction.IMPORT_CONTACTS,
                shown=[contact.person.lookup_code for contact in check.contacts],
                subject="contacts_imported",
                count=count,
                case=case.pk,
            )
            for f1 in check.f1s_confirmed:
                audit_decision(request, f1, ContactStatus.CONFIRMED)
    if not check.is_valid:  # the data changed since the preview: show what is wrong now
        mark_reachable(request.user, check.rows)
        context = {"case": case, "check": check, "table": table, "sha256": ""}
        return render(request, "tracing/import_preview.html", context)
    del request.session[IMPORT_SESSION_KEY]
    request.session[IMPORTED_SESSION_KEY] = [case.pk, digest]
    counts = check.counts()
    message = ngettext(
        "%(rows)s contact imported: %(matched)s already known, %(new)s new.",
        "%(rows)s contacts imported: %(matched)s already known, %(new)s new.",
        counts["rows"],
    )
    messages.success(request, message % counts)
    return redirect("tracing:contact_add", case_id=case.pk)


@login_required
@add_contact_required
def contact_import_template(request, kind):
    """The empty list to fill in, with the expected columns (Vietnamese headers)."""
    if kind == "xlsx":
        response = HttpResponse(template_xlsx(), content_type=XLSX)
    elif kind == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}.{kind}"'
    return response


# -- the checked file, kept in the session until it is confirmed ---------------------------------


def _keep_file(request, case, name: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    request.session[IMPORT_SESSION_KEY] = {
        "case": case.pk,
        "name": name,
        "sha256": digest,
        "at": time.time(),
        "data": base64.b64encode(data).decode("ascii"),
    }
    return digest


def _kept_file(request, case, digest: str) -> tuple[str, bytes] | None:
    """The file kept for this case, if it is the one the confirmation is about (and recent)."""
    kept = request.session.get(IMPORT_SESSION_KEY)
    if not kept or kept["case"] != case.pk or not digest or kept["sha256"] != digest:
        return None
    if time.time() - kept["at"] > IMPORT_KEEP_SECONDS:
        del request.session[IMPORT_SESSION_KEY]
        return None
    data = base64.b64decode(kept["data"])
    if hashlib.sha256(data).hexdigest() != digest:
        return None
    return kept["name"], data
