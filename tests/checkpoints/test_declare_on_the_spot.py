import re

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils import timezone, translation

from accounts.models import AuditEntry
from checkpoints.models import Passage
from declarations.models import Declaration, MadeBy, Person
from tests.conftest import form_data


@pytest.fixture
def desk(client, officer):
    client.force_login(officer)
    return client


def test_declaring_for_a_new_traveller_records_the_declaration_and_the_passage(
    desk, officer, checkpoint
):
    response = desk.post("/chot/khai-bao/", form_data())

    person = Person.objects.get()
    assert response["Location"] == f"/c/{person.lookup_code}/"
    declaration = person.declarations.get()
    assert (declaration.made_by, declaration.made_by_user) == (MadeBy.ON_BEHALF, officer)
    passage = Passage.objects.get()
    assert (passage.person, passage.checkpoint, passage.officer) == (person, checkpoint, officer)
    assert (passage.outcome, passage.declaration) == ("declared", declaration)
    assert AuditEntry.objects.filter(action="declare_on_behalf", person=person).exists()


def test_the_officer_chooses_the_direction_of_the_passage_entering_by_default(
    desk, checkpoint, settings
):
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = desk.get("/chot/khai-bao/")
    assert page.context["passage_form"]["direction"].value() == "in"
    assert "Entering the province at this checkpoint: Vào tỉnh." in page.content.decode()

    desk.post("/chot/khai-bao/", form_data(**{"passage-direction": "out"}))

    assert Passage.objects.get().direction == "out"


def test_a_direction_not_offered_is_refused_beside_the_field(desk):
    response = desk.post("/chot/khai-bao/", form_data(**{"passage-direction": "sideways"}))

    assert response.status_code == 200
    assert response.context["passage_form"].errors["direction"]
    assert not Declaration.objects.exists()
    assert not Passage.objects.exists()


def test_refreshing_the_places_keeps_the_direction_chosen(desk):
    data = form_data(**{"passage-direction": "out", "refresh_places": "1"})
    response = desk.post("/chot/khai-bao/", data)
    assert '<option value="out" selected>' in response.content.decode()
    assert not Passage.objects.exists()


def test_the_same_form_sent_twice_records_one_declaration_and_one_passage(desk):
    data = form_data()
    desk.post("/chot/khai-bao/", data)
    desk.post("/chot/khai-bao/", data)
    assert Declaration.objects.count() == 1
    assert Passage.objects.count() == 1


def test_updating_on_the_spot_keeps_the_persons_code(desk, citizen):
    page = desk.get(f"/c/{citizen.lookup_code}/khai-bao/")
    assert page.context["form"].initial["full_name"] == citizen.full_name
    data = form_data(
        full_name=citizen.full_name,
        residence_province=citizen.residence_province_id,
        residence_district=citizen.residence_district_id,
        residence_commune=citizen.residence_commune_id,
    )
    desk.post(f"/c/{citizen.lookup_code}/khai-bao/", data)
    assert citizen.declarations.count() == 2
    assert Person.objects.count() == 1


def test_opening_the_update_on_the_spot_is_audited(desk, officer, citizen):
    page = desk.get(f"/c/{citizen.lookup_code}/khai-bao/")
    assert citizen.phone in page.content.decode()
    entry = AuditEntry.objects.get(action="view_person")
    assert (entry.user, entry.person) == (officer, citizen)


def test_the_form_on_the_spot_starts_with_the_cursor_at_the_name(desk, citizen):
    for path in ("/chot/khai-bao/", f"/c/{citizen.lookup_code}/khai-bao/"):
        html = desk.get(path).content.decode()
        name = re.search(r'<input [^>]*name="full_name"[^>]*>', html).group(0)
        assert "autofocus" in name, path


def test_after_a_bus_passenger_the_next_one_is_a_key_press_away(desk, settings):
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = form_data(transport="coach", vehicle_plate="25B-012.34")
    response = desk.post("/chot/khai-bao/?bien-so=25B-012.34", data, follow=True)
    person = Person.objects.get()
    assert response.redirect_chain[-1][0] == f"/c/{person.lookup_code}/?bien-so=25B-012.34"
    html = response.content.decode()
    link = re.search(r'<a [^>]*href="/chot/khai-bao/\?bien-so=25B-012.34"[^>]*>([^<]*)', html)
    assert "autofocus" in link.group(0)
    assert link.group(1) == "Declare on the spot for the next passenger of 25B-012.34"
    # Its passage is recorded: the passage box does not take the cursor.
    assert not re.search(r'id="record-passage"[^>]*autofocus', html)


def test_a_traveller_declared_on_the_spot_alone_has_no_next_passenger(desk):
    response = desk.post("/chot/khai-bao/", form_data(), follow=True)
    assert "?bien-so=" not in response.redirect_chain[-1][0]
    assert "/chot/khai-bao/?bien-so=" not in response.content.decode()


def test_an_invalid_form_records_nothing(desk):
    response = desk.post("/chot/khai-bao/", form_data(phone="1"))
    assert response.status_code == 200
    assert not Passage.objects.exists()


def test_an_account_without_a_checkpoint_is_told_so(client, administrator):
    client.force_login(administrator)
    response = client.get("/chot/khai-bao/", follow=True)
    assert response.redirect_chain[-1][0] == "/chot/"
    assert list(response.context["messages"])


def test_the_form_on_the_spot_starts_at_todays_journey(desk, citizen):
    today = timezone.localdate().isoformat()
    for path in ("/chot/khai-bao/", f"/c/{citizen.lookup_code}/khai-bao/"):
        html = desk.get(path).content.decode()
        assert re.search(rf'name="travel_date" value="{today}"', html), path


def test_the_officer_is_asked_about_the_traveller_not_about_themselves(desk, checkpoint, settings):
    """The officer read "About you", "Your journey", "have you had any of these symptoms?" and
    "I promise that the information above is true", as if they were the traveller."""
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = desk.get("/chot/khai-bao/")
    html = page.content.decode()

    for heading in ("Personal details", "Residence", "Journey", "Health", "Commitment"):
        assert f"<legend>{heading}</legend>" in html
    assert "The person confirmed that the information above is true" in html
    assert "I promise" not in html
    with translation.override("en"):
        form = render_crispy_form(page.context["form"])
    assert re.findall(r"\byour?\b", form, re.IGNORECASE) == []


def test_the_officer_confirms_for_the_traveller_in_vietnamese(desk, checkpoint):
    html = desk.get("/chot/khai-bao/").content.decode()
    assert "Người được khai báo đã xác nhận những thông tin trên là đúng sự thật" in html
    assert "Tôi cam kết" not in html and "Anh/Chị" not in html
