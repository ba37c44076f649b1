import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.models import Declaration, EpidemicZone, MadeBy, Person
from tests.conftest import BA_DINH, form_data


def success_path(response) -> str:
    assert response.status_code == 302
    assert re.fullmatch(r"/khai-bao/xong/[0-9a-f-]{36}/", response["Location"])
    return response["Location"]


def test_the_form_page_shows_every_section(client, places):
    page = client.get("/khai-bao/").content.decode()
    for name in [
        "full_name",
        "phone",
        "residence_commune",
        "travel_date",
        "symptoms",
        "commitment",
    ]:
        assert f'name="{name}"' in page
    assert 'name="form_token"' in page


def test_submitting_creates_a_person_with_a_code_and_a_declaration(client, places):
    response = client.post("/khai-bao/", form_data())

    success_path(response)
    person = Person.objects.get()
    declaration = person.declarations.get()
    assert person.full_name == "Nguyễn Thị Hoà"
    assert person.name_folded == "nguyen thi hoa"
    assert person.phone == "0912345678"
    assert len(person.lookup_code) == 8
    assert declaration.vehicle_plate == "25B-012.34"
    assert declaration.made_by == MadeBy.SELF
    assert declaration.risk_level == "none"


def test_the_success_page_shows_the_code_and_a_qr_of_the_staff_link(client, places):
    page = client.get(success_path(client.post("/khai-bao/", form_data())))
    person = Person.objects.get()
    html = page.content.decode()
    assert person.display_code in html
    assert '<svg class="qr" role="img" aria-label="Mã QR của mã tra cứu' in html
    assert page.context["qr"]  # the QR encodes the absolute staff link
    assert "http://testserver/c/" + person.lookup_code + "/" in _qr_payload(page)


def _qr_payload(page) -> str:
    # The link is not printed on the page; check what the view put in the QR instead.
    from declarations import qr

    person = page.context["person"]
    expected = f"http://testserver/c/{person.lookup_code}/"
    # The drawing after the opening tag (which carries the translated label) is the same.
    drawing = page.context["qr"].split(">", 1)[1]
    assert drawing == qr.qr_svg(expected, label="").split(">", 1)[1]
    return expected


def test_at_risk_answers_get_advice_and_reasons(client, places):
    response = client.post("/khai-bao/", form_data(symptoms=["fever", "cough"]), follow=True)
    declaration = Declaration.objects.get()
    assert declaration.risk_level == "high"
    assert declaration.risk_reasons == ["symptom:fever", "symptom:cough"]
    html = response.content.decode()
    assert "1900 9095" in html
    assert "risk-high" in html


def test_an_active_epidemic_zone_raises_the_risk(client, places):
    EpidemicZone.objects.create(
        place_code=BA_DINH, place_name="Quận Ba Đình", starts_on=timezone.localdate()
    )
    client.post("/khai-bao/", form_data())
    declaration = Declaration.objects.get()
    assert declaration.risk_level == "medium"
    assert declaration.risk_reasons == [f"zone:{BA_DINH}"]


def test_an_invalid_form_saves_nothing_and_shows_errors(client, places):
    response = client.post("/khai-bao/", form_data(phone="123", commitment=None))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone", "commitment"}
    assert Person.objects.count() == 0


def test_the_same_form_sent_twice_creates_one_declaration(client, places):
    data = form_data()
    first = client.post("/khai-bao/", data)
    second = client.post("/khai-bao/", data)

    assert first["Location"] == second["Location"]
    assert Declaration.objects.count() == 1
    assert Person.objects.count() == 1


def test_a_new_form_token_makes_a_new_declaration(client, places):
    client.post("/khai-bao/", form_data())
    client.post("/khai-bao/", form_data())
    assert Declaration.objects.count() == 2


def test_a_resubmission_after_errors_keeps_its_token(client, places):
    data = form_data(phone="123")
    page = client.post("/khai-bao/", data)
    assert f'value="{data["form_token"]}"' in page.content.decode()


def test_a_declaration_cannot_be_changed(citizen):
    declaration = citizen.declarations.get()
    declaration.seat = "99"
    with pytest.raises(ValueError):
        declaration.save()


def test_the_success_page_expires(client, places):
    path = success_path(client.post("/khai-bao/", form_data()))
    Declaration.objects.update(submitted_at=timezone.now() - timedelta(hours=25))
    assert client.get(path).status_code == 404


def test_an_unknown_success_token_is_not_found(client, places):
    assert client.get(f"/khai-bao/xong/{uuid.uuid4()}/").status_code == 404


