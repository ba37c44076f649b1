"""The list of vehicles and a vehicle's page: operators see their company's only."""

from transport.models import Vehicle


def plates(response) -> list[str]:
    return [vehicle.plate for vehicle, _count, _sees in response.context["rows"]]


def test_an_operator_sees_only_their_companys_vehicles(client, operator, vehicle, other_vehicle):
    client.force_login(operator)

    response = client.get("/nha-xe/")

    assert plates(response) == ["25B-012.34"]
    assert "nha_xe" not in response.context["form"].fields  # no choice of company
    assert "25B-555.66" not in response.content.decode()


def test_the_transport_department_sees_all_vehicles_and_filters_by_company(
    client, transport_officer, vehicle, other_vehicle, other_company
):
    client.force_login(transport_officer)

    assert plates(client.get("/nha-xe/")) == ["25B-012.34", "25B-555.66"]
    assert plates(client.get("/nha-xe/", {"nha_xe": other_company.pk})) == ["25B-555.66"]
    assert plates(client.get("/nha-xe/", {"nha_xe": "nonsense"})) == ["25B-012.34", "25B-555.66"]


def test_an_operator_cannot_filter_their_way_to_another_company(
    client, operator, vehicle, other_vehicle, other_company
):
    client.force_login(operator)
    assert plates(client.get("/nha-xe/", {"nha_xe": other_company.pk})) == ["25B-012.34"]


def test_each_vehicle_shows_how_many_people_declared_with_its_qr_today(
    client, administrator, vehicle, other_vehicle, make_declaration
):
    first = make_declaration(point=vehicle.point)
    make_declaration(person=first.person, point=vehicle.point)
    make_declaration(full_name="Tòng Thị Ánh", point=vehicle.point)
    client.force_login(administrator)

    counts = {v.plate: count for v, count, _sees in client.get("/nha-xe/").context["rows"]}
    page = client.get(f"/nha-xe/xe/{vehicle.pk}/")

    assert counts == {"25B-012.34": 2, "25B-555.66": 0}
    assert page.context["passengers_today"] == 2


def test_the_vehicle_list_costs_the_same_queries_for_one_or_many_vehicles(
    client, transport_officer, company, vehicle, django_assert_max_num_queries
):
    client.force_login(transport_officer)
    client.get("/nha-xe/")  # the first page also keeps the user's access and renews the session
    with django_assert_max_num_queries(12) as one:
        client.get("/nha-xe/")
    for number in range(10):
        Vehicle.objects.create(company=company, plate=f"25B-100.{number:02d}")
    with django_assert_max_num_queries(12) as many:
        response = client.get("/nha-xe/")

    assert len(response.context["rows"]) == 11
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_transport_department_sees_vehicles_and_counts_but_not_who_travelled(
    client, transport_officer, operator, vehicle
):
    client.force_login(transport_officer)
    listed = client.get("/nha-xe/").content.decode()
    page = client.get(f"/nha-xe/xe/{vehicle.pk}/").content.decode()

    for html in (listed, page):
        assert f"/nha-xe/xe/{vehicle.pk}/hanh-khach/" not in html
        assert f"/nha-xe/xe/{vehicle.pk}/khai-ho/" not in html
        assert f"/nha-xe/xe/{vehicle.pk}/poster/" in html
    assert 'id="passengers-today"' in page
    assert "danh sách hành khách chỉ dành cho nhà xe" in page

    client.force_login(operator)
    for path in ("/nha-xe/", f"/nha-xe/xe/{vehicle.pk}/"):
        html = client.get(path).content.decode()
        assert f"/nha-xe/xe/{vehicle.pk}/hanh-khach/" in html
        assert f"/nha-xe/xe/{vehicle.pk}/khai-ho/" in html


def test_a_plate_typed_whole_or_in_part_finds_the_vehicle(
    client, operator, transport_officer, vehicle, other_vehicle, company, settings
):
    from transport.models import Vehicle

    settings.LANGUAGE_CODE = "en"
    Vehicle.objects.create(company=company, plate="25B-777.01", seats=16)
    client.force_login(operator)
    assert plates(client.get("/nha-xe/", {"bien_so": "01234"})) == ["25B-012.34"]
    assert plates(client.get("/nha-xe/", {"bien_so": "25b-012.34"})) == ["25B-012.34"]
    assert plates(client.get("/nha-xe/", {"bien_so": "012.3"})) == ["25B-012.34"]
    assert plates(client.get("/nha-xe/", {"bien_so": "555"})) == []  # another company's
    nothing = client.get("/nha-xe/", {"bien_so": "99999"}).content.decode()
    assert "No vehicle matches" in nothing
    assert 'name="nha_xe"' not in nothing  # an operator sees one company

    client.force_login(transport_officer)
    assert plates(client.get("/nha-xe/", {"bien_so": "555"})) == ["25B-555.66"]
    assert plates(client.get("/nha-xe/", {"bien_so": "25B", "nha_xe": company.pk})) == [
        "25B-012.34",
        "25B-777.01",
    ]


def test_the_pages_of_a_filtered_list_keep_its_filters(client, transport_officer, company):
    from transport.models import Vehicle

    Vehicle.objects.bulk_create(
        Vehicle(company=company, plate=f"25B-{n:03d}.11", seats=16) for n in range(60)
    )
    client.force_login(transport_officer)
    html = client.get("/nha-xe/", {"bien_so": "25B", "nha_xe": company.pk}).content.decode()
    assert f"?bien_so=25B&amp;nha_xe={company.pk}&amp;page=2" in html
