"""The admin's pages of personal data are audited as the staff pages are, and never delete."""

from datetime import UTC, datetime

import pytest

from accounts.models import AuditEntry
from checkpoints.services import passage_record
from declarations.models import Declaration, Person
from tests.conftest import audit_detail


@pytest.fixture
def admin_client(client, administrator):
    administrator.is_superuser = True  # the admin's own pages: every model
    administrator.save()
    client.force_login(administrator)
    return client


def test_searching_and_opening_people_in_the_admin_is_audited(admin_client, citizen):
    admin_client.get("/admin/declarations/person/", {"q": "Minh"})
    admin_client.get(f"/admin/declarations/person/{citizen.pk}/change/")

    search, opened = AuditEntry.objects.order_by("at", "pk")
    assert (search.action, audit_detail(search)) == (
        "search",
        "administration, people: q=Minh",
    )
    assert (opened.action, opened.person, opened.person_code) == (
        "view_person",
        citizen,
        citizen.lookup_code,
    )


def test_declarations_and_passages_in_the_admin_are_audited_with_their_person(
    admin_client, citizen, checkpoint, officer
):
    declaration = citizen.declarations.get()
    passage = passage_record(
        person=citizen, officer=officer, checkpoint=checkpoint, direction="in", outcome="allowed"
    )
    admin_client.get("/admin/checkpoints/passage/")
    admin_client.get(f"/admin/declarations/declaration/{declaration.pk}/change/")
    admin_client.get(f"/admin/checkpoints/passage/{passage.pk}/change/")

    entries = list(AuditEntry.objects.order_by("at", "pk").values_list("action", "person"))
    assert entries == [
        ("view_list", None),
        ("view_person", citizen.pk),
        ("view_person", citizen.pk),
    ]


def test_the_admin_deletes_no_person_declaration_or_passage(admin_client, citizen):
    declaration = citizen.declarations.get()
    for url in (
        f"/admin/declarations/person/{citizen.pk}/delete/",
        f"/admin/declarations/declaration/{declaration.pk}/delete/",
    ):
        assert admin_client.get(url).status_code == 403
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    listing = admin_client.get("/admin/declarations/person/").content.decode()
    assert 'value="delete_selected"' not in listing
    assert Person.objects.filter(pk=citizen.pk).exists()
    assert Declaration.objects.filter(pk=declaration.pk).exists()


def test_a_declaration_in_the_admin_shows_its_answers_in_words(admin_client, make_declaration):
    declaration = make_declaration(symptoms=("fever", "cough"), exposures=("confirmed_case",))
    page = admin_client.get(f"/admin/declarations/declaration/{declaration.pk}/change/")
    html = page.content.decode()
    assert "Sốt, Ho" in html
    assert "Tiếp xúc với ca bệnh xác định COVID-19 (F0)" in html
    assert '["fever"' not in html and "symptom:fever" not in html


def test_the_audit_log_says_what_each_entry_was_about_in_the_readers_language(
    admin_client, provincial_health_worker, officer
):
    from django.test import Client, RequestFactory

    from accounts.audit import audit

    health = Client()
    health.force_login(provincial_health_worker)
    health.get("/y-te/ca-benh/", {"trang-thai": "mo"})
    request = RequestFactory().get("/")
    request.user = officer
    audit(request, "search", detail="lò văn <b>")  # typed: kept as typed
    AuditEntry.objects.create(username="old", action="search", detail="risk list muc=high")

    vietnamese = admin_client.get("/admin/accounts/auditentry/").content.decode()
    admin_client.cookies["django_language"] = "en"
    english = admin_client.get("/admin/accounts/auditentry/")

    assert "danh sách ca bệnh đang mở, trang 1" in vietnamese
    assert "list of open cases, page 1" in english.content.decode()
    assert "lò văn &lt;b&gt;" in vietnamese
    assert "risk list muc=high" in vietnamese  # an entry from before subjects, as it was written
    listed = AuditEntry.objects.get(action="view_list")
    one = admin_client.get(f"/admin/accounts/auditentry/{listed.pk}/change/")
    assert "list of open cases, page 1" in one.content.decode()


def test_an_audit_entrys_title_gives_the_local_time_as_its_field_does(admin_client, citizen):
    entry = AuditEntry.objects.create(
        at=datetime(2026, 12, 6, 2, 51, tzinfo=UTC), username="ytetamduong", action="search"
    )

    page = admin_client.get(f"/admin/accounts/auditentry/{entry.pk}/change/").content.decode()

    assert str(entry) == "09:51 06/12/2026 ytetamduong Tìm kiếm"
    assert "09:51 06/12/2026 ytetamduong" in page
    assert "2026-12-06 02:51" not in page


