"""The admin names permissions in the site's language: Django stores the names of the ones it
makes for each model in English ("Can view vehicle")."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.admin import permission_label


@pytest.fixture
def operators():
    return Group.objects.get(name="operator")


def choices(html: str) -> list[str]:
    return re.findall(r"<option value=\"\d+\"(?: selected)?>([^<]*)</option>", html)


def test_a_roles_permissions_are_named_in_vietnamese(client, administrator, operators):
    client.force_login(administrator)
    html = client.get(f"/admin/auth/group/{operators.pk}/change/").content.decode()
    labels = choices(html)
    assert "Vận tải | phương tiện | Được xem phương tiện" in labels
    desk = "Được sử dụng trang tra cứu tại chốt và trang thông tin người khai báo"  # its own
    assert f"Chốt kiểm soát | chốt kiểm soát | {desk}" in labels
    assert not [label for label in labels if "Can " in label]


def test_a_users_own_permissions_are_named_in_vietnamese(client, administrator, officer):
    client.force_login(administrator)
    html = client.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()
    labels = choices(html)
    assert "Vận tải | phương tiện | Được sửa phương tiện" in labels
    assert not [label for label in labels if "Can " in label]


@pytest.mark.django_db
def test_in_english_they_read_as_django_names_them(settings):
    settings.LANGUAGE_CODE = "en"
    vehicle_view = Permission.objects.get(codename="view_vehicle")
    assert permission_label(vehicle_view) == str(vehicle_view)


def test_no_model_is_named_in_english_among_the_permissions(client, administrator, officer):
    client.force_login(administrator)
    html = client.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()
    assert "Khai báo y tế | mã QR đã thay | Được xem mã QR đã thay" in choices(html)
    assert not [label for label in choices(html) if "token" in label]


def test_the_role_chooser_names_its_choices_without_a_doubled_word(client, administrator, officer):
    """The chooser puts this name in its sentences: "Chọn các nhóm đã đánh dấu"."""
    client.force_login(administrator)
    html = client.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()
    assert 'data-field-name="nhóm"' in html
    assert 'data-field-name="Các nhóm"' not in html


def test_deleting_a_user_lists_their_roles_by_name(client, administrator, officer):
    client.force_login(administrator)
    html = client.get(f"/admin/auth/user/{officer.pk}/delete/").content.decode()
    assert "Vai trò của người dùng: Cán bộ chốt kiểm soát" in html
    assert "object (" not in html


def test_a_protected_delete_says_why_in_plain_vietnamese(client, administrator, places):
    client.force_login(administrator)
    html = client.get("/admin/declarations/district/105/delete/").content.decode()
    assert "Không thể xóa quận / huyện “Thành phố Lai Châu” vì các mục liên quan" in html
    assert "quyển" not in html
    assert " ' " not in html
