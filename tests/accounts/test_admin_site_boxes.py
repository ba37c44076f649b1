"""An account given the transport department's or the administrator's role works in the admin:
without "Staff status" (and, for an administrator, "Superuser status") ticked, the menu's
"Administration" leads to the admin's login page. The admin says so when it saves the account."""

import pytest

from tests.conftest import make_staff, user_change_form


def save_account(client, administrator, role: str, *boxes: str):
    """The admin saves the account "moi" with this role and these boxes ticked."""
    client.force_login(administrator)
    user = make_staff("moi", None)
    response = client.post(
        f"/admin/auth/user/{user.pk}/change/",
        user_change_form(user, roles=[role], **dict.fromkeys(boxes, "on")),
        follow=True,
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def test_a_new_administrator_without_the_admins_boxes_is_warned_of_both(client, administrator):
    assert save_account(client, administrator, "administrator") == [
        "Tài khoản moi chưa vào được trang quản trị cho đến khi ô “Tình trạng nhân viên” được "
        "đánh dấu.",
        "Tài khoản moi chưa quản lý được tài khoản và vai trò cho đến khi ô “Trạng thái "
        "superuser” được đánh dấu.",
    ]


def test_a_transport_account_without_staff_status_is_warned(client, administrator):
    assert save_account(client, administrator, "transport") == [
        "Tài khoản moi chưa vào được trang quản trị cho đến khi ô “Tình trạng nhân viên” được "
        "đánh dấu."
    ]


@pytest.mark.parametrize(
    ("role", "boxes"),
    [
        ("administrator", ("is_staff", "is_superuser")),
        ("transport", ("is_staff",)),
        ("leadership", ()),
    ],
)
def test_accounts_with_what_their_role_needs_are_told_nothing(client, administrator, role, boxes):
    assert save_account(client, administrator, role, *boxes) == []