def test_the_english_admin_lists_times_as_the_vietnamese_one_does(admin_client):
    """Django's English wrote "Dec. 6, 2026, 9:51 a.m." in the admin's lists."""
    AuditEntry.objects.create(
        at=datetime(2026, 12, 6, 2, 51, tzinfo=UTC), username="ytetamduong", action="search"
    )
    admin_client.cookies["django_language"] = "en"

    page = admin_client.get("/admin/accounts/auditentry/").content.decode()

    assert "09:51 06/12/2026" in page
    assert "Dec. 6, 2026" not in page


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("merge_people", "Gộp người khai báo trùng"),
        ("match_contacts", "Đối chiếu người tiếp xúc"),
        ("import_contacts", "Nhập danh sách người tiếp xúc"),
    ],
)
def test_the_audit_logs_filter_offers_merges_matches_and_imports(
    admin_client, administrator, action, label
):
    AuditEntry.objects.create(user=administrator, username="admin", action=action)
    AuditEntry.objects.create(user=administrator, username="admin", action="search")
    page = admin_client.get("/admin/accounts/auditentry/")
    assert label in page.content.decode()
    filtered = admin_client.get("/admin/accounts/auditentry/", {"action__exact": action})
    assert [entry.action for entry in filtered.context["cl"].result_list] == [action]


def test_an_admin_list_of_people_names_those_it_showed(admin_client, make_declaration):
    """As a staff page's entry does: the log searched by a code finds the list that showed it."""
    minh = make_declaration(full_name="Lò Văn Minh").person
    hoa = make_declaration(full_name="Lò Thị Hoa", phone="0912000002").person

    admin_client.get("/admin/declarations/person/", {"q": "Minh"})
    admin_client.get("/admin/declarations/declaration/")

    search, listing = AuditEntry.objects.order_by("at", "pk")
    assert search.people_shown.split() == [minh.lookup_code]
    assert set(listing.people_shown.split()) == {minh.lookup_code, hoa.lookup_code}


def test_passengers_taken_off_a_list_are_audited_in_the_admin_and_never_deleted(
    admin_client, operator, vehicle, make_declaration
):
    """The admin's list of passengers taken off coaches' lists names who travelled: audited as
    the admin's pages of people are, and it deletes none of them."""
    from transport.models import PassengerRemoval

    declaration = make_declaration(
        full_name="Lò Văn Nhầm", point=vehicle.point, transport="coach", vehicle_plate=vehicle.plate
    )
    removal = PassengerRemoval.objects.create(
        vehicle=vehicle,
        day=declaration.travel_date,
        person=declaration.person,
        reason="not_on_board",
        removed_by=operator,
    )

    admin_client.get("/admin/transport/passengerremoval/", {"q": declaration.person.lookup_code})
    admin_client.get(f"/admin/transport/passengerremoval/{removal.pk}/change/")
    deleting = admin_client.get(f"/admin/transport/passengerremoval/{removal.pk}/delete/")

    search, opened = AuditEntry.objects.order_by("at", "pk")
    assert (search.action, search.people_shown) == ("search", declaration.person.lookup_code)
    assert audit_detail(search) == (
        f"administration, passengers taken off lists: q={declaration.person.lookup_code}"
    )
    assert (opened.action, opened.person) == ("view_person", declaration.person)
    assert deleting.status_code == 403


def test_a_persons_history_in_the_admin_is_audited_as_their_page_is(admin_client, citizen):
    """The history's title names the person, and its entries say what was changed."""
    page = admin_client.get(f"/admin/declarations/person/{citizen.pk}/history/")

    assert citizen.full_name in page.content.decode()
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.person, entry.person_code) == (
        "view_person",
        citizen,
        citizen.lookup_code,
    )
    assert audit_detail(entry) == f"administration, people: {citizen.pk}/history/"


def test_the_history_of_a_declaration_a_passage_or_a_removal_is_audited_with_its_person(
    admin_client, citizen, checkpoint, officer, vehicle
):
    from transport.models import PassengerRemoval

    declaration = citizen.declarations.get()
    passage = passage_record(
        person=citizen, officer=officer, checkpoint=checkpoint, direction="in", outcome="allowed"
    )
    removal = PassengerRemoval.objects.create(
        vehicle=vehicle, day=declaration.travel_date, person=citizen, reason="not_on_board"
    )
    AuditEntry.objects.all().delete()  # the passage's own entry

    for path in (
        f"/admin/declarations/declaration/{declaration.pk}/",
        f"/admin/checkpoints/passage/{passage.pk}/",
        f"/admin/transport/passengerremoval/{removal.pk}/",
    ):
        assert admin_client.get(f"{path}history/").status_code == 200

    entries = AuditEntry.objects.order_by("at", "pk")
    assert [(entry.action, entry.person) for entry in entries] == [("view_person", citizen)] * 3
    assert [audit_detail(entry) for entry in entries] == [
        f"administration, declarations: {declaration.pk}/history/",
        f"administration, passages: {passage.pk}/history/",
        f"administration, passengers taken off lists: {removal.pk}/history/",
    ]


def test_the_history_of_no_such_person_shows_nobody_and_writes_no_entry(admin_client, places):
    response = admin_client.get("/admin/declarations/person/999999/history/")

    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_a_checkpoints_delete_page_names_none_of_the_travellers_it_saw(
    admin_client, citizen, checkpoint, officer
):
    """Its passages stop the delete: the page says what kind of rows they are, never whose
    (the admin deletes no passage), so it shows no one's data and writes no entry."""
    passage_record(
        person=citizen, officer=officer, checkpoint=checkpoint, direction="in", outcome="allowed"
    )
    AuditEntry.objects.all().delete()

    page = admin_client.get(f"/admin/checkpoints/checkpoint/{checkpoint.pk}/delete/")

    html = page.content.decode()
    assert page.status_code == 200
    assert citizen.full_name not in html and citizen.display_code not in html
    assert not AuditEntry.objects.exists()
