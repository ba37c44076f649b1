import re
from datetime import date, timedelta
from functools import cached_property, partial

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.forms import (
    DAYS_AHEAD,
    PHONE_REQUIRED_MESSAGE,
    REFRESH_BUTTON,
    DeclarationForm,
    MobilePhoneField,
    PlaceField,
    place_select,
)
from declarations.normalize import normalize_plate
from declarations.places import place_tree, served_province_code
from transport.models import BusCompany, RemovalReason, Vehicle
from transport.services import PassengerData
from truyvet.forms import fields_copied_when_drawn

# A crew's own number would let the crew open the passenger's declarations at /tra-cuu/, and
# keep the passenger from doing so: a relative's or a carer's is asked instead.
PASSENGER_PHONE_HELP = _(
    "The passenger's mobile number. For a child or an old person without a phone, a relative's "
    "or a carer's mobile number, never the crew's."
)
PLATE_ERROR = _("Enter the plate as written on the vehicle, for example 25B-012.34.")


@fields_copied_when_drawn
class PassengerForm(DeclarationForm):
    """The crew's short form for declaring one passenger after another (khai hộ).

    The answers it shares with the declaration form are checked by the same code, with the same
    messages. The journey is the vehicle's (today, by coach, its plate), from where the
    passenger boarded: their home is not where they come from (a resident of Lai Châu coming
    home from Hà Nội comes from Hà Nội, which the risk rules must see).
    """

    PLACE_PARENTS = {
        "residence_district": "residence_province",
        "residence_commune": "residence_district",
        "from_district": "from_province",
        "to_commune": "to_district",
    }
    # The places remembered from one passenger to the next.
    PLACES = (
        "residence_province",
        "residence_district",
        "residence_commune",
        "from_province",
        "from_district",
        "to_district",
        "to_commune",
    )

    on_behalf = True

    # Left empty by a busy crew, it is Việt Nam (``clean_nationality``), as the form shows.
    nationality = forms.CharField(
        label=_("Nationality"), max_length=60, initial="Việt Nam", required=False
    )
    phone = MobilePhoneField(
        help_text=PASSENGER_PHONE_HELP, error_messages={"required": PHONE_REQUIRED_MESSAGE}
    )
    residence_province = PlaceField(label=_("Home province / city"), widget=place_select())
    residence_district = PlaceField(
        label=_("Home district"), widget=place_select("residence_province")
    )
    residence_commune = PlaceField(
        label=_("Home commune / ward"), widget=place_select("residence_district")
    )
    from_province = PlaceField(label=_("Boarded in province / city"), widget=place_select())
    from_district = PlaceField(label=_("Boarded in district"), widget=place_select("from_province"))

    # What the short form leaves out: the vehicle and the day give the journey.
    id_number = None
    email = None
    residence_address = None
    travel_date = None
    to_address = None
    transport = None
    vehicle_plate = None
    places_visited = None
    vaccine_doses = None
    commitment = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields.own("full_name")
        name.widget.attrs |= {"autocomplete": "off"}
        if not self.is_bound:  # sent back with a mistake, the field marked gets the cursor
            name.widget.attrs["autofocus"] = True

    def place_roots(self) -> dict:
        tree = place_tree()
        return {
            "residence_province": tree.provinces,
            "from_province": tree.provinces,
            "to_district": partial(tree.children_of, served_province_code()),
        }

    def passenger_data(self) -> PassengerData:
        cleaned = self.cleaned_data
        return PassengerData(
            full_name=cleaned["full_name"],
            birth_year=cleaned["birth_year"],
            sex=cleaned["sex"],
            nationality=cleaned["nationality"],
            phone=cleaned["phone"],
            home_province=cleaned["residence_province"],
            home_district=cleaned["residence_district"],
            home_commune=cleaned["residence_commune"],
            from_province=cleaned["from_province"],
            from_district=cleaned["from_district"],
            to_district=cleaned["to_district"],
            to_commune=cleaned["to_commune"],
            seat=cleaned.get("seat", ""),
            symptoms=tuple(cleaned.get("symptoms", ())),
            exposures=tuple(cleaned.get("exposures", ())),
        )

    def places(self) -> dict[str, str]:
        """The places chosen, to start the next passenger's form with."""
        return {name: self.cleaned_data[name] for name in self.PLACES}

    @cached_property
    def helper(self) -> FormHelper:
        self.prepare_to_draw()
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            "form_token",
            Row(
                Column("full_name", css_class="col-md-6"),
                Column("birth_year", css_class="col-6 col-md-3"),
                Column("seat", css_class="col-6 col-md-3"),
            ),
            Row(
                Column(InlineRadios("sex"), css_class="col-md-4"),
                Column("nationality", css_class="col-md-4"),
                Column("phone", css_class="col-md-4"),
            ),
            Fieldset(
                _("Where the passenger lives"),
                Row(
                    Column("residence_province", css_class="col-md-4"),
                    Column("residence_district", css_class="col-md-4"),
                    Column("residence_commune", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Boarded at"),
                Row(
                    Column("from_province", css_class="col-md-6"),
                    Column("from_district", css_class="col-md-6"),
                ),
            ),
            Fieldset(
                _("Going to"),
                Row(
                    Column("to_district", css_class="col-md-6"),
                    Column("to_commune", css_class="col-md-6"),
                ),
                HTML(REFRESH_BUTTON),
            ),
            Fieldset(
                _("Health in the last 14 days"),
                InlineCheckboxes("symptoms"),
                InlineCheckboxes("exposures"),
            ),
            Submit("submit", _("Declare this passenger"), css_class="btn-lg w-100"),
        )
        return helper


def passenger_initial(places: dict | None) -> dict:
    """The next passenger's form: the last places chosen, else the served province as their
    home. Where the first passenger boarded is left to choose: a guess would hide a journey
    from an epidemic zone."""
    return places or {"residence_province": served_province_code()}


class ManifestDayForm(forms.Form):
    """The day of a passenger list: ``?ngay=YYYY-MM-DD``, today when absent."""

    ngay = forms.DateField(
        label=_("Date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, vehicle: Vehicle, **kwargs):
        super().__init__(*args, **kwargs)
        self.vehicle = vehicle

    def clean_ngay(self):
        day = self.cleaned_data["ngay"] or timezone.localdate()
        today = timezone.localdate()
        # Older declarations are purged; a journey may be declared up to DAYS_AHEAD days ahead.
        # A vehicle that moved to this company has its lists from that day on: those before are
        # the former company's.
        earliest = today - timedelta(days=settings.RETENTION_DAYS)
        if self.vehicle.company_since is not None:
            earliest = max(earliest, self.vehicle.company_since)
        latest = today + timedelta(days=DAYS_AHEAD)
        if not earliest <= day <= latest:
            raise forms.ValidationError(
                _("Choose a day between %(start)s and %(end)s.")
                % {"start": f"{earliest:%d/%m/%Y}", "end": f"{latest:%d/%m/%Y}"}
            )
        return day

    def day(self) -> date:
        """The valid day asked for, or today."""
        if self.is_valid():
            return self.cleaned_data["ngay"]
        return timezone.localdate()


class RemovalForm(forms.Form):
    """Why the crew takes a passenger off a day's list."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=RemovalReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the passenger is taken off the list.")},
    )


class VehicleFilterForm(forms.Form):
    """The vehicles list's filters: the plate, whole or in part, however typed; and the company
    for those who see every company's vehicles (``sees_all``)."""

    bien_so = forms.CharField(
        label=_("Vehicle plate"),
        required=False,
        max_length=20,
        help_text=_("All or part of it, for example 012.34 or 01234."),
    )
    nha_xe = forms.ModelChoiceField(
        label=_("Bus company"),
        queryset=BusCompany.objects.all(),
        required=False,
        empty_label=_("All companies"),
    )

    def __init__(self, *args, sees_all: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_all:
            del self.fields["nha_xe"]

    def filtered(self, vehicles):
        if not self.is_valid():
            return vehicles
        if self.cleaned_data.get("nha_xe"):
            vehicles = vehicles.filter(company=self.cleaned_data["nha_xe"])
        typed = re.sub(r"[^0-9A-Za-z]", "", self.cleaned_data["bien_so"]).upper()
        if typed:  # each letter or digit in turn, with or without the plate's "-" and "."
            vehicles = vehicles.filter(plate__iregex="[-.]?".join(typed))
        return vehicles


class VehicleAdminForm(forms.ModelForm):
    """A vehicle in the admin: its plate is stored in the one written form (``25B-012.34``)."""

    plate = forms.CharField(
        label=_("Vehicle plate"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "25B-012.34"}),
    )

    class Meta:
        model = Vehicle
        fields = ["company", "plate", "seats", "route", "is_active"]

    def clean_plate(self):
        plate = normalize_plate(self.cleaned_data["plate"])
        if plate is None:
            raise forms.ValidationError(PLATE_ERROR)
        return plate

    def save(self, commit=True):
        vehicle = super().save(commit=False)
        if self.instance.pk is not None and "company" in self.changed_data:
            vehicle.company_since = timezone.localdate()  # ManifestDayForm
        if commit:
            vehicle.save()
            self._save_m2m()
        return vehicle
