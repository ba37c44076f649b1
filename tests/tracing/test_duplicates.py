"""The same human under several codes: listed for health staff, merged into one person."""

import pytest

from accounts.models import AuditAction, AuditEntry
from checkpoints.services import passage_record
from declarations.models import Declaration, MergedCode, Person, RiskFlag
from declarations.risk import RiskLevel
from declarations.services import risk_flag_add
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, audit_detail, confirm_case
from tracing.duplicates import people_merge
from tracing.models import (
    Case,
    Contact,
    ContactLevel,
    ContactStatus,
    FollowUp,
    FollowUpEvent,
    FollowUpStatus,
)
from tracing.services import case_confirm, follow_up_open, follow_up_update


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def twins(make_declaration):
    """Lò Văn Minh of Tam Đường, who declared twice without his code: two people, two codes."""
    first = make_declaration(id_number="012190000111").person
    second = make_declaration(full_name="Lo Van Minh", id_number="012190000111").person
    return first, second


def merge(client, keep, *others, rule="cccd"):
    data = {"keep": keep.lookup_code, "merge": [p.lookup_code for p in (keep, *others)]}
    return client.post("/y-te/trung-lap/gop/", data | {"rule": rule})


# -- the list ------------------------------------------------------------------------------------


def test_people_with_the_same_id_number_are_listed_together(
    client, health_worker, twins, make_declaration
):
    make_declaration(full_name="Someone Else", id_number="012190000999", phone="0911000999")
    client.force_login(health_worker)
    response = client.get("/y-te/trung-lap/")
    groups = response.context["groups"]
    assert [{p.pk for p in g.people} for g in groups] == [{p.pk for p in twins}]
    assert twins[1].display_code in response.content.decode()


def test_people_with_the_same_phone_name_and_year_are_listed_together(
    client, health_worker, make_declaration
):
    first = make_declaration(full_name="Trần Thị Bình", birth_year=1985, phone="0911111111")
    second = make_declaration(full_name="TRAN THI BINH", birth_year=1985, phone="0911111111")
    make_declaration(full_name="Trần Văn Bình", birth_year=1985, phone="0911111111")
    client.force_login(health_worker)
    groups = client.get("/y-te/trung-lap/?theo=sdt").context["groups"]
    assert [{p.pk for p in g.people} for g in groups] == [{first.person.pk, second.person.pk}]


def test_the_lists_audit_entry_names_everyone_it_showed(client, health_worker, twins):
    """So that the audit log searched by a code finds every page that showed that person."""
    client.force_login(health_worker)
    client.get("/y-te/trung-lap/")
    entry = AuditEntry.objects.get()
    assert set(entry.people_shown.split()) == {p.lookup_code for p in twins}


def test_health_staff_see_only_the_duplicates_of_their_district(client, other_health_worker, twins):
    client.force_login(other_health_worker)
    assert client.get("/y-te/trung-lap/").context["groups"] == []


def test_the_list_takes_a_fixed_number_of_queries(
    client, health_worker, make_declaration, django_assert_max_num_queries
):
    for number in range(6):
        for _copy in range(3):
            make_declaration(full_name=f"Người {number}", id_number=f"01219000010{number}")
    client.force_login(health_worker)
    with django_assert_max_num_queries(12):
        response = client.get("/y-te/trung-lap/")
    assert len(response.context["groups"]) == 6


# -- merging -------------------------------------------------------------------------------------


