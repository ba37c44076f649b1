"""Forms of the cases pages: confirming a case, and the person of a case who never declared."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.forms import (
    BirthYearField,
    ChainedPlaces,
    FullNameField,
    IdNumberField,
    MobilePhoneField,
    PlaceField,
    place_select,
    plausible_day,
)
from declarations.models import Sex
from declarations.normalize import clean_spaces
from tracing.models import ContactLevel, ContactStatus
from tracing.proposals import INFECTIOUS_DAYS_BEFORE_CONFIRMATION, INFECTIOUS_DAYS_BEFORE_ONSET
from truyvet.forms import DatePicker


class CaseCloseForm(forms.Form):
    """Ending a case: why, for its follow-up's history."""

    note = forms.CharField(
        label=_("Why the case ends"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("For example: recovered, discharged")}),
        error_messages={"required": _("Say why the case ends.")},
    )


class CaseForm(forms.Form):
    """What makes a person a confirmed case (F0)."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    confirmed_on = forms.DateField(
        label=_("Confirmed on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[plausible_day],
    )
    onset_on = forms.DateField(
        label=_("Symptoms began on"),
        required=False,
        widget=DatePicker(),
        validators=[plausible_day],
    )
    how_confirmed = forms.CharField(
        label=_("How confirmed"),
        max_length=200,
        help_text=_("For example: RT-PCR positive, provincial CDC laboratory."),
    )
    isolated_at = forms.CharField(
        label=_("Where isolated"),
        max_length=200,
        required=False,
        help_text=_("For example: Lai Châu provincial general hospital, infectious diseases."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed_on"].initial = timezone.localdate()
        self.fields["onset_on"].help_text = _(
            "Leave empty for a case without symptoms. Its contacts are sought from %(onset)s days "
            "before the symptoms began, or else from %(confirmed)s days before the confirmation."
        ) % {
            "onset": INFECTIOUS_DAYS_BEFORE_ONSET,
            "confirmed": INFECTIOUS_DAYS_BEFORE_CONFIRMATION,
        }

    def clean_onset_on(self):
        day = self.cleaned_data["onset_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The day symptoms began cannot be in the future."))
        return day

    def clean_confirmed_on(self):
        day = self.cleaned_data["confirmed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of confirmation cannot be in the future."))
        return day

    def clean_how_confirmed(self):
        return clean_spaces(self.cleaned_data["how_confirmed"])

    def clean_isolated_at(self):
        return clean_spaces(self.cleaned_data["isolated_at"])


class CasePersonForm(ChainedPlaces, forms.Form):
    """The person of a case who never declared: just enough to trace them and give a code."""

    PLACE_PARENTS = {
        "residence_district": "residence_province",
        "residence_commune": "residence_district",
    }

    full_name = FullNameField()
    birth_year = BirthYearField()
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    phone = MobilePhoneField(required=False)
    id_number = IdNumberField()
    residence_province = PlaceField(label=_("Province / city"), widget=place_select())
    residence_district = PlaceField(label=_("District"), widget=place_select("residence_province"))
    residence_commune = PlaceField(
        label=_("Commune / ward"), widget=place_select("residence_district")
    )
    residence_address = forms.CharField(
        label=_("House number, street, hamlet"), max_length=200, required=False
    )

    def __init__(self, *args, district: str | None = None, **kwargs):
        """``district``: the only district of residence the user may enter (None: any)."""
        super().__init__(*args, **kwargs)
        self.district = district
        self.set_place_choices()

    def clean(self):
        cleaned = super().clean()
        self.check_places_nested(cleaned)
        chosen = cleaned.get("residence_district")
        if self.district is not None and chosen and chosen != self.district:
            self.add_error(
                "residence_district",
                _("You can enter only cases who live in your district."),
            )
        if "residence_address" in cleaned:
            cleaned["residence_address"] = clean_spaces(cleaned["residence_address"])
        return cleaned

    def person_values(self) -> dict:
        """The values ``declarations.services.person_create`` takes."""
        data = self.cleaned_data
        values = {
            name: data[name] for name in ("full_name", "birth_year", "sex", "phone", "id_number")
        }
        values |= {
            "residence_province_id": data["residence_province"],
            "residence_district_id": data["residence_district"],
            "residence_commune_id": data["residence_commune"],
            "residence_address": data["residence_address"],
        }
        return values


class DecisionForm(forms.Form):
    """Confirm or dismiss a proposed contact, or all the proposed contacts of a level."""

    status = forms.ChoiceField(
        choices=[
            (ContactStatus.CONFIRMED, ContactStatus.CONFIRMED.label),
            (ContactStatus.DISMISSED, ContactStatus.DISMISSED.label),
        ]
    )
    level = forms.ChoiceField(choices=ContactLevel.choices, required=False)
