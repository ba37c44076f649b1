"""A checkpoint's or a health facility's district, chosen in the admin, is one of the served
province's, from a short list by name, as a staff profile's is: Viet Nam has districts of the
same name (two "Huyện Tam Nông"), and a checkpoint placed in another province's district had its
passages counted outside every district of the report. The lists filter by the districts in use,
not by Viet Nam's seven hundred."""

import pytest

from checkpoints.models import Checkpoint
from facilities.models import HealthFacility
from tests.conftest import BA_DINH, LAI_CHAU_CITY, TAM_DUONG

CHECKPOINT = {
    "name": "Chốt Pa Tần",
    "road": "Tỉnh lộ 127",
    "entering_direction": "Từ Điện Biên vào",
    "is_active": "on",
}
FACILITY = {"name": "Phòng khám Tân Phong", "kind": "clinic", "address": "", "departments": ""}
PAGES = [
    ("/admin/checkpoints/checkpoint/", CHECKPOINT, Checkpoint),
    ("/admin/facilities/healthfacility/", FACILITY, HealthFacility),
]


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.parametrize(("path", "data", "model"), PAGES)
def test_the_district_is_chosen_among_the_provinces_by_name(admin_client, path, data, model):
    response = admin_client.get(f"{path}add/")

    choices = [name for pk, name in response.context["adminform"].form.fields["district"].choices]
    assert len(choices) == 1 + 8  # "---------" and Lai Châu's eight districts
    assert "Thành phố Lai Châu" in choices
    assert "Quận Ba Đình" not in choices


@pytest.mark.parametrize(("path", "data", "model"), PAGES)
def test_a_district_of_another_province_is_refused(admin_client, path, data, model):
    response = admin_client.post(f"{path}add/", {**data, "district": BA_DINH})

    assert response.status_code == 200
    assert "district" in response.context["adminform"].form.errors
    assert not model.objects.exists()
    admin_client.post(f"{path}add/", {**data, "district": TAM_DUONG})
    assert model.objects.get().district_id == TAM_DUONG


def test_the_lists_filter_by_the_districts_in_use(
    admin_client, checkpoint, other_checkpoint, facility, other_facility
):
    for path, districts in (
        ("/admin/checkpoints/checkpoint/", {TAM_DUONG, "108"}),
        ("/admin/facilities/healthfacility/", {LAI_CHAU_CITY, TAM_DUONG}),
    ):
        filters = admin_client.get(path).context["cl"].filter_specs
        by_district = next(spec for spec in filters if spec.field_path == "district")
        assert {str(pk) for pk, _name in by_district.lookup_choices} == districts
