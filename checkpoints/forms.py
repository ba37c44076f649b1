import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from checkpoints.models import Checkpoint, Direction, Outcome
from declarations.forms import plausible_day
from declarations.normalize import clean_spaces, normalize_plate
from declarations.risk import RiskLevel
from declarations.services import plate_of_poster


class ScanBox(forms.TextInput):
    """A search box that a USB scanner types into as soon as the page is drawn: it is drawn
    empty, so that a code scanned next is never put in front of the text searched before. That
    text is kept in ``data-previous``; static/js/site.js puts it back, selected (typing replaces
    it), unless something was typed already."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        previous = self.format_value(value)
        if previous:
            context["widget"]["attrs"]["data-previous"] = previous
        return context


class DeskSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code, phone, ID number, plate or name"),
        max_length=200,
        widget=ScanBox(
            attrs={"autofocus": True, "autocomplete": "off", "class": "form-control-lg"}
        ),
    )


class PassageForm(forms.Form):
    form_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    checkpoint = forms.ModelChoiceField(
        label=_("Checkpoint"), queryset=Checkpoint.objects.filter(is_active=True)
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.IN
    )
    vehicle_plate = forms.CharField(
        label=_("Vehicle plate"),
        max_length=15,
        required=False,
        widget=forms.TextInput(attrs={"class": "textinput form-control"}),  # as crispy-forms sets
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, initial=Outcome.ALLOWED
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, checkpoints=None, **kwargs):
        """``checkpoints``: those the user may record a passage at (any active one by default)."""
        super().__init__(*args, **kwargs)
        if checkpoints is not None:
            self.fields["checkpoint"].queryset = checkpoints

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


class SpotPassageForm(forms.Form):
    """The passage recorded with a declaration made on the spot: which way the traveller goes.
    Prefixed, so that its field never meets one of the declaration form's."""

    prefix = "passage"
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.IN, required=False
    )

    def __init__(self, *args, checkpoint: Checkpoint, **kwargs):
        super().__init__(*args, **kwargs)
        if checkpoint.entering_direction:
            self.fields["direction"].help_text = _(
                "Entering the province at this checkpoint: %(way)s."
            ) % {"way": checkpoint.entering_direction}

    def clean_direction(self):
        # A form drawn before the choice existed (a tab left open) sends none: entering, as then.
        return self.cleaned_data["direction"] or Direction.IN


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
        error_messages={"required": _("Say why the person is at risk.")},
    )

    def clean_reason(self):
        reason = clean_spaces(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Say why the person is at risk."))
        return reason


class PlateForm(forms.Form):
    # Long enough for the link of the vehicle's QR poster, which a USB scanner types.
    plate = forms.CharField(
        label=_("Vehicle plate"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )

    def clean_plate(self):
        text = self.cleaned_data["plate"]
        plate = normalize_plate(text) or plate_of_poster(text)
        if plate is None:
            raise forms.ValidationError(
                _("Enter the plate as written on the vehicle, for example 25B-012.34.")
            )
        return plate


class BusCheckForm(forms.Form):
    """Who of the list is on board, and how many on board are not on it."""

    on_board = forms.MultipleChoiceField(
        label=_("On board"), required=False, widget=forms.CheckboxSelectMultiple
    )
    undeclared = forms.IntegerField(
        label=_("Passengers on board who are not on the list"), min_value=0, max_value=200
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Direction.choices,
        initial=Direction.IN,
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    form_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, passengers=(), passed=(), **kwargs):
        """``passed``: the ids of those who crossed the checkpoint today already
        (``checkpoints.services.passed_today``). They start unticked: the officer ticks them
        for a real second crossing, such as the return trip."""
        super().__init__(*args, **kwargs)
        self.passengers = {str(d.person_id): d.person for d in passengers}
        self.fields["on_board"].choices = [(key, key) for key in self.passengers]
        self.fields["on_board"].initial = [key for key in self.passengers if int(key) not in passed]

    def on_board_people(self) -> list:
        return [self.passengers[key] for key in self.cleaned_data["on_board"]]

    def clean_note(self):
        return clean_spaces(self.cleaned_data["note"])


class FindingsForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[plausible_day],
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[plausible_day],
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must not be before the start date."))
        if start and end and (end - start).days > 366:
            self.add_error("end", _("Choose a range of at most one year."))
        return cleaned
