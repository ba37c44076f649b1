"""A staff profile's district is one of the province's: the admin offers those, by name, and
refuses a district of another province (whose health staff would see nothing)."""

import pytest

from declarations.models import District
from tests.conftest import BA_DINH, LAI_CHAU, TAM_DUONG, make_staff, user_change_form


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def profile_post(user, district: str) -> dict:
    return user_change_form(user, roles=["health_staff"], **{"staff_profile-0-district": district})


def test_the_profiles_district_lists_only_the_provinces_districts(admin_client, places):
    user = make_staff("ytetamduong", None)
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/")

    field = page.context["inline_admin_formsets"][0].formset.forms[0].fields["district"]
    offered = {code for code, _label in field.choices if code}
    provinces = set(District.objects.filter(pk__in=offered).values_list("province", flat=True))
    assert provinces == {LAI_CHAU}
    assert len(offered) == District.objects.filter(province=LAI_CHAU).count()


def test_a_district_of_another_province_is_refused(admin_client, places):
    user = make_staff("ytetamnong", None)
    response = admin_client.post(f"/admin/auth/user/{user.pk}/change/", profile_post(user, BA_DINH))

    user.staff_profile.refresh_from_db()
    assert user.staff_profile.district is None
    formset = response.context["inline_admin_formsets"][0].formset
    assert "district" in formset.forms[0].errors


def test_a_district_of_the_province_is_saved(admin_client, places):
    user = make_staff("ytetamduong", None)
    admin_client.post(f"/admin/auth/user/{user.pk}/change/", profile_post(user, TAM_DUONG))

    user.staff_profile.refresh_from_db()
    assert user.staff_profile.district_id == TAM_DUONG


def test_the_profiles_filter_by_district(admin_client, health_worker, other_health_worker):
    """A district health centre's staff, chosen in the list's filters."""
    filters = admin_client.get("/admin/accounts/staffprofile/").context["cl"].filter_specs
    by_district = next(spec for spec in filters if spec.field_path == "district")
    chosen = health_worker.staff_profile.district_id
    assert {str(pk) for pk, _name in by_district.lookup_choices} == {
        chosen,
        other_health_worker.staff_profile.district_id,
    }

    response = admin_client.get("/admin/accounts/staffprofile/", {"district__code__exact": chosen})
    assert [p.user for p in response.context["cl"].result_list] == [health_worker]
