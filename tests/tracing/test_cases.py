"""The cases pages: the list, marking a case, the case page and its actions."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from declarations.models import Person
from tests.conftest import (
    LAI_CHAU,
    LAI_CHAU_CITY,
    QUYET_THANG,
    TAM_DUONG,
    TAM_DUONG_TOWN,
    confirm_case,
)
from tracing.models import Case, Contact, FollowUp
from tracing.services import case_confirm, contact_decide, contact_report

BUS = "25B-012.34"


@pytest.fixture
def staff(client, health_worker, settings):
    """The Tam Đường district health worker, reading the site in English (its source)."""
    client.force_login(health_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def case(citizen, health_worker):
    """Lò Văn Minh of Tam Đường, confirmed yesterday."""
    return case_confirm(
        person=citizen,
        confirmed_on=timezone.localdate() - timedelta(days=1),
        how_confirmed="RT-PCR, CDC Lai Châu",
        isolated_at="Trung tâm Y tế huyện Tam Đường",
        user=health_worker,
    )


@pytest.fixture
def contacts(case, make_declaration):
    """Make ``n`` proposed F1s of the case, found on its bus."""

    def make(n, **fields):
        made = []
        for number in range(n):
            person = make_declaration(full_name=f"Hành Khách {number:03}").person
            made.append(
                Contact.objects.create(
                    case=case,
                    person=person,
                    level=fields.get("level", "F1"),
                    via=fields.get("via"),
                    status=fields.get("status", "proposed"),
                    reasons=[{"rule": "vehicle", "plate": BUS, "day": "2026-11-20"}],
                )
            )
        return made

    return make


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_the_cases_of_the_district_newest_first_with_their_contact_counts(
    staff, case, contacts, make_declaration, health_worker
):
    first, _second = contacts(2)
    Contact.objects.filter(pk=first.pk).update(status="confirmed")
    neighbour = make_declaration(full_name="Lò Thị Mới").person
    newer = confirm_case(neighbour, user=health_worker)

    response = staff.get("/y-te/ca-benh/")

    assert response.status_code == 200
    listed = list(response.context["page"])
    assert listed == [newer, case]
    assert (listed[1].f1_confirmed, listed[1].f1_proposed, listed[1].f2_proposed) == (1, 1, 0)
    html = response.content.decode()
    assert "Lò Thị Mới" in html
    assert f"/y-te/ca-benh/{case.pk}/" in html


def test_the_list_leaves_out_the_cases_of_another_district(client, other_health_worker, case):
    client.force_login(other_health_worker)

    response = client.get("/y-te/ca-benh/")

    assert list(response.context["page"]) == []
    html = response.content.decode()
    assert case.person.full_name not in html
    assert "Chưa có ca bệnh nào trong phạm vi của Anh/Chị" in html  # not "no case" at all


def test_the_list_shows_open_or_closed_cases_when_asked(staff, case, make_declaration):
    closed = case_confirm(
        person=make_declaration(full_name="Đã Khỏi").person,
        confirmed_on=date(2026, 1, 5),
        how_confirmed="RT-PCR",
        isolated_at="",
        user=None,
    )
    Case.objects.filter(pk=closed.pk).update(closed_at=timezone.now())

    assert list(staff.get("/y-te/ca-benh/?trang-thai=mo").context["page"]) == [case]
    assert list(staff.get("/y-te/ca-benh/?trang-thai=dong").context["page"]) == [closed]


def test_the_lists_audit_entry_names_the_cases_it_showed(staff, case):
    """So that the audit log searched by a code finds every page that showed that person."""
    staff.get("/y-te/ca-benh/")
    entry = AuditEntry.objects.get()
    assert entry.people_shown.split() == [case.person.lookup_code]


def test_the_list_reads_a_fixed_number_of_queries(
    staff, case, contacts, django_assert_max_num_queries
):
    contacts(30)

    # user, permissions (2), roles, profile, count, cases with their counts, audit, session (3)
    with django_assert_max_num_queries(11):
        response = staff.get("/y-te/ca-benh/")

    assert response.status_code == 200


def test_a_checkpoint_officer_may_not_see_the_cases(client, officer, case):
    client.force_login(officer)

    assert client.get("/y-te/ca-benh/").status_code == 403
    assert client.get(f"/y-te/ca-benh/{case.pk}/").status_code == 403


# -- marking a case ---------------------------------------------------------------------------


def test_a_person_who_declared_is_marked_as_a_confirmed_case(staff, citizen, health_worker):
    form = staff.get(f"/y-te/ca-benh/moi/?ma={citizen.display_code}")
    assert citizen.full_name in form.content.decode()

    response = staff.post(
        f"/y-te/ca-benh/moi/?ma={citizen.lookup_code}",
        {
            "confirmed_on": timezone.localdate().isoformat(),
            "how_confirmed": "  RT-PCR   dương tính ",
            "isolated_at": "Bệnh viện tỉnh",
        },
    )

    case = Case.objects.get(person=citizen)
    assert response.status_code == 302
    assert response.url == f"/y-te/ca-benh/{case.pk}/"
    assert (case.how_confirmed, case.isolated_at) == ("RT-PCR dương tính", "Bệnh viện tỉnh")
    assert case.created_by == health_worker
    citizen.refresh_from_db()
    assert citizen.risk_level == "high"
    assert FollowUp.objects.get(person=citizen).status == "positive"


def test_the_form_marking_a_person_as_a_case_is_audited_as_their_page(
    staff, citizen, health_worker
):
    """The form opened by a code shows who they are and where they live: a view of the person."""
    staff.get(f"/y-te/ca-benh/moi/?ma={citizen.display_code}")

    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.person) == (health_worker, "view_person", citizen)


def test_a_confirmation_date_in_the_future_is_refused(staff, citizen):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = staff.post(
        f"/y-te/ca-benh/moi/?ma={citizen.lookup_code}",
        {"confirmed_on": tomorrow.isoformat(), "how_confirmed": "RT-PCR"},
    )

    assert response.status_code == 200
    assert "confirmed_on" in response.context["form"].errors
    assert not Case.objects.exists()


def test_marking_someone_already_a_case_leads_to_their_case(staff, case):
    response = staff.get(f"/y-te/ca-benh/moi/?ma={case.person.lookup_code}")

    assert response.status_code == 302
    assert response.url == f"/y-te/ca-benh/{case.pk}/"


def test_staff_of_another_district_cannot_mark_a_person_outside_it(
    client, other_health_worker, citizen
):
    client.force_login(other_health_worker)

    response = client.post(
        f"/y-te/ca-benh/moi/?ma={citizen.lookup_code}",
        {"confirmed_on": timezone.localdate().isoformat(), "how_confirmed": "RT-PCR"},
    )

    assert response.status_code == 404
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("zzzz zzzz", "No one has the lookup code ZZZZ-ZZZZ"),
        ("ABC", "A lookup code has 8 letters and digits, like K7QX-3M9P."),
    ],
)
def test_a_code_nobody_has_is_told_beside_the_code_box(staff, typed, error):
    """A mistyped code gave the site's 404 page ("The page you asked for does not exist")."""
    response = staff.get("/y-te/ca-benh/moi/", {"ma": typed})

    assert response.status_code == 404
    html = response.content.decode()
    assert f'<div class="invalid-feedback d-block" id="id_ma_error">{error}</div>' in html
    assert f'value="{typed}"' in html and 'aria-describedby="id_ma_error"' in html
    assert "Confirmed cases (F0)" in html


