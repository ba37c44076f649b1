"""The transmission chain of a case: F0 → F1 → F2, drawn as inline SVG and listed."""

from datetime import date

import pytest

from accounts.models import AuditEntry
from tracing.chain import BOX_HEIGHT, BOX_WIDTH, COLUMN_WIDTH, MARGIN, chain_layout, chain_tree
from tracing.models import Contact
from tracing.services import case_confirm


@pytest.fixture
def staff(client, health_worker, settings):
    client.force_login(health_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def case(citizen, health_worker):
    return case_confirm(
        person=citizen,
        confirmed_on=date(2026, 11, 22),
        how_confirmed="RT-PCR",
        isolated_at="",
        user=health_worker,
    )


@pytest.fixture
def contact(case, make_declaration):
    def make(name, *, level="F1", via=None, status="confirmed"):
        person = make_declaration(full_name=name).person
        return Contact.objects.create(case=case, person=person, level=level, via=via, status=status)

    return make


def test_the_chain_shows_the_case_its_confirmed_f1s_and_their_f2s(staff, case, contact):
    f1 = contact("Bạn Đồng Hành")
    contact("Người Nhà Bạn", level="F2", via=f1)
    contact("Chưa Xác Nhận", status="proposed")
    contact("Đã Loại", status="dismissed")

    response = staff.get(f"/y-te/ca-benh/{case.pk}/chuoi/")

    assert response.status_code == 200
    tree = response.context["tree"]
    assert tree.person == case.person
    assert [link.person.full_name for link in tree.children] == ["Bạn Đồng Hành"]
    assert [link.person.full_name for link in tree.children[0].children] == ["Người Nhà Bạn"]
    html = response.content.decode()
    assert "<svg" in html
    assert html.count("Người Nhà Bạn") >= 2  # in the drawing and in the list
    assert "Chưa Xác Nhận" not in html
    assert "Đã Loại" not in html
    assert '<script src="http' not in html


def test_the_chain_escapes_names_in_the_drawing_and_the_list(staff, case, contact):
    contact('<script>alert("F1")</script>')

    response = staff.get(f"/y-te/ca-benh/{case.pk}/chuoi/")

    html = response.content.decode()
    assert "<script>alert" not in html
    assert html.count("&lt;script&gt;alert(&quot;F1&quot;)&lt;/script&gt;") >= 2


def test_viewing_the_chain_is_audited(staff, case):
    staff.get(f"/y-te/ca-benh/{case.pk}/chuoi/")

    assert AuditEntry.objects.get().person == case.person


def test_staff_of_another_district_get_404_on_the_chain(client, other_health_worker, case):
    client.force_login(other_health_worker)

    assert client.get(f"/y-te/ca-benh/{case.pk}/chuoi/").status_code == 404


def test_the_chain_reads_a_fixed_number_of_queries(
    staff, case, contact, django_assert_max_num_queries
):
    staff.get(f"/y-te/ca-benh/{case.pk}/chuoi/")  # the audit's statement prepared, once a session
    for number in range(10):
        f1 = contact(f"F1 số {number}")
        contact(f"F2 số {number}", level="F2", via=f1)

    with django_assert_max_num_queries(11):
        response = staff.get(f"/y-te/ca-benh/{case.pk}/chuoi/")

    assert len(response.context["layout"].boxes) == 21


def test_the_layout_puts_each_level_in_its_column_and_a_parent_level_with_its_children(
    case, contact
):
    f1 = contact("Một")
    f2a = contact("Hai A", level="F2", via=f1)
    f2b = contact("Hai B", level="F2", via=f1)
    lone = contact("Một Mình")
    contacts = list(
        Contact.objects.filter(pk__in=[f1.pk, f2a.pk, f2b.pk, lone.pk])
        .select_related("person")
        .order_by("level", "person__full_name")
    )

    layout = chain_layout(chain_tree(case, contacts))

    boxes = {box.label: box for box in layout.boxes}
    assert {box.x for box in layout.boxes if box.level == "F1"} == {MARGIN + COLUMN_WIDTH}
    assert boxes["Hai A"].x == MARGIN + 2 * COLUMN_WIDTH
    assert boxes["Một"].y == (boxes["Hai A"].y + boxes["Hai B"].y) // 2
    assert boxes["Một Mình"].y > boxes["Hai B"].y
    assert len(layout.edges) == 4
    assert layout.width == 2 * MARGIN + 2 * COLUMN_WIDTH + BOX_WIDTH
    assert layout.height >= boxes["Một Mình"].y + BOX_HEIGHT


def test_a_case_without_contacts_is_a_single_box(case):
    layout = chain_layout(chain_tree(case, []))

    assert [box.level for box in layout.boxes] == ["F0"]
    assert (layout.width, layout.height) == (2 * MARGIN + BOX_WIDTH, 2 * MARGIN + BOX_HEIGHT)


def test_a_long_name_is_cut_in_the_box_and_whole_in_its_tooltip(case, contact):
    long_name = "Nguyễn Thị Phương Thảo Hoàng Lan Anh"
    f1 = contact(long_name)
    link = chain_tree(case, [Contact.objects.select_related("person").get(pk=f1.pk)])

    box = next(b for b in chain_layout(link).boxes if b.level == "F1")

    assert box.label.endswith("…")
    assert len(box.label) < len(long_name)
    assert long_name in box.title
