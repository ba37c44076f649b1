"""Facility staff declare on the spot for a visitor without a smartphone."""

import re

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils import translation

from accounts.models import AuditEntry
from declarations.models import Declaration, MadeBy, Person
from tests.conftest import LAI_CHAU, form_data

VISIT = {"visit_role": "patient", "department": "Khoa Truyền nhiễm"}


@pytest.fixture
def staff(client, facility_worker, settings):
    """The hospital's staff, reading the site in English (its source language)."""
    client.force_login(facility_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_form_asks_about_the_visit_at_this_facility(staff, facility):
    response = staff.get("/co-so-y-te/khai-bao/")
    form = response.context["form"]
    assert form.point == facility.point
    assert {"visit_role", "department"} <= set(form.fields)
    assert form.initial["residence_province"] == LAI_CHAU
    assert facility.name in response.content.decode()


def test_declaring_for_a_visitor_records_it_as_made_on_their_behalf(
    staff, facility, facility_worker
):
    response = staff.post("/co-so-y-te/khai-bao/", form_data(**VISIT))

    declaration = Declaration.objects.select_related("person").get()
    assert response["Location"] == f"/co-so-y-te/?co_so={facility.pk}"
    assert (declaration.made_by, declaration.made_by_user) == (MadeBy.ON_BEHALF, facility_worker)
    assert declaration.point == facility.point
    assert (declaration.visit_role, declaration.department) == ("patient", "Khoa Truyền nhiễm")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.person, entry.user) == (
        "declare_on_behalf",
        declaration.person,
        facility_worker,
    )


def test_the_visitor_is_told_their_lookup_code(staff):
    response = staff.post("/co-so-y-te/khai-bao/", form_data(**VISIT), follow=True)

    code = Person.objects.get().display_code
    assert "-" in code
    assert [str(m) for m in response.context["messages"]] == [
        f"Declaration recorded. Tell the visitor their lookup code: {code}"
    ]
    assert code in response.content.decode()


def test_the_same_form_sent_twice_records_one_declaration(staff):
    data = form_data(**VISIT)
    first = staff.post("/co-so-y-te/khai-bao/", data)
    second = staff.post("/co-so-y-te/khai-bao/", data)

    assert Declaration.objects.count() == 1
    assert Person.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_an_invalid_form_records_nothing(staff):
    response = staff.post("/co-so-y-te/khai-bao/", form_data(phone="1"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone", "visit_role", "department"}
    assert not Declaration.objects.exists()
    assert not AuditEntry.objects.exists()


def test_refreshing_the_places_keeps_the_answers_and_the_token(staff):
    data = form_data(**VISIT, refresh_places="1")
    response = staff.post("/co-so-y-te/khai-bao/", data)

    form = response.context["form"]
    assert not form.is_bound
    assert str(form.initial["form_token"]) == data["form_token"]
    assert form.initial["department"] == "Khoa Truyền nhiễm"
    assert not Declaration.objects.exists()


def test_an_administrator_declares_at_the_facility_chosen(client, administrator, other_facility):
    other_facility.departments = "Khoa Khám bệnh"
    other_facility.save()
    client.force_login(administrator)
    data = form_data(visit_role="visitor", department="Khoa Khám bệnh")

    response = client.post(f"/co-so-y-te/khai-bao/?co_so={other_facility.pk}", data)

    assert response["Location"] == f"/co-so-y-te/?co_so={other_facility.pk}"
    assert Declaration.objects.get().point == other_facility.point


def test_a_refused_declaration_writes_nothing(client, health_worker, leader):
    for user in (health_worker, leader):
        client.force_login(user)
        client.post("/co-so-y-te/khai-bao/", form_data(**VISIT))
    assert not Declaration.objects.exists()


def test_the_form_asks_the_staff_about_the_visitor_not_about_themselves(staff, facility):
    """The staff read "About you", "Your health", "You are visiting as" and promised that the
    information was true, as if they were the visitor."""
    page = staff.get("/co-so-y-te/khai-bao/")
    html = page.content.decode()

    for heading in ("Personal details", "Residence", "Journey", "Health", "Visit to the facility"):
        assert f"<legend>{heading}</legend>" in html
    assert "The visitor is" in html
    assert "The person confirmed that the information above is true" in html
    assert "In the last 14 days, has the person had any of these symptoms?" in html
    with translation.override("en"):
        form = render_crispy_form(page.context["form"])
    assert re.findall(r"\byour?\b", form, re.IGNORECASE) == []
