"""Pages that show places take their names from memory (``with_places``), not from joins on the
place tables: joining them costs PostgreSQL more to plan than to run the query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.models import Declaration

PLACE_TABLES = ("declarations_province", "declarations_district", "declarations_commune")
JOURNEY = "Quận Ba Đình, Thành phố Hà Nội → Thị trấn Tam Đường, Huyện Tam Đường"
HOME = "Thị trấn Tam Đường, Huyện Tam Đường, Tỉnh Lai Châu"


def shown_without_place_queries(client, path: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    touching = [q["sql"] for q in queries if any(t in q["sql"] for t in PLACE_TABLES)]
    assert touching == []
    return response.content.decode()


@pytest.fixture
def at_risk(make_declaration):
    return make_declaration(symptoms=("fever",), vehicle_plate="25B-012.34").person


def test_the_person_page(client, officer, at_risk):
    client.force_login(officer)
    html = shown_without_place_queries(client, f"/c/{at_risk.lookup_code}/")
    assert HOME in html
    assert JOURNEY in html  # the latest declaration
    assert "<td>Thành phố Hà Nội</td><td>Huyện Tam Đường</td>" in html  # the declarations table


def test_the_desk_search_results(client, officer, at_risk):
    client.force_login(officer)
    html = shown_without_place_queries(client, "/chot/?q=Lò Văn")
    assert "<td>Huyện Tam Đường</td>" in html


def test_the_follow_up_page(client, health_worker, at_risk):
    client.force_login(health_worker)
    html = shown_without_place_queries(client, f"/y-te/theo-doi/{at_risk.lookup_code}/")
    assert HOME in html
    assert JOURNEY in html


def test_the_risk_list(client, health_worker, at_risk):
    client.force_login(health_worker)
    html = shown_without_place_queries(client, "/y-te/")
    assert "Huyện Tam Đường" in html


def test_the_success_page_and_my_declarations(client, at_risk):
    declaration = Declaration.objects.get(person=at_risk)
    html = shown_without_place_queries(client, f"/khai-bao/xong/{declaration.submission_token}/")
    assert "Thị trấn Tam Đường, Huyện Tam Đường" in html
    session = client.session
    session["lookup_person"] = at_risk.pk  # as after a look-up with the code and the phone
    session.save()
    html = shown_without_place_queries(client, "/tra-cuu/to-khai/")
    assert "Thị trấn Tam Đường, Huyện Tam Đường" in html
