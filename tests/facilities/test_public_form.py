"""The facility's QR opens the public form with the visit questions (issue 4, point 6)."""

from declarations.models import Declaration, MadeBy
from tests.conftest import form_data


def test_the_facility_qr_asks_who_is_visiting_and_which_department(client, facility):
    response = client.get(f"/q/{facility.point.token}/")
    form = response.context["form"]
    assert [value for value, _label in form.fields["visit_role"].choices] == [
        "patient",
        "relative",
        "visitor",
        "staff",
    ]
    assert "Khoa Truyền nhiễm" in response.content.decode()


def test_a_visit_declared_with_the_qr_is_recorded_at_the_facility(client, facility):
    data = form_data(visit_role="relative", department="Khoa Nhi")
    client.post(f"/q/{facility.point.token}/", data)

    declaration = Declaration.objects.get()
    assert declaration.point == facility.point
    assert (declaration.visit_role, declaration.department) == ("relative", "Khoa Nhi")
    assert (declaration.made_by, declaration.made_by_user) == (MadeBy.SELF, None)


def test_the_facility_form_requires_saying_who_is_visiting(client, facility):
    response = client.post(f"/q/{facility.point.token}/", form_data(department="Khoa Nhi"))

    assert response.status_code == 200
    assert "visit_role" in response.context["form"].errors
    assert 'id="error_1_id_visit_role"' in response.content.decode()
    assert not Declaration.objects.exists()


def test_the_facility_form_refuses_a_department_not_in_its_list(client, facility):
    data = form_data(visit_role="patient", department="Khoa Ngoại")
    response = client.post(f"/q/{facility.point.token}/", data)

    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Declaration.objects.exists()


def test_another_facilitys_department_is_refused_too(client, facility, other_facility):
    other_facility.departments = "Khoa Sản"
    other_facility.save()
    data = form_data(visit_role="patient", department="Khoa Sản")
    response = client.post(f"/q/{facility.point.token}/", data)
    assert "department" in response.context["form"].errors
