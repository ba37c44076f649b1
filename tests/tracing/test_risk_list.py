"""The list of people at risk: newest first, each filter narrows it, overdue people stand out,
every viewing is audited, and the page costs the same queries however many rows."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from accounts.models import AuditAction, AuditEntry
from declarations.models import EpidemicZone, Person
from declarations.services import risk_flag_add, zones_changed
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, TAM_DUONG, audit_detail, confirm_case
from tracing.access import scope_name
from tracing.models import FollowUp, FollowUpStatus
from tracing.risk_views import ROW_VALUES
from tracing.services import follow_up_update
from truyvet import compiled


@pytest.fixture
def staff(client, provincial_health_worker):
    client.force_login(provincial_health_worker)
    return client


@pytest.fixture
def crowd(make_declaration, vehicle, checkpoint, today):
    """Four people at risk, each for a different reason, and one without risk.

    ``fever`` came by coach, ``exposed`` through a checkpoint's QR, ``from_zone`` came from an
    epidemic zone, ``flagged`` was flagged by an officer. Each has the follow-up that becoming at
    risk opened."""
    EpidemicZone.objects.create(place_code="001", place_name="Quận Ba Đình", starts_on=today)
    zones_changed()
    fever = make_declaration(
        full_name="Sốt",
        symptoms=("fever",),
        point=vehicle.point,
        from_province="12",
        from_district=LAI_CHAU_CITY,
    )
    exposed = make_declaration(
        full_name="Tiếp Xúc",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
        exposures=("suspected_case",),
        from_province="12",
        from_district=LAI_CHAU_CITY,
        point=checkpoint.point,
    )
    from_zone = make_declaration(full_name="Về Từ Vùng Dịch", residence_commune="03394")
    flagged = make_declaration(
        full_name="Cờ Đỏ", residence_commune="03400", from_province="12", from_district="105"
    )
    risk_flag_add(person=flagged.person, level="medium", reason="Sốt 38", place="", user=None)
    make_declaration(full_name="Khoẻ", from_province="12", from_district="105")
    people = {
        "fever": fever.person,
        "exposed": exposed.person,
        "from_zone": from_zone.person,
        "flagged": flagged.person,
    }
    # Newest first: fever, exposed, from_zone, flagged, one hour apart.
    now = timezone.now()
    for hours, person in enumerate(people.values()):
        Person.objects.filter(pk=person.pk).update(updated_at=now - timedelta(hours=hours))
    return people


def listed(response) -> list[str]:
    return [row.person.full_name for row in response.context["rows"]]


def test_the_list_shows_people_at_risk_newest_first(staff, crowd):
    assert listed(staff.get("/y-te/")) == ["Sốt", "Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"]


def test_a_row_has_the_code_link_identity_risk_and_follow_up(staff, crowd, health_worker, settings):
    settings.LANGUAGE_CODE = "en"
    fever = crowd["fever"]
    follow_up_update(
        follow_up=fever.follow_up, user=None, status="contacted", assignee=health_worker
    )
    html = staff.get("/y-te/").content.decode()
    assert f'href="{fever.staff_path}">{fever.display_code}</a>' in html
    assert f'href="/y-te/theo-doi/{fever.lookup_code}/?next=%2Fy-te%2F">Sốt</a>' in html
    assert "<td>1990</td><td>0987654321</td><td>Huyện Tam Đường</td>" in html
    assert '<span class="badge risk-high">' in html
    changed = hm(fever.follow_up.updated_at)
    changed_cell = f'<span class="small text-body-secondary text-nowrap">{changed}</span>'
    assert f"<td>Contacted<br>{changed_cell}</td>" in html
    updated = Person.objects.get(pk=fever.pk).updated_at  # as the crowd set it, in the database
    assert f'<td>health</td><td class="text-nowrap">{hm(updated)}</td></tr>' in html


def hm(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"


def test_the_updated_column_is_the_time_the_list_is_ordered_and_filtered_by(staff, crowd):
    """A follow-up changed later than the person (here, the last person's) shows under its
    status, not in the "Updated" column, which stays the person's and runs newest first."""
    follow_up_update(follow_up=crowd["flagged"].follow_up, user=None, status="contacted")
    html = staff.get("/y-te/").content.decode()
    shown = [hm(Person.objects.get(pk=p.pk).updated_at) for p in crowd.values()]
    updated_cells = [f'<td class="text-nowrap">{moment}</td></tr>' for moment in shown]
    assert [html.index(cell) for cell in updated_cells] == sorted(
        html.index(cell) for cell in updated_cells
    )
    flagged_row = html[html.index(">Cờ Đỏ<") :].split("</tr>")[0]
    assert hm(FollowUp.objects.get(person=crowd["flagged"]).updated_at) in flagged_row
    assert flagged_row.endswith(f'<td class="text-nowrap">{shown[-1]}</td>')


def test_someone_at_risk_without_a_follow_up_counts_as_new(staff, crowd):
    FollowUp.objects.filter(person=crowd["exposed"]).delete()  # as loaded before tracing.0003
    rows = {row.person.full_name: row for row in staff.get("/y-te/").context["rows"]}
    assert rows["Tiếp Xúc"].follow_up is None
    assert rows["Tiếp Xúc"].status == FollowUpStatus.NEW.label
    assert rows["Tiếp Xúc"].followed_up_at is None
    assert rows["Tiếp Xúc"].updated_at == Person.objects.get(full_name="Tiếp Xúc").updated_at


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"huyen": LAI_CHAU_CITY}, {"Tiếp Xúc"}),
        ({"huyen": TAM_DUONG}, {"Sốt", "Về Từ Vùng Dịch", "Cờ Đỏ"}),
        ({"xa": "03394"}, {"Về Từ Vùng Dịch"}),
        ({"huyen": TAM_DUONG, "xa": "03400"}, {"Cờ Đỏ"}),
        ({"muc": "high"}, {"Sốt"}),
        ({"muc": "medium"}, {"Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"}),
        ({"ly_do": "symptom"}, {"Sốt"}),
        ({"ly_do": "exposure"}, {"Tiếp Xúc"}),
        ({"ly_do": "zone"}, {"Về Từ Vùng Dịch"}),
        ({"ly_do": "manual"}, {"Cờ Đỏ"}),
        ({"diem": "vehicle"}, {"Sốt"}),
        ({"diem": "checkpoint"}, {"Tiếp Xúc"}),
        ({"diem": "facility"}, set()),
        ({"trang_thai": "contacted"}, {"Sốt"}),
        ({"trang_thai": "new"}, {"Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"}),
        ({"muc": "medium", "huyen": TAM_DUONG, "ly_do": "zone"}, {"Về Từ Vùng Dịch"}),
    ],
)
def test_each_filter_narrows_the_list(staff, crowd, query, expected):
    follow_up_update(follow_up=crowd["fever"].follow_up, user=None, status="contacted")
    assert set(listed(staff.get("/y-te/", query))) == expected