def test_a_merge_keeps_every_record_of_both_people(
    client, health_worker, officer, checkpoint, twins, make_declaration
):
    keep, other = twins
    make_declaration(person=other, symptoms=("fever",))
    passage_record(
        person=other, checkpoint=checkpoint, officer=officer, direction="in", outcome="allowed"
    )
    risk_flag_add(person=other, level="high", reason="Sốt 39 độ", place="Chốt", user=officer)
    follow_up_update(follow_up=other.follow_up, user=health_worker, status="home", note="Cách ly")
    follow_up_update(follow_up=follow_up_open(person=keep), user=health_worker, note="Đã gọi")
    case = confirm_case(make_declaration(full_name="Vàng A Páo", phone="0911000555").person)
    Contact.objects.create(case=case, person=other, level=ContactLevel.F1)
    events = FollowUpEvent.objects.filter(follow_up__person__in=twins).count()
    declarations = Declaration.objects.filter(person__in=twins).count()

    client.force_login(health_worker)
    response = merge(client, keep, other)

    assert response.status_code == 302
    assert not Person.objects.filter(pk=other.pk).exists()
    assert keep.declarations.count() == declarations == 3
    assert keep.passages.count() == 1
    assert RiskFlag.objects.get().person == keep
    assert Contact.objects.get().person == keep
    follow_up = FollowUp.objects.get(person=keep)
    assert follow_up.status == FollowUpStatus.ISOLATING_HOME
    assert events == 2
    assert follow_up.events.count() == 3  # both histories, and a note of the merge
    assert MergedCode.objects.get(code=other.lookup_code).person == keep
    keep.refresh_from_db()
    assert keep.risk_level == RiskLevel.HIGH


def test_a_merge_is_audited_as_a_merge_naming_the_codes_merged(client, health_worker, twins):
    keep, other = twins
    client.force_login(health_worker)
    merge(client, keep, other)
    merge(client, keep, other)  # sent twice: the other code now leads to the kept person
    [entry] = AuditEntry.objects.filter(action=AuditAction.MERGE_PEOPLE)
    assert (entry.user, entry.person, audit_detail(entry)) == (
        health_worker,
        keep,
        f"merged into this person: {other.lookup_code}",
    )


def test_both_codes_work_after_a_merge(client, officer, health_worker, twins):
    keep, other = twins
    client.force_login(health_worker)
    merge(client, keep, other)
    client.logout()

    looked_up = client.post(
        "/tra-cuu/", {"code": other.display_code, "phone_last4": keep.phone[-4:]}
    )
    assert looked_up.status_code == 302
    assert client.get(looked_up["Location"]).context["person"] == keep

    client.force_login(officer)
    for code in (keep.lookup_code, other.lookup_code):
        response = client.get(f"/c/{code}/")
        assert response.status_code == 200
        assert response.context["person"] == keep


def test_a_merged_code_opens_with_its_own_phone_and_the_kept_code_does_not(
    client, make_declaration
):
    keep = make_declaration(id_number="012190000111", phone="0912345678").person
    other = make_declaration(id_number="012190000111", phone="0387654321").person
    people_merge(keep=keep, merge=other, user=None)

    def looked_up(code, phone):
        client.cookies.clear()
        response = client.post("/tra-cuu/", {"code": code, "phone_last4": phone[-4:]})
        return response.status_code == 302

    assert looked_up(other.display_code, "0387654321")  # the phone its owner declared with
    assert looked_up(other.display_code, "0912345678")  # and the person's now
    assert looked_up(keep.display_code, "0912345678")
    assert not looked_up(keep.display_code, "0387654321")


def test_the_person_to_keep_is_chosen_and_any_group_member_is_merged(
    client, health_worker, twins, make_declaration
):
    third = make_declaration(full_name="Lò  Văn  Minh", id_number="012190000111").person
    keep, other = twins
    client.force_login(health_worker)
    merge(client, other, keep, third)
    assert list(Person.objects.filter(id_number="012190000111")) == [other]
    assert MergedCode.objects.filter(person=other).count() == 2


def test_people_who_are_not_duplicates_are_not_merged(
    client, health_worker, twins, make_declaration
):
    stranger = make_declaration(full_name="Vàng A Páo", phone="0911000555").person
    client.force_login(health_worker)
    response = merge(client, twins[0], stranger)
    assert response.status_code == 302
    assert Person.objects.filter(pk=stranger.pk).exists()
    assert not MergedCode.objects.exists()


def test_health_staff_of_another_district_cannot_merge(client, other_health_worker, twins):
    client.force_login(other_health_worker)
    assert merge(client, *twins).status_code == 404
    assert Person.objects.filter(pk__in=[p.pk for p in twins]).count() == 2


def test_a_checkpoint_officer_may_not_see_the_duplicates(client, officer, twins):
    client.force_login(officer)
    assert client.get("/y-te/trung-lap/").status_code == 403