def test_a_code_outside_the_staffs_district_reads_as_a_code_nobody_has(
    client, settings, other_health_worker, citizen
):
    client.force_login(other_health_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/y-te/ca-benh/moi/", {"ma": citizen.lookup_code})

    assert response.status_code == 404
    assert response.context["code_error"] == (f"No one has the lookup code {citizen.display_code}")
    assert citizen.full_name not in response.content.decode()


def test_codes_nobody_has_count_as_codes_guessed(staff, settings, citizen):
    settings.CODE_MISS_RATE = "2/10m"
    assert staff.get("/y-te/ca-benh/moi/", {"ma": "ZZZZ-ZZZZ"}).status_code == 404
    assert staff.get("/y-te/ca-benh/moi/", {"ma": "ABC"}).status_code == 404
    assert staff.get("/y-te/ca-benh/moi/", {"ma": citizen.lookup_code}).status_code == 429


NEW_PERSON = {
    "full_name": "  Vàng   Thị Dế ",
    "birth_year": "1975",
    "sex": "female",
    "phone": "",
    "id_number": "",
    "residence_province": LAI_CHAU,
    "residence_district": TAM_DUONG,
    "residence_commune": TAM_DUONG_TOWN,
    "residence_address": "Bản Hon",
    "how_confirmed": "Test nhanh kháng nguyên, xác nhận RT-PCR",
    "isolated_at": "",
}


def test_a_case_who_never_declared_is_entered_and_gets_a_lookup_code(staff):
    form = staff.get("/y-te/ca-benh/moi/")
    assert form.status_code == 200

    response = staff.post(
        "/y-te/ca-benh/moi/", {**NEW_PERSON, "confirmed_on": timezone.localdate().isoformat()}
    )

    person = Person.objects.get()
    case = Case.objects.get(person=person)
    assert response.url == f"/y-te/ca-benh/{case.pk}/"
    assert (person.full_name, person.birth_year, person.residence_address) == (
        "Vàng Thị Dế",
        1975,
        "Bản Hon",
    )
    assert len(person.lookup_code) == 8
    assert person.declarations.count() == 0
    page = staff.get(response.url)
    assert person.display_code in page.content.decode()


def test_without_javascript_the_form_comes_back_with_the_communes_of_the_district_chosen(staff):
    response = staff.post(
        "/y-te/ca-benh/moi/",
        {**NEW_PERSON, "residence_commune": "", "refresh_places": "1"},
    )

    assert response.status_code == 200
    assert not Person.objects.exists()
    communes = dict(response.context["person_form"].fields["residence_commune"].choices)
    assert communes[TAM_DUONG_TOWN] == "Thị trấn Tam Đường"
    assert response.context["form"]["how_confirmed"].value() == NEW_PERSON["how_confirmed"]


def test_a_new_case_with_a_wrong_phone_or_commune_is_refused(staff):
    response = staff.post(
        "/y-te/ca-benh/moi/",
        {
            **NEW_PERSON,
            "phone": "12345",
            "residence_commune": QUYET_THANG,
            "confirmed_on": timezone.localdate().isoformat(),
        },
    )

    errors = response.context["person_form"].errors
    assert set(errors) == {"phone", "residence_commune"}
    assert not Person.objects.exists()


def test_district_staff_enter_only_new_cases_who_live_in_their_district(staff):
    response = staff.post(
        "/y-te/ca-benh/moi/",
        {
            **NEW_PERSON,
            "residence_district": LAI_CHAU_CITY,
            "residence_commune": QUYET_THANG,
            "confirmed_on": timezone.localdate().isoformat(),
        },
    )

    assert "residence_district" in response.context["person_form"].errors
    assert not Person.objects.exists()


def test_a_facilitys_staff_are_not_offered_a_new_case_form_they_could_not_use(
    client, facility_worker, settings
):
    client.force_login(facility_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listing = client.get("/y-te/ca-benh/").content.decode()
    assert 'href="/y-te/ca-benh/moi/"' not in listing
    assert 'id="no-new-case"' in listing

    page = client.get("/y-te/ca-benh/moi/")
    assert page.status_code == 403 and 'id="no-new-case"' in page.content.decode()
    assert 'name="full_name"' not in page.content.decode()
    response = client.post(
        "/y-te/ca-benh/moi/",
        {**NEW_PERSON, "confirmed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_district_staff_are_offered_the_new_case_form(staff):
    assert 'href="/y-te/ca-benh/moi/"' in staff.get("/y-te/ca-benh/").content.decode()


def test_provincial_staff_enter_new_cases_anywhere_in_the_province(
    client, provincial_health_worker
):
    client.force_login(provincial_health_worker)

    client.post(
        "/y-te/ca-benh/moi/",
        {
            **NEW_PERSON,
            "residence_district": LAI_CHAU_CITY,
            "residence_commune": QUYET_THANG,
            "confirmed_on": timezone.localdate().isoformat(),
        },
    )

    assert Case.objects.get().person.residence_district_id == LAI_CHAU_CITY


# -- the case page ----------------------------------------------------------------------------


def test_the_case_page_shows_the_contacts_by_level_and_status_with_reasons_in_words(
    staff, case, contacts
):
    [proposed] = contacts(1)
    [confirmed] = contacts(1, status="confirmed")
    [f2] = contacts(1, level="F2", via=confirmed)

    response = staff.get(f"/y-te/ca-benh/{case.pk}/")

    assert response.status_code == 200
    [f1s, f2s] = response.context["levels"]
    assert [(g.status, g.contacts) for g in f1s.statuses] == [
        ("proposed", [proposed]),
        ("confirmed", [confirmed]),
        ("dismissed", []),
    ]
    assert f2s.statuses[0].contacts == [f2]
    html = response.content.decode()
    assert "Travelled in the same vehicle 25B-012.34 on 20/11/2026" in html
    assert "RT-PCR, CDC Lai Châu" in html
    assert f"/y-te/ca-benh/{case.pk}/tiep-xuc/{proposed.pk}/" in html


def test_a_levels_heading_counts_its_confirmed_contacts_as_the_case_list_does(
    staff, case, contacts
):
    """Proposed and dismissed contacts are not contacts yet: the heading counts the confirmed."""
    contacts(2)
    contacts(1, status="confirmed")
    contacts(3, status="dismissed")
    html = staff.get(f"/y-te/ca-benh/{case.pk}/").content.decode()
    heading = html.split('id="level-F1">')[1].split("</h2>")[0]
    assert heading.endswith("· 1 confirmed")
    [listed] = staff.get("/y-te/ca-benh/").context["page"]
    assert listed.f1_confirmed == 1


def test_a_case_page_shows_the_first_contacts_of_a_big_group_and_says_how_many_more(
    staff, case, contacts, monkeypatch
):
    """A coach on a busy route, or a plate shared by mistake, can bring thousands of proposals:
    the page draws the first of each group by name, and the bulk buttons still act on all."""
    monkeypatch.setattr("tracing.case_views.CONTACTS_SHOWN", 2)
    proposed = contacts(3)
    [confirmed] = contacts(1, status="confirmed")
    [f2] = contacts(1, level="F2", via=confirmed)
    near_another = {"rule": "vehicle", "plate": BUS, "day": "2026-11-21", "via": proposed[2].pk}
    Contact.objects.filter(pk=f2.pk).update(reasons=[*f2.reasons, near_another])

    response = staff.get(f"/y-te/ca-benh/{case.pk}/")

    [f1s, f2s] = response.context["levels"]
    assert f2s.count == 1
    assert [(g.contacts, g.total, g.hidden) for g in f1s.statuses] == [
        (proposed[:2], 3, 1),
        ([confirmed], 1, 0),
        ([], 0, 0),
    ]
    assert f1s.count == 4
    html = response.content.decode()
    assert "Proposed (3)" in html
    assert "The first 2 by name are shown; 1 more is not." in html
    assert "act on all of them" in html
    assert proposed[2].person.full_name not in html.split('id="level-F2"')[0]
    # An F2 found near an F1 the page leaves out still names that F1.
    assert f"(with {proposed[2].person.full_name})" in html

    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/tat-ca/", {"level": "F1", "status": "confirmed"})
    assert Contact.objects.filter(case=case, level="F1", status="confirmed").count() == 4


def test_a_contact_living_outside_the_district_is_shown_without_links_to_pages_refused(
    staff, case, contacts, make_declaration
):
    """The district's staff handle the case; a contact who lives and travelled elsewhere is
    followed up by their own district's staff, whose pages this user may not open."""
    [near] = contacts(1, status="confirmed")
    far_person = make_declaration(
        full_name="Ở Xa",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
    ).person
    Contact.objects.create(case=case, person=far_person, level="F1", status="confirmed", reasons=[])

    html = staff.get(f"/y-te/ca-benh/{case.pk}/").content.decode()

    assert f'href="{near.person.staff_path}"' in html
    assert f'href="/y-te/theo-doi/{near.person.lookup_code}/"' in html
    assert far_person.display_code in html
    assert f'href="{far_person.staff_path}"' not in html
    assert f"/y-te/theo-doi/{far_person.lookup_code}/" not in html
    assert "Followed up where they live" in html
    assert staff.get(f"/y-te/theo-doi/{far_person.lookup_code}/").status_code == 404
    entry = staff.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/").content.decode()
    assert far_person.display_code in entry and f'href="{far_person.staff_path}"' not in entry


def test_district_health_staff_of_another_district_get_404_on_the_case(
    client, other_health_worker, case, contacts
):
    [contact] = contacts(1)
    client.force_login(other_health_worker)
    base = f"/y-te/ca-benh/{case.pk}"

    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/chuoi/").status_code == 404
    assert client.post(f"{base}/de-xuat/").status_code == 404
    assert client.post(f"{base}/de-xuat-f2/").status_code == 404
    decision = {"status": "confirmed"}
    assert client.post(f"{base}/tiep-xuc/{contact.pk}/", decision).status_code == 404
    assert client.post(f"{base}/tiep-xuc/tat-ca/", decision).status_code == 404
    contact.refresh_from_db()
    assert contact.status == "proposed"


def test_provincial_health_staff_see_any_case(client, provincial_health_worker, case):
    client.force_login(provincial_health_worker)

    assert client.get(f"/y-te/ca-benh/{case.pk}/").status_code == 200


def test_viewing_a_case_page_is_written_to_the_audit_log(staff, case, health_worker):
    staff.get(f"/y-te/ca-benh/{case.pk}/")

    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.person) == (health_worker, "view_person", case.person)
    assert entry.person_code == case.person.lookup_code


@pytest.mark.parametrize("how_many", [1, 60])
def test_the_case_page_reads_the_same_number_of_queries_whatever_the_number_of_contacts(
    staff, case, contacts, how_many, django_assert_num_queries
):
    confirmed = contacts(how_many, status="confirmed")
    contacts(how_many, level="F2", via=confirmed[0])

    # user, permissions (2), roles, profile, case, audit, contacts counted then read, which of
    # them the district's staff may open, session (3)
    with django_assert_num_queries(13):
        response = staff.get(f"/y-te/ca-benh/{case.pk}/")

    assert len(response.context["levels"][0].statuses[1].contacts) == how_many


# -- actions ----------------------------------------------------------------------------------


def test_staff_confirm_a_proposed_contact_who_is_then_followed_up(
    staff, case, contacts, health_worker
):
    [contact] = contacts(1)

    response = staff.post(
        f"/y-te/ca-benh/{case.pk}/tiep-xuc/{contact.pk}/", {"status": "confirmed"}
    )

    assert response.url == f"/y-te/ca-benh/{case.pk}/"
    contact.refresh_from_db()
    assert (contact.status, contact.decided_by) == ("confirmed", health_worker)
    assert FollowUp.objects.get(person=contact.person).reason == f"F1 {case.person}"


def test_staff_dismiss_a_proposed_contact_who_is_not_followed_up(staff, case, contacts):
    [contact] = contacts(1)

    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/{contact.pk}/", {"status": "dismissed"})

    contact.refresh_from_db()
    assert contact.status == "dismissed"
    assert not FollowUp.objects.filter(person=contact.person).exists()


def test_a_contact_dismissed_by_mistake_is_confirmed_from_the_dismissed_rows(staff, case, contacts):
    [contact] = contacts(1, status="dismissed")
    page = staff.get(f"/y-te/ca-benh/{case.pk}/").content.decode()
    row = page.split(f'id="contact-{contact.pk}"')[1].split("</tr>")[0]
    assert 'value="confirmed"' in row

    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/{contact.pk}/", {"status": "confirmed"})

    contact.refresh_from_db()
    assert contact.status == "confirmed"
    assert Person.objects.get(pk=contact.person_id).risk_level == "high"
    assert FollowUp.objects.filter(person=contact.person).exists()


def test_a_contact_confirmed_by_mistake_is_dismissed_and_no_longer_at_risk(
    staff, case, contacts, health_worker
):
    [contact] = contacts(1)
    contact_decide(contact=contact, status="confirmed", user=health_worker)
    page = staff.get(f"/y-te/ca-benh/{case.pk}/").content.decode()
    row = page.split(f'id="contact-{contact.pk}"')[1].split("</tr>")[0]
    assert 'value="dismissed"' in row

    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/{contact.pk}/", {"status": "dismissed"})

    contact.refresh_from_db()
    assert contact.status == "dismissed"
    assert Person.objects.get(pk=contact.person_id).risk_level == "none"
    listed = staff.get("/y-te/ca-benh/").context["page"].object_list[0]
    assert listed.f1_confirmed == 0


def test_who_took_each_decision_on_a_contact_stays_in_the_audit_log(
    staff, case, contacts, health_worker, provincial_health_worker
):
    """The contact keeps only its last decision (``decided_by``): who confirmed it by mistake,
    before a colleague of the province dismissed it, is kept in the audit log."""
    from tests.conftest import audit_detail

    [contact] = contacts(1)
    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/{contact.pk}/", {"status": "confirmed"})
    staff.force_login(provincial_health_worker)
    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/{contact.pk}/", {"status": "dismissed"})

    decisions = AuditEntry.objects.filter(action="decide_contact").order_by("at", "pk")
    assert [(e.user, e.person, audit_detail(e)) for e in decisions] == [
        (health_worker, contact.person, f"confirmed as F1 of case {case.pk}"),
        (provincial_health_worker, contact.person, f"dismissed as F1 of case {case.pk}"),
    ]
    contact.refresh_from_db()
    assert contact.decided_by == provincial_health_worker


def test_deciding_on_all_proposed_contacts_is_one_audit_entry_naming_them(
    staff, case, contacts, health_worker
):
    from tests.conftest import audit_detail

    f1s = contacts(3)

    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/tat-ca/", {"status": "confirmed", "level": "F1"})

    [entry] = AuditEntry.objects.filter(action="decide_contact")
    assert (entry.user, audit_detail(entry)) == (
        health_worker,
        f"all proposed F1 of case {case.pk} confirmed: 3",
    )
    assert set(entry.people_shown.split()) == {c.person.lookup_code for c in f1s}


def test_a_contact_is_not_decided_twice_the_same_way(staff, case, contacts):
    [contact] = contacts(1, status="dismissed")

    response = staff.post(
        f"/y-te/ca-benh/{case.pk}/tiep-xuc/{contact.pk}/", {"status": "dismissed"}, follow=True
    )

    assert "This contact is already dismissed." in response.content.decode()


def test_an_f1_with_confirmed_f2s_is_not_dismissed_nor_an_f2_confirmed_without_its_f1(
    staff, case, contacts
):
    [f1] = contacts(1, status="confirmed")
    contacts(1, level="F2", via=f1, status="confirmed")
    [f1_dismissed] = contacts(1, status="dismissed")
    [f2_orphan] = contacts(1, level="F2", via=f1_dismissed)

    response = staff.post(
        f"/y-te/ca-benh/{case.pk}/tiep-xuc/{f1.pk}/", {"status": "dismissed"}, follow=True
    )
    assert "dismiss those F2s first" in response.content.decode()
    response = staff.post(
        f"/y-te/ca-benh/{case.pk}/tiep-xuc/{f2_orphan.pk}/", {"status": "confirmed"}, follow=True
    )
    assert "confirm the F1 first" in response.content.decode()
    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/tat-ca/", {"status": "confirmed", "level": "F2"})

    statuses = dict(Contact.objects.values_list("pk", "status"))
    assert (statuses[f1.pk], statuses[f2_orphan.pk]) == ("confirmed", "proposed")
    chain = staff.get(f"/y-te/ca-benh/{case.pk}/chuoi/").context["tree"]
    assert [len(link.children) for link in chain.children] == [1]  # every confirmed F2 shown


def test_the_buttons_for_all_proposed_ask_first(staff, case, contacts):
    contacts(3)
    html = staff.get(f"/y-te/ca-benh/{case.pk}/").content.decode()
    assert 'data-confirm="Confirm all 3 proposed F1s? They are followed up and at risk."' in html
    assert 'data-confirm="Dismiss all 3 proposed F1s?"' in html


def test_dismissing_a_contact_confirmed_days_ago_recounts_that_day_of_the_report(
    case, contacts, health_worker
):
    from reports.counts import counts_rebuild
    from reports.models import DailyCount

    [contact] = contacts(1, status="confirmed")
    days_ago = timezone.now() - timedelta(days=5)
    Contact.objects.filter(pk=contact.pk).update(decided_at=days_ago)
    contact.refresh_from_db()
    day = timezone.localdate(days_ago)
    counts_rebuild(start=day, end=day)
    assert DailyCount.objects.filter(day=day, measure="new_f1").exists()

    contact_decide(contact=contact, status="dismissed", user=health_worker)

    assert not DailyCount.objects.filter(day=day, measure="new_f1").exists()


def test_a_contact_confirmed_days_ago_reported_again_by_the_team_stays_counted_on_its_day(
    case, contacts, health_worker
):
    """A team's list often names contacts entered before: the report counted them once more,
    on the day of the new report, while the day they were confirmed kept them."""
    from reports.counts import counts_rebuild
    from reports.models import DailyCount

    [contact] = contacts(1, status="confirmed")
    days_ago = timezone.now() - timedelta(days=5)
    Contact.objects.filter(pk=contact.pk).update(decided_at=days_ago, decided_by=health_worker)
    day, today = timezone.localdate(days_ago), timezone.localdate()
    counts_rebuild(start=day, end=today)

    contact_report(
        case=case, person=contact.person, person_values={}, level="F1", user=health_worker
    )
    counts_rebuild(start=today, end=today)

    contact.refresh_from_db()
    assert contact.decided_at == days_ago
    assert DailyCount.objects.filter(day=day, measure="new_f1").exists()
    assert not DailyCount.objects.filter(day=today, measure="new_f1").exists()


def test_an_f2_reported_again_as_f1_is_recounted_as_an_f1_on_its_day(case, contacts, health_worker):
    from reports.counts import counts_rebuild
    from reports.models import DailyCount

    [f1] = contacts(1, status="confirmed")
    [f2] = contacts(1, status="confirmed", level="F2", via=f1)
    days_ago = timezone.now() - timedelta(days=5)
    Contact.objects.filter(pk=f2.pk).update(decided_at=days_ago)
    day = timezone.localdate(days_ago)
    counts_rebuild(start=day, end=day)
    assert DailyCount.objects.filter(day=day, measure="new_f2").exists()

    contact_report(case=case, person=f2.person, person_values={}, level="F1", user=health_worker)

    assert not DailyCount.objects.filter(day=day, measure="new_f2").exists()
    assert DailyCount.objects.filter(day=day, measure="new_f1").exists()


def test_a_contact_of_another_case_is_not_found_through_this_one(
    staff, case, contacts, make_declaration
):
    other = confirm_case(make_declaration(full_name="Ca Khác").person)
    [contact] = contacts(1)

    response = staff.post(
        f"/y-te/ca-benh/{other.pk}/tiep-xuc/{contact.pk}/", {"status": "confirmed"}
    )

    assert response.status_code == 404


def test_staff_confirm_all_the_proposed_f1s_at_once(staff, case, contacts):
    f1s = contacts(3)
    f2s = contacts(2, level="F2", via=f1s[0])

    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/tat-ca/", {"status": "confirmed", "level": "F1"})

    assert {c.status for c in Contact.objects.filter(pk__in=[c.pk for c in f1s])} == {"confirmed"}
    assert {c.status for c in Contact.objects.filter(pk__in=[c.pk for c in f2s])} == {"proposed"}
    assert FollowUp.objects.filter(person__in=[c.person for c in f1s]).count() == 3


def test_staff_dismiss_all_the_proposed_contacts_at_once(staff, case, contacts):
    f1s = contacts(3)

    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/tat-ca/", {"status": "dismissed"})

    assert {c.status for c in Contact.objects.filter(pk__in=[c.pk for c in f1s])} == {"dismissed"}


def test_the_search_buttons_propose_f1s_then_f2s(staff, case, make_declaration):
    on_the_bus = {"transport": "coach", "vehicle_plate": BUS, "travel_date": case.confirmed_on}
    make_declaration(person=case.person, **on_the_bus)
    companion = make_declaration(full_name="Bạn Đồng Hành", **on_the_bus)
    f1 = companion.person
    neighbour = make_declaration(full_name="Người Nhà Của Bạn", residence_address="Số 3 Bản Nà Tăm")
    make_declaration(person=f1, residence_address="Số 3 Bản Nà Tăm")  # the F1 moved in with them

    response = staff.post(f"/y-te/ca-benh/{case.pk}/de-xuat/", follow=True)

    [contact] = Contact.objects.filter(case=case)
    assert (contact.person, contact.level) == (f1, "F1")
    assert "1 new contact proposed." in response.content.decode()
    staff.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/{contact.pk}/", {"status": "confirmed"})

    staff.post(f"/y-te/ca-benh/{case.pk}/de-xuat-f2/")

    f2 = Contact.objects.get(case=case, level="F2")
    assert (f2.person, f2.via) == (neighbour.person, contact)


def test_the_case_page_links_to_entering_importing_and_zoning(
    client, provincial_health_worker, make_declaration
):
    from tracing.services import case_confirm

    person = make_declaration(symptoms=("fever",)).person
    case = case_confirm(
        person=person,
        confirmed_on=person.updated_at.date(),
        how_confirmed="RT-PCR",
        isolated_at="",
        user=provincial_health_worker,
    )
    client.force_login(provincial_health_worker)
    html = client.get(f"/y-te/ca-benh/{case.pk}/").content.decode()
    for path in ("tiep-xuc/them/", "tiep-xuc/nhap/", "khoanh-vung/"):
        assert f"/y-te/ca-benh/{case.pk}/{path}" in html


def test_a_new_case_form_sent_twice_creates_one_person(client, provincial_health_worker):
    from declarations.models import Person
    from tests.conftest import LAI_CHAU, TAM_DUONG, TAM_DUONG_TOWN
    from tracing.models import Case

    client.force_login(provincial_health_worker)
    data = {
        "full_name": "Chưa Khai Báo",
        "birth_year": "1970",
        "sex": "male",
        "phone": "0912000111",
        "id_number": "",
        "residence_province": LAI_CHAU,
        "residence_district": TAM_DUONG,
        "residence_commune": TAM_DUONG_TOWN,
        "residence_address": "1 Phúc Xá",
        "confirmed_on": "2026-11-20",
        "how_confirmed": "RT-PCR",
        "isolated_at": "",
        "form_token": "0b9c8f52-3d6e-4b8a-9f50-6a1a2c3d4e5f",
    }
    first = client.post("/y-te/ca-benh/moi/", data)
    second = client.post("/y-te/ca-benh/moi/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert Person.objects.filter(full_name="Chưa Khai Báo").count() == 1


def test_a_case_confirmed_again_on_another_day_leaves_the_report_of_its_first_day(
    case, health_worker
):
    """The report's stored figures must be what counting the day again gives: the case was
    counted on its first day, as stored, and again on its new one."""
    from reports.counts import counts_rebuild
    from reports.models import DailyCount

    first_day = timezone.localdate() - timedelta(days=6)
    Case.objects.filter(pk=case.pk).update(confirmed_on=first_day)
    counts_rebuild(start=first_day, end=first_day)
    assert DailyCount.objects.filter(day=first_day, measure="new_cases").exists()
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())

    confirm_case(case.person, user=health_worker)  # again, today

    assert not DailyCount.objects.filter(day=first_day, measure="new_cases").exists()


# -- closing a case ---------------------------------------------------------------------------


def test_staff_close_a_case_which_clears_its_follow_up_and_its_risk(staff, case):
    page = staff.get(f"/y-te/ca-benh/{case.pk}/").content.decode()
    assert 'id="case-close"' in page

    response = staff.post(f"/y-te/ca-benh/{case.pk}/dong/", {"note": "Recovered, discharged"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.closed_at is not None
    assert Person.objects.get(pk=case.person_id).risk_level == "none"
    follow_up = FollowUp.objects.get(person=case.person)
    assert follow_up.status == "cleared"
    assert follow_up.events.first().note == "Recovered, discharged"
    page = staff.get(f"/y-te/ca-benh/{case.pk}/").content.decode()
    assert 'id="case-close"' not in page
    assert "This case is closed." in page
    closed = staff.get("/y-te/ca-benh/?trang-thai=dong").context["page"]
    assert [c.pk for c in closed] == [case.pk]


def test_closing_a_case_without_saying_why_shows_the_error_beside_the_field(staff, case):
    response = staff.post(f"/y-te/ca-benh/{case.pk}/dong/", {"note": "  "})

    assert response.status_code == 400
    html = response.content.decode()
    field = html[
        html.index('id="div_id_note"') : html.index("</form>", html.index('id="case-close"'))
    ]
    assert "Say why the case ends." in field
    case.refresh_from_db()
    assert case.closed_at is None


def test_staff_of_another_district_cannot_close_the_case(client, other_health_worker, case):
    client.force_login(other_health_worker)
    response = client.post(f"/y-te/ca-benh/{case.pk}/dong/", {"note": "Recovered"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.closed_at is None


def test_a_closed_case_is_confirmed_again_from_the_new_case_form(staff, case):
    staff.post(f"/y-te/ca-benh/{case.pk}/dong/", {"note": "Recovered"})

    form = staff.get(f"/y-te/ca-benh/moi/?ma={case.person.lookup_code}")
    assert form.status_code == 200
    assert "Confirming them again opens that case again" in form.content.decode()
    staff.post(
        f"/y-te/ca-benh/moi/?ma={case.person.lookup_code}",
        {"confirmed_on": timezone.localdate().isoformat(), "how_confirmed": "RT-PCR again"},
    )

    case.refresh_from_db()
    assert (case.closed_at, case.how_confirmed) == (None, "RT-PCR again")
    assert Person.objects.get(pk=case.person_id).risk_level == "high"


def test_the_follow_up_of_a_case_links_to_it_and_a_positive_test_offers_to_confirm(
    staff, case, citizen, make_declaration
):
    page = staff.get(f"/y-te/theo-doi/{case.person.lookup_code}/").content.decode()
    assert f'href="/y-te/ca-benh/{case.pk}/"' in page
    assert "Choosing Cleared closes the case." in page

    other = make_declaration(full_name="Dương Tính Mới", symptoms=("fever",)).person
    staff.post(f"/y-te/theo-doi/{other.lookup_code}/cap-nhat/", {"status": "positive", "note": "+"})
    page = staff.get(f"/y-te/theo-doi/{other.lookup_code}/").content.decode()
    assert 'id="not-a-case"' in page
    assert f'href="/y-te/ca-benh/moi/?ma={other.lookup_code}"' in page
