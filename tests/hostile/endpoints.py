"""Every form and search of the site, as a table: who uses it, where, and the names it reads.

The names come from the forms themselves (``base_fields``), so that a field added to a form is
attacked without anyone touching this table; ``extra`` lists what a view reads besides its form
(buttons, query parameters). ``valid`` is an answer the view accepts: most hostile examples
change only a few of its values, so that they get past the first check and reach the code
that stores and shows them.

``test_coverage.py`` fails when a URL of the site is neither here nor excluded with a reason.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.forms import PasswordChangeForm
from django.forms import DateField, FileField, Form, IntegerField
from django.urls import reverse
from django.utils import timezone

from accounts.forms import LoginForm
from checkpoints.forms import (
    BusCheckForm,
    DeskSearchForm,
    FindingsForm,
    PassageForm,
    PlateForm,
    RiskFlagForm,
)
from declarations.forms import DeclarationForm, LookupForm
from facilities.forms import VisitorsDayForm
from reports.forms import ReportForm
from tests.conftest import (
    LAI_CHAU,
    LAI_CHAU_CITY,
    QUYET_THANG,
    TAM_DUONG,
    TAM_DUONG_TOWN,
    form_data,
)
from tests.hostile.payloads import csv_bytes, uploaded_file
from tracing.forms_cases import CaseCloseForm, CaseForm, CasePersonForm, DecisionForm
from tracing.forms_contacts import ContactEntryForm, ImportConfirmForm, ImportUploadForm
from tracing.forms_risk import FollowUpForm, RiskListForm, ZoneEndForm, ZoneForm
from tracing.people_views import MergeForm
from transport.forms import ManifestDayForm, PassengerForm, VehicleFilterForm

World = Any  # tests.hostile.conftest.World: the objects and people the forms act on


def _today() -> str:
    return timezone.localdate().isoformat()


@dataclass(frozen=True)
class Endpoint:
    label: str
    url_name: str
    persona: str | None  # a key of ``world.users``; None: anonymous
    method: str = "POST"
    forms: tuple[type[Form], ...] = ()
    extra: tuple[str, ...] = ()
    kwargs: Callable[[World], dict] = lambda w: {}
    query: Callable[[World], str] = lambda w: ""
    valid: Callable[[World], dict] = lambda w: {}
    accepted: int | None = None  # the status of ``valid``: 302 after a POST, else 200
    prepare: Callable | None = None  # run before each request, with (client, world)
    files: tuple[str, ...] = field(default=())

    def __str__(self):
        return self.label

    @property
    def fields(self) -> list[str]:
        return list(self.kinds)

    @property
    def kinds(self) -> dict[str, str]:
        """Each name read, and what it is: date, number, file, text; or extra (read by the
        view itself, outside any form)."""
        kinds = {name: _kind(f) for form in self.forms for name, f in form.base_fields.items()}
        return kinds | {name: "extra" for name in self.extra if name not in kinds}

    def path(self, world: World) -> str:
        return reverse(self.url_name, kwargs=self.kwargs(world)) + self.query(world)

    @property
    def expected(self) -> int:
        return self.accepted or (302 if self.method == "POST" else 200)


def _kind(form_field) -> str:
    if isinstance(form_field, FileField):
        return "file"
    if isinstance(form_field, DateField):
        return "date"
    if isinstance(form_field, IntegerField) or getattr(form_field, "coerce", None) is int:
        return "number"
    return "text"


def _look_up(client, world):
    """The update form needs a look-up first, in the same session."""
    client.post(reverse("declarations:lookup"), _lookup(world))


def _lookup(world) -> dict:
    return {"code": world.citizen.display_code, "phone_last4": "4321"}


def _code(world) -> dict:
    return {"code": world.citizen.lookup_code}


def _facility_visit(world) -> dict:
    return form_data(visit_role="patient", department="Khoa Nhi")


def _passenger(world) -> dict:
    return {
        "form_token": form_data()["form_token"],
        "full_name": "Lò Thị Mai",
        "birth_year": "1975",
        "sex": "female",
        "phone": "0912 345 678",
        "residence_province": LAI_CHAU,
        "residence_district": TAM_DUONG,
        "residence_commune": TAM_DUONG_TOWN,
        "from_province": LAI_CHAU,
        "from_district": TAM_DUONG,
        "nationality": "Việt Nam",
        "to_district": LAI_CHAU_CITY,
        "to_commune": QUYET_THANG,
        "seat": "5",
    }


def _new_case(world) -> dict:
    return {
        "full_name": "Giàng A Páo",
        "birth_year": "1979",
        "sex": "male",
        "phone": "0977 123 456",
        "id_number": "",
        "residence_province": LAI_CHAU,
        "residence_district": TAM_DUONG,
        "residence_commune": TAM_DUONG_TOWN,
        "residence_address": "Bản Hon",
        **_case_details(world),
    }


def _case_details(world) -> dict:
    return {
        "form_token": form_data()["form_token"],
        "confirmed_on": _today(),
        "how_confirmed": "RT-PCR dương tính",
        "isolated_at": "Trung tâm Y tế huyện Tam Đường",
    }


def _contact(world) -> dict:
    return {
        "full_name": "Giàng Thị Mỷ",
        "birth_year": "1995",
        "sex": "female",
        "phone": "0977 000 111",
        "id_number": "",
        "residence_province": LAI_CHAU,
        "residence_district": LAI_CHAU_CITY,
        "residence_commune": QUYET_THANG,
        "residence_address": "Bản Cang",
        "level": "F1",
        "via": "",
        "note": "Ăn cơm cùng mâm",
    }


def _contacts_csv() -> bytes:
    from tracing.contact_import import COLUMNS

    row = {"full_name": "Giàng Thị Mỷ", "birth_year": "1995", "sex": "Nữ", "phone": "0977000111"}
    return csv_bytes([[c.header for c in COLUMNS], [row.get(c.attribute, "") for c in COLUMNS]])


def _week(world) -> dict:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=6)).isoformat(), "end": today.isoformat()}


def _case(world) -> dict:
    return {"pk": world.case.pk}


def _case_id(world) -> dict:
    return {"case_id": world.case.pk}


def _vehicle(world) -> dict:
    return {"pk": world.vehicle.pk}


def _token(point) -> Callable[[World], dict]:
    return lambda w: {"token": getattr(w, point).point.token}


def _poster(point) -> Callable[[World], str]:
    return lambda w: f"?qr={getattr(w, point).point.token}"


PUBLIC = [
    Endpoint(
        "declare",
        "declarations:declare",
        None,
        forms=(DeclarationForm,),
        extra=("refresh_places",),
        valid=lambda w: form_data(),
    ),
    Endpoint(
        "vehicle QR form",
        "declarations:point",
        None,
        forms=(DeclarationForm,),
        extra=("refresh_places",),
        kwargs=_token("vehicle"),
        valid=lambda w: form_data(),
    ),
    Endpoint(
        "checkpoint QR form",
        "declarations:point",
        None,
        forms=(DeclarationForm,),
        extra=("refresh_places",),
        kwargs=_token("checkpoint"),
        valid=lambda w: form_data(),
    ),
    Endpoint(
        "facility QR form",
        "declarations:point",
        None,
        forms=(DeclarationForm,),
        extra=("refresh_places", "visit_role", "department"),
        kwargs=_token("facility"),
        valid=_facility_visit,
    ),
    Endpoint(
        "update after a look-up",
        "declarations:update",
        None,
        forms=(DeclarationForm,),
        extra=("refresh_places",),
        prepare=_look_up,
        valid=lambda w: form_data(),
    ),
    Endpoint("look-up", "declarations:lookup", None, forms=(LookupForm,), valid=_lookup),
    # A citizen with a code come from a QR poster: its token rides in the address.
    Endpoint(
        "look-up from a vehicle's poster",
        "declarations:lookup",
        None,
        forms=(LookupForm,),
        query=_poster("vehicle"),
        valid=_lookup,
    ),
    Endpoint(
        "update from a vehicle's poster",
        "declarations:update",
        None,
        forms=(DeclarationForm,),
        extra=("refresh_places",),
        query=_poster("vehicle"),
        prepare=_look_up,
        valid=lambda w: form_data(),
    ),
    Endpoint(
        "the poster named to the look-up",
        "declarations:lookup",
        None,
        method="GET",
        extra=("qr",),
        valid=lambda w: {"qr": w.facility.point.token},
    ),
    Endpoint(
        "the poster named to the update",
        "declarations:update",
        None,
        method="GET",
        extra=("qr",),
        prepare=_look_up,
        valid=lambda w: {"qr": w.facility.point.token},
    ),
    Endpoint(
        "language switch",
        "set_language",
        None,
        extra=("language", "next"),
        valid=lambda w: {"language": "en", "next": "/khai-bao/"},
    ),
    Endpoint(
        "login",
        "accounts:login",
        None,
        forms=(LoginForm,),
        extra=("next",),
        valid=lambda w: {
            "username": w.users["officer"].username,
            "password": "correct-horse-battery",
        },
    ),
]

CHECKPOINT = [
    Endpoint(
        "password change",
        "accounts:password_change",
        "officer",
        forms=(PasswordChangeForm,),
        valid=lambda w: {
            "old_password": "correct-horse-battery",
            "new_password1": "Ngựa-đúng-pin-kẹp-giấy-2021",
            "new_password2": "Ngựa-đúng-pin-kẹp-giấy-2021",
        },
    ),
    Endpoint(
        "desk search",
        "checkpoints:desk",
        "officer",
        method="GET",
        forms=(DeskSearchForm,),
        extra=("sau", "truoc"),
        valid=lambda w: {"q": "Lò Văn"},
    ),
    Endpoint(
        "passage",
        "checkpoints:record_passage",
        "officer",
        forms=(PassageForm,),
        kwargs=_code,
        valid=lambda w: {
            "checkpoint": w.checkpoint.pk,
            "direction": "in",
            "vehicle_plate": "25b01234",
            "outcome": "allowed",
            "note": "Đo nhiệt độ 36.5",
        },
    ),
    Endpoint("must update", "checkpoints:require_update", "officer", kwargs=_code),
    Endpoint(
        "flag risk",
        "checkpoints:flag_risk",
        "officer",
        forms=(RiskFlagForm,),
        kwargs=_code,
        valid=lambda w: {"level": "high", "reason": "Sốt 38.5 °C"},
    ),
    Endpoint(
        "declare on the spot (known person)",
        "checkpoints:declare_update",
        "officer",
        forms=(DeclarationForm,),
        extra=("refresh_places",),
        kwargs=_code,
        valid=lambda w: form_data(),
    ),
    Endpoint(
        "declare on the spot (new person)",
        "checkpoints:declare_new",
        "officer",
        forms=(DeclarationForm,),
        extra=("refresh_places",),
        valid=lambda w: form_data(),
    ),
    Endpoint(
        "declare on the spot from a bus check",
        "checkpoints:declare_new",
        "officer",
        method="GET",
        extra=("bien-so",),
        valid=lambda w: {"bien-so": "25B-012.34"},
    ),
    Endpoint(
        "bus check plate",
        "checkpoints:bus_check",
        "officer",
        method="GET",
        forms=(PlateForm,),
        valid=lambda w: {"plate": "25b 012 34"},
    ),
    Endpoint(
        "bus check",
        "checkpoints:bus_check",
        "officer",
        forms=(BusCheckForm,),
        query=lambda w: "?plate=25B-012.34",
        valid=lambda w: {
            "on_board": [w.passenger.pk],
            "undeclared": "1",
            "direction": "in",
            "note": "Xe đến lúc 9 giờ",
        },
    ),
    Endpoint(
        "checkpoint board",
        "checkpoints:board",
        "administrator",
        method="GET",
        extra=("chot",),
        valid=lambda w: {"chot": w.checkpoint.pk},
    ),
    Endpoint(
        "checkpoint new QR",
        "checkpoints:replace_qr",
        "administrator",
        kwargs=lambda w: {"pk": w.checkpoint.pk},
    ),
    Endpoint(
        "undeclared findings",
        "checkpoints:findings",
        "transport_officer",
        method="GET",
        forms=(FindingsForm,),
        extra=("format",),
        valid=_week,
    ),
    Endpoint(
        "checks behind a finding",
        "checkpoints:finding_checks",
        "transport_officer",
        method="GET",
        forms=(FindingsForm,),
        kwargs=lambda w: {"plate": "25B-012.34"},
        valid=_week,
    ),
]

TRANSPORT = [
    Endpoint(
        "vehicles",
        "transport:vehicles",
        "transport_officer",
        method="GET",
        forms=(VehicleFilterForm,),
        extra=("page",),
        valid=lambda w: {"nha_xe": w.vehicle.company_id},
    ),
    Endpoint(
        "passenger list",
        "transport:manifest",
        "operator",
        method="GET",
        forms=(ManifestDayForm,),
        kwargs=_vehicle,
        valid=lambda w: {"ngay": _today()},
    ),
    Endpoint(
        "passenger list download",
        "transport:manifest_xlsx",
        "operator",
        method="GET",
        forms=(ManifestDayForm,),
        kwargs=_vehicle,
        valid=lambda w: {"ngay": _today()},
    ),
    Endpoint(
        "khai hộ",
        "transport:declare",
        "operator",
        forms=(PassengerForm,),
        extra=("refresh_places",),
        kwargs=_vehicle,
        valid=_passenger,
    ),
    Endpoint(
        "khai hộ, the passenger just declared",
        "transport:declare",
        "operator",
        method="GET",
        extra=("ma",),
        kwargs=_vehicle,
        valid=lambda w: {"ma": w.passenger.lookup_code},
    ),
    Endpoint("vehicle new QR", "transport:replace_qr", "operator", kwargs=_vehicle),
]

FACILITIES = [
    Endpoint(
        "facility visitors",
        "facilities:visitors",
        "administrator",
        method="GET",
        forms=(VisitorsDayForm,),
        extra=("khoa", "co_so"),
        valid=lambda w: {"khoa": "Khoa Nhi", "co_so": w.facility.pk, "ngay": _today()},
    ),
    Endpoint(
        "facility visitors download",
        "facilities:visitors_xlsx",
        "facility_worker",
        method="GET",
        forms=(VisitorsDayForm,),
        extra=("khoa", "co_so"),
        valid=lambda w: {"khoa": "Khoa Nhi", "co_so": w.facility.pk, "ngay": _today()},
    ),
    Endpoint(
        "facility visitor declared by staff",
        "facilities:declare",
        "facility_worker",
        forms=(DeclarationForm,),
        extra=("refresh_places", "visit_role", "department"),
        valid=_facility_visit,
    ),
    Endpoint(
        "facility new QR",
        "facilities:replace_qr",
        "facility_worker",
        kwargs=lambda w: {"pk": w.facility.pk},
    ),
]

TRACING = [
    Endpoint(
        "health staff search",
        "tracing:search",
        "health_worker",
        method="GET",
        forms=(DeskSearchForm,),
        extra=("sau", "truoc"),
        valid=lambda w: {"q": "Lò Văn"},
    ),
    Endpoint(
        "risk list",
        "tracing:risk_list",
        "health_worker",
        method="GET",
        forms=(RiskListForm,),
        extra=("sau", "truoc", "format"),
        valid=lambda w: {"huyen": TAM_DUONG, "muc": "high", "tu_ngay": _today()},
    ),
    Endpoint(
        "follow-up update",
        "tracing:follow_up_change",
        "health_worker",
        forms=(FollowUpForm,),
        kwargs=_code,
        valid=lambda w: {"status": "contacted", "assignee": "", "note": "Đã gọi điện"},
    ),
    Endpoint(
        "epidemic zone",
        "tracing:zones",
        "provincial_health_worker",
        forms=(ZoneForm,),
        extra=("refresh_places",),
        valid=lambda w: {
            "province": LAI_CHAU,
            "district": TAM_DUONG,
            "commune": "",
            "starts_on": _today(),
            "ends_on": "",
            "note": "Ổ dịch bản Hon",
        },
    ),
    Endpoint(
        "epidemic zone end",
        "tracing:zone_end",
        "provincial_health_worker",
        forms=(ZoneEndForm,),
        kwargs=lambda w: {"pk": w.zone.pk},
        valid=lambda w: {"ends_on": _today()},
    ),
    Endpoint(
        "cases",
        "tracing:cases",
        "health_worker",
        method="GET",
        extra=("trang-thai", "page"),
        valid=lambda w: {"trang-thai": "mo"},
    ),
    Endpoint(
        "new case, never declared",
        "tracing:case_new",
        "health_worker",
        forms=(CasePersonForm, CaseForm),
        extra=("refresh_places",),
        valid=_new_case,
    ),
    Endpoint(
        "new case, by code",
        "tracing:case_new",
        "health_worker",
        forms=(CaseForm,),
        query=lambda w: f"?ma={w.twins[0].lookup_code}",
        valid=_case_details,
    ),
    Endpoint(
        "new case form",
        "tracing:case_new",
        "health_worker",
        method="GET",
        extra=("ma",),
        valid=lambda w: {"ma": w.twins[0].display_code},
    ),
    Endpoint(
        "close a case",
        "tracing:case_close",
        "health_worker",
        forms=(CaseCloseForm,),
        kwargs=_case,
        valid=lambda w: {"note": "Khỏi bệnh, ra viện"},
    ),
    Endpoint("propose F1s", "tracing:case_propose", "health_worker", kwargs=_case),
    Endpoint("propose F2s", "tracing:case_propose_onward", "health_worker", kwargs=_case),
    Endpoint(
        "contact decision",
        "tracing:contact_decision",
        "health_worker",
        forms=(DecisionForm,),
        kwargs=lambda w: {"pk": w.case.pk, "contact_pk": w.contact.pk},
        valid=lambda w: {"status": "confirmed"},
    ),
    Endpoint(
        "contacts decision",
        "tracing:contacts_decision",
        "health_worker",
        forms=(DecisionForm,),
        kwargs=_case,
        valid=lambda w: {"status": "dismissed", "level": "F1"},
    ),
    Endpoint(
        "contact entry",
        "tracing:contact_add",
        "health_worker",
        forms=(ContactEntryForm,),
        extra=("refresh_places",),
        kwargs=_case_id,
        valid=_contact,
    ),
    Endpoint(
        "contact import upload",
        "tracing:contact_import",
        "health_worker",
        forms=(ImportUploadForm,),
        kwargs=_case_id,
        files=("file",),
        valid=lambda w: {"file": uploaded_file("danh-sach.csv", _contacts_csv())},
        accepted=200,
    ),
    Endpoint(
        "contact import confirm",
        "tracing:contact_import_confirm",
        "health_worker",
        forms=(ImportConfirmForm,),
        kwargs=_case_id,
        valid=lambda w: {"sha256": "0" * 64},
    ),
    Endpoint(
        "duplicates",
        "tracing:duplicates",
        "health_worker",
        method="GET",
        extra=("theo", "page"),
        valid=lambda w: {"theo": "cccd"},
    ),
    Endpoint(
        "merge",
        "tracing:duplicates_merge",
        "health_worker",
        forms=(MergeForm,),
        valid=lambda w: {
            "keep": w.twins[0].lookup_code,
            "merge": [p.lookup_code for p in w.twins],
            "rule": "cccd",
        },
    ),
    Endpoint(
        "zoning",
        "tracing:zoning",
        "health_worker",
        method="GET",
        extra=("de-xuat",),
        valid=lambda w: {"de-xuat": "1"},
    ),
    Endpoint(
        "zoning download",
        "tracing:zoning_export",
        "health_worker",
        method="GET",
        extra=("de-xuat",),
        valid=lambda w: {"de-xuat": "1"},
    ),
    Endpoint(
        "zoning of a case",
        "tracing:case_zoning",
        "health_worker",
        method="GET",
        extra=("de-xuat",),
        kwargs=_case_id,
        valid=lambda w: {"de-xuat": "1"},
    ),
    Endpoint(
        "zoning of a case download",
        "tracing:case_zoning_export",
        "health_worker",
        method="GET",
        extra=("de-xuat",),
        kwargs=_case_id,
        valid=lambda w: {"de-xuat": "1"},
    ),
]

REPORTS = [
    Endpoint(
        "report",
        "reports:report",
        "leader",
        method="GET",
        forms=(ReportForm,),
        extra=("format",),
        valid=lambda w: {"start": _week(w)["start"], "end": _today(), "format": "csv"},
    ),
]

ENDPOINTS = [*PUBLIC, *CHECKPOINT, *TRANSPORT, *FACILITIES, *TRACING, *REPORTS]


@dataclass(frozen=True)
class PathEndpoint:
    """A URL whose own text carries input: a code, a QR token, a kind of image."""

    url_name: str
    persona: str | None
    param: str  # the part of the address under attack
    method: str = "GET"
    kwargs: Callable[[World], dict] = lambda w: {}
    prepare = None

    def __str__(self):
        return f"{self.url_name} {self.method} <{self.param}> as {self.persona or 'anyone'}"


PATHS = [
    PathEndpoint("declarations:point", None, "token"),
    PathEndpoint("declarations:point", None, "token", method="POST"),
    PathEndpoint("declarations:places", None, "code"),
    PathEndpoint("checkpoints:person", "officer", "code"),
    PathEndpoint("checkpoints:person", "health_worker", "code"),
    PathEndpoint("checkpoints:record_passage", "officer", "code", method="POST"),
    PathEndpoint("checkpoints:require_update", "officer", "code", method="POST"),
    PathEndpoint("checkpoints:flag_risk", "officer", "code", method="POST"),
    PathEndpoint("checkpoints:declare_update", "officer", "code"),
    PathEndpoint(
        "checkpoints:qr_image", "administrator", "kind", kwargs=lambda w: {"pk": w.checkpoint.pk}
    ),
    PathEndpoint("transport:qr_image", "operator", "kind", kwargs=_vehicle),
    PathEndpoint("transport:passenger_check", "operator", "code"),
    PathEndpoint("transport:passenger_remove", "operator", "code", kwargs=_vehicle),
    PathEndpoint("transport:passenger_remove", "operator", "code", method="POST", kwargs=_vehicle),
    PathEndpoint("transport:passenger_restore", "operator", "code", method="POST", kwargs=_vehicle),
    PathEndpoint(
        "facilities:qr_image", "facility_worker", "kind", kwargs=lambda w: {"pk": w.facility.pk}
    ),
    PathEndpoint("checkpoints:finding_checks", "transport_officer", "plate"),
    PathEndpoint("tracing:follow_up", "health_worker", "code"),
    PathEndpoint("tracing:follow_up_change", "health_worker", "code", method="POST"),
    PathEndpoint("tracing:contact_import_template", "health_worker", "kind"),
]


def url_routes() -> dict[str, str]:
    """Every named URL of the site but the admin's: ``namespace:name`` -> its route."""
    from django.urls import URLPattern, URLResolver, get_resolver

    routes: dict[str, str] = {}

    def walk(patterns, namespace: str, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, route)
            elif isinstance(entry, URLPattern) and entry.name:
                routes[f"{namespace}{entry.name}"] = route

    walk(get_resolver().url_patterns, "", "/")
    return routes