def test_the_date_range_is_of_the_updated_column(staff, crowd, today):
    three_days_ago = timezone.now() - timedelta(days=3)
    Person.objects.filter(pk=crowd["flagged"].pk).update(updated_at=three_days_ago)
    day = timezone.localtime(three_days_ago).date()
    assert listed(staff.get("/y-te/", {"tu_ngay": day, "den_ngay": day})) == ["Cờ Đỏ"]
    assert "Cờ Đỏ" not in listed(staff.get("/y-te/", {"tu_ngay": today}))
    assert listed(staff.get("/y-te/", {"den_ngay": day - timedelta(1)})) == []


def test_a_reason_counts_from_any_declaration_the_risk_rule_counts(
    staff, crowd, make_declaration, health_worker
):
    make_declaration(person=crowd["fever"], full_name="Sốt", exposures=("confirmed_case",))
    make_declaration(person=crowd["exposed"], full_name="Tiếp Xúc")  # the latest: no risk
    assert "Sốt" in listed(staff.get("/y-te/", {"ly_do": "symptom"}))  # yesterday's fever
    assert "Sốt" in listed(staff.get("/y-te/", {"ly_do": "exposure"}))
    assert "Tiếp Xúc" in listed(staff.get("/y-te/", {"ly_do": "exposure"}))

    follow_up_update(
        follow_up=crowd["exposed"].follow_up, user=health_worker, status="cleared"
    )  # the clearing: their declarations so far no longer count
    assert "Tiếp Xúc" not in listed(staff.get("/y-te/", {"ly_do": "exposure"}))


def test_cases_and_confirmed_contacts_are_found_by_their_reason(
    staff, crowd, make_declaration, health_worker
):
    from tracing.models import Contact
    from tracing.services import contact_decide

    case = confirm_case(crowd["flagged"])
    f1 = Contact.objects.create(
        case=case, person=make_declaration(full_name="Gần Ca").person, level="F1"
    )
    f2 = Contact.objects.create(
        case=case, person=make_declaration(full_name="Xa Ca").person, level="F2", via=f1
    )
    Contact.objects.create(
        case=case, person=make_declaration(full_name="Chỉ Đề Xuất").person, level="F1"
    )
    contact_decide(contact=f1, status="confirmed", user=health_worker)
    contact_decide(contact=f2, status="confirmed", user=health_worker)

    assert listed(staff.get("/y-te/", {"ly_do": "case"})) == ["Cờ Đỏ"]
    assert listed(staff.get("/y-te/", {"ly_do": "F1"})) == ["Gần Ca"]
    assert listed(staff.get("/y-te/", {"ly_do": "F2"})) == ["Xa Ca"]


