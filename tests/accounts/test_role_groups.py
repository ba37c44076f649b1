"""A role's group is found by its name: renamed in the admin (to a Vietnamese label, say) or
deleted, it silently took the role from every account in it. Its name is kept; its permissions
stay editable."""

from django.contrib.auth.models import Group, Permission

from accounts.roles import Role, has_role


def test_a_roles_group_keeps_its_name_and_its_members_their_role(client, administrator, officer):
    client.force_login(administrator)
    group = Group.objects.get(name="checkpoint_officer")
    view_case = Permission.objects.get(codename="view_case")

    response = client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {
            "name": "Cán bộ chốt",
            "permissions": [*group.permissions.values_list("pk", flat=True), view_case.pk],
        },
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "checkpoint_officer"
    assert group.permissions.filter(pk=view_case.pk).exists()  # its permissions changed
    officer.refresh_from_db()
    assert has_role(officer, Role.CHECKPOINT_OFFICER)


def test_a_roles_group_is_not_deleted(client, administrator, officer):
    client.force_login(administrator)
    group = Group.objects.get(name="checkpoint_officer")

    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Group.objects.filter(name="checkpoint_officer").exists()


def test_another_group_is_renamed_and_deleted_as_before(client, administrator):
    client.force_login(administrator)
    group = Group.objects.create(name="tam thoi")

    client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "tạm thời", "permissions": []})
    assert Group.objects.get(pk=group.pk).name == "tạm thời"
    client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert not Group.objects.filter(pk=group.pk).exists()
