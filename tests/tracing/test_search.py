"""Health staff find a person (a citizen on the phone) by name, phone, ID number or code, among
the people they may see: the desk's search, scoped."""

import pytest

from accounts.models import AuditEntry
from declarations.models import MergedCode
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG


@pytest.fixture
def staff(client, health_worker, settings):
    """A health worker of Tam Đường, reading the site in English (its source language)."""
    client.force_login(health_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def resident(make_declaration):
    """Nguyễn Thị Hoà of Tam Đường: in the district's scope."""
    return make_declaration(
        full_name="Nguyễn Thị Hoà", phone="0912345678", id_number="012188001234"
    ).person


@pytest.fixture
def elsewhere(make_declaration):
    """Nguyễn Thị Hoa of Thành phố Lai Châu, who stayed there: outside Tam Đường's scope."""
    return make_declaration(
        full_name="Nguyễn Thị Hoa",
        phone="0987000111",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
    ).person


def search(staff, text):
    return staff.get("/y-te/tim-kiem/", {"q": text})


@pytest.mark.parametrize(
    "typed", ["nguyen thi hoa", "Nguyễn Thị Hoà", "0912 345 678", "012188001234"]
)
def test_a_name_phone_or_id_number_finds_only_the_people_of_the_staffs_scope(
    staff, resident, elsewhere, typed
):
    response = search(staff, typed)

    assert response.status_code == 200
    assert list(response.context["people"]) == [resident]
    html = response.content.decode()
    assert resident.staff_path in html
    assert elsewhere.display_code not in html


def test_a_code_opens_the_persons_page_and_an_old_merged_code_too(staff, resident):
    response = search(staff, resident.display_code.lower())
    assert response["Location"] == resident.staff_path

    MergedCode.objects.create(code="ABCDEFGH", person=resident)
    assert search(staff, "ABCD-EFGH")["Location"] == "/c/ABCDEFGH/"  # says it was merged


def test_the_code_of_someone_outside_the_scope_is_a_code_nobody_has(staff, elsewhere):
    response = search(staff, elsewhere.display_code)

    assert response.status_code == 200
    assert "No one has the lookup code" in response.content.decode()
    assert not AuditEntry.objects.filter(person=elsewhere).exists()


def test_a_name_found_nowhere_in_the_scope_says_so(staff, elsewhere):
    html = search(staff, "nguyen thi hoa").content.decode()
    assert "Nobody found among the people you may follow up." in html


def test_every_search_is_audited_with_its_text(staff, health_worker, resident):
    search(staff, "nguyen thi")
    entry = AuditEntry.objects.get(action="search")
    assert (entry.user, entry.detail) == (health_worker, "nguyen thi")


def test_the_risk_list_has_a_search_box_that_opens_the_search(staff):
    html = staff.get("/y-te/").content.decode()
    assert 'action="/y-te/tim-kiem/"' in html
    assert 'name="q"' in html


def test_a_province_wide_worker_finds_anyone(client, provincial_health_worker, resident, elsewhere):
    client.force_login(provincial_health_worker)
    found = client.get("/y-te/tim-kiem/", {"q": "nguyen thi"}).context["people"]
    assert set(found) == {resident, elsewhere}


def test_the_results_cost_fixed_queries_however_many_found(
    staff, make_declaration, django_assert_max_num_queries
):
    for number in range(15):
        make_declaration(full_name=f"Lò Văn {number}")
    with django_assert_max_num_queries(14):
        response = search(staff, "lo van")
    assert len(response.context["people"]) == 15
