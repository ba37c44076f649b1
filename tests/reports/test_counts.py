"""The daily counts: kept up to date by the short job, rebuilt exactly, equal to the raw data."""

import uuid
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import OperationalError

from checkpoints.models import BusCheck, Passage
from declarations.models import MadeBy
from declarations.services import declaration_submit
from reports.counts import counts_raw, counts_rebuild, counts_refresh, counts_stored
from reports.models import CheckpointDailyCount, DailyCount
from tests.conftest import (
    BA_DINH,
    HA_NOI,
    LAI_CHAU,
    LAI_CHAU_CITY,
    PHUC_XA,
    QUYET_THANG,
    TAM_DUONG,
    declaration_data,
)
from tracing.models import Case, Contact, ContactStatus
from tracing.services import contact_decide

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
D2, D1, D0 = date(2021, 6, 8), date(2021, 6, 9), date(2021, 6, 10)
FIRST, LAST = D2, D0


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def declare(made_by=MadeBy.SELF, **changes):
    return declaration_submit(data=declaration_data(**changes), token=uuid.uuid4(), made_by=made_by)


def seed(time_machine, checkpoint, other_checkpoint, officer, *, refresh=False) -> dict:
    """Three days of declarations, passages, bus checks, a case and its contacts; with
    ``refresh``, the short job runs after each day as it would in service."""

    def move(moment):
        time_machine.move_to(moment, tick=False)

    def passage(person, where, direction):
        Passage.objects.create(
            person=person, checkpoint=where, direction=direction, outcome="allowed", officer=officer
        )

    move(at(D2, 9))
    high = declare(full_name="Nguyễn Văn Sốt", phone="0911000001", symptoms=("fever",))
    outside = declare(
        full_name="Trần Thị Xa",
        phone="0911000002",
        residence_province=HA_NOI,
        residence_district=BA_DINH,
        residence_commune=PHUC_XA,
    )
    if refresh:
        counts_refresh(days=2)

    move(at(D1, 12))
    passage(high.person, checkpoint, "out")
    BusCheck.objects.create(checkpoint=checkpoint, vehicle_plate="25B01234", undeclared=2)
    case = Case.objects.create(person=high.person, confirmed_on=D1, how_confirmed="RT-PCR")
    move(at(D1, 23, 30))  # late evening: still D1 in Việt Nam, though 16:30 UTC
    behalf = declare(
        made_by=MadeBy.ON_BEHALF,
        full_name="Lò Thị Nhờ",
        phone="0911000003",
        from_province=LAI_CHAU,
        from_district=TAM_DUONG,
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
    )
    f1 = Contact.objects.create(case=case, person=behalf.person, level="F1")
    Contact.objects.create(
        case=case, person=outside.person, level="F2", via=f1, status=ContactStatus.CONFIRMED
    )
    if refresh:
        counts_refresh(days=2)

    move(at(D0, 0, 15))  # just after midnight: D0, though still D1 in UTC
    declare(full_name="Vàng A Ho", phone="0911000004", exposures=("suspected_case",))
    contact_decide(contact=f1, status=ContactStatus.CONFIRMED, user=officer)
    move(at(D0, 10))
    later = declare(
        full_name="Phạm Văn Muộn",
        phone="0911000005",
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
    )
    passage(later.person, checkpoint, "in")
    passage(outside.person, checkpoint, "in")
    passage(later.person, other_checkpoint, "in")
    BusCheck.objects.create(checkpoint=checkpoint, vehicle_plate="25B01234", undeclared=3)
    BusCheck.objects.create(checkpoint=other_checkpoint, vehicle_plate="25B55566", undeclared=0)
    Contact.objects.create(case=case, person=later.person, level="F1")  # proposed: not counted
    if refresh:
        counts_refresh(days=2)
    people = [high.person, outside.person, behalf.person, later.person]
    return {"people": people, "case": case}


