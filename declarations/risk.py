"""The risk rules: one pure function from a declaration's answers to a level and its reasons.

High: any symptom, or contact with a confirmed case. Medium: contact with a suspected case, with
someone back from an epidemic area or with someone who has symptoms; having been in an epidemic
area, by the person's own answer or because a place of the declaration (where they came from,
where they live) lay in an epidemic zone active on the travel date. None otherwise.

Reasons are stored as short codes (``symptom:fever``, ``zone:105``) and turned into words here,
in the reader's language, so that a stored reason never goes stale when a translation changes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    NONE = "none", _("No risk found")

    @classmethod
    def highest(cls, *levels: str) -> "RiskLevel":
        order = [cls.NONE, cls.MEDIUM, cls.HIGH]
        return max((cls(level) for level in levels), key=order.index, default=cls.NONE)


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    BREATHLESS = "breathless", _("Shortness of breath")
    SORE_THROAT = "sore_throat", _("Sore throat")
    TASTE_SMELL = "taste_smell", _("Loss of taste or smell")
    ACHES = "aches", _("Body aches, tiredness or chills")


class Exposure(models.TextChoices):
    CONFIRMED_CASE = "confirmed_case", _("Contact with a confirmed COVID-19 case")
    SUSPECTED_CASE = "suspected_case", _("Contact with a suspected COVID-19 case")
    FROM_EPIDEMIC_AREA = "from_epidemic_area", _("Contact with someone back from an epidemic area")
    SYMPTOMATIC = "symptomatic", _("Contact with someone with fever, cough or shortness of breath")
    BEEN_IN_EPIDEMIC_AREA = "been_in_epidemic_area", _("Been in an epidemic area")


HIGH_EXPOSURES = {Exposure.CONFIRMED_CASE}

# The form's health questions cover the last 14 days: a risk declared in that time still counts
# toward the person's current risk after a later declaration without it
# (``declarations.services.people_risk_levels``).
RISK_DAYS = 14

# A confirmed contact of a case is at risk until the health staff clear them: a close contact
# (F1) high, a contact of a close contact (F2) medium. Keyed by tracing's ``ContactLevel``.
CONTACT_RISK = {"F1": RiskLevel.HIGH, "F2": RiskLevel.MEDIUM}


@dataclass(frozen=True)
class Zone:
    """An epidemic zone as the rules see it: a place (by GSO code) over a date range."""

    place_code: str
    name: str
    starts_on: date
    ends_on: date | None = None

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str = ""

    def stored(self) -> str:
        return f"{self.code}:{self.detail}" if self.detail else self.code

    @classmethod
    def from_stored(cls, text: str) -> "Reason":
        code, _sep, detail = text.partition(":")
        return cls(code, detail)

    def label(self, place_names: dict[str, str] | None = None) -> str:
        if self.code == "symptom":
            return _("Symptom: %(symptom)s") % {"symptom": _label(Symptom, self.detail)}
        if self.code == "exposure":
            return str(_label(Exposure, self.detail))
        if self.code == "zone":
            name = (place_names or {}).get(self.detail, self.detail)
            return _("Was in an epidemic zone: %(place)s") % {"place": name}
        if self.code == "manual":
            return _("Flagged by staff: %(note)s") % {"note": self.detail}
        return self.stored()


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


@dataclass(frozen=True)
class Risk:
    level: str
    reasons: tuple[Reason, ...]

    def stored_reasons(self) -> list[str]:
        return [reason.stored() for reason in self.reasons]


def assess_risk(
    *,
    symptoms: Iterable[str],
    exposures: Iterable[str],
    place_codes: Iterable[str],
    travel_date: date,
    zones: Iterable[Zone],
) -> Risk:
    """Risk level and reasons for one declaration's answers.

    ``place_codes`` are the GSO codes (province, district or commune) of the places the
    declaration mentions; a zone counts when its place is one of them and it is active on
    ``travel_date``.
    """
    symptoms = [s for s in Symptom.values if s in set(symptoms)]
    exposures = [e for e in Exposure.values if e in set(exposures)]
    places = set(place_codes)
    high = [Reason("symptom", s) for s in symptoms]
    high += [Reason("exposure", e) for e in exposures if e in HIGH_EXPOSURES]
    medium = [Reason("exposure", e) for e in exposures if e not in HIGH_EXPOSURES]
    medium += [
        Reason("zone", zone.place_code)
        for zone in sorted(zones, key=lambda z: z.place_code)
        if zone.place_code in places and zone.active_on(travel_date)
    ]
    medium = list(dict.fromkeys(medium))
    if high:
        return Risk(RiskLevel.HIGH, tuple(high + medium))
    if medium:
        return Risk(RiskLevel.MEDIUM, tuple(medium))
    return Risk(RiskLevel.NONE, ())
