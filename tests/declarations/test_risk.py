from datetime import date

import pytest
from django.utils import translation

from declarations.risk import Reason, RiskLevel, Zone, assess_risk

DAY = date(2021, 5, 10)
HIGH, MEDIUM, NONE = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.NONE


def assess(symptoms=(), exposures=(), places=("01", "001", "00001"), zones=(), day=DAY):
    return assess_risk(
        symptoms=symptoms, exposures=exposures, place_codes=places, travel_date=day, zones=zones
    )


@pytest.mark.parametrize(
    ("symptoms", "exposures", "level", "reasons"),
    [
        ((), (), NONE, []),
        (("fever",), (), HIGH, ["symptom:fever"]),
        (("cough", "taste_smell"), (), HIGH, ["symptom:cough", "symptom:taste_smell"]),
        (("aches",), (), HIGH, ["symptom:aches"]),
        ((), ("confirmed_case",), HIGH, ["exposure:confirmed_case"]),
        ((), ("suspected_case",), MEDIUM, ["exposure:suspected_case"]),
        ((), ("from_epidemic_area",), MEDIUM, ["exposure:from_epidemic_area"]),
        ((), ("symptomatic",), MEDIUM, ["exposure:symptomatic"]),
        ((), ("been_in_epidemic_area",), MEDIUM, ["exposure:been_in_epidemic_area"]),
        (
            ("fever",),
            ("suspected_case",),
            HIGH,
            ["symptom:fever", "exposure:suspected_case"],
        ),
        ((), ("unknown",), NONE, []),
    ],
)
def test_risk_rules(symptoms, exposures, level, reasons):
    risk = assess(symptoms, exposures)
    assert risk.level == level
    assert risk.stored_reasons() == reasons


ZONE_BA_DINH = Zone("001", "Quận Ba Đình", date(2021, 5, 1), date(2021, 5, 20))


@pytest.mark.parametrize(
    ("zone", "day", "level"),
    [
        (ZONE_BA_DINH, DAY, MEDIUM),
        (ZONE_BA_DINH, date(2021, 4, 30), NONE),
        (ZONE_BA_DINH, date(2021, 5, 21), NONE),
        (ZONE_BA_DINH, date(2021, 5, 20), MEDIUM),
        (Zone("001", "Quận Ba Đình", date(2021, 5, 1)), date(2022, 1, 1), MEDIUM),
        (Zone("01", "Hà Nội", date(2021, 5, 1)), DAY, MEDIUM),
        (Zone("12", "Lai Châu", date(2021, 5, 1)), DAY, NONE),
        (Zone("00001", "Phường Phúc Xá", date(2021, 5, 1)), DAY, MEDIUM),
        (Zone("00004", "Phường Trúc Bạch", date(2021, 5, 1)), DAY, NONE),
    ],
)
def test_a_place_in_an_active_zone_is_medium_risk(zone, day, level):
    """A zone counts at each level of area: province (01), district (001), commune (00001)."""
    risk = assess(zones=[zone], day=day)
    assert risk.level == level
    if level == MEDIUM:
        assert risk.stored_reasons() == [f"zone:{zone.place_code}"]


def test_zone_reasons_come_after_symptoms_and_keep_high():
    risk = assess(symptoms=("fever",), zones=[ZONE_BA_DINH])
    assert risk.level == HIGH
    assert risk.stored_reasons() == ["symptom:fever", "zone:001"]


def test_reasons_have_human_words():
    with translation.override("en"):
        assert_english_labels()


def assert_english_labels():
    assert str(Reason("symptom", "fever").label()) == "Symptom: Fever"
    assert str(Reason("exposure", "confirmed_case").label()) == (
        "Contact with a confirmed COVID-19 case"
    )
    assert Reason("zone", "001").label({"001": "Quận Ba Đình"}) == (
        "Was in an epidemic zone: Quận Ba Đình"
    )


def test_reasons_round_trip_through_storage():
    reason = Reason("zone", "001")
    assert Reason.from_stored(reason.stored()) == reason
