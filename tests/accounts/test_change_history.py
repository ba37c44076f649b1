"""The admin's history of an object (who changed what, and when) names the changed fields in
the reader's language: the Vietnamese history of an account read "Đã thay đổi Groups.", and a
checkpoint's "Đã thay đổi Road và In service."."""

import pytest

from tests.conftest import make_staff, user_change_form


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def history(admin_client, path: str) -> list[str]:
    entries = admin_client.get(f"{path}history/").context["action_list"]
    return [entry.get_change_message() for entry in entries]


def change_road(admin_client, checkpoint) -> None:
    """The admin saves the checkpoint with another road (and its box "in service" unticked)."""
    admin_client.post(
        f"/admin/checkpoints/checkpoint/{checkpoint.pk}/change/",
        {
            "name": checkpoint.name,
            "district": checkpoint.district_id,
            "road": "Quốc lộ 4D",
            "entering_direction": checkpoint.entering_direction,
        },
    )


def test_an_accounts_history_names_its_changed_fields_in_vietnamese(admin_client, places):
    user = make_staff("moi", None)
    admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        user_change_form(
            user,
            roles=["checkpoint_officer"],
            first_name="Lò Văn Mới",
            **{"staff_profile-0-province_wide": "on"},
        ),
    )

    (message,) = history(admin_client, f"/admin/auth/user/{user.pk}/")
    assert message == (
        "Đã thay đổi Tên, Các nhóm và Ngày tham gia. Đã thay đổi Toàn tỉnh cho hồ sơ cán bộ “moi”."
    )


def test_a_checkpoints_history_names_its_changed_fields_in_vietnamese(admin_client, checkpoint):
    change_road(admin_client, checkpoint)

    (message,) = history(admin_client, f"/admin/checkpoints/checkpoint/{checkpoint.pk}/")
    assert message == "Đã thay đổi Tuyến đường và Đang hoạt động."


def test_in_english_the_history_reads_as_django_writes_it(admin_client, checkpoint, settings):
    settings.LANGUAGE_CODE = "en"
    change_road(admin_client, checkpoint)

    (message,) = history(admin_client, f"/admin/checkpoints/checkpoint/{checkpoint.pk}/")
    assert message == "Changed Road and In service."
