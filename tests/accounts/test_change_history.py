"""The admin's history of an object (who changed what, and when) names the changed fields in
the reader's language: the Vietnamese history of an account read "Đã thay đổi Groups.", and a
checkpoint's "Đã thay đổi Road và In service."."""

import pytest
from django.contrib.auth.models import Group

from tests.conftest import make_staff


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def history(admin_client, path: str) -> list[str]:
    entries = admin_client.get(f"{path}history/").context["action_list"]
    return [entry.get_change_message() for entry in entries]


def test_an_accounts_history_names_its_changed_fields_in_vietnamese(admin_client, places):
    user = make_staff("moi", None)
    admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "moi",
            "first_name": "Lò Văn Mới",
            "is_active": "on",
            "groups": [Group.objects.get(name="checkpoint_officer").pk],
            "date_joined_0": "2026-12-01",
            "date_joined_1": "08:00:00",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "1",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-id": str(user.staff_profile.pk),
            "staff_profile-0-user": str(user.pk),
            "staff_profile-0-province_wide": "on",
        },
    )

    (message,) = history(admin_client, f"/admin/auth/user/{user.pk}/")
    assert message == (
        "Đã thay đổi Tên, Các nhóm và Ngày tham gia. Đã thay đổi Toàn tỉnh cho hồ sơ cán bộ “moi”."
    )


def test_a_checkpoints_history_names_its_changed_fields_in_vietnamese(admin_client, checkpoint):
    admin_client.post(
        f"/admin/checkpoints/checkpoint/{checkpoint.pk}/change/",
        {
            "name": checkpoint.name,
            "district": checkpoint.district_id,
            "road": "Quốc lộ 4D",
            "entering_direction": checkpoint.entering_direction,
        },
    )

    (message,) = history(admin_client, f"/admin/checkpoints/checkpoint/{checkpoint.pk}/")
    assert message == "Đã thay đổi Tuyến đường và Đang hoạt động."


def test_in_english_the_history_reads_as_django_writes_it(admin_client, checkpoint, settings):
    settings.LANGUAGE_CODE = "en"
    admin_client.post(
        f"/admin/checkpoints/checkpoint/{checkpoint.pk}/change/",
        {
            "name": checkpoint.name,
            "district": checkpoint.district_id,
            "road": "Quốc lộ 4D",
            "entering_direction": checkpoint.entering_direction,
        },
    )

    (message,) = history(admin_client, f"/admin/checkpoints/checkpoint/{checkpoint.pk}/")
    assert message == "Changed Road and In service."