def test_a_cleared_flag_no_longer_counts_as_a_staff_reason(staff, crowd):
    crowd["flagged"].risk_flags.update(cleared_at=timezone.now())
    assert listed(staff.get("/y-te/", {"ly_do": "manual"})) == []


def later(client, user, time_machine, **delta):
    """The time ``delta`` later, logged in again (a staff session lasts an hour)."""
    time_machine.move_to(timezone.now() + timedelta(**delta), tick=False)
    client.force_login(user)


def test_people_not_followed_up_for_24_hours_are_overdue(
    staff, crowd, time_machine, provincial_health_worker, settings
):
    settings.LANGUAGE_CODE = "en"
    later(staff, provincial_health_worker, time_machine, hours=22)
    assert listed(staff.get("/y-te/", {"qua_han": "on"})) == []
    assert "OVERDUE" not in staff.get("/y-te/").content.decode()
    follow_up_update(follow_up=crowd["fever"].follow_up, user=None, note="Đã gọi")

    later(staff, provincial_health_worker, time_machine, hours=2)
    response = staff.get("/y-te/", {"qua_han": "on"})

    # The three others have waited since their follow-ups opened; the fever one was called an
    # hour ago.
    assert listed(response) == ["Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"]
    assert response.content.decode().count("OVERDUE") == 3
    assert [row.overdue for row in staff.get("/y-te/").context["rows"]] == [
        False,
        True,
        True,
        True,
    ]


def test_a_cleared_follow_up_is_never_overdue(staff, crowd, time_machine, provincial_health_worker):
    follow_up_update(follow_up=crowd["flagged"].follow_up, user=None, status="cleared")
    later(staff, provincial_health_worker, time_machine, days=2)
    assert "Cờ Đỏ" not in listed(staff.get("/y-te/", {"qua_han": "on"}))


def test_the_overdue_list_puts_those_who_have_waited_longest_first(staff, crowd):
    now = timezone.now()
    waited = {"fever": 26, "exposed": 30, "from_zone": 50, "flagged": 25}
    for name, hours in waited.items():
        FollowUp.objects.filter(person=crowd[name]).update(updated_at=now - timedelta(hours=hours))
    overdue = ["Về Từ Vùng Dịch", "Tiếp Xúc", "Sốt", "Cờ Đỏ"]
    assert listed(staff.get("/y-te/", {"qua_han": "on"})) == overdue
    assert listed(staff.get("/y-te/")) == ["Sốt", "Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"]


@pytest.mark.parametrize(
    "query",
    [{"huyen": "001"}, {"huyen": TAM_DUONG, "xa": QUYET_THANG}, {"xa": "00001"}, {"muc": "none"}],
)
def test_a_filter_outside_the_choices_is_refused_and_lists_nobody(staff, crowd, query):
    response = staff.get("/y-te/", query)
    assert response.context["form"].errors
    assert "rows" not in response.context
    assert not AuditEntry.objects.exists()


def test_an_end_date_before_the_start_is_refused(staff, crowd, today):
    response = staff.get("/y-te/", {"tu_ngay": today, "den_ngay": today - timedelta(1)})
    assert "den_ngay" in response.context["form"].errors


def test_the_communes_offered_are_those_of_the_district_chosen(staff, crowd):
    form = staff.get("/y-te/", {"huyen": LAI_CHAU_CITY}).context["form"]
    codes = [code for code, _name in form.fields["xa"].choices if code]
    assert QUYET_THANG in codes
    assert "03390" not in codes


def older(response) -> dict:
    """The query of the page's "Older" link (it must have one)."""
    return _link(response, "older", "sau")


def newer(response) -> dict:
    """The query of the page's "Newer" link (it must have one)."""
    return _link(response, "newer", "truoc")


def _link(response, name: str, parameter: str) -> dict:
    position = response.context[name]
    assert position is not None, f'no "{name}" link'
    filters = response.context["filters"]
    href = f'href="?{escape(filters)}&amp;' if filters else 'href="?'
    href += f'{parameter}={position}"'
    assert href in response.content.decode()
    return {**dict(QueryDict(filters).items()), parameter: str(position)}


def test_pages_follow_each_other_without_counting_and_keep_the_filters(staff, crowd, monkeypatch):
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 2)
    first = staff.get("/y-te/", {"muc": "medium"})
    assert listed(first) == ["Tiếp Xúc", "Về Từ Vùng Dịch"]
    assert first.context["newer"] is None
    second = staff.get("/y-te/", older(first))
    assert listed(second) == ["Cờ Đỏ"]
    assert second.context["older"] is None
    back = staff.get("/y-te/", newer(second))
    assert listed(back) == ["Tiếp Xúc", "Về Từ Vùng Dịch"]
    assert back.context["newer"] is None  # back at the top: the first page, as it is now