EXPECTED = {
    (D2, TAM_DUONG, "declarations"): 2,
    (D2, TAM_DUONG, "arrivals"): 2,
    (D2, TAM_DUONG, "high_risk"): 1,
    (D1, TAM_DUONG, "passages_out"): 1,
    (D1, TAM_DUONG, "undeclared"): 2,
    (D1, TAM_DUONG, "new_cases"): 1,
    (D1, LAI_CHAU_CITY, "declarations"): 1,
    (D1, LAI_CHAU_CITY, "on_behalf"): 1,
    (D1, None, "new_f2"): 1,
    (D0, TAM_DUONG, "declarations"): 1,
    (D0, TAM_DUONG, "arrivals"): 1,
    (D0, TAM_DUONG, "medium_risk"): 1,
    (D0, TAM_DUONG, "passages_in"): 2,
    (D0, TAM_DUONG, "undeclared"): 3,
    (D0, LAI_CHAU_CITY, "declarations"): 1,
    (D0, LAI_CHAU_CITY, "arrivals"): 1,
    (D0, LAI_CHAU_CITY, "new_f1"): 1,
    (D0, "108", "passages_in"): 1,
}


@pytest.fixture
def seeded(time_machine, checkpoint, other_checkpoint, officer):
    return seed(time_machine, checkpoint, other_checkpoint, officer, refresh=True)


def test_raw_counts_follow_local_days_districts_and_measures(seeded, checkpoint, other_checkpoint):
    raw = counts_raw(start=FIRST, end=LAST)
    assert raw["daily"] == EXPECTED
    assert raw["checkpoints"] == {
        (D1, checkpoint.pk, "out"): 1,
        (D0, checkpoint.pk, "in"): 2,
        (D0, other_checkpoint.pk, "in"): 1,
    }


def test_counts_kept_up_to_date_by_the_short_job_equal_the_raw_data(seeded):
    assert counts_stored(start=FIRST, end=LAST) == counts_raw(start=FIRST, end=LAST)


def test_a_full_rebuild_gives_the_same_counts_and_says_how_many_rows(seeded, capsys):
    DailyCount.objects.all().delete()
    CheckpointDailyCount.objects.all().delete()
    call_command("rebuild_counts")
    assert counts_stored(start=FIRST, end=LAST) == counts_raw(start=FIRST, end=LAST)
    assert f"{len(EXPECTED) + 3} counts written for 2021-06-08" in capsys.readouterr().out


def test_rebuilding_some_days_leaves_the_other_days_alone(seeded):
    DailyCount.objects.filter(day=D2).update(value=99)
    written = counts_rebuild(start=D1, end=D0)
    assert written == len([key for key in EXPECTED if key[0] != D2]) + 3
    assert DailyCount.objects.get(day=D2, district=TAM_DUONG, measure="declarations").value == 99


def test_a_rebuild_drops_counts_whose_records_are_gone(seeded):
    Passage.objects.filter(direction="in").delete()
    counts_rebuild(start=D0, end=D0)
    assert not DailyCount.objects.filter(day=D0, measure="passages_in").exists()
    assert not CheckpointDailyCount.objects.filter(day=D0).exists()


def test_the_command_rebuilds_the_last_days_or_since_a_day(seeded, time_machine):
    DailyCount.objects.all().delete()
    call_command("rebuild_counts", "--days", "1")
    assert set(DailyCount.objects.values_list("day", flat=True)) == {D0}
    call_command("rebuild_counts", "--since", "2021-06-09")
    assert set(DailyCount.objects.values_list("day", flat=True)) == {D1, D0}


def test_the_command_refuses_a_bad_day(seeded):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("rebuild_counts", "--since", "09/06/2021")
    assert DailyCount.objects.exists()


