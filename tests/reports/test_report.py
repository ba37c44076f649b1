"""The leaders' report: figures from the stored counts, aggregates only, audited downloads."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditEntry
from declarations.models import Declaration, Person
from reports.counts import counts_changed, counts_refresh
from reports.models import DailyCount
from tests.conftest import TAM_DUONG, TAM_DUONG_TOWN, audit_detail
from tests.reports.test_counts import D0, D1, seed

URL = "/bao-cao/"
RANGE = "?start=2021-06-08&end=2021-06-10"


@pytest.fixture
def seeded(time_machine, checkpoint, other_checkpoint, officer):
    return seed(time_machine, checkpoint, other_checkpoint, officer, refresh=True)


def cells(html: str, row_id: str) -> str:
    return html.split(f'id="{row_id}"', 1)[1].split("</tr>", 1)[0]


def row_of(html: str, label: str) -> str:
    return html.split(f"{label}</th>", 1)[1].split("</tr>", 1)[0]


def forbidden_words(people: list[Person]) -> list[str]:
    words = []
    for person in people:
        words += [person.full_name, person.phone, person.lookup_code, person.display_code]
    return words


def xlsx_text(response) -> str:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(
        " ".join(str(cell) for cell in row if cell is not None)
        for row in workbook.active.iter_rows(values_only=True)
    )


def test_leader_sees_the_stored_figures_by_district_day_and_checkpoint(client, leader, seeded):
    client.force_login(leader)
    html = client.get(URL + RANGE).content.decode()
    tam_duong = row_of(html, "Huyện Tam Đường")
    # declarations, arrivals, on behalf, high, medium, passages in, out, cases, F1, F2, undeclared
    assert "<td>3</td><td>3</td><td>0</td><td>1</td><td>1</td><td>2</td><td>1</td>" in tam_duong
    assert "<td>5</td><td>4</td><td>1</td><td>1</td><td>1</td><td>3</td><td>1</td><td>1</td>" in (
        cells(html, "province-total")
    )
    assert "Chốt Pa So" in html
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]


def test_the_report_survives_the_purge_of_the_raw_data(client, leader, seeded):
    Declaration.objects.all().delete()
    client.force_login(leader)
    html = client.get(URL + "?day=2021-06-10").content.decode()
    assert "<td>2</td><td>2</td><td>0</td><td>0</td><td>1</td><td>3</td>" in cells(
        html, "province-total"
    )


def test_one_day_is_shown_alone(client, leader, seeded):
    client.force_login(leader)
    response = client.get(URL + "?day=2021-06-09")
    assert response.context["report"].start == response.context["report"].end == D1
    assert len(response.context["report"].days) == 1


def test_the_default_is_the_last_14_days(client, leader, seeded):
    client.force_login(leader)
    report = client.get(URL).context["report"]
    assert (report.end, report.day_count) == (D0, 14)


@pytest.mark.parametrize(
    "query",
    [
        "?day=31/02/2021",
        "?start=hôm-qua",
        "?start=2021-06-10&end=2021-06-01",
        "?end=2099-01-01",
        "?start=2019-01-01&end=2021-06-10",
        "?day=99999-01-01",
    ],
)
def test_a_bad_date_shows_an_error_never_a_crash(client, leader, seeded, query):
    client.force_login(leader)
    response = client.get(URL + query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["report"].day_count == 14


def test_a_bad_date_downloads_nothing(client, leader, seeded):
    client.force_login(leader)
    response = client.get(URL + "?day=x&format=csv")
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_leadership_pages_and_downloads_hold_no_name_phone_or_code(client, leader, seeded):
    client.force_login(leader)
    html = client.get(URL + RANGE).content.decode()
    sheet = xlsx_text(client.get(URL + RANGE + "&format=xlsx"))
    table = b"".join(client.get(URL + RANGE + "&format=csv").streaming_content).decode()
    assert "Huyện Tam Đường" in html and "Huyện Tam Đường" in sheet and "Huyện Tam Đường" in table
    for text in (html, sheet, table):
        for word in forbidden_words(seeded["people"]):
            assert word not in text


def test_downloads_hold_the_tables_shown_and_are_audited(client, leader, seeded):
    client.force_login(leader)
    response = client.get(URL + RANGE + "&format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-20210608-20210610.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_label = {row[0]: row[1:] for row in rows if row}
    assert by_label["Huyện Tam Đường"][:3] == ["3", "3", "0"]
    assert by_label["10/06/2021"][:6] == ["2", "2", "0", "0", "1", "3"]
    assert any(row[:3] == ["Chốt Pa So", "1", "0"] for row in rows)
    sheet = xlsx_text(client.get(URL + RANGE + "&format=xlsx"))
    assert "Chốt Pa So 1 0" in sheet
    entries = AuditEntry.objects.filter(action=AuditAction.EXPORT, user=leader)
    assert entries.count() == 2
    assert audit_detail(entries.first()) == "report, 08/06/2021 to 10/06/2021"


def test_a_14_day_report_reads_the_counts_in_three_queries(
    client, leader, seeded, django_assert_num_queries, kept_reports
):
    client.force_login(leader)
    with CaptureQueriesContext(connection) as first:
        assert client.get(URL).status_code == 200
    counts = [
        q["sql"] for q in first if "reports_" in q["sql"] or "declarations_district" in q["sql"]
    ]
    assert len(counts) == 3  # districts, daily counts, checkpoint counts
    # Then the report is kept (reports.counts.report_kept), as are the user's account,
    # permissions and roles (accounts.backends); the session is not written again within the
    # minute.
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert response.status_code == 200
    assert DailyCount.objects.exists()


def test_leaders_and_administrators_may_see_the_report(client, leader, administrator, places):
    for user in (leader, administrator):
        client.force_login(user)
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    "persona", ["officer", "health_worker", "provincial_health_worker", "operator", "outsider"]
)
def test_other_roles_are_refused_the_report(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?format=csv").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, places):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "dang-nhap" in response["Location"]


def test_the_kept_tables_follow_the_counts_and_the_language(
    client, leader, seeded, settings, kept_reports
):
    client.force_login(leader)
    before = client.get(URL + RANGE).content.decode()
    assert "<td>3</td><td>3</td>" in row_of(before, "Huyện Tam Đường")
    count = DailyCount.objects.filter(district__name="Huyện Tam Đường", measure="declarations")
    stored = count.get(day=D0).value
    count.filter(day=D0).update(value=40)  # as the next rebuild would store it
    assert row_of(client.get(URL + RANGE).content.decode(), "Huyện Tam Đường") == row_of(
        before, "Huyện Tam Đường"
    )  # the report is kept until the rebuild says the counts changed
    counts_changed()

    after = client.get(URL + RANGE).content.decode()
    assert row_of(after, "Huyện Tam Đường").startswith(f"<td>{3 - stored + 40}</td><td>3</td>")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL + RANGE).content.decode()
    assert "By district" in english and "Declarations per day" in english


def test_without_a_shared_cache_the_report_shows_a_rebuild_made_elsewhere_at_once(
    client, leader, seeded
):
    """Without Redis, each process has its own cache: the rebuild, run by the timer in another
    process, cannot tell the site's processes that the counts changed. The report is then built
    each time, so a leader never reads the counts of before the last rebuild."""
    client.force_login(leader)
    before = row_of(client.get(URL + RANGE).content.decode(), "Huyện Tam Đường")
    count = DailyCount.objects.filter(district__name="Huyện Tam Đường", measure="declarations")
    stored = count.get(day=D0).value
    count.filter(day=D0).update(value=40)  # as the timer's rebuild stores it, in its process

    after = row_of(client.get(URL + RANGE).content.decode(), "Huyện Tam Đường")
    assert int(cells_of(after)[0]) == int(cells_of(before)[0]) - stored + 40


def test_another_worker_finds_the_tables_kept_in_the_shared_cache(
    client, leader, seeded, monkeypatch
):
    client.force_login(leader)
    first = client.get(URL + RANGE).content.decode()
    caches["fragments"].clear()  # what a worker keeps in its own memory: another worker's is empty

    def not_drawn_again(*args, **kwargs):
        raise AssertionError("the charts were drawn again")

    monkeypatch.setattr("reports.charts.trend_line", not_drawn_again)
    monkeypatch.setattr("reports.charts.bars", not_drawn_again)
    assert client.get(URL + RANGE).content.decode().count("<svg") == first.count("<svg") > 0


def test_a_rebuild_of_the_counts_shows_in_the_kept_report_once_committed(
    client, leader, seeded, make_declaration, django_capture_on_commit_callbacks, kept_reports
):
    client.force_login(leader)
    before = row_of(client.get(URL).content.decode(), "Huyện Tam Đường")
    make_declaration(to_district=TAM_DUONG, to_commune=TAM_DUONG_TOWN)
    with django_capture_on_commit_callbacks(execute=True):
        counts_refresh()
        assert row_of(client.get(URL).content.decode(), "Huyện Tam Đường") == before
    after = row_of(client.get(URL).content.decode(), "Huyện Tam Đường")
    assert int(cells_of(after)[0]) == int(cells_of(before)[0]) + 1


def test_a_renamed_checkpoint_shows_in_the_kept_report_once_committed(
    client, leader, seeded, checkpoint, django_capture_on_commit_callbacks, kept_reports
):
    client.force_login(leader)
    assert checkpoint.name in client.get(URL + RANGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint.name = "Chốt Km 20 QL4D"
        checkpoint.save()
    assert "Chốt Km 20 QL4D" in client.get(URL + RANGE).content.decode()


def cells_of(row: str) -> list[str]:
    return re.findall(r"<td>([^<]*)</td>", row)


def test_the_report_says_when_its_figures_were_counted(
    client, leader, seeded, time_machine, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    # The seed's last refresh ran after its last day's declarations: each day's figures are as
    # of the last count that covered it.
    html = client.get(URL + RANGE).content.decode()
    last = DailyCount.objects.filter(day__range=("2021-06-08", "2021-06-10")).latest("counted_at")
    moment = timezone.localtime(last.counted_at)
    assert f"Số liệu tính đến {moment:%H:%M %d/%m/%Y}" in cells(html, "counted-at")

    time_machine.move_to(moment + timedelta(minutes=5, seconds=3), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        counts_refresh()
    later = timezone.localtime(timezone.now())
    html = client.get(URL).content.decode()
    assert f"Số liệu tính đến {later:%H:%M %d/%m/%Y}" in cells(html, "counted-at")


def test_the_date_boxes_are_drawn_alike_under_their_labels(client, leader, places, settings):
    # In English a short label ("To") sat beside an inline box, the others above theirs.
    client.force_login(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/bao-cao/", {"day": "06/12/2026"}).content.decode()

    for name in ("day", "start", "end"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="date"' in box and 'class="form-control"' in box
        assert f'<label class="form-label d-block" for="id_{name}">' in html
    assert 'value="2026-12-06"' in html  # a day typed day first, shown by the picker


def test_the_risk_columns_say_they_count_people(client, leader, seeded):
    client.force_login(leader)

    html = client.get(URL + RANGE).content.decode()

    assert "<th>Số người nguy cơ cao</th><th>Số người nguy cơ trung bình</th>" in html
    assert "mỗi người chỉ được đếm một lần trong một ngày" in html


def test_the_report_says_where_each_figure_is_counted_and_that_arrivals_are_people(
    client, leader, seeded
):
    """A case who travelled to one district but lives in another is counted where they live: the
    page says so, so that a district's leaders do not look for their case in the wrong row."""
    client.force_login(leader)

    html = client.get(URL + RANGE).content.decode()

    assert "Người từ tỉnh khác đến: mỗi người chỉ được đếm một lần trong một ngày" in html
    assert "ca bệnh, F1, F2 tính ở huyện nơi người đó ở" in html


@pytest.mark.parametrize(
    "query", ["?end=01/01/0001", "?end=05/01/0001&format=csv", "?day=01/01/0001"]
)
def test_a_day_of_year_one_shows_an_error_never_a_crash(client, leader, seeded, query):
    client.force_login(leader)
    response = client.get(URL + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors


def test_a_first_day_still_to_come_is_called_a_day_to_come(client, leader, seeded):
    client.force_login(leader)
    response = client.get(URL + "?start=31/12/2099", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.context["form"].non_field_errors() == [
        "Báo cáo không thể gồm những ngày chưa đến."
    ]