def test_viewing_the_list_is_audited_with_its_filters(staff, crowd, provincial_health_worker):
    staff.get("/y-te/", {"muc": "high", "huyen": TAM_DUONG, "ly_do": ""})
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action) == (provincial_health_worker, AuditAction.SEARCH)
    assert audit_detail(entry) == f"list of people at risk: huyen={TAM_DUONG}&muc=high"


def test_the_list_opened_without_filters_is_audited_as_a_list_not_a_search(
    staff, crowd, provincial_health_worker
):
    staff.get("/y-te/")
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action) == (provincial_health_worker, AuditAction.VIEW_LIST)


def test_the_lists_audit_entry_names_everyone_it_showed(staff, crowd):
    """So that the audit log searched by a code finds every page that showed that person."""
    staff.get("/y-te/")
    entry = AuditEntry.objects.get()
    assert set(entry.people_shown.split()) == {p.lookup_code for p in crowd.values()}


def test_the_list_costs_the_same_queries_however_many_rows(
    staff, crowd, make_declaration, health_worker, django_assert_max_num_queries
):
    query = {"ly_do": "symptom", "diem": "vehicle", "trang_thai": "new", "qua_han": ""}
    staff.get("/y-te/", query)  # warm the per-process caches (places, permissions)
    with django_assert_max_num_queries(10) as few:
        staff.get("/y-te/", query)
    for number in range(30):
        person = make_declaration(full_name=f"Người {number}", symptoms=("cough",)).person
        follow_up_update(follow_up=person.follow_up, user=None, assignee=health_worker)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff.get("/y-te/")
    assert len(response.context["rows"]) == 34


ROWS_QUERY = 'SELECT "declarations_person"."id" AS "id", '  # not the keys read first


@pytest.mark.parametrize(
    "query", [{}, {"sau": f"{10**16}-1"}, {"huyen": TAM_DUONG, "qua_han": "on"}]
)
def test_the_list_reads_only_what_its_rows_show(staff, crowd, health_worker, query, monkeypatch):
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 2)
    for person in crowd.values():
        follow_up_update(follow_up=person.follow_up, user=None, assignee=health_worker)
    FollowUp.objects.update(updated_at=timezone.now() - timedelta(days=3))  # all overdue
    with CaptureQueriesContext(connection) as queries:
        assert staff.get("/y-te/", query).status_code == 200
    rows = [q["sql"] for q in queries if q["sql"].startswith(ROWS_QUERY)]
    assert rows  # the page's people (read by key for a later page or a district's overdue)
    for sql in rows:
        assert '"declarations_person"."full_name"' in sql
        assert '"declarations_person"."name_folded"' not in sql
        assert '"declarations_person"."id_number"' not in sql
        assert 'JOIN "auth_user"' not in sql  # the assignees' names come from memory
        assert '"auth_user"."password"' not in sql


def test_the_list_says_after_how_many_hours_someone_is_overdue(staff, monkeypatch):
    monkeypatch.setattr("tracing.risk_views.OVERDUE_AFTER_HOURS", 36)
    html = staff.get("/y-te/").content.decode()
    assert "Quá hạn: chưa ai theo dõi người này trong 36 giờ." in html


def test_a_districts_overdue_list_finds_its_page_by_keys_then_reads_it(
    staff, crowd, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 2)
    now = timezone.now()
    waited = {"fever": 26, "exposed": 30, "from_zone": 50, "flagged": 25}
    for name, hours in waited.items():
        FollowUp.objects.filter(person=crowd[name]).update(updated_at=now - timedelta(hours=hours))
    elsewhere = crowd["from_zone"].pk
    Person.objects.exclude(pk=elsewhere).update(residence_district_id=LAI_CHAU_CITY)
    query = {"huyen": LAI_CHAU_CITY, "qua_han": "on"}
    staff.get("/y-te/", query)  # warm the per-process caches (places, permissions)

    with django_assert_max_num_queries(10) as queries:
        first = staff.get("/y-te/", query)
    keys_only = 'SELECT "declarations_person"."id" AS "pk" FROM "declarations_person"'
    assert any(q["sql"].startswith(keys_only) for q in queries.captured_queries)
    second = staff.get("/y-te/", older(first))

    assert listed(first) == ["Tiếp Xúc", "Sốt"]
    assert listed(second) == ["Cờ Đỏ"]
    assert second.context["older"] is None
    assert listed(staff.get("/y-te/", newer(second))) == ["Tiếp Xúc", "Sốt"]


def test_a_later_page_starts_at_its_position_instead_of_skipping_the_pages_before(
    staff, crowd, monkeypatch
):
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 1)
    second = staff.get("/y-te/", older(staff.get("/y-te/")))
    with CaptureQueriesContext(connection) as queries:
        third = staff.get("/y-te/", older(second))
    assert listed(third) == ["Về Từ Vùng Dịch"]
    people = [q["sql"] for q in queries if 'FROM "declarations_person"' in q["sql"]]
    assert people
    assert not any("OFFSET" in sql for sql in people)
    assert listed(staff.get("/y-te/", newer(third))) == ["Tiếp Xúc"]