def test_the_command_keeps_counting_until_the_process_that_started_it_ends(seeded, monkeypatch):
    """``make run`` starts it beside the demo server, whose report must follow declarations:
    it counts again every so many seconds, goes on after a database error (SQLite busy), and
    stops once the server, its parent, has ended."""
    parents = iter([100, 100, 100, 100, 100, 100, 1])  # the start, then once a second
    monkeypatch.setattr("os.getppid", lambda: next(parents))
    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    rounds = []

    def rebuild(**days):
        rounds.append(days)
        if len(rounds) == 1:
            raise OperationalError("database is locked")
        return 0

    monkeypatch.setattr("reports.management.commands.rebuild_counts.counts_rebuild", rebuild)
    errors = StringIO()

    call_command("rebuild_counts", "--days", "1", "--every", "2", stdout=StringIO(), stderr=errors)

    assert rounds == [{"start": D0, "end": D0}] * 3
    assert "database is locked" in errors.getvalue()


def test_the_command_counts_again_only_the_last_days(seeded):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("rebuild_counts", "--since", "2021-06-09", "--every", "60")


def test_the_risk_columns_count_each_person_once_a_day_at_their_highest_risk(places, time_machine):
    """Sùng Thị Hai declared at medium risk, then at high risk with a fever, the same day: one
    person at high risk, none at medium. Giàng A Ba declared twice at medium: one person."""
    time_machine.move_to(at(D0, 9), tick=False)
    hai = declare(full_name="Sùng Thị Hai", phone="0911000011", exposures=("suspected_case",))
    ba = declare(full_name="Giàng A Ba", phone="0911000012", exposures=("suspected_case",))
    time_machine.move_to(at(D0, 10), tick=False)
    declaration_submit(
        data=declaration_data(full_name="Sùng Thị Hai", phone="0911000011", symptoms=("fever",)),
        token=uuid.uuid4(),
        person=hai.person,
    )
    declaration_submit(
        data=declaration_data(
            full_name="Giàng A Ba", phone="0911000012", exposures=("suspected_case",)
        ),
        token=uuid.uuid4(),
        person=ba.person,
    )

    daily = counts_raw(start=D0, end=D0)["daily"]

    assert daily[(D0, TAM_DUONG, "declarations")] == 4
    assert daily[(D0, TAM_DUONG, "high_risk")] == 1
    assert daily[(D0, TAM_DUONG, "medium_risk")] == 1


def test_arrivals_count_each_person_once_a_day(places, time_machine):
    """Sùng Thị Hai came from another province and updated her declaration the same day: two
    declarations, one arrival. Giàng A Ba came too: two arrivals in all. Lò Văn Nhà, from this
    province, is no arrival."""
    time_machine.move_to(at(D0, 9), tick=False)
    hai = declare(full_name="Sùng Thị Hai", phone="0911000011")
    declare(full_name="Giàng A Ba", phone="0911000012")
    declare(
        full_name="Lò Văn Nhà", phone="0911000013", from_province=LAI_CHAU, from_district=TAM_DUONG
    )
    time_machine.move_to(at(D0, 10), tick=False)
    declaration_submit(
        data=declaration_data(full_name="Sùng Thị Hai", phone="0911000011", symptoms=("fever",)),
        token=uuid.uuid4(),
        person=hai.person,
    )

    daily = counts_raw(start=D0, end=D0)["daily"]

    assert daily[(D0, TAM_DUONG, "declarations")] == 4
    assert daily[(D0, TAM_DUONG, "arrivals")] == 2


def test_the_rebuild_command_recounts_risk_columns_stored_as_declarations(places, time_machine):
    """Counts stored before the risk columns counted people are set right by rebuild_counts."""
    time_machine.move_to(at(D0, 9), tick=False)
    first = declare(full_name="Sùng Thị Hai", phone="0911000011", exposures=("suspected_case",))
    declaration_submit(
        data=declaration_data(full_name="Sùng Thị Hai", phone="0911000011", symptoms=("fever",)),
        token=uuid.uuid4(),
        person=first.person,
    )
    for measure in ("high_risk", "medium_risk"):  # as the old count of declarations stored them
        DailyCount.objects.create(day=D0, district_id=TAM_DUONG, measure=measure, value=1)

    call_command("rebuild_counts", stdout=StringIO())

    stored = counts_stored(start=D0, end=D0)["daily"]
    assert stored[(D0, TAM_DUONG, "high_risk")] == 1
    assert (D0, TAM_DUONG, "medium_risk") not in stored
