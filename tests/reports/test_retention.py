"""Retention: people whose every trace is older than RETENTION_DAYS are purged, unless an open case
or follow-up holds them; the daily counts of the purged days survive."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from checkpoints.models import Passage
from declarations.models import Declaration, Person
from reports import counts
from reports.retention import deletion_date, purge_expired
from tracing.models import Case, Contact, FollowUp, FollowUpEvent, FollowUpStatus

TODAY = dt.date(2021, 7, 15)
NOON = dt.time(12, 0)


def moment(days_ago: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), NOON))


@pytest.fixture
def clock(time_machine):
    """Travel to `days_ago` days before 15/07/2021, noon; clock(0) is today."""

    def travel(days_ago: int):
        time_machine.move_to(moment(days_ago), tick=False)

    travel(0)
    return travel


@pytest.fixture
def declared_long_ago(clock, make_declaration):
    """Declares someone 40 days ago, then comes back to today."""

    def declare(**changes) -> Person:
        clock(40)
        person = make_declaration(**changes).person
        clock(0)
        return person

    return declare


def pass_checkpoint(person, checkpoint, days_ago: int):
    return Passage.objects.create(
        person=person, checkpoint=checkpoint, at=moment(days_ago), direction="in", outcome="ok"
    )


def open_follow_up(person, days_ago: int, status=FollowUpStatus.NEW) -> FollowUp:
    return FollowUp.objects.create(
        person=person, status=status, created_at=moment(days_ago), updated_at=moment(days_ago)
    )


def confirm_case(person, days_ago: int, closed_days_ago: int | None = None) -> Case:
    return Case.objects.create(
        person=person,
        confirmed_on=TODAY - dt.timedelta(days=days_ago),
        how_confirmed="RT-PCR",
        created_at=moment(days_ago),
        closed_at=None if closed_days_ago is None else moment(closed_days_ago),
    )


def add_contact(case, person, days_ago: int) -> Contact:
    return Contact.objects.create(
        case=case, person=person, level="F1", status="confirmed", created_at=moment(days_ago)
    )


def survivors() -> set[str]:
    return set(Person.objects.values_list("full_name", flat=True))


def test_the_purge_removes_exactly_the_people_whose_every_trace_has_expired(
    declared_long_ago, make_declaration, checkpoint, clock
):
    pass_checkpoint(declared_long_ago(full_name="Hết hạn"), checkpoint, days_ago=35)
    declared_long_ago(full_name="Chỉ khai")
    make_declaration(person=declared_long_ago(full_name="Khai lại"), full_name="Khai lại")
    pass_checkpoint(declared_long_ago(full_name="Qua chốt"), checkpoint, days_ago=29)
    clock(29)
    make_declaration(full_name="Ngày cuối")  # day -29: the last day still kept
    clock(30)
    make_declaration(full_name="Quá một ngày")  # day -30: deleted today
    clock(0)

    result = purge_expired()

    assert survivors() == {"Khai lại", "Qua chốt", "Ngày cuối"}
    assert (result.people, result.declarations, result.passages) == (3, 3, 1)
    assert not Passage.objects.filter(person__full_name="Hết hạn").exists()


def test_an_open_follow_up_holds_a_person_and_a_cleared_one_does_not(declared_long_ago):
    open_follow_up(declared_long_ago(full_name="Đang theo dõi"), days_ago=40)
    open_follow_up(
        declared_long_ago(full_name="Đã xong"), days_ago=40, status=FollowUpStatus.CLEARED
    )
    recent_note = open_follow_up(
        declared_long_ago(full_name="Ghi chú mới"), days_ago=40, status=FollowUpStatus.CLEARED
    )
    FollowUpEvent.objects.create(follow_up=recent_note, at=moment(3), note="Gọi lại")

    result = purge_expired()

    assert survivors() == {"Đang theo dõi", "Ghi chú mới"}
    assert result.follow_ups == 1


def test_an_open_case_holds_its_person_and_its_contacts(declared_long_ago):
    case = confirm_case(declared_long_ago(full_name="F0 đang điều trị"), days_ago=40)
    add_contact(case, declared_long_ago(full_name="F1 của ca mở"), days_ago=40)
    closed = confirm_case(declared_long_ago(full_name="F0 đã khỏi"), 40, closed_days_ago=35)
    add_contact(closed, declared_long_ago(full_name="F1 của ca đóng"), days_ago=40)
    recently_closed = confirm_case(declared_long_ago(full_name="F0 mới khỏi"), 40, 5)

    purge_expired()

    assert survivors() == {"F0 đang điều trị", "F1 của ca mở", "F0 mới khỏi"}
    assert set(Case.objects.all()) == {case, recently_closed}
    assert Contact.objects.get().case == case


def test_the_command_prints_what_it_removed_and_a_second_run_removes_nothing(
    declared_long_ago, checkpoint
):
    person = declared_long_ago(full_name="Hết hạn")
    pass_checkpoint(person, checkpoint, days_ago=38)
    open_follow_up(person, days_ago=38, status=FollowUpStatus.CLEARED)
    declared_long_ago(full_name="Cũng hết hạn")

    first, second = io.StringIO(), io.StringIO()
    call_command("purge_expired", stdout=first)
    call_command("purge_expired", stdout=second)

    assert (
        "Removed 2 people, 2 declarations, 1 passages and 1 follow-ups "
        "with no activity since 2021-06-16; forgot 2 names that nobody has any more."
        in first.getvalue()
    )
    assert "Removed 0 people, 0 declarations, 0 passages and 0 follow-ups" in second.getvalue()
    assert "forgot 0 names" in second.getvalue()
    assert not Person.objects.exists()
    assert not Declaration.objects.exists()


def test_retention_days_comes_from_the_settings(declared_long_ago, settings):
    declared_long_ago(full_name="Bốn mươi ngày")
    settings.RETENTION_DAYS = 60
    assert purge_expired().people == 0
    assert purge_expired(retention_days=41).people == 0
    assert purge_expired(retention_days=40).people == 1


def test_audit_entries_stay_when_their_person_is_purged(declared_long_ago, officer):
    from accounts.models import AuditAction, AuditEntry

    person = declared_long_ago()
    AuditEntry.objects.create(
        user=officer, action=AuditAction.VIEW_PERSON, person=person, person_code=person.lookup_code
    )
    purge_expired()
    entry = AuditEntry.objects.get()
    assert (entry.person, entry.person_code) == (None, person.lookup_code)


def audit_entry(user, days_ago: int):
    from accounts.models import AuditAction, AuditEntry

    return AuditEntry.objects.create(
        at=moment(days_ago),
        user=user,
        username=user.username,
        action=AuditAction.SEARCH,
        detail=f"0912345678, {days_ago} days ago",
    )


def test_audit_entries_older_than_their_retention_go_and_the_others_stay(
    clock, officer, settings, monkeypatch
):
    from accounts.models import AuditEntry
    from reports import retention

    settings.AUDIT_RETENTION_DAYS = 90  # its first day kept: 17/04/2021
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)  # three old entries: two batches
    for days_ago in (400, 120, 90, 89, 1):
        audit_entry(officer, days_ago)

    result = purge_expired()

    assert result.audit_entries == 3
    assert timezone.localdate(result.audit_cutoff) == dt.date(2021, 4, 17)
    kept = AuditEntry.objects.order_by("at").values_list("detail", flat=True)
    assert list(kept) == ["0912345678, 89 days ago", "0912345678, 1 days ago"]
    assert purge_expired().audit_entries == 0


def test_a_run_that_keeps_the_data_longer_keeps_the_audit_log_as_long(clock, officer):
    audit_entry(officer, 380)  # AUDIT_RETENTION_DAYS: 365 by default
    assert purge_expired(retention_days=400).audit_entries == 0
    assert purge_expired(retention_days=370).audit_entries == 1


def test_the_command_prints_the_audit_entries_it_removed_and_the_admin_lists_them(
    clock, officer, administrator, client
):
    from reports.models import Purge

    audit_entry(officer, 400)  # AUDIT_RETENTION_DAYS: 365 by default
    audit_entry(officer, 300)
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    assert (
        "Removed 1 audit entries written before 2020-07-16 (AUDIT_RETENTION_DAYS)."
        in out.getvalue()
    )
    assert Purge.objects.get().audit_entries == 1
    client.force_login(administrator)
    page = client.get("/admin/reports/purge/").content.decode()
    assert "nhật ký truy cập 365 ngày" in page


# -- the daily counts survive -------------------------------------------------------------------


@pytest.fixture
def purged_days(declared_long_ago, make_declaration, checkpoint, clock):
    """A month and a half of people: some expired, some held, some recent."""
    first = declared_long_ago(full_name="Hết hạn", symptoms=("fever",))
    FollowUp.objects.filter(person=first).update(status=FollowUpStatus.CLEARED)
    pass_checkpoint(first, checkpoint, days_ago=40)
    pass_checkpoint(first, checkpoint, days_ago=36)
    held = declared_long_ago(full_name="Đang theo dõi")
    pass_checkpoint(held, checkpoint, days_ago=33)
    open_follow_up(held, days_ago=33)
    case = confirm_case(declared_long_ago(full_name="F0 đã khỏi"), 39, closed_days_ago=34)
    add_contact(case, declared_long_ago(full_name="F1"), days_ago=38)
    clock(2)
    make_declaration(full_name="Mới khai")
    clock(0)
    return TODAY - dt.timedelta(days=41), TODAY


def test_the_counts_of_the_purged_days_are_the_same_after_the_purge(purged_days):
    start, end = purged_days
    counts.counts_rebuild(start=start, end=end)
    before = counts.counts_stored(start=start, end=end)

    assert purge_expired().people == 3
    assert counts.counts_stored(start=start, end=end) == before
    assert before["daily"] and before["checkpoints"]


def test_the_purge_stores_the_counts_nobody_stored_yet(purged_days):
    start, last_purged_day = purged_days[0], TODAY - dt.timedelta(days=30)
    before = counts.counts_raw(start=start, end=last_purged_day)

    result = purge_expired()

    assert result.counted_days == (start + dt.timedelta(days=1), last_purged_day)
    assert counts.counts_stored(start=start, end=last_purged_day) == before


def test_a_day_already_stored_is_not_counted_again_when_a_held_person_is_purged(purged_days):
    start, end = purged_days
    counts.counts_rebuild(start=start, end=end)
    purge_expired()
    before = counts.counts_stored(start=start, end=end)

    FollowUp.objects.update(status=FollowUpStatus.CLEARED)
    assert purge_expired().people == 1
    assert counts.counts_stored(start=start, end=end) == before


def test_a_full_rebuild_after_a_purge_leaves_the_purged_days_as_stored(purged_days):
    """``manage.py rebuild_counts`` (every day since the first declaration) after a purge:
    people held by a follow-up keep the first day old, and the days the purge emptied would be
    counted again from what is left."""
    start, end = purged_days
    counts.counts_rebuild(start=start, end=end)
    before = counts.counts_stored(start=start, end=end)
    assert purge_expired().people == 3

    out = io.StringIO()
    call_command("rebuild_counts", stdout=out)

    assert counts.counts_stored(start=start, end=end) == before
    first_kept = TODAY - dt.timedelta(days=29)
    assert f"The days before {first_kept:%Y-%m-%d} were purged" in out.getvalue()
    assert counts.counts_rebuild(start=start, end=first_kept - dt.timedelta(days=1)) == 0


def test_the_days_after_the_purge_are_counted_again_as_usual(purged_days, make_declaration):
    start, end = purged_days
    purge_expired()
    make_declaration(full_name="Khai Hôm Nay")
    counts.counts_rebuild(start=start, end=end)
    assert counts.counts_stored(start=end, end=end) == counts.counts_raw(start=end, end=end)
    assert counts.counts_stored(start=end, end=end)["daily"]


# -- what staff see -----------------------------------------------------------------------------


def test_the_deletion_date_is_the_last_activity_plus_the_retention(
    declared_long_ago, checkpoint, settings
):
    settings.RETENTION_DAYS = 30
    person = declared_long_ago()
    assert deletion_date(person) == TODAY - dt.timedelta(days=10)
    pass_checkpoint(person, checkpoint, days_ago=2)
    assert deletion_date(person) == TODAY + dt.timedelta(days=28)
    open_follow_up(person, days_ago=1)
    assert deletion_date(person) is None


def test_the_person_page_shows_when_the_record_will_be_deleted(
    clock, client, officer, citizen, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(officer)
    html = client.get(f"/c/{citizen.lookup_code}/").content.decode()
    assert "Will be deleted on 14/08/2021" in html

    open_follow_up(citizen, days_ago=0)
    html = client.get(f"/c/{citizen.lookup_code}/").content.decode()
    assert "Kept while under follow-up" in html