@pytest.mark.parametrize("query", [{}, {"qua_han": "on"}])
def test_paging_through_a_list_that_changes_shows_nobody_twice_and_skips_nobody(
    staff, crowd, make_declaration, monkeypatch, query
):
    """People at risk are updated all day and move to the top of the list (or, overdue only,
    out of it): the next page goes on from the last person shown, not from a count of rows.
    People of the same time are told apart by their key."""
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 2)
    same_time = timezone.now() - timedelta(days=2)
    FollowUp.objects.update(updated_at=same_time)  # all overdue, all waiting as long
    Person.objects.update(updated_at=same_time)
    first = staff.get("/y-te/", query)
    make_declaration(full_name="Mới Đến", symptoms=("fever",))  # at the top, not overdue
    follow_up_update(follow_up=crowd["fever"].follow_up, user=None, status="contacted")
    rest = []
    page = first
    while page.context["older"]:
        page = staff.get("/y-te/", older(page))
        rest += listed(page)
    shown = listed(first) + rest
    assert len(shown) == len(set(shown))
    assert set(shown) >= {"Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"}


def compiled_from_now(monkeypatch) -> list[str]:
    """The names of the queries compiled from now on (``truyvet.compiled``), none kept yet."""
    monkeypatch.setattr("tracing.risk_views._scope_values", {})
    monkeypatch.setattr(compiled, "_kept", {})
    monkeypatch.setattr(compiled, "_made", {})
    kept = []
    compile_first_time = compiled._compile

    def compile_counted(queryset, name, *args):
        kept.append(name)
        return compile_first_time(queryset, name, *args)

    monkeypatch.setattr(compiled, "_compile", compile_counted)
    return kept


@pytest.mark.parametrize("worker", ["provincial_health_worker", "health_worker"])
@pytest.mark.parametrize(("query", "shape"), [({}, "all"), ({"qua_han": "on"}, "overdue")])
def test_a_scopes_list_is_compiled_once_for_each_start_and_run_with_each_position(
    client, crowd, compilations, monkeypatch, request, time_machine, worker, query, shape
):
    """The whole list of a scope, or its overdue people, runs the SQL compiled the first time
    for each kind of start (the first page, after a position, before one), with each page's
    position and the time that overdue is measured from."""
    FollowUp.objects.update(updated_at=timezone.now() - timedelta(days=2))  # overdue
    almost = FollowUp.objects.filter(person=crowd["exposed"])
    almost.update(updated_at=timezone.now() - timedelta(hours=23, minutes=30))  # in half an hour
    user = request.getfixturevalue(worker)
    client.force_login(user)
    everyone = listed(client.get("/y-te/", query))
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 1)
    kept = compiled_from_now(monkeypatch)
    pages = [client.get("/y-te/", query)]
    while pages[-1].context["older"]:
        pages.append(client.get("/y-te/", older(pages[-1])))
    assert [name for page in pages for name in listed(page)] == everyone
    assert len(everyone) >= 3  # two later pages at least: the second one ran the kept SQL
    assert listed(client.get("/y-te/", newer(pages[-1]))) == [everyone[-2]]
    scope = scope_name(user)
    starts = ("first", "after", "before")
    assert kept == [f"risk_list_{scope}_{shape}_{start}_2" for start in starts]
    assert ("Tiếp Xúc" in everyone) == (shape == "all")
    # An hour later, the overdue are those not followed up for a day from then.
    later(client, user, time_machine, hours=1)
    pages = [client.get("/y-te/", query)]
    while pages[-1].context["older"]:
        pages.append(client.get("/y-te/", older(pages[-1])))
    assert "Tiếp Xúc" in [name for page in pages for name in listed(page)]
    assert len(kept) == 3


@pytest.mark.parametrize("worker", ["provincial_health_worker", "health_worker"])
def test_each_districts_list_is_read_by_the_one_query_compiled_for_it(
    client, crowd, compilations, monkeypatch, request, worker
):
    """The list of a district alone (``?huyen=``) runs the SQL compiled the first time for each
    kind of start, whatever the district: its code is one of the values."""
    user = request.getfixturevalue(worker)
    client.force_login(user)
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 1)
    kept = compiled_from_now(monkeypatch)
    district = {"huyen": TAM_DUONG}
    pages = [client.get("/y-te/", district)]
    while pages[-1].context["older"]:
        pages.append(client.get("/y-te/", older(pages[-1])))
    shown = [name for page in pages for name in listed(page)]
    assert shown == ["Sốt", "Về Từ Vùng Dịch", "Cờ Đỏ"]  # who live there, newest first
    assert listed(client.get("/y-te/", newer(pages[-1]))) == ["Về Từ Vùng Dịch"]
    assert listed(client.get("/y-te/", {"huyen": LAI_CHAU_CITY})) == ["Tiếp Xúc"]
    starts = ("first", "after", "before")
    assert kept == [f"risk_list_{scope_name(user)}_district_{start}_2" for start in starts]