def test_two_cases_of_one_human_become_one_case_with_every_contact(make_declaration, twins, today):
    keep, other = twins
    shared = make_declaration(full_name="Vàng A Páo", phone="0911000555").person
    only_first = make_declaration(full_name="Giàng Thị Mỷ", phone="0911000666").person
    only_second = make_declaration(full_name="Sần Văn Lả", phone="0911000777").person
    earlier = today.replace(day=1) if today.day > 1 else today
    first = case_confirm(
        person=keep, confirmed_on=today, how_confirmed="A", isolated_at="", user=None
    )
    second = case_confirm(
        person=other, confirmed_on=earlier, how_confirmed="B", isolated_at="", user=None
    )
    Contact.objects.create(case=first, person=shared, level=ContactLevel.F1)
    f1 = Contact.objects.create(
        case=second, person=shared, level=ContactLevel.F1, status=ContactStatus.CONFIRMED
    )
    Contact.objects.create(case=first, person=only_first, level=ContactLevel.F1)
    Contact.objects.create(case=second, person=only_second, level=ContactLevel.F2, via=f1)

    people_merge(keep=keep, merge=other, user=None)

    case = Case.objects.get()
    assert case.person == keep and case.confirmed_on == earlier
    contacts = {c.person: c for c in case.contacts.select_related("via")}
    assert set(contacts) == {shared, only_first, only_second}
    assert contacts[shared].status == ContactStatus.CONFIRMED
    assert contacts[only_second].via == contacts[shared]


def test_a_contact_who_was_the_case_under_another_code_is_removed_and_their_f2s_become_f1s(
    make_declaration, twins
):
    keep, other = twins
    case = confirm_case(keep)
    via_self = Contact.objects.create(case=case, person=other, level=ContactLevel.F1)
    friend = make_declaration(full_name="Vàng A Páo", phone="0911000555").person
    Contact.objects.create(case=case, person=friend, level=ContactLevel.F2, via=via_self)

    people_merge(keep=keep, merge=other, user=None)

    contact = Contact.objects.get()
    assert (contact.person, contact.level, contact.via) == (friend, ContactLevel.F1, None)


def test_of_two_follow_ups_the_open_one_stays(twins, health_worker):
    keep, other = twins
    cleared = follow_up_open(person=keep)
    follow_up_update(follow_up=cleared, user=health_worker, status=FollowUpStatus.CLEARED)
    follow_up_open(person=other)
    people_merge(keep=keep, merge=other, user=health_worker)
    assert FollowUp.objects.get(person=keep).status == FollowUpStatus.NEW


def test_the_kept_person_takes_the_missing_details_of_the_other(make_declaration, places):
    keep = make_declaration(phone="0911000888").person
    Person.objects.filter(pk=keep.pk).update(id_number="")
    other = make_declaration(phone="0911000888", id_number="012190000222").person
    Person.objects.filter(pk=other.pk).update(
        residence_district_id=LAI_CHAU_CITY, residence_commune_id=QUYET_THANG
    )
    keep = people_merge(keep=Person.objects.get(pk=keep.pk), merge=other, user=None)
    assert keep.id_number == "012190000222"
    assert keep.residence_commune_id != QUYET_THANG  # the kept person's own address stays


def test_the_groups_come_a_page_at_a_time(client, health_worker, make_declaration, monkeypatch):
    monkeypatch.setattr("tracing.people_views.GROUPS_PER_PAGE", 2)
    for number in range(3):
        for _copy in range(2):
            make_declaration(full_name=f"Người {number}", id_number=f"01219000010{number}")
    client.force_login(health_worker)
    first = client.get("/y-te/trung-lap/")
    assert (len(first.context["groups"]), first.context["has_next"]) == (2, True)
    second = client.get("/y-te/trung-lap/?page=2")
    assert (len(second.context["groups"]), second.context["has_next"]) == (1, False)


def test_ticking_only_the_person_kept_merges_nobody(client, health_worker, twins):
    client.force_login(health_worker)
    data = {"keep": twins[0].lookup_code, "merge": [twins[0].lookup_code], "rule": "cccd"}
    response = client.post("/y-te/trung-lap/gop/", data, follow=True)
    assert "Tick at least one other person" in response.content.decode()
    assert Person.objects.filter(pk=twins[1].pk).exists()
