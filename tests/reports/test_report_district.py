"""The report of one district: its days, chart, totals and downloads; the table of every district
still shown, with the district chosen picked out."""

import csv
import io

import pytest

from accounts.models import AuditAction, AuditEntry
from reports.counts import counts_changed
from reports.models import DailyCount
from tests.conftest import BA_DINH, LAI_CHAU_CITY, TAM_DUONG, audit_detail
from tests.reports.test_counts import D0, D2, seed
from tests.reports.test_report import RANGE, URL, cells, xlsx_text

ERROR = "Chọn một quận / huyện thuộc tỉnh này."


@pytest.fixture
def seeded(time_machine, checkpoint, other_checkpoint, officer):
    """Three days' figures in two districts: Tam Đường and the city of Lai Châu."""
    return seed(time_machine, checkpoint, other_checkpoint, officer, refresh=True)


def days_of(response) -> dict[str, list[int]]:
    return {row.label: row.values for row in response.context["report"].days}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_a_district_narrows_the_days_and_their_total_to_its_own(client, leader, seeded):
    client.force_login(leader)
    # declarations, arrivals, on behalf, high, medium, passages in, out, cases, F1, F2, undeclared
    tam_duong = client.get(URL + RANGE + f"&district={TAM_DUONG}")
    assert days_of(tam_duong) == {
        "08/06/2021": [2, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0],
        "09/06/2021": [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2],
        "10/06/2021": [1, 1, 0, 0, 1, 2, 0, 0, 0, 0, 3],
    }
    lai_chau = client.get(URL + RANGE + f"&district={LAI_CHAU_CITY}")
    assert days_of(lai_chau) == {
        "08/06/2021": [0] * 11,
        "09/06/2021": [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        "10/06/2021": [1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0],
    }
    html = tam_duong.content.decode()
    assert "<td>3</td><td>3</td><td>0</td><td>1</td><td>1</td><td>2</td><td>1</td>" in cells(
        html, "day-total"
    )
    assert "Tổng Huyện Tam Đường</th>" in cells(html, "day-total")
    # The district's checkpoints only; the table by district is still the whole province's.
    assert "Chốt Km 15 QL4D" in html and "Chốt Pa So" not in html
    assert "Huyện Tam Đường" in cells(html, "chosen-district")
    assert "Thành phố Lai Châu</th>" in html
    assert "<td>5</td><td>4</td><td>1</td>" in cells(html, "province-total")
    assert html.count('fill="#c25400"') == 1  # its bar among the districts'


def test_the_whole_province_stays_the_default(client, leader, seeded):
    client.force_login(leader)
    response = client.get(URL + RANGE)
    assert response.context["report"].district is None
    assert days_of(response)["10/06/2021"][:3] == [2, 2, 0]
    html = response.content.decode()
    assert 'id="chosen-district"' not in html and "Chốt Pa So" in html
    assert "Toàn tỉnh</th>" in cells(html, "day-total")
    assert '<option value="" selected>Toàn tỉnh</option>' in html


def test_the_district_is_named_in_the_title_and_kept_in_the_form_and_links(client, leader, seeded):
    client.force_login(leader)
    html = client.get(URL + RANGE + f"&district={TAM_DUONG}").content.decode()
    assert "<title>Báo cáo · Huyện Tam Đường" in html
    assert "Huyện Tam Đường</span></h1>" in html
    assert "· Huyện Tam Đường, Tỉnh Lai Châu" in cells(html, "period")
    assert f'<option value="{TAM_DUONG}" selected>Huyện Tam Đường</option>' in html
    for download in ("xlsx", "csv"):
        assert f"district={TAM_DUONG}&amp;format={download}" in html


def test_the_downloads_are_the_districts_and_say_so(client, leader, seeded):
    client.force_login(leader)
    response = client.get(URL + RANGE + f"&district={TAM_DUONG}&format=csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-tam-duong-20210608-20210610.csv"'
    )
    rows = csv_rows(response)
    assert rows[0][1] == "Huyện Tam Đường, Tỉnh Lai Châu"
    by_label = {row[0]: row[1:] for row in rows if row}
    assert by_label["08/06/2021"][:3] == ["2", "2", "0"]
    assert by_label["09/06/2021"][:3] == ["0", "0", "0"]
    assert by_label["Tổng Huyện Tam Đường"][:3] == ["3", "3", "0"]
    assert "Theo ngày (Huyện Tam Đường)" in by_label
    assert "Chốt Pa So" not in by_label

    sheet = client.get(URL + RANGE + f"&district={TAM_DUONG}&format=xlsx")
    assert "bao-cao-tam-duong-20210608-20210610.xlsx" in sheet["Content-Disposition"]
    assert "Huyện Tam Đường, Tỉnh Lai Châu" in xlsx_text(sheet)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, user=leader).first()
    assert audit_detail(entry) == "report of Huyện Tam Đường, 08/06/2021 to 10/06/2021"


@pytest.mark.parametrize("district", ["999", BA_DINH, "12", "abc"])
def test_a_district_of_no_or_another_province_is_an_error_next_to_the_field(
    client, leader, seeded, district
):
    client.force_login(leader)
    response = client.get(URL, {"start": "2021-06-08", "end": "2021-06-10", "district": district})
    assert response.status_code == 200
    assert response.context["form"].errors == {"district": [ERROR]}
    assert response.context["report"].district is None
    html = response.content.decode()
    assert f'<div class="small text-danger">{ERROR}</div>' in html

    download = client.get(URL, {"district": district, "format": "csv"})
    assert download["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_kept_report_of_one_district_is_never_shown_for_another(
    client, leader, seeded, kept_reports
):
    client.force_login(leader)
    assert days_of(client.get(URL + RANGE + f"&district={TAM_DUONG}"))["08/06/2021"][0] == 2
    assert days_of(client.get(URL + RANGE + f"&district={LAI_CHAU_CITY}"))["08/06/2021"][0] == 0
    html = client.get(URL + RANGE + f"&district={LAI_CHAU_CITY}").content.decode()
    assert "Thành phố Lai Châu" in cells(html, "chosen-district")
    assert days_of(client.get(URL + RANGE))["08/06/2021"][0] == 2
    assert days_of(client.get(URL + RANGE))["10/06/2021"][0] == 2


def test_a_rebuild_of_the_counts_reaches_every_kept_district(client, leader, seeded, kept_reports):
    client.force_login(leader)
    for district in (TAM_DUONG, LAI_CHAU_CITY):
        client.get(URL + RANGE + f"&district={district}")
    DailyCount.objects.filter(day=D2, district=LAI_CHAU_CITY, measure="declarations").delete()
    DailyCount.objects.create(day=D2, district_id=LAI_CHAU_CITY, measure="declarations", value=7)
    DailyCount.objects.filter(day=D0, district=TAM_DUONG, measure="declarations").update(value=4)
    counts_changed()  # as the rebuild does once it commits

    assert days_of(client.get(URL + RANGE + f"&district={LAI_CHAU_CITY}"))["08/06/2021"][0] == 7
    assert days_of(client.get(URL + RANGE + f"&district={TAM_DUONG}"))["10/06/2021"][0] == 4


@pytest.mark.parametrize("persona", ["health_worker", "provincial_health_worker", "officer"])
def test_staff_of_a_district_still_cannot_read_even_their_districts_report(
    client, request, persona
):
    # The report is the leaders' and administrators', who see the whole province: choosing a
    # district opens it to nobody else.
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL, {"district": TAM_DUONG}).status_code == 403
    assert client.get(URL, {"district": TAM_DUONG, "format": "csv"}).status_code == 403
