"""Contacts of a case typed one by one from the investigation team's notes."""

import pytest

from accounts.models import AuditAction, AuditEntry
from declarations.models import Person
from tests.conftest import LAI_CHAU, LAI_CHAU_CITY, QUYET_THANG, audit_detail, confirm_case
from tracing.models import Contact, ContactLevel, ContactSource, ContactStatus, FollowUpStatus
from tracing.services import contact_report


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def case(citizen):
    """Lò Văn Minh of Tam Đường, confirmed today."""
    return confirm_case(citizen)


def entry(**changes) -> dict:
    """A new person of Lai Châu city, reported as F1."""
    data = {
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
        "note": "Ăn cơm cùng mâm ngày 20/11",
    }
    return data | changes


def add(client, case, **changes):
    return client.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/", entry(**changes))


def test_a_new_person_is_created_with_a_code_and_becomes_a_confirmed_f1(
    client, health_worker, case
):
    client.force_login(health_worker)
    response = add(client, case)
    assert response.status_code == 302
    contact = Contact.objects.select_related("person").get()
    assert contact.person.full_name == "Giàng Thị Mỷ"
    assert len(contact.person.lookup_code) == 8
    assert contact.person.residence_commune_id == QUYET_THANG
    assert (contact.level, contact.status, contact.source) == (
        ContactLevel.F1,
        ContactStatus.CONFIRMED,
        ContactSource.INVESTIGATION,
    )
    assert contact.reasons == [{"rule": "investigation", "text": "Ăn cơm cùng mâm ngày 20/11"}]
    assert contact.person.follow_up.status == FollowUpStatus.NEW


def test_the_page_says_whether_the_person_is_new_and_gives_the_code(client, health_worker, case):
    client.force_login(health_worker)
    response = client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/", follow=False)
    assert response.status_code == 200
    page = add(client, case, phone="0977000111")
    page = client.get(page.url)
    code = Contact.objects.get().person.display_code
    assert f"new person, code {code}" in page.content.decode()


def test_a_known_person_is_matched_by_id_number(client, health_worker, case, make_declaration):
    known = make_declaration(full_name="Nguyễn Văn An", id_number="001190000001").person
    client.force_login(health_worker)
    add(
        client,
        case,
        full_name="Nguyen Van An",
        birth_year="1991",
        id_number="001190000001",
        phone="",
        sex="",
        residence_district="",
        residence_commune="",
    )
    assert Contact.objects.get().person == known
    assert Person.objects.filter(full_name__contains="An").count() == 1


def test_a_known_person_is_matched_by_phone_name_and_year_without_accents(
    client, health_worker, case, make_declaration
):
    known = make_declaration(full_name="Trần Thị Bình", birth_year=1985, phone="0911111111").person
    client.force_login(health_worker)
    add(client, case, full_name="TRAN THI BINH", birth_year="1985", phone="+84911111111")
    assert Contact.objects.get().person == known


def test_the_same_phone_with_another_year_is_another_person(
    client, health_worker, case, make_declaration
):
    known = make_declaration(full_name="Trần Thị Bình", birth_year=1985, phone="0911111111").person
    client.force_login(health_worker)
    add(client, case, full_name="Trần Thị Bình", birth_year="2015", phone="0911111111")
    assert Contact.objects.get().person != known


def test_a_new_person_needs_their_sex_and_commune(client, health_worker, case):
    client.force_login(health_worker)
    response = add(client, case, sex="", residence_commune="")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "sex": ["Needed for a new person."],
        "residence_commune": ["Needed for a new person."],
    }
    assert not Contact.objects.exists()


def test_a_phone_or_an_id_number_is_needed(client, health_worker, case):
    client.force_login(health_worker)
    response = add(client, case, phone="", id_number="")
    assert "phone" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_an_f2_needs_its_f1_and_hangs_from_it(client, health_worker, case):
    client.force_login(health_worker)
    add(client, case)
    f1 = Contact.objects.get()
    refused = add(client, case, full_name="Giàng A Sử", phone="0977000222", level="F2")
    assert refused.context["form"].errors == {
        "via": ["An F2 is a contact of an F1: choose the F1."]
    }
    add(client, case, full_name="Giàng A Sử", phone="0977000222", level="F2", via=str(f1.pk))
    assert Contact.objects.get(level=ContactLevel.F2).via == f1


