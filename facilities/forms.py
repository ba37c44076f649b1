from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VisitorsDayForm(forms.Form):
    """The day of a facility's visitors: ``?ngay=YYYY-MM-DD``, today when absent."""

    ngay = forms.DateField(
        label=_("Date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def clean_ngay(self):
        day = self.cleaned_data["ngay"] or timezone.localdate()
        today = timezone.localdate()
        # Older declarations are purged; nobody has visited on a day still to come.
        earliest = today - timedelta(days=settings.RETENTION_DAYS)
        if not earliest <= day <= today:
            raise forms.ValidationError(
                _("Choose a day between %(start)s and %(end)s.")
                % {"start": f"{earliest:%d/%m/%Y}", "end": f"{today:%d/%m/%Y}"}
            )
        return day

    def day(self) -> date:
        """The valid day asked for, or today."""
        if self.is_valid():
            return self.cleaned_data["ngay"]
        return timezone.localdate()