@pytest.mark.parametrize("worker", ["provincial_health_worker", "health_worker"])
def test_each_districts_overdue_list_finds_its_keys_by_the_one_query_compiled_for_it(
    client, crowd, compilations, monkeypatch, request, worker
):
    """The overdue list of a district (``?huyen=&qua_han=``) finds each page's keys by the SQL
    compiled the first time for each kind of start, whatever the district, then reads their
    rows (``tracing.risk_views._kept_keys``)."""
    now = timezone.now()
    waited = {"fever": 30, "from_zone": 50, "flagged": 40, "exposed": 26}
    for name, hours in waited.items():
        FollowUp.objects.filter(person=crowd[name]).update(updated_at=now - timedelta(hours=hours))
    user = request.getfixturevalue(worker)
    client.force_login(user)
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 1)
    kept = compiled_from_now(monkeypatch)
    overdue = {"huyen": TAM_DUONG, "qua_han": "on"}
    pages = [client.get("/y-te/", overdue)]
    while pages[-1].context["older"]:
        pages.append(client.get("/y-te/", older(pages[-1])))
    shown = [name for page in pages for name in listed(page)]
    assert shown == ["Về Từ Vùng Dịch", "Cờ Đỏ", "Sốt"]  # who live there, longest waiting first
    assert listed(client.get("/y-te/", newer(pages[-1]))) == ["Cờ Đỏ"]
    in_the_city = {"huyen": LAI_CHAU_CITY, "qua_han": "on"}
    assert listed(client.get("/y-te/", in_the_city)) == ["Tiếp Xúc"]
    starts = ("first", "after", "before")
    scope = scope_name(user)
    assert kept == [f"risk_list_{scope}_district_overdue_{start}_2_keys" for start in starts]


def test_a_list_with_another_filter_is_compiled_each_time(staff, crowd, compilations, monkeypatch):
    monkeypatch.setattr(compiled, "_kept", {})
    kept = []
    monkeypatch.setattr(compiled, "_compile", lambda _qs, name, *_args: kept.append(name))
    FollowUp.objects.update(updated_at=timezone.now() - timedelta(days=2))  # all overdue
    overdue_medium = {"Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"}
    assert set(listed(staff.get("/y-te/", {"qua_han": "on", "muc": "medium"}))) == overdue_medium
    assert listed(staff.get("/y-te/", {"muc": "high"})) == ["Sốt"]
    assert not [name for name in kept if name.startswith("risk_list")]


def test_an_older_page_left_empty_links_back(staff, crowd, monkeypatch):
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 3)
    last_below = older(staff.get("/y-te/"))
    Person.objects.filter(pk=crowd["flagged"].pk).update(updated_at=timezone.now())  # now on top
    empty = staff.get("/y-te/", last_below)
    assert listed(empty) == []
    assert empty.context["older"] is None
    assert "Không còn ai ở phía sau" in empty.content.decode()
    assert listed(staff.get("/y-te/", newer(empty)))[0] == "Cờ Đỏ"


@pytest.mark.parametrize("parameter", ["sau", "truoc"])
def test_a_position_that_is_not_one_shows_the_first_page(staff, crowd, parameter):
    for text in ("", "abc", "1-", "-5-6", "1" * 40 + "-1", "<b>-1"):
        response = staff.get("/y-te/", {parameter: text})
        assert response.status_code == 200
        assert listed(response) == ["Sốt", "Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"]
        assert response.context["newer"] is None


