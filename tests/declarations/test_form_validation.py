"""Each rule of the declaration form, with good and bad values and the message shown."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from declarations.forms import DeclarationForm
from tests.conftest import BA_DINH, HA_NOI, LAI_CHAU_CITY, PHUC_XA, TAM_DUONG, form_data


def errors_for(places, **changes):
    with translation.override("en"):
        form = DeclarationForm(form_data(**changes))
        form.is_valid()
        return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def cleaned(places, **changes):
    form = DeclarationForm(form_data(**changes))
    assert form.is_valid(), form.errors
    return form.cleaned_data


def test_the_sample_form_is_valid(places):
    assert errors_for(places) == {}


PHONE_MESSAGE = (
    "Enter a Vietnamese mobile number of 10 digits starting with 03, 05, 07, 08 or 09 (or +84), "
    "or a foreign mobile number with its country code, for example +86 138 0013 8000."
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 332 123 456", "0332123456"),
        ("0523456789", "0523456789"),
        ("0701234567", "0701234567"),
        ("0812345678", "0812345678"),
        # A traveller through a border gate: a foreign mobile with its country code.
        ("+86 138 0013 8000", "+8613800138000"),
        ("0086 138 0013 8000", "+8613800138000"),
        ("+856 20 5555 1234", "+8562055551234"),
    ],
)
def test_mobile_numbers_are_accepted_and_normalised(places, typed, stored):
    assert cleaned(places, phone=typed)["phone"] == stored


@pytest.mark.parametrize(
    "typed",
    [
        "091234567",
        "09123456789",
        "0212345678",
        "0112345678",
        "abc",
        "+44 20 7946 0958",  # a foreign landline
        "+86 10 1234 5678",  # another
        "86 138 0013 8000",  # without the + or 00 it is not a foreign number
    ],
)
def test_other_phone_numbers_are_refused(places, typed):
    assert errors_for(places, phone=typed)["phone"] == [PHONE_MESSAGE]


@pytest.mark.parametrize("year", ["1900", "1985", str(timezone.localdate().year)])
def test_years_of_birth_from_1900_to_this_year_are_accepted(places, year):
    assert cleaned(places, birth_year=year)["birth_year"] == int(year)


@pytest.mark.parametrize("year", ["1899", str(timezone.localdate().year + 1), "0", "-5"])
def test_years_of_birth_outside_1900_to_this_year_are_refused(places, year):
    this_year = timezone.localdate().year
    assert errors_for(places, birth_year=year)["birth_year"] == [
        f"Enter a year of birth between 1900 and {this_year}."
    ]


def test_a_year_of_birth_that_is_not_a_number_is_refused(places):
    assert errors_for(places, birth_year="nineteen")["birth_year"] == ["Enter a whole number."]


ID_MESSAGE = (
    "Enter a CCCD number (12 digits), a CMND number (9 digits) or a passport number "
    "(1–2 letters and 6–8 digits)."
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("001188012345", "001188012345"),
        ("001 188 012 345", "001188012345"),
        ("123456789", "123456789"),
        ("c1234567", "C1234567"),
        ("", ""),
    ],
)
def test_cccd_cmnd_and_passport_numbers_are_accepted(places, typed, stored):
    assert cleaned(places, id_number=typed)["id_number"] == stored


@pytest.mark.parametrize("typed", ["12345", "1234567890", "0011880123456", "ABCDEFGH", "C12"])
def test_other_id_numbers_are_refused(places, typed):
    assert errors_for(places, id_number=typed)["id_number"] == [ID_MESSAGE]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("25b01234", "25B-012.34"),
        ("25B-012.34", "25B-012.34"),
        ("25B 01234", "25B-012.34"),
        ("29a1234", "29A-1234"),
        ("29LD12345", "29LD-123.45"),
    ],
)
def test_plates_are_normalised(places, typed, stored):
    assert cleaned(places, vehicle_plate=typed)["vehicle_plate"] == stored


@pytest.mark.parametrize("typed", ["25", "ABC-123", "25B-01", "2B01234"])
def test_malformed_plates_are_refused(places, typed):
    assert errors_for(places, vehicle_plate=typed)["vehicle_plate"] == [
        "Enter the plate as written on the vehicle, for example 25B-012.34."
    ]


def test_a_coach_journey_needs_its_plate(places):
    assert errors_for(places, transport="coach", vehicle_plate="")["vehicle_plate"] == [
        "Enter the plate of the coach or bus."
    ]
    assert "vehicle_plate" not in errors_for(places, transport="motorbike", vehicle_plate="")


@pytest.mark.parametrize("offset", [-14, 0, 3])
def test_travel_dates_from_14_days_ago_to_3_days_ahead_are_accepted(places, offset):
    day = timezone.localdate() + timedelta(days=offset)
    assert cleaned(places, travel_date=day.isoformat())["travel_date"] == day


@pytest.mark.parametrize("offset", [-15, 4, 400])
def test_travel_dates_outside_the_window_are_refused(places, offset):
    today = timezone.localdate()
    day = today + timedelta(days=offset)
    start, end = today - timedelta(days=14), today + timedelta(days=3)
    assert errors_for(places, travel_date=day.isoformat())["travel_date"] == [
        f"The travel date must be between {start:%d/%m/%Y} and {end:%d/%m/%Y}."
    ]


def test_a_commune_outside_its_district_is_refused(places):
    errors = errors_for(places, residence_commune="03390")  # in Tam Đường, not Ba Đình
    assert errors["residence_commune"] == ["This place is not inside the one chosen above."]


def test_a_district_outside_its_province_is_refused(places):
    errors = errors_for(places, residence_district=LAI_CHAU_CITY)  # with province Hà Nội
    assert errors["residence_district"] == ["This place is not inside the one chosen above."]


def test_the_destination_must_be_in_the_served_province(places):
    errors = errors_for(places, to_district=BA_DINH, to_commune=PHUC_XA)
    assert errors["to_district"] == ["Choose a district of this province."]


def test_an_unknown_place_code_is_refused(places):
    errors = errors_for(places, residence_province="99")
    assert errors["residence_province"] == [
        "Select a valid choice. 99 is not one of the available choices."
    ]


def test_an_email_address_that_is_not_one_says_so(places):
    assert errors_for(places, email="ten@")["email"] == [
        "This email address is not valid, for example: name@gmail.com."
    ]
    assert cleaned(places, email="")["email"] == ""


def test_the_commitment_is_required(places):
    assert errors_for(places, commitment=None)["commitment"] == [
        "Please confirm that the information is true."
    ]


@pytest.mark.parametrize("field", ["full_name", "birth_year", "sex", "travel_date"])
def test_required_fields(places, field):
    assert errors_for(places, **{field: ""})[field] == ["This field is required."]


def test_no_means_of_transport_is_chosen_for_the_citizen(places):
    """A coach chosen by default made the plate required of people who came on foot."""
    form = DeclarationForm()
    assert form["transport"].value() in (None, "")
    assert 'value="" selected' in str(form["transport"])
    assert errors_for(places, transport="")["transport"] == ["Choose the means of transport."]


def test_without_a_coach_no_plate_is_asked(places):
    assert "vehicle_plate" not in errors_for(places, transport="motorbike", vehicle_plate="")


def test_names_are_tidied(places):
    assert cleaned(places, full_name="  Nguyễn   Thị\tHoà ")["full_name"] == "Nguyễn Thị Hoà"


def test_the_form_lists_districts_of_the_chosen_province(places):
    form = DeclarationForm(initial={"residence_province": HA_NOI, "to_district": TAM_DUONG})
    district_codes = [code for code, _ in form.fields["residence_district"].choices if code]
    assert BA_DINH in district_codes and LAI_CHAU_CITY not in district_codes
    commune_codes = [code for code, _ in form.fields["to_commune"].choices if code]
    assert "03390" in commune_codes and PHUC_XA not in commune_codes


def test_messages_are_in_vietnamese_by_default(client, places):
    response = client.post("/khai-bao/", form_data(phone="123"))
    assert response.status_code == 200
    assert "Nhập số điện thoại di động" in response.content.decode()


@pytest.mark.parametrize("means", ["on_foot", "train", "plane"])
def test_a_plate_and_seat_are_dropped_with_a_means_that_has_no_plate(places, means):
    values = cleaned(places, transport=means, vehicle_plate="25B-012.34", seat="12")
    assert (values["vehicle_plate"], values["seat"]) == ("", "")


@pytest.mark.parametrize("means", ["car", "motorbike", "other"])
def test_the_plate_of_a_car_or_motorbike_is_kept_and_its_seat_is_not(places, means):
    """The checkpoint's desk finds a traveller by their car's plate; a seat is a coach's."""
    values = cleaned(places, transport=means, vehicle_plate="30a12345", seat="12")
    assert (values["vehicle_plate"], values["seat"]) == ("30A-123.45", "")


