from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from declarations.forms import plausible_day
from declarations.places import place_tree, served_province_code
from truyvet.forms import DatePicker

DEFAULT_DAYS = 14
MAX_DAYS = 366


class ReportForm(forms.Form):
    """Which days the report covers: one day, or a range (by default the last 14 days); and
    whether it is the whole province's or one district's."""

    # A day of year 1 or 9999 is a typing error, and overflows once the range is computed.
    day = forms.DateField(label=_("Day"), required=False, validators=[plausible_day])
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, validators=[plausible_day]
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, validators=[plausible_day]
    )

    district = forms.ChoiceField(
        label=pgettext_lazy("report filter", "District"),
        required=False,
        error_messages={"invalid_choice": _("Choose a district of this province.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    error_messages = {
        "invalid": _("Enter a date such as 31/12/2021."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("day", "start", "end"):
            self.fields[name].error_messages["invalid"] = self.error_messages["invalid"]
            # Full-width boxes under their labels: inline, a short label ("To") sat beside its box.
            self.fields[name].widget = DatePicker(attrs={"class": "form-control"})
        # From the places kept in memory: the form asks the database nothing.
        districts = place_tree().children_of(served_province_code())
        self.fields["district"].choices = [
            ("", _("Whole province")),
            *((district.code, district.name) for district in districts),
        ]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        if data.get("day"):
            data["start"] = data["end"] = data["day"]
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        # Before the order: a first day to come, with no last day, is "after today", not late.
        if end > today or start > today:
            raise forms.ValidationError(_("The report cannot cover days still to come."))
        if start > end:
            raise forms.ValidationError(_("The first day must come before the last day."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                _("A report covers at most %(days)s days.") % {"days": MAX_DAYS}
            )
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[date, date]:
        """The days asked for, or the last 14 days when the form has errors."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        today = timezone.localdate()
        return today - timedelta(days=DEFAULT_DAYS - 1), today

    def chosen_district(self) -> str | None:
        """The code of the district asked for, or None for the whole province (also when the
        district given is not one of this province's)."""
        self.is_valid()
        return self.cleaned_data.get("district") or None