def test_the_case_is_not_their_own_contact(client, health_worker, case):
    client.force_login(health_worker)
    response = add(client, case, full_name="Lò Văn Minh", birth_year="1990", phone="0987654321")
    assert response.context["form"].errors == {"full_name": ["This is the case (F0) itself."]}


def test_a_proposed_contact_reported_by_the_team_is_confirmed(
    client, health_worker, case, make_declaration
):
    person = make_declaration(full_name="Trần Thị Bình", birth_year=1985, phone="0911111111").person
    Contact.objects.create(case=case, person=person, level=ContactLevel.F1)
    client.force_login(health_worker)
    add(client, case, full_name="Trần Thị Bình", birth_year="1985", phone="0911111111")
    contact = Contact.objects.get()
    assert (contact.status, contact.source) == (
        ContactStatus.CONFIRMED,
        ContactSource.INVESTIGATION,
    )


def test_the_next_form_starts_with_the_same_places_level_and_f1(client, health_worker, case):
    client.force_login(health_worker)
    add(client, case)
    f1 = Contact.objects.get()
    add(client, case, full_name="Giàng A Sử", phone="0977000222", level="F2", via=str(f1.pk))
    form = client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/").context["form"]
    assert form.initial["residence_commune"] == QUYET_THANG
    assert (form.initial["level"], form.initial["via"]) == ("F2", f1.pk)


def test_without_javascript_the_places_are_refreshed_keeping_the_answers(
    client, health_worker, case
):
    client.force_login(health_worker)
    data = entry(residence_district="", residence_commune="", refresh_places="1")
    response = client.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/", data)
    assert not Contact.objects.exists()
    assert response.context["form"]["full_name"].value() == "Giàng Thị Mỷ"
    assert f'value="{LAI_CHAU_CITY}"' in response.content.decode()


def test_health_staff_of_another_district_get_404(client, other_health_worker, case):
    client.force_login(other_health_worker)
    assert client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/").status_code == 404
    assert add(client, case).status_code == 404
    assert not Contact.objects.exists()


def test_an_unknown_case_is_a_404(client, health_worker, places):
    client.force_login(health_worker)
    assert client.get("/y-te/ca-benh/999999/tiep-xuc/them/").status_code == 404


def test_the_entry_page_lists_the_contacts_in_a_fixed_number_of_queries(
    client, health_worker, case, django_assert_max_num_queries
):
    client.force_login(health_worker)
    for number in range(5):
        add(client, case, full_name=f"Người số {number}", phone=f"097700011{number}")
    f1 = Contact.objects.first()
    for number in range(3):
        add(
            client,
            case,
            full_name=f"F2 số {number}",
            phone=f"097700022{number}",
            level="F2",
            via=str(f1.pk),
        )
    with django_assert_max_num_queries(11):
        response = client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/")
    assert len(response.context["contacts"]) == 8


def test_a_case_with_many_contacts_lists_the_newest_and_counts_them_all(
    client, health_worker, case, monkeypatch
):
    """A coach can bring thousands of contacts: the entry page draws the newest few."""
    monkeypatch.setattr("tracing.contact_views.CONTACTS_SHOWN", 2)
    client.force_login(health_worker)
    for number in range(3):
        add(client, case, full_name=f"Người số {number}", phone=f"097700011{number}")
    response = client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/")
    names = [contact.person.full_name for contact in response.context["contacts"]]
    assert names == ["Người số 2", "Người số 1"]
    page = response.content.decode()
    assert "3 contacts of this case" in page
    assert "The 2 entered last are shown, newest first." in page
    assert f'href="/y-te/ca-benh/{case.pk}/">The case' in page


def test_a_case_with_few_contacts_lists_them_all_without_a_note(client, health_worker, case):
    client.force_login(health_worker)
    add(client, case)
    response = client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/")
    assert "1 contact of this case" in response.content.decode()
    assert 'id="contacts-shown"' not in response.content.decode()