def test_a_malformed_plate_is_no_error_without_a_plate(places):
    assert "vehicle_plate" not in errors_for(places, transport="on_foot", vehicle_plate="??")


def test_a_malformed_plate_of_a_car_is_an_error_not_dropped(places):
    assert "vehicle_plate" in errors_for(places, transport="car", vehicle_plate="??")


def test_a_car_declared_with_its_plate_is_found_at_the_desk_by_that_plate(client, officer, places):
    client.post("/khai-bao/", form_data(transport="car", vehicle_plate="30A-123.45", seat=""))
    client.force_login(officer)
    found = client.get("/chot/", {"q": "30A-123.45"}).context["people"]
    assert [person.full_name for person in found] == ["Nguyễn Thị Hoà"]


def test_a_vehicles_qr_keeps_its_plate(places, vehicle):
    form = DeclarationForm(form_data(transport="motorbike", vehicle_plate=""), point=vehicle.point)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["transport"] == "coach"
    assert form.cleaned_data["vehicle_plate"] == vehicle.plate


def test_a_missing_phone_says_whose_number_someone_without_one_gives(places):
    message = "Enter a mobile number. Someone without a phone gives a relative's or a carer's."
    assert errors_for(places, phone="")["phone"] == [message]
    with translation.override("en"):
        assert "a relative's or a carer's mobile number" in str(
            DeclarationForm()["phone"].help_text
        )


