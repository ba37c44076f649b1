from django import forms
from django.utils.translation import gettext_lazy as _

from checkpoints.models import Checkpoint, Direction, Outcome
from declarations.normalize import clean_spaces, normalize_plate
from declarations.risk import RiskLevel


class DeskSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code, phone, ID number, plate or name"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "class": "form-control-lg"}
        ),
    )


class PassageForm(forms.Form):
    checkpoint = forms.ModelChoiceField(
        label=_("Checkpoint"), queryset=Checkpoint.objects.filter(is_active=True)
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.IN
    )
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=15, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, initial=Outcome.ALLOWED
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_vehicle_plate(self):
        raw = self.cleaned_data["vehicle_plate"].strip()
        if not raw:
            return ""
        plate = normalize_plate(raw)
        if plate is None:
            raise forms.ValidationError(
                _("Enter the plate as written on the vehicle, for example 25B-012.34.")
            )
        return plate

    def clean_note(self):
        return clean_spaces(self.cleaned_data["note"])


class RiskFlagForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Risk level"),
        choices=[
            (RiskLevel.HIGH, RiskLevel.HIGH.label),
            (RiskLevel.MEDIUM, RiskLevel.MEDIUM.label),
        ],
        initial=RiskLevel.HIGH,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("For example: temperature 38.5 °C")}),
    )

    def clean_reason(self):
        reason = clean_spaces(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Say why the person is at risk."))
        return reason
