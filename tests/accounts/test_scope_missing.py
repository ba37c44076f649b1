"""An account given a role without the scope it needs (an officer without a checkpoint, health
staff without a district, an operator without a company) sees empty pages: every staff page
says why, and so does the admin when the account is saved."""

import pytest
from django.contrib.auth.models import Group

from tests.conftest import make_staff, user_change_form

NOT_SET_UP = "Your account is not set up yet, so its lists stay empty"


@pytest.mark.parametrize(
    ("role", "path", "needs"),
    [
        ("health_staff", "/y-te/", "a district, a health facility or the whole province"),
        ("checkpoint_officer", "/chot/", "a checkpoint"),
        ("operator", "/nha-xe/", "a bus company"),
    ],
)
def test_a_role_without_its_scope_is_told_on_its_pages(client, places, settings, role, path, needs):
    settings.LANGUAGE_CODE = "en"
    client.force_login(make_staff("new-staff", role))
    page = client.get(path).content.decode()
    assert NOT_SET_UP in page
    assert needs in page


def test_accounts_with_their_scope_are_told_nothing(client, health_worker, officer, operator):
    for user, path in ((health_worker, "/y-te/"), (officer, "/chot/"), (operator, "/nha-xe/")):
        client.force_login(user)
        assert 'id="scope-missing"' not in client.get(path).content.decode()


def save_officer_without_checkpoint(client, administrator):
    """The admin saves a new account as a checkpoint officer, with no checkpoint."""
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    user = make_staff("chot-moi", None)
    officers = Group.objects.get(name="checkpoint_officer")
    response = client.post(
        f"/admin/auth/user/{user.pk}/change/",
        user_change_form(user, roles=["checkpoint_officer"]),
        follow=True,
    )
    assert list(user.groups.all()) == [officers]
    return response


def test_the_admin_warns_when_it_saves_a_role_without_its_scope(client, administrator, places):
    response = save_officer_without_checkpoint(client, administrator)

    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "Tài khoản chot-moi sẽ chỉ thấy các trang trống cho đến khi hồ sơ cán bộ có "
        "một chốt kiểm soát (cán bộ chốt)."
    ]


def test_the_admins_english_warning_keeps_the_user_name_as_typed(
    client, administrator, places, settings
):
    settings.LANGUAGE_CODE = "en"
    page = save_officer_without_checkpoint(client, administrator).content.decode()
    assert "The account chot-moi will see empty pages" in page
    assert "Chot-moi" not in page


def test_the_admin_names_the_roles_in_the_sites_language(client, administrator, places):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    page = client.get(f"/admin/auth/user/{administrator.pk}/change/").content.decode()
    assert ">Cán bộ chốt kiểm soát</option>" in page
    assert ">checkpoint_officer</option>" not in page


def test_the_admins_user_list_shows_and_filters_by_role_name(
    client, administrator, officer, facility_worker, operator
):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)

    users = client.get("/admin/auth/user/")
    page = users.content.decode()

    row = {user.username: user for user in users.context["cl"].result_list}
    assert users.context["cl"].model_admin.roles(row[officer.username]) == "Cán bộ chốt kiểm soát"
    assert (
        users.context["cl"].model_admin.full_name(row[officer.username]) == officer.get_full_name()
    )
    assert "Cán bộ chốt kiểm soát</a>" in page  # the filter's choice
    assert "checkpoint_officer</a>" not in page
    group = Group.objects.get(name="checkpoint_officer")
    only = client.get("/admin/auth/user/", {"groups__id__exact": group.pk}).context["cl"]
    assert [user.username for user in only.result_list] == [officer.username]
    profiles = client.get("/admin/accounts/staffprofile/").content.decode()
    assert facility_worker.staff_profile.facility.name in profiles
    assert operator.staff_profile.company.name in profiles