@time_machine.travel(datetime(2026, 12, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["06/12/2026", "6/12/2026", "06-12-2026", "2026-12-06"])
def test_a_typed_travel_date_is_read_day_first(places, language, typed):
    """Without a date picker the date is typed as written in Việt Nam: 06/12 is 6 December."""
    with translation.override(language):
        values = cleaned(places, travel_date=typed)
    assert values["travel_date"] == date(2026, 12, 6)


def test_the_form_tells_travellers_from_abroad_which_places_to_choose(client, places):
    # A foreigner or someone living abroad has no residence among Viet Nam's places, nor a
    # province they came from: the form says which ones stand for those.
    page = client.get("/khai-bao/").content.decode()

    assert "Người sống ở nước ngoài: chọn nơi lưu trú tại Việt Nam." in page
    assert "Từ nước ngoài về: chọn tỉnh có cửa khẩu đã nhập cảnh." in page


def test_the_email_example_is_a_name_and_viet_nam_is_written_as_the_form_fills_it():
    """English read "for example: ten@gmail.com" (ten is Vietnamese for name), and its help
    said "Viet Nam" beside a nationality filled in as "Việt Nam"."""
    from django.utils import translation

    from declarations.forms import DeclarationForm

    fields = DeclarationForm.base_fields
    with translation.override("en"):
        assert "for example: name@gmail.com." in str(fields["email"].error_messages["invalid"])
        assert "in Việt Nam." in str(fields["residence_province"].help_text)
    with translation.override("vi"):
        assert "ví dụ đúng: ten@gmail.com." in str(fields["email"].error_messages["invalid"])
    assert fields["nationality"].initial == "Việt Nam"