def test_an_f2_reported_through_a_proposed_f1_confirms_that_f1_and_is_in_the_chain(
    client, health_worker, case, make_declaration
):
    """The team's report that someone met a proposed F1 makes that F1 a contact: otherwise the
    F2 would be counted as confirmed (case list, zoning, report) but missing from the chain."""
    f1_person = make_declaration(
        full_name="Trần Thị Bình", birth_year=1985, phone="0911111111"
    ).person
    f1 = Contact.objects.create(case=case, person=f1_person, level=ContactLevel.F1)
    client.force_login(health_worker)
    form = client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/").context["form"]
    assert f"Trần Thị Bình (1985) · {f1_person.display_code} · Proposed" in [
        label for _value, label in form.fields["via"].choices
    ]
    response = add(
        client, case, full_name="Giàng A Sử", phone="0977000222", level="F2", via=str(f1.pk)
    )
    f1.refresh_from_db()
    assert f1.status == ContactStatus.CONFIRMED
    page = client.get(response.url).content.decode()
    assert "Their F1 Trần Thị Bình, proposed until now, is confirmed too." in page
    assert f1_person.follow_up.status == FollowUpStatus.NEW
    chain = client.get(f"/y-te/ca-benh/{case.pk}/chuoi/").content.decode()
    assert "Giàng A Sử" in chain
    assert "Trần Thị Bình" in chain


def test_the_f1_confirmed_through_an_f2_has_its_own_decision_in_the_audit_log(
    client, health_worker, case, make_declaration
):
    """As the case page's Confirm writes it: who confirmed that F1, and when, is in the log;
    the F2 sent again (a double click) confirms nobody twice."""
    f1_person = make_declaration(full_name="Trần Thị Bình", phone="0911111111").person
    f1 = Contact.objects.create(case=case, person=f1_person, level=ContactLevel.F1)
    client.force_login(health_worker)
    entry = {"full_name": "Giàng A Sử", "phone": "0977000222", "level": "F2", "via": str(f1.pk)}
    for _ in range(2):
        add(client, case, **entry)

    [decision] = AuditEntry.objects.filter(action=AuditAction.DECIDE_CONTACT)
    assert (decision.user, decision.person, audit_detail(decision)) == (
        health_worker,
        f1_person,
        f"confirmed as F1 of case {case.pk}",
    )
    f1.refresh_from_db()
    assert (f1.status, f1.decided_by) == (ContactStatus.CONFIRMED, health_worker)
    assert Contact.objects.filter(level=ContactLevel.F2).count() == 1


def test_matching_an_entered_contact_is_audited_as_a_match(client, health_worker, case):
    client.force_login(health_worker)
    add(client, case)
    contact = Contact.objects.get()
    entry = AuditEntry.objects.get(action=AuditAction.MATCH_CONTACTS)
    assert (entry.user, entry.person, audit_detail(entry)) == (
        health_worker,
        contact.person,
        f"contact of case {case.pk}",
    )
    assert not AuditEntry.objects.filter(action=AuditAction.SEARCH).exists()


def test_an_f2_through_an_f1_confirmed_before_writes_no_decision(
    client, health_worker, case, make_declaration
):
    f1_person = make_declaration(full_name="Trần Thị Bình", phone="0911111111").person
    f1 = Contact.objects.create(
        case=case, person=f1_person, level=ContactLevel.F1, status=ContactStatus.CONFIRMED
    )
    client.force_login(health_worker)
    add(client, case, full_name="Giàng A Sử", phone="0977000222", level="F2", via=str(f1.pk))
    assert Contact.objects.filter(level=ContactLevel.F2).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.DECIDE_CONTACT).exists()


def test_a_new_contact_sent_twice_at_once_is_created_once(health_worker, case):
    """Two sendings at the same moment (a double click) both matched nobody in their form:
    the second, run after the first under the case's lock, finds the person it created."""
    values = {
        "full_name": "Giàng Thị Mỷ",
        "birth_year": 1995,
        "sex": "female",
        "phone": "0977000111",
        "residence_address": "",
        "residence_province_id": LAI_CHAU,
        "residence_district_id": LAI_CHAU_CITY,
        "residence_commune_id": QUYET_THANG,
    }
    for _sending in range(2):
        contact_report(case=case, person=None, person_values=values, level="F1", user=health_worker)
    assert Person.objects.filter(phone="0977000111").count() == 1
    assert Contact.objects.count() == 1