def test_without_javascript_the_refresh_button_lists_the_districts(client, places):
    data = form_data(residence_district="", residence_commune="", refresh_places="1")
    response = client.post("/khai-bao/", data)

    assert response.status_code == 200
    assert not response.context["form"].is_bound  # no error shown for the unfinished form
    html = response.content.decode()
    assert "Quận Ba Đình" in html
    assert f'value="{data["form_token"]}"' in html
    assert Person.objects.count() == 0


def test_the_form_page_loads_only_local_resources(client, places):
    html = client.get("/khai-bao/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(not s.startswith(("http:", "https:", "//")) for s in sources), sources


def test_a_new_zone_counts_at_once_despite_the_zone_cache(
    client, places, django_capture_on_commit_callbacks
):
    client.post("/khai-bao/", form_data())  # fills the cache with no zones
    with django_capture_on_commit_callbacks(execute=True):
        EpidemicZone.objects.create(
            place_code=BA_DINH, place_name="Quận Ba Đình", starts_on=timezone.localdate()
        )
    client.post("/khai-bao/", form_data())
    assert Declaration.objects.newest_first().first().risk_level == "medium"


def test_the_success_page_offers_to_declare_for_someone_else_on_the_plain_form(client, places):
    page = client.get(success_path(client.post("/khai-bao/", form_data())))

    assert page.context["declare_another_url"].startswith("/khai-bao/?")
    assert 'href="/khai-bao/?' in page.content.decode()


def test_declaring_for_someone_else_after_a_qr_opens_the_same_point_again(client, vehicle):
    path = vehicle.point.public_path
    page = client.get(success_path(client.post(path, form_data())))

    assert f'href="{path}?' in page.content.decode()
    again = client.get(path).context["form"]
    assert again.fields["vehicle_plate"].initial == vehicle.plate


def test_a_point_out_of_service_since_sends_the_next_declaration_to_the_plain_form(client, vehicle):
    path = success_path(client.post(vehicle.point.public_path, form_data()))
    vehicle.is_active = False
    vehicle.save()

    assert client.get(path).context["declare_another_url"].startswith("/khai-bao/?")


def test_the_hotline_on_the_success_page_is_a_tap_to_call_link(client, places):
    page = client.get(success_path(client.post("/khai-bao/", form_data())))

    assert '<a href="tel:19009095">1900 9095</a>' in page.content.decode()


def test_the_name_field_asks_a_phone_for_capitals_and_the_owners_name(client, places):
    html = client.get("/khai-bao/").content.decode()
    field = re.search(r'<input[^>]*name="full_name"[^>]*>', html).group()

    assert 'autocapitalize="words"' in field and 'autocomplete="name"' in field
    year = re.search(r'<input[^>]*name="birth_year"[^>]*>', html).group()
    assert 'placeholder="VD: 1985"' in year


def test_every_example_in_the_citizens_forms_reads_as_an_example(client, vehicle, places):
    """A placeholder written bare (a plate, a lookup code) looked like an answer already given:
    the citizen went on without typing their own."""
    for path in ("/khai-bao/", "/tra-cuu/"):
        html = client.get(path).content.decode()
        placeholders = re.findall(r'placeholder="([^"]*)"', html)
        assert placeholders, path
        assert all(text.startswith("VD: ") for text in placeholders), (path, placeholders)


def test_the_english_form_asks_about_more_than_contacts(client, places, settings):
    """Its last answer is no contact but having been in an epidemic area, as the Vietnamese
    question says ("có tiếp xúc hoặc thuộc trường hợp nào")."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/khai-bao/").content.decode()

    assert "In the last 14 days, has any of these applied to you?" in html
    assert "Been in an epidemic area" in html and "Has been" not in html


def test_the_citizens_selects_say_choose_while_nothing_is_chosen(client, facility, places):
    """Not Django's "---------", which told someone not used to forms nothing."""
    for path in ("/khai-bao/", facility.point.public_path):
        html = client.get(path).content.decode()
        assert "---------" not in html, path
        assert html.count('<option value="" selected>— Chọn —</option>') >= 5, path


@pytest.mark.parametrize(
    ("means", "plate", "shown"),
    [
        ("car", "25A-111.22", "Ô tô cá nhân 25A-111.22"),
        ("motorbike", "", "Xe máy"),
    ],
)
def test_the_success_page_names_the_means_of_transport_with_its_plate(
    client, places, means, plate, shown
):
    sent = client.post("/khai-bao/", form_data(transport=means, vehicle_plate=plate, seat=""))
    html = client.get(success_path(sent)).content.decode()
    assert f'<dt class="col-5">Phương tiện</dt><dd class="col-7">{shown}</dd>' in html
