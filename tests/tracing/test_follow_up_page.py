"""One person's follow-up: who they are, why at risk, the status and its full history, and the
form that changes it. Opening the page opens a missing follow-up and is audited."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.template import Context, Template
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import AuditAction, AuditEntry, StaffProfile
from declarations.models import Declaration, Person, RiskFlag
from declarations.services import risk_flag_add
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, TAM_DUONG, make_staff
from tracing.models import FollowUp, FollowUpEvent, FollowUpStatus
from tracing.services import follow_up_update


@pytest.fixture
def staff(client, health_worker, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(health_worker)
    return client


@pytest.fixture
def at_risk(make_declaration):
    return make_declaration(symptoms=("fever",)).person


def page_of(person) -> str:
    return f"/y-te/theo-doi/{person.lookup_code}/"


def test_the_page_shows_the_person_their_risk_and_latest_declaration(staff, at_risk):
    risk_flag_add(person=at_risk, level="high", reason="Sốt 39 độ", place="Chốt Km 15", user=None)
    response = staff.get(page_of(at_risk))
    html = response.content.decode()
    assert "Lò Văn Minh" in html
    assert at_risk.display_code in html
    assert "Thị trấn Tam Đường, Huyện Tam Đường, Tỉnh Lai Châu" in html
    assert "Symptom: Fever" in html
    assert "Sốt 39 độ" in html
    assert "Quận Ba Đình, Thành phố Hà Nội → Thị trấn Tam Đường, Huyện Tam Đường" in html
    assert response.context["follow_up"].status == FollowUpStatus.NEW


def test_opening_the_page_is_audited(staff, at_risk, health_worker):
    staff.get(page_of(at_risk))
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.person) == (
        health_worker,
        AuditAction.VIEW_PERSON,
        at_risk,
    )


def test_a_person_without_a_follow_up_gets_one_when_the_page_opens(staff, at_risk):
    FollowUp.objects.filter(person=at_risk).delete()
    staff.get(page_of(at_risk))
    assert FollowUp.objects.get(person=at_risk).status == FollowUpStatus.NEW


def test_opening_the_page_of_someone_cleared_does_not_reopen_them(staff, at_risk):
    follow_up_update(follow_up=at_risk.follow_up, user=None, status="cleared")
    staff.get(page_of(at_risk))
    assert FollowUp.objects.get(person=at_risk).status == FollowUpStatus.CLEARED


def test_a_merged_away_code_opens_the_kept_person(staff, at_risk):
    from declarations.models import MergedCode

    MergedCode.objects.create(code="ABCDEFGH", person=at_risk)
    assert staff.get("/y-te/theo-doi/abcd-efgh/").context["person"] == at_risk


def test_changing_status_and_assignee_with_a_note_goes_into_the_history(
    staff, at_risk, health_worker, provincial_health_worker
):
    response = staff.post(
        f"{page_of(at_risk)}cap-nhat/",
        {"status": "home", "assignee": provincial_health_worker.pk, "note": "Cách ly tại nhà"},
    )

    assert response["Location"] == page_of(at_risk)
    follow_up = FollowUp.objects.get(person=at_risk)
    assert (follow_up.status, follow_up.assignee) == ("home", provincial_health_worker)
    event = follow_up.events.get()
    assert (event.user, event.status, event.assignee, event.note) == (
        health_worker,
        "home",
        provincial_health_worker,
        "Cách ly tại nhà",
    )


def test_the_history_is_newest_first_with_who_when_and_what(staff, at_risk, health_worker):
    follow_up = at_risk.follow_up
    follow_up_update(follow_up=follow_up, user=health_worker, status="contacted", note="Gọi lần 1")
    follow_up_update(follow_up=follow_up, user=health_worker, note="Gọi lần 2")
    html = staff.get(page_of(at_risk)).content.decode()
    assert html.index("Gọi lần 2") < html.index("Gọi lần 1")
    assert "<td>health</td>" in html
    assert "<td>Contacted</td>" in html


# The history's rows as the page's template drew them before they were drawn in Python.
TEMPLATE_HISTORY = """{% load i18n %}{% for event in events %}
  <tr><td>{{ event.at|date:"H:i d/m/Y" }}</td><td>{% if event.user %}{{ event.user.get_full_name|default:event.user.username }}{% else %}{% translate "System" %}{% endif %}</td>
  <td>{{ event.get_status_display }}</td><td>{% if event.assignee %}{{ event.assignee.get_full_name|default:event.assignee.username }}{% elif event.unassigned %}{% translate "Nobody (assignment removed)" %}{% endif %}</td><td class="note-cell">{{ event.note|linebreaksbr }}</td></tr>
{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_history_reads_as_the_template_drew_it(
    staff, at_risk, health_worker, settings, language
):
    settings.LANGUAGE_CODE = language
    health_worker.first_name, health_worker.last_name = "<b>Mai</b>", "Lò Thị"
    health_worker.save()
    other = make_staff("yte-2", "health_staff", district_id=TAM_DUONG)
    follow_up = at_risk.follow_up
    follow_up_update(follow_up=follow_up, user=health_worker, status="contacted", assignee=other)
    follow_up_update(follow_up=follow_up, user=other, note="Gọi <i>lần</i> 1\r\nKhông & nghe")
    FollowUpEvent.objects.create(follow_up=follow_up, user=None, status="home", note="")
    follow_up_update(follow_up=follow_up, user=health_worker, unassign=True)
    response = staff.get(page_of(at_risk))

    [body] = re.findall(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    events = response.context["events"]
    with translation.override(language):
        drawn_before = Template(TEMPLATE_HISTORY).render(Context({"events": events}))
    assert parse_html(body) == parse_html(drawn_before)
    assert len(events) >= 4
    assert "&lt;b&gt;Mai&lt;/b&gt; Lò Thị" in body
    assert "Gọi &lt;i&gt;lần&lt;/i&gt; 1<br>Không &amp; nghe" in body


def test_a_note_alone_is_enough(staff, at_risk):
    staff.post(f"{page_of(at_risk)}cap-nhat/", {"status": "new", "note": "Không nghe máy"})
    event = FollowUpEvent.objects.get()
    assert (event.status, event.note) == ("", "Không nghe máy")


def test_a_change_sent_twice_goes_into_the_history_once(staff, at_risk):
    """A double click, or a retry on a slow line: the second sending finds it done."""
    change = {"status": "contacted", "note": "Đã gọi, hẹn lấy mẫu"}
    first = staff.post(f"{page_of(at_risk)}cap-nhat/", change)
    second = staff.post(f"{page_of(at_risk)}cap-nhat/", change)
    assert second.status_code == first.status_code == 302
    event = FollowUpEvent.objects.get()
    assert (event.status, event.note) == ("contacted", "Đã gọi, hẹn lấy mẫu")


def test_the_same_note_written_again_later_is_kept_twice(staff, at_risk, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    staff.post(f"{page_of(at_risk)}cap-nhat/", {"status": "new", "note": "Không nghe máy"})
    time_machine.move_to(timezone.now() + timedelta(minutes=30), tick=False)
    staff.post(f"{page_of(at_risk)}cap-nhat/", {"status": "new", "note": "Không nghe máy"})
    assert FollowUpEvent.objects.count() == 2


def test_a_form_that_changes_nothing_is_refused(staff, at_risk):
    response = staff.post(
        f"{page_of(at_risk)}cap-nhat/", {"status": "new", "note": " "}, follow=True
    )
    assert not FollowUpEvent.objects.exists()
    assert "Change the status or the assignee, or write a note." in response.content.decode()


def test_only_health_staff_can_be_assigned(staff, at_risk, officer):
    staff.post(f"{page_of(at_risk)}cap-nhat/", {"status": "new", "assignee": officer.pk})
    assert FollowUp.objects.get(person=at_risk).assignee is None
    assert not FollowUpEvent.objects.exists()


def test_a_follow_up_is_taken_back_from_its_assignee(
    staff, at_risk, health_worker, provincial_health_worker
):
    follow_up = at_risk.follow_up
    follow_up_update(follow_up=follow_up, user=health_worker, assignee=provincial_health_worker)
    form = staff.get(page_of(at_risk)).content.decode()
    assert '<option value="nobody">Nobody (not assigned)</option>' in form

    response = staff.post(
        f"{page_of(at_risk)}cap-nhat/", {"status": "new", "assignee": "nobody"}, follow=True
    )

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.assignee) == ("new", None)
    event = follow_up.events.first()
    assert (event.user, event.status, event.assignee, event.unassigned) == (
        health_worker,
        "",
        None,
        True,
    )
    assert "Nobody (assignment removed)" in response.content.decode()
    listed = staff.get("/y-te/", {"phu_trach": "none"}).content.decode()
    assert at_risk.display_code in listed  # "Nobody yet" on the risk list finds them again


def test_taking_back_a_follow_up_sent_twice_goes_into_the_history_once(
    staff, at_risk, health_worker
):
    follow_up = at_risk.follow_up
    follow_up_update(follow_up=follow_up, user=health_worker, assignee=health_worker)
    for _ in range(2):
        staff.post(f"{page_of(at_risk)}cap-nhat/", {"status": "new", "assignee": "nobody"})
    assert follow_up.events.filter(unassigned=True).count() == 1
    follow_up_update(follow_up=follow_up, user=health_worker, unassign=True)  # a late retry
    assert follow_up.events.count() == 2  # the assignment, and taking it back


def test_nobody_is_refused_for_a_follow_up_assigned_to_nobody(staff, at_risk):
    response = staff.post(f"{page_of(at_risk)}cap-nhat/", {"status": "new", "assignee": "nobody"})
    assert response.status_code == 400
    assert not FollowUpEvent.objects.exists()


def test_an_overdue_follow_up_says_so(staff, at_risk, health_worker, time_machine):
    assert "OVERDUE" not in staff.get(page_of(at_risk)).content.decode()
    time_machine.move_to(timezone.now() + timedelta(hours=25), tick=False)
    staff.force_login(health_worker)
    html = staff.get(page_of(at_risk)).content.decode()
    assert "OVERDUE: no follow-up for more than 24 hours." in html


def test_a_note_clears_the_overdue(staff, at_risk, health_worker, time_machine):
    time_machine.move_to(timezone.now() + timedelta(hours=25), tick=False)
    staff.force_login(health_worker)
    staff.post(f"{page_of(at_risk)}cap-nhat/", {"status": "new", "note": "Đã gọi"})
    assert "OVERDUE" not in staff.get(page_of(at_risk)).content.decode()


def test_another_districts_staff_can_neither_see_nor_change_the_follow_up(
    client, other_health_worker, at_risk
):
    client.force_login(other_health_worker)
    assert client.get(page_of(at_risk)).status_code == 404
    response = client.post(f"{page_of(at_risk)}cap-nhat/", {"status": "cleared"})
    assert response.status_code == 404
    assert FollowUp.objects.get(person=at_risk).status == FollowUpStatus.NEW


def _forget_kept():
    """The shared cache and this process's copies of its fragments, cleared."""
    caches["default"].clear()
    caches["shared-fragments"].clear()


def test_the_page_costs_the_same_queries_however_long_the_history(
    staff, at_risk, health_worker, django_assert_max_num_queries
):
    follow_up_update(follow_up=at_risk.follow_up, user=health_worker, note="first")
    staff.get(page_of(at_risk))
    _forget_kept()  # both times with the form and the staff's names read again
    with django_assert_max_num_queries(19) as few:  # 4 for why the person is at risk
        staff.get(page_of(at_risk))
    for number in range(20):
        follow_up_update(
            follow_up=at_risk.follow_up,
            user=health_worker,
            assignee=health_worker,
            note=str(number),
        )
    _forget_kept()
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(page_of(at_risk))


def test_the_kept_form_starts_from_each_follow_ups_status_and_assignee(
    staff, at_risk, make_declaration, health_worker
):
    other = make_declaration(full_name="Lò Thị Mai", symptoms=("cough",)).person
    follow_up_update(follow_up=at_risk.follow_up, user=health_worker, status="contacted")
    follow_up_update(follow_up=other.follow_up, user=health_worker, assignee=health_worker)

    def form_of(person) -> str:
        html = staff.get(page_of(person)).content.decode()
        form = html.split("cap-nhat/")[1].split("</form>")[0]
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", form)

    first, second = form_of(at_risk), form_of(other)
    assert '<option value="contacted" selected>' in first
    assert f'<option value="{health_worker.pk}" selected>' not in first
    assert '<option value="new" selected>' in second
    assert f'<option value="{health_worker.pk}" selected>' in second
    with CaptureQueriesContext(connection) as queries:
        assert form_of(at_risk) == first  # kept: the list of assignees is not read again
    assert not [q for q in queries if "auth_user_groups" in q["sql"]]


def test_the_overdue_warning_gives_the_rules_hours(staff, at_risk, monkeypatch):
    monkeypatch.setattr("tracing.risk_views.OVERDUE_AFTER_HOURS", 36)
    FollowUp.objects.filter(person=at_risk).update(updated_at=timezone.now() - timedelta(days=3))
    html = staff.get(page_of(at_risk)).content.decode()
    assert "OVERDUE: no follow-up for more than 36 hours." in html


def is_assignees_query(sql: str) -> bool:
    return sql.startswith('SELECT "auth_user"."id"') and '"auth_user_groups"' in sql


def assignees_in(client, person) -> str:
    html = client.get(page_of(person)).content.decode()
    return html.split('name="assignee"')[1].split("</select>")[0]


def test_the_kept_form_is_kept_for_an_hour(staff, at_risk, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    first = assignees_in(staff, at_risk)
    time_machine.shift(timedelta(minutes=50))
    with CaptureQueriesContext(connection) as queries:
        assert assignees_in(staff, at_risk) == first
    assert not [q for q in queries if is_assignees_query(q["sql"])]


def test_a_health_worker_added_or_renamed_is_in_the_kept_form_at_once(
    staff, at_risk, places, django_capture_on_commit_callbacks
):
    assert "Quàng Văn Thắng" not in assignees_in(staff, at_risk)
    with django_capture_on_commit_callbacks(execute=True):
        colleague = make_staff("health3", "health_staff", district_id=TAM_DUONG)
        colleague.first_name, colleague.last_name = "Quàng Văn", "Thắng"
        colleague.save()
    assert "Quàng Văn Thắng" in assignees_in(staff, at_risk)
    with django_capture_on_commit_callbacks(execute=True):
        colleague.first_name = "Quàng Văn Thắng"
        colleague.last_name = "(Trạm y tế)"
        colleague.save()
    assert "Quàng Văn Thắng (Trạm y tế)" in assignees_in(staff, at_risk)
    with django_capture_on_commit_callbacks(execute=True):  # moved to another district
        profile = StaffProfile.objects.get(user=colleague)
        profile.district_id = LAI_CHAU_CITY
        profile.save()
    assert "Quàng Văn Thắng" not in assignees_in(staff, at_risk)
    with django_capture_on_commit_callbacks(execute=True):
        StaffProfile.objects.get(user=colleague).delete()
        StaffProfile.objects.create(user=colleague, district_id=TAM_DUONG)
    assert "Quàng Văn Thắng" in assignees_in(staff, at_risk)
    with django_capture_on_commit_callbacks(execute=True):
        colleague.is_active = False
        colleague.save()
    assert "Quàng Văn Thắng" not in assignees_in(staff, at_risk)


def test_the_follow_up_is_read_with_the_person(staff, at_risk):
    staff.get(page_of(at_risk))
    with CaptureQueriesContext(connection) as queries:
        assert staff.get(page_of(at_risk)).status_code == 200
    alone = [q["sql"] for q in queries if q["sql"].startswith('SELECT "tracing_followup"."id"')]
    assert alone == []
    # The person's look-up, with their follow-up and case: sent whole, or prepared once per
    # session under its shape's name (PostgreSQL: truyvet.compiled).
    person = next(
        q["sql"] for q in queries if "declarations_person" in q["sql"] or "_by_code" in q["sql"]
    )
    assert '"tracing_followup"' in person or "person_by_code_follow_up_case" in person


def test_another_worker_finds_the_form_kept_in_the_shared_cache(staff, at_risk):
    first = assignees_in(staff, at_risk)
    caches["fragments"].clear()  # what a worker keeps in its own memory: another worker's is empty
    with CaptureQueriesContext(connection) as queries:
        assert assignees_in(staff, at_risk) == first
    assert not [q for q in queries if is_assignees_query(q["sql"])]


def test_the_form_is_built_only_when_it_is_drawn(staff, at_risk, monkeypatch):
    from tracing import risk_views

    built = []

    class CountedForm(risk_views.FollowUpForm):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(risk_views, "FollowUpForm", CountedForm)
    staff.get(page_of(at_risk))
    staff.get(page_of(at_risk))
    assert len(built) == 1  # the second page found the form kept


def test_another_persons_form_draws_only_the_assignee_again(
    staff, at_risk, make_declaration, monkeypatch
):
    """The form's fields are kept one by one: for someone whom other staff may see (another
    assignee list), the status, the note and the confirmation are found kept, and only the
    assignee is drawn again."""
    from tracing import risk_views

    drawn = []

    class CountedForm(risk_views.FollowUpForm):
        def __getitem__(self, name):
            drawn.append(name)
            return super().__getitem__(name)

    monkeypatch.setattr(risk_views, "FollowUpForm", CountedForm)
    make_staff("health-city", "health_staff", district_id=LAI_CHAU_CITY)  # whom only one may have
    elsewhere = make_declaration(
        full_name="Vàng A Dơ",
        phone="0911222333",
        symptoms=("fever",),
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
    ).person
    staff.get(page_of(at_risk))
    drawn.clear()
    html = staff.get(page_of(elsewhere)).content.decode()
    assert set(drawn) == {"assignee"}
    assert 'name="status"' in html and 'name="note"' in html and 'name="confirm_clear"' in html


def test_the_staff_in_the_history_are_read_by_name_only(staff, at_risk, health_worker):
    """Who changed the follow-up, to whom it and its history were assigned, who flagged a risk:
    shown by name, taken from the staff's names that the process keeps, never joined."""
    health_worker.first_name, health_worker.last_name = "Mai", "Lò Thị"
    health_worker.save()
    follow_up = FollowUp.objects.get(person=at_risk)
    follow_up_update(follow_up=follow_up, user=health_worker, assignee=health_worker)
    risk_flag_add(person=at_risk, level="high", reason="Ho", place="Km 15", user=health_worker)

    with CaptureQueriesContext(connection) as queries:
        html = staff.get(page_of(at_risk)).content.decode()
    with CaptureQueriesContext(connection) as again:
        staff.get(page_of(at_risk))

    assert html.count("<td>Mai Lò Thị</td>") == 2  # the history's author and assignee
    assert '<dd class="col-6">Mai Lò Thị</dd>' in html  # the follow-up's assignee
    assert ", Mai Lò Thị)</span>" in html  # the flag's author, by name
    joined = [q["sql"] for q in queries if 'JOIN "auth_user"' in q["sql"]]
    # Only the staff directory's read, by what scopes each worker (tracing.access._health_staff).
    assert [sql for sql in joined if not sql.startswith('SELECT "accounts_staffprofile"')] == []
    [names] = [sql for sql in map(names_only, queries) if sql]
    assert "JOIN" not in names and '"auth_user"."first_name"' in names
    assert not [sql for sql in map(names_only, again) if sql]  # kept by the process


def names_only(query) -> str:
    """The query if it reads accounts without their password hashes (the staff's names)."""
    sql = query["sql"]
    return sql if sql.startswith('SELECT "auth_user"') and "password" not in sql else ""


def test_once_opened_the_page_compiles_none_of_its_queries_for_province_wide_staff(
    client, provincial_health_worker, at_risk, compilations
):
    client.force_login(provincial_health_worker)
    client.get(page_of(at_risk))
    follow_up_update(follow_up=FollowUp.objects.get(person=at_risk), user=None, note="Gọi lần hai")
    compilations.clear()
    html = client.get(page_of(at_risk)).content.decode()
    assert "Gọi lần hai" in html  # the note added since: the kept query reads it
    assert not {Person, Declaration, FollowUpEvent, RiskFlag} & set(compilations)


def test_the_way_back_keeps_the_lists_filters_through_the_page_and_a_change(staff, at_risk):
    listed = "/y-te/?muc=high&trang_thai=new"
    html = staff.get(listed).content.decode()
    link = f"{page_of(at_risk)}?next=%2Fy-te%2F%3Fmuc%3Dhigh%26trang_thai%3Dnew"
    assert link in html

    page = staff.get(page_of(at_risk), {"next": listed})
    assert parse_html(f'<a href="{escape(listed)}" id="back-to-list">← People at risk</a>') in (
        parse_html(page.content.decode())
    )
    response = staff.post(f"{page_of(at_risk)}cap-nhat/", {"status": "contacted", "next": listed})
    assert response.url == f"{page_of(at_risk)}?next=%2Fy-te%2F%3Fmuc%3Dhigh%26trang_thai%3Dnew"
    assert staff.get(response.url).context["back"] == listed


@pytest.mark.parametrize(
    "address",
    ["https://evil.example/y-te/?muc=high", "//evil.example/y-te/", "/admin/", "/y-te/vung-dich/"],
)
def test_the_way_back_leads_only_to_the_risk_list(staff, at_risk, address):
    assert staff.get(page_of(at_risk), {"next": address}).context["back"] == "/y-te/"
    response = staff.post(
        f"{page_of(at_risk)}cap-nhat/", {"status": "new", "note": "Gọi", "next": address}
    )
    assert response.url == page_of(at_risk)


def test_the_follow_up_is_given_only_to_staff_who_can_see_the_person(
    staff, at_risk, health_worker, other_health_worker, provincial_health_worker, facility_worker
):
    offered = assignees_in(staff, at_risk)
    assert f'value="{health_worker.pk}"' in offered
    assert f'value="{provincial_health_worker.pk}"' in offered
    assert f'value="{other_health_worker.pk}"' not in offered  # another district's
    assert f'value="{facility_worker.pk}"' not in offered  # never declared at their hospital

    response = staff.post(
        f"{page_of(at_risk)}cap-nhat/", {"status": "new", "assignee": other_health_worker.pk}
    )

    assert response.status_code == 400
    beside = response.content.decode().split('name="assignee"')[1].split('name="note"')[0]
    assert "Choose a health worker who can see this person" in beside
    assert FollowUp.objects.get(person=at_risk).assignee is None


def test_a_hospitals_staff_are_offered_for_its_visitors(
    staff, make_declaration, facility, facility_worker
):
    visitor = make_declaration(symptoms=("cough",), point=facility.point).person
    assert f'value="{facility_worker.pk}"' in assignees_in(staff, visitor)