def test_every_page_of_a_list_shares_its_rendered_filters(staff, crowd, monkeypatch):
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 1)
    fragments = caches["default"]  # shared by the workers: each list's filters are drawn once
    fragments.clear()
    first = staff.get("/y-te/", {"muc": "medium"})
    second = staff.get("/y-te/", older(first))
    staff.get("/y-te/", newer(staff.get("/y-te/", older(second))))
    assert len([key for key in fragments._cache if "risk_filters" in key]) == 1
    staff.get("/y-te/", {"muc": "high"})
    assert len([key for key in fragments._cache if "risk_filters" in key]) == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL plan; CI runs this on PostgreSQL"
)
@pytest.mark.parametrize("query", [{}, {"qua_han": "on"}])
@pytest.mark.django_db(transaction=True)  # committed, to be vacuumed as a server's tables are
def test_a_later_page_starts_its_index_scan_at_its_position(staff, crowd, monkeypatch, query):
    """Page 40 costs what page 1 costs: the scan of the list's index starts at the position,
    instead of walking (and, for a district, checking the scope of) every person before it."""
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 1)
    FollowUp.objects.update(updated_at=timezone.now() - timedelta(days=2))  # all overdue
    second = older(staff.get("/y-te/", query))
    with CaptureQueriesContext(connection) as queries:
        staff.get("/y-te/", second)
    [sql] = [  # the list's query, not the scope's counts (tracing.risk_counts)
        q["sql"]
        for q in queries
        if 'FROM "declarations_person"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    with connection.cursor() as cursor:
        # Vacuumed, the rows are known to be visible, as autovacuum keeps a server's tables
        # (declarations.0018): otherwise an index-only read weighs as much as the table's own
        # index, and which one a handful of rows gets depends on the tests run before.
        for table in ("declarations_person", "tracing_followup"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        # As if the tables were large: no reading them whole, nor sorting them, nor gathering
        # a bitmap of a whole index to find one person.
        settings = ("enable_seqscan", "enable_sort", "enable_incremental_sort", "enable_bitmapscan")
        for setting in settings:
            cursor.execute(f"SET {setting} = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            for setting in settings:
                cursor.execute(f"RESET {setting}")
    index, bound = (
        ("followup_open_waiting", "updated_at >=")
        if query
        else ("person_at_risk_listed", "updated_at <=")
    )
    assert f"using {index}" in plan
    assert f"Index Cond: ({bound}" in plan or f"AND ({bound}" in plan, plan
    if query:  # the overdue people, from the index that holds what the list shows of them
        assert "Index Only Scan using person_at_risk_by_id" in plan, plan
    else:
        assert "Index Only Scan using person_at_risk_listed" in plan, plan


def test_what_the_list_shows_of_a_person_is_held_in_both_of_its_indexes():
    """A column added to the rows (``ROW_VALUES``) but not to the indexes would send every
    row of every page back to the people's table (declarations.0020)."""
    shown = {
        Person._meta.get_field(name).column
        for name in ROW_VALUES
        if not name.startswith("follow_up__")
    }
    indexes = {index.name: index for index in Person._meta.indexes}
    for name in ("person_at_risk_listed", "person_at_risk_by_id"):
        held = [*indexes[name].fields, *indexes[name].include]
        columns = {Person._meta.get_field(field.lstrip("-")).column for field in held}
        assert shown <= columns, (name, shown - columns)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL plan; CI runs this on PostgreSQL"
)
def test_a_communes_list_reads_the_index_of_homes_by_district_and_commune(staff, crowd):
    """A commune is looked up with its district, the first column of the indexes of homes
    (``person_home``) and of a district's people at risk: by the commune alone, PostgreSQL reads
    the whole index of homes (among a million declarations: 17.8 ms against 6.0 for a commune
    of 4,466 people)."""
    with CaptureQueriesContext(connection) as queries:
        response = staff.get("/y-te/", {"huyen": TAM_DUONG, "xa": "03400"})
    assert listed(response) == ["Cờ Đỏ"]
    [sql] = [  # the list's query, not the scope's counts (tracing.risk_counts)
        q["sql"]
        for q in queries
        if 'FROM "declarations_person"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as if the tables were large
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index_conditions = [line for line in plan.splitlines() if "Index Cond:" in line]
    district = f"(residence_district_id)::text = '{TAM_DUONG}'::text"
    assert any(district in line for line in index_conditions), plan


@pytest.mark.parametrize("position", ["9" * 17 + "-" + "9" * 18, "0-0"])
def test_the_farthest_positions_either_way_are_answered(staff, crowd, position):
    after = staff.get("/y-te/", {"sau": position})
    before = staff.get("/y-te/", {"truoc": position})
    assert after.status_code == before.status_code == 200
    everyone = ["Sốt", "Tiếp Xúc", "Về Từ Vùng Dịch", "Cờ Đỏ"]
    assert listed(after) == (everyone if position.startswith("9") else [])
    assert listed(before) == everyone  # fewer than a page before it: the first page


def test_the_list_shows_those_assigned_to_me_or_to_nobody(
    staff, crowd, provincial_health_worker, health_worker
):
    follow_up_update(
        follow_up=crowd["fever"].follow_up, user=None, assignee=provincial_health_worker
    )
    follow_up_update(follow_up=crowd["exposed"].follow_up, user=None, assignee=health_worker)
    assert listed(staff.get("/y-te/", {"phu_trach": "me"})) == ["Sốt"]
    assert "Sốt" not in listed(staff.get("/y-te/", {"phu_trach": "none"}))
    assert "Tiếp Xúc" not in listed(staff.get("/y-te/", {"phu_trach": "none"}))
    assert "Cờ Đỏ" in listed(staff.get("/y-te/", {"phu_trach": "none"}))


def test_the_list_says_how_many_are_at_risk_overdue_and_not_contacted_in_the_scope(
    staff, crowd, client, health_worker, time_machine, provincial_health_worker, settings
):
    from django.core.cache import cache

    settings.LANGUAGE_CODE = "en"
    later(staff, provincial_health_worker, time_machine, hours=25)
    follow_up_update(follow_up=crowd["fever"].follow_up, user=None, status="contacted")
    cache.clear()

    counts = staff.get("/y-te/", {"muc": "high"}).context["counts"]  # the scope, not the filter

    assert (counts["at_risk"], counts["overdue"], counts["new"]) == (4, 3, 3)
    page = staff.get("/y-te/").content.decode()
    assert "<strong>4</strong> people at risk" in page
    assert '<a href="?qua_han=on"><strong>3</strong> overdue</a>' in page

    client.force_login(health_worker)  # a district's staff count their own scope, kept apart
    district = client.get("/y-te/").context["counts"]
    assert district["at_risk"] == len(listed(client.get("/y-te/")))
    assert cache.get(f"risk-counts:d{health_worker.staff_profile.district_id}_pNone") == district
    assert cache.get("risk-counts:province")["at_risk"] == 4


def test_a_date_typed_day_first_in_the_address_shows_in_the_picker(staff, crowd):
    """The picker shows nothing for 06/12/2026: the filter applied while the field looked
    empty."""
    today = timezone.localdate()
    html = staff.get("/y-te/", {"tu_ngay": f"{today:%d/%m/%Y}"}).content.decode()
    assert f'value="{today:%Y-%m-%d}"' in html
    bad = staff.get("/y-te/", {"tu_ngay": "abc"}).content.decode()
    assert 'aria-describedby="id_tu_ngay_error"' in bad and 'id="id_tu_ngay_error"' in bad


def test_counts_older_than_a_minute_are_shown_and_counted_again_after_the_answer(
    staff, crowd, time_machine, provincial_health_worker
):
    """The page never waits for its scope's counts once they are kept: it shows the kept ones
    and counts again once its answer has been sent (the test client sends ``request_finished``
    as a server does)."""
    first = staff.get("/y-te/").context["counts"]
    Person.objects.filter(pk=crowd["fever"].pk).update(risk_level="none")
    assert staff.get("/y-te/").context["counts"] == first  # within the minute: kept

    later(staff, provincial_health_worker, time_machine, seconds=61)
    shown = staff.get("/y-te/").context["counts"]
    assert shown == first  # the page showed what was kept
    counted = caches["default"].get("risk-counts:province")  # and counted again after it
    assert (counted["at_risk"], counted["counted_at"]) == (3, timezone.now())
    assert staff.get("/y-te/").context["counts"] == counted


def test_while_one_worker_counts_again_the_others_show_the_kept_counts(
    staff, crowd, time_machine, provincial_health_worker
):
    first = staff.get("/y-te/").context["counts"]
    Person.objects.filter(pk=crowd["fever"].pk).update(risk_level="none")
    later(staff, provincial_health_worker, time_machine, seconds=61)
    caches["default"].add("risk-counts:province:counting", 1, 60)  # another worker counts

    assert staff.get("/y-te/").context["counts"] == first
    assert caches["default"].get("risk-counts:province") == first

    caches["default"].delete("risk-counts:province:counting")  # that worker stopped
    staff.get("/y-te/")
    assert caches["default"].get("risk-counts:province")["at_risk"] == 3


def test_counts_nobody_asked_for_in_a_quarter_of_an_hour_are_counted_on_the_page(
    staff, crowd, time_machine, provincial_health_worker
):
    staff.get("/y-te/")
    Person.objects.filter(pk=crowd["fever"].pk).update(risk_level="none")
    later(staff, provincial_health_worker, time_machine, minutes=16)
    caches["default"].delete("risk-counts:province")  # as the cache's timeout does

    assert staff.get("/y-te/").context["counts"]["at_risk"] == 3


def test_a_worker_keeps_the_counts_it_read_for_a_minute_then_reads_what_another_counted(
    staff, crowd, time_machine, provincial_health_worker
):
    """Within the minute the counts are taken from the process's memory, not from the shared
    cache; then from the shared cache, where another worker may have counted since."""
    first = staff.get("/y-te/").context["counts"]
    later(staff, provincial_health_worker, time_machine, seconds=30)
    elsewhere = {**first, "at_risk": 99, "counted_at": timezone.now()}  # another worker counted
    caches["default"].set("risk-counts:province", elsewhere, 15 * 60)

    assert staff.get("/y-te/").context["counts"] == first

    later(staff, provincial_health_worker, time_machine, seconds=31)
    assert staff.get("/y-te/").context["counts"] == elsewhere
    assert caches["default"].get("risk-counts:province") == elsewhere  # half a minute old: kept


def test_a_district_memory_does_not_know_is_read_from_the_database(staff, crowd, monkeypatch):
    class Forgetful:
        def instance(self, code):
            return None

    monkeypatch.setattr("tracing.risk_views.place_tree", Forgetful)
    rows = staff.get("/y-te/").context["rows"]
    assert {str(row.person.residence_district) for row in rows} == {
        str(person.residence_district) for person in crowd.values()
    }
