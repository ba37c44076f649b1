import re
import uuid
from datetime import date, timedelta
from functools import cached_property, partial

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markupsafe import escape

from declarations import codes
from declarations.models import (
    PLATED_TRANSPORT,
    Declaration,
    DeclarationPoint,
    PointKind,
    Sex,
    Transport,
    VisitRole,
)
from declarations.normalize import (
    clean_spaces,
    normalize_id_number,
    normalize_phone,
    normalize_plate,
)
from declarations.places import place_tree, places_version, served_province_code
from declarations.risk import Exposure, Symptom
from declarations.services import DeclarationData
from truyvet.forms import CopiesFieldsToDraw, fields_copied_when_drawn

DAYS_BACK = 14
DAYS_AHEAD = 3
VACCINE_DOSES = [(n, str(n)) for n in range(4)] + [(4, _("4 or more"))]


# Where the chained selects fetch a place's children; resolved only when a form is drawn.
PLACES_URL = reverse_lazy("declarations:places", kwargs={"code": "CODE"})


class PlaceField(forms.ChoiceField):
    """A province, district or commune chosen by GSO code; valid if the code exists.

    The listed choices depend on the parent chosen above it (see ``DeclarationForm``), but any
    existing code is accepted here; ``clean`` then checks it lies inside its parent.
    """

    def valid_value(self, value):
        return place_tree().get(value) is not None


class PlaceSelect(forms.Select):
    """A list of places, drawn in Python: the same HTML as Django's select template (escaped as
    Jinja2 escapes it: MarkupSafe), without a template per option. A province's list has 63
    options and the district and commune lists tens more; drawn through the widget templates
    (two for each option), a province's list took 1.07 ms and now 0.30, and a declaration
    form filled in (an update, or a form sent back with a mistake: about 250 options) about
    2 ms of its 20 through gunicorn."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # groups: Django's own
        chosen = self.format_value(value)
        options, found = [], False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not found and option_value in chosen
            found |= selected
            mark = " selected" if selected else ""
            label = escape(str(label))
            options.append(f'\n  <option value="{escape(option_value)}"{mark}>{label}</option>')
        return mark_safe(  # noqa: S308 - every value and label escaped above, attrs in _attrs
            f'<select name="{escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>'
            f"{''.join(options)}\n</select>"
        )


def _attrs(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them: a true one bare, a false one left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def place_select(parent_field: str = ""):
    attrs = {"class": "form-select"}
    if parent_field:
        attrs["data-parent"] = f"id_{parent_field}"
    return PlaceSelect(attrs=attrs)


# What a citizen's select shows while nothing is chosen: Django's "---------" told someone not
# used to forms nothing (staff filters keep it, where it reads as "any").
CHOOSE = _("— Choose —")
NOTHING_CHOSEN = "---------"


def place_choices(places, blank=NOTHING_CHOSEN) -> list[tuple[str, str]]:
    """A place select's choices: none chosen (``blank``), then ``places``."""
    return [("", blank), *((p.code, p.name) for p in places)]


class ChainedPlaces:
    """The rule of a form's chained place selects (province, district, commune), in one place.

    Each child field of ``PLACE_PARENTS`` (child -> parent, in the order of refreshing) lists the
    places inside the one its parent holds, fetches them again when the parent changes
    (``static/js/site.js`` reads ``data-url``), and must lie inside it. The fields at the top of
    a chain list what ``place_roots`` gives: every province, unless a form says otherwise.
    """

    PLACE_PARENTS: dict[str, str] = {}
    blank_choice = NOTHING_CHOSEN  # what each place select shows while none is chosen

    def place_roots(self) -> dict:
        """The fields at the top of a chain, each with what gives the places it lists."""
        return {"residence_province": place_tree().provinces}

    def set_place_choices(self) -> None:
        """Give every place field its choices. They are callables: built only if the form is
        drawn, not when a post is validated (``PlaceField`` checks codes against the tree)."""
        for name, places in self.place_roots().items():
            self.fields[name].choices = partial(_root_choices, places, self.blank_choice)
        for child, parent in self.PLACE_PARENTS.items():
            self.fields[child].choices = partial(self._children_choices, parent)
            # With the places' version: a phone keeps a list a day (``views.places``), and a
            # commune added or renamed must reach it at once, under a new address.
            self.fields[child].widget.attrs["data-url"] = f"{PLACES_URL}?v={places_version()}"

    def place_chosen(self, name: str) -> str:
        """The code in the place field ``name``: posted, or the form's initial value."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        return str(self.initial.get(name) or self.fields[name].initial or "")

    def check_places_nested(self, cleaned: dict) -> None:
        """An error on each child chosen outside its parent, or without a parent chosen. A
        parent that failed its own checks has its own error already."""
        tree = place_tree()
        for child, parent in self.PLACE_PARENTS.items():
            code, parent_code = cleaned.get(child), cleaned.get(parent)
            if not code or parent in self.errors:
                continue
            if not (parent_code and tree.is_child(code, parent_code)):
                self.add_error(child, _("This place is not inside the one chosen above."))

    def _children_choices(self, parent: str) -> list[tuple[str, str]]:
        children = place_tree().children_of(self.place_chosen(parent))
        return place_choices(children, self.blank_choice)


def _root_choices(places, blank) -> list[tuple[str, str]]:
    return place_choices(places(), blank)


PHONE_MESSAGE = _(
    "Enter a Vietnamese mobile number of 10 digits starting with 03, 05, 07, 08 or 09 (or +84), "
    "or a foreign mobile number with its country code, for example +86 138 0013 8000."
)
# Children and old people often have no phone of their own: say what to give instead.
PHONE_REQUIRED_MESSAGE = _(
    "Enter a mobile number. Someone without a phone gives a relative's or a carer's."
)
ID_NUMBER_MESSAGE = _(
    "Enter a CCCD number (12 digits), a CMND number (9 digits) or a passport number "
    "(1–2 letters and 6–8 digits)."
)


# Every text field refuses a NUL character (PostgreSQL cannot store one) with Django's message,
# which Django's Vietnamese catalogue leaves untranslated: naming the same text here puts it in
# this project's catalogue, whose translation Django's validator then shows.
NUL_MESSAGE = _("Null characters are not allowed.")

# Days a staff form may name: a day outside them is a typing error, and the year-1 or year-9999
# days a form would otherwise take overflow once a day is added or a time zone applied.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def plausible_day(day: date) -> None:
    """A validator for date fields of staff forms: a day from ``FIRST_DAY`` to ``LAST_DAY``."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(
            _("Choose a day between %(start)s and %(end)s.")
            % {"start": f"{FIRST_DAY:%d/%m/%Y}", "end": f"{LAST_DAY:%d/%m/%Y}"},
            code="day_range",
        )


# The identity fields of every form that records a person (declarations, cases, contacts,
# passengers): one place for each rule and its message.


class FullNameField(forms.CharField):
    def __init__(self, **kwargs):
        # A phone's keyboard starts each word of a name with a capital.
        widget = forms.TextInput(attrs={"autocapitalize": "words"})
        super().__init__(**{"label": _("Full name"), "max_length": 100, "widget": widget, **kwargs})

    def clean(self, value):
        name = clean_spaces(super().clean(value) or "")
        if self.required and len(name) < 2:
            raise forms.ValidationError(_("Please enter the full name."), code="short")
        return name


class BirthYearField(forms.IntegerField):
    def __init__(self, **kwargs):
        # An example, not a value: a bare "1985" looked already filled in.
        widget = forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": _("e.g. 1985")})
        super().__init__(**{"label": _("Year of birth"), "widget": widget, **kwargs})

    def validate(self, value):
        super().validate(value)
        this_year = timezone.localdate().year
        if value is not None and not 1900 <= value <= this_year:
            raise forms.ValidationError(
                _("Enter a year of birth between 1900 and %(year)s.") % {"year": this_year},
                code="range",
            )


class MobilePhoneField(forms.CharField):
    """A Vietnamese mobile number, returned in national form (``0912345678``), or ""."""

    def __init__(self, **kwargs):
        widget = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        super().__init__(
            **{"label": _("Mobile phone"), "max_length": 20, "widget": widget, **kwargs}
        )

    def clean(self, value):
        raw = super().clean(value)
        if not raw:
            return ""
        phone = normalize_phone(raw)
        if phone is None:
            raise forms.ValidationError(PHONE_MESSAGE, code="phone")
        return phone


class IdNumberField(forms.CharField):
    """A CCCD, CMND or passport number, normalised, or ""."""

    def __init__(self, **kwargs):
        label = _("ID card (CCCD/CMND) or passport number")
        super().__init__(**{"label": label, "max_length": 20, "required": False, **kwargs})

    def clean(self, value):
        raw = super().clean(value)
        if not raw:
            return ""
        number = normalize_id_number(raw)
        if number is None:
            raise forms.ValidationError(ID_NUMBER_MESSAGE, code="id_number")
        return number


# The labels that address the citizen, as staff who declare for them read them.
ON_BEHALF_LABELS = {
    "places_visited": _("Places the person has been to in the last 14 days"),
    "symptoms": _("In the last 14 days, has the person had any of these symptoms?"),
    "exposures": _("In the last 14 days, has any of these applied to the person?"),
    "visit_role": _("The visitor is"),
    "commitment": _(
        "The person confirmed that the information above is true, and it is written as they "
        "gave it. A false declaration is a breach of the law and may be punished."
    ),
}


@fields_copied_when_drawn
class DeclarationForm(CopiesFieldsToDraw, ChainedPlaces, forms.Form):
    """The declaration form (tờ khai y tế), one page, usable without JavaScript.

    A posted form validates with the class's fields, shared (``truyvet.forms``); a form to be
    drawn, blank or sent back with its mistakes, first takes fields of its own
    (``prepare_to_draw``), with a new form token and the place lists. A subclass is decorated
    with ``fields_copied_when_drawn`` too.
    """

    blank_choice = CHOOSE
    # Child place field -> its parent field; the order is the order of refreshing.
    PLACE_PARENTS = {
        "residence_district": "residence_province",
        "residence_commune": "residence_district",
        "from_district": "from_province",
        "to_commune": "to_district",
    }

    form_token = forms.UUIDField(widget=forms.HiddenInput)

    # The person's own name, which a phone may offer to fill in (a crew's or an officer's form
    # turns it off: each time it is someone else's).
    full_name = FullNameField(
        widget=forms.TextInput(attrs={"autocapitalize": "words", "autocomplete": "name"})
    )
    birth_year = BirthYearField()
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    nationality = forms.CharField(label=_("Nationality"), max_length=60, initial="Việt Nam")
    id_number = IdNumberField(help_text=_("Optional. CCCD: 12 digits; CMND: 9 digits."))
    phone = MobilePhoneField(
        help_text=_(
            "Needed to look up the declaration later. For a child or an old person without a "
            "phone, give a relative's or a carer's mobile number."
        ),
        error_messages={"required": PHONE_REQUIRED_MESSAGE},
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={
            # "ten" is Vietnamese for "name": the English reads "name@gmail.com".
            "invalid": _("This email address is not valid, for example: name@gmail.com.")
        },
    )

    residence_province = PlaceField(
        label=_("Province / city"),
        help_text=_("Living abroad: choose the place of stay in Việt Nam."),
        widget=place_select(),
    )
    residence_district = PlaceField(label=_("District"), widget=place_select("residence_province"))
    residence_commune = PlaceField(
        label=_("Commune / ward"), widget=place_select("residence_district")
    )
    residence_address = forms.CharField(
        label=_("House number, street, hamlet"), max_length=200, required=False
    )

    travel_date = forms.DateField(
        label=_("Travel date"),
        # Without a date picker the date is typed, read day first in either language
        # (truyvet/formats).
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    from_province = PlaceField(
        label=_("From province / city"),
        help_text=_("Coming from abroad: choose the province of the border gate of entry."),
        widget=place_select(),
    )
    from_district = PlaceField(label=_("From district"), widget=place_select("from_province"))
    to_district = PlaceField(label=_("To district"), widget=place_select())
    to_commune = PlaceField(label=_("To commune / ward"), widget=place_select("to_district"))
    to_address = forms.CharField(label=_("Destination address"), max_length=200, required=False)
    # No means is chosen for the citizen: a coach chosen by default made the plate required of
    # people who walked or rode a motorbike.
    # data-plated: which means keep a plate (static/js/site.js hides the plate for the others).
    transport = forms.ChoiceField(
        label=_("Means of transport"),
        choices=[("", CHOOSE), *Transport.choices],
        error_messages={"required": _("Choose the means of transport.")},
        widget=forms.Select(attrs={"data-plated": " ".join(sorted(PLATED_TRANSPORT))}),
    )
    vehicle_plate = forms.CharField(
        label=_("Vehicle plate"),
        max_length=15,
        required=False,
        help_text=_("Needed for a coach or bus; give it for a car, motorbike or truck too."),
        # An example, not a value (as the year of birth's): a bare plate looked already filled
        # in, as though the form knew the vehicle.
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. 25B-012.34"), "autocapitalize": "characters"}
        ),
    )
    seat = forms.CharField(label=_("Seat"), max_length=10, required=False)
    places_visited = forms.CharField(
        label=_("Places you have been to in the last 14 days"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    symptoms = forms.MultipleChoiceField(
        label=_("In the last 14 days, have you had any of these symptoms?"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exposures = forms.MultipleChoiceField(
        label=_("In the last 14 days, has any of these applied to you?"),
        choices=Exposure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    vaccine_doses = forms.TypedChoiceField(
        label=_("COVID-19 vaccine doses received"),
        choices=VACCINE_DOSES,
        coerce=int,
        initial=0,
    )
    commitment = forms.BooleanField(
        label=_(
            "I promise that the information above is true. I understand that a false "
            "declaration is a breach of the law and may be punished."
        ),
        error_messages={"required": _("Please confirm that the information is true.")},
    )

    # Declared by staff for someone else (a checkpoint's officer, a facility's staff, a crew):
    # the questions put to the citizen ("Anh/Chị" in Vietnamese) are asked about that person.
    on_behalf = False

    def __init__(
        self,
        *args,
        point: DeclarationPoint | None = None,
        updates: Declaration | None = None,
        on_behalf: bool | None = None,
        **kwargs,
    ):
        """``point``: the QR point the form is opened from, its context fixed. ``updates``: the
        declaration a citizen's update starts from (their latest), whose point may carry over
        (``carry_over``)."""
        super().__init__(*args, **kwargs)
        self.point = point
        self.updates = updates
        if on_behalf is not None:
            self.on_behalf = on_behalf
        if point is not None:
            self._fix_point_context(point)
        if self.on_behalf:
            for name, label in ON_BEHALF_LABELS.items():
                if name in self.fields:
                    self.fields.own(name).label = label
        if not self.is_bound:
            self.prepare_to_draw()

    def get_ready_to_draw(self) -> None:
        """A new form token and the choices of the place lists, on the form's own fields
        (crispy sets the widgets' classes as it draws them)."""
        self.fields["form_token"].initial = uuid.uuid4()
        self.set_place_choices()

    def _fix_point_context(self, point: DeclarationPoint) -> None:
        """A vehicle's QR fixes its plate; a facility's QR asks about the visit.

        The fixed values are the form's initial ones too, whatever it was given: an update
        opened from the poster starts from the latest journey, whose plate is another
        vehicle's, and a disabled field is cleaned from its initial value."""
        if point.kind == PointKind.VEHICLE:
            fixed = {"vehicle_plate": point.vehicle_plate, "transport": Transport.COACH}
            for name, value in fixed.items():
                field = self.fields.own(name)
                field.initial = value
                field.disabled = True
            self.initial = {**self.initial, **fixed}
        if point.kind == PointKind.FACILITY:
            self.fields["visit_role"] = forms.ChoiceField(
                label=_("You are visiting as"), choices=VisitRole.choices, widget=forms.RadioSelect
            )
            # As the facility's staff filter them (department_list): a space typed after a
            # name in the admin would otherwise make a department no filter finds.
            names = [line.strip() for line in point.departments.splitlines()]
            departments = [(name, name) for name in names if name]
            self.fields["department"] = (
                forms.ChoiceField(
                    label=_("Department visited"), choices=[("", CHOOSE), *departments]
                )
                if departments
                else forms.CharField(label=_("Department visited"), max_length=100)
            )

    # -- choices of the chained place selects --------------------------------------------------

    def place_roots(self) -> dict:
        tree = place_tree()
        return {
            "residence_province": tree.provinces,
            "from_province": tree.provinces,
            "to_district": partial(tree.children_of, served_province_code()),
        }

    # -- validation -------------------------------------------------------------------------------

    def clean_nationality(self):
        return clean_spaces(self.cleaned_data["nationality"]) or "Việt Nam"

    def clean_travel_date(self):
        day = self.cleaned_data["travel_date"]
        today = timezone.localdate()
        earliest, latest = today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
        if not earliest <= day <= latest:
            raise forms.ValidationError(
                _("The travel date must be between %(start)s and %(end)s.")
                % {"start": f"{earliest:%d/%m/%Y}", "end": f"{latest:%d/%m/%Y}"}
            )
        return day

    def clean_vehicle_plate(self):
        raw = self.cleaned_data["vehicle_plate"].strip()
        if not raw:
            return ""
        value = normalize_plate(raw)
        if value is None:
            raise forms.ValidationError(
                _("Enter the plate as written on the vehicle, for example 25B-012.34.")
            )
        return value

    def clean_to_district(self):
        code = self.cleaned_data["to_district"]
        if not place_tree().is_child(code, served_province_code()):
            raise forms.ValidationError(_("Choose a district of this province."))
        return code

    def clean(self):
        cleaned = super().clean()
        self.check_places_nested(cleaned)
        plate_missing = not cleaned.get("vehicle_plate") and "vehicle_plate" not in self.errors
        if cleaned.get("transport") == Transport.COACH and plate_missing:
            self.add_error("vehicle_plate", _("Enter the plate of the coach or bus."))
        if "transport" in cleaned:
            self.drop_what_the_means_has_not(cleaned)
            self.carry_over(cleaned)
        for name in ("residence_address", "to_address", "places_visited", "seat"):
            if name in cleaned:
                cleaned[name] = clean_spaces(cleaned[name])
        return cleaned

    def drop_what_the_means_has_not(self, cleaned: dict) -> None:
        """A seat only with a coach, a plate only with a means that has one
        (``PLATED_TRANSPORT``): a car's plate is kept for the checkpoints' search, a plate typed
        on foot is not. A vehicle's QR fixes the means to coach."""
        means = cleaned["transport"]
        dropped = []
        if means != Transport.COACH:
            dropped.append("seat")
        if means not in PLATED_TRANSPORT:
            dropped.append("vehicle_plate")
        self._drop(cleaned, dropped)

    def carry_over(self, cleaned: dict) -> None:
        """What the form started from carries over only while it still applies: the rules of
        an update (the form starts from the latest journey) and of a bus check's coach filled
        in, in one place.

        - A plate carried unchanged with another means is that earlier vehicle's: kept, it
          would file a motorbike rider under the bus they took before. It is dropped.
        - The declaration point of the declaration updated (``updates``: a vehicle, a
          checkpoint or a facility whose QR it was sent through) stays with the same trip: the
          same travel date, means and plate. A passenger who corrects their answers is still
          declared through the coach they scanned (the risk list's "declared through", the
          coach's passenger list); a visit to a facility updated is still that visit, in its
          department. Another day, another means or another plate is another trip, which the
          point says nothing of. A form opened from a QR has its own point.
        """
        means = cleaned["transport"]
        carried = self.initial.get("vehicle_plate")
        means_changed = means != self.initial.get("transport")
        if carried and means_changed and cleaned.get("vehicle_plate") == carried:
            self._drop(cleaned, ["vehicle_plate"])
        updated = self.updates
        if self.point is not None or updated is None or updated.point_id is None:
            return
        trip = (cleaned.get("travel_date"), means, cleaned.get("vehicle_plate", ""))
        if trip == (updated.travel_date, updated.transport, updated.vehicle_plate):
            cleaned["point"] = updated.point
            cleaned["visit_role"] = updated.visit_role
            cleaned["department"] = updated.department

    def _drop(self, cleaned: dict, names: list[str]) -> None:
        for name in names:
            cleaned[name] = ""
            self.errors.pop(name, None)

    def declaration_data(self) -> DeclarationData:
        values = {
            name: self.cleaned_data[name]
            for name in DeclarationData.__dataclass_fields__
            if name in self.cleaned_data
        }
        values["symptoms"] = tuple(values.get("symptoms", ()))
        values.setdefault("point", self.point)  # a point carried over (``carry_over``) or not
        values["exposures"] = tuple(values.get("exposures", ()))
        return DeclarationData(**values)

    # -- layout -----------------------------------------------------------------------------------

    @cached_property
    def helper(self) -> FormHelper:
        """The crispy layout, built only when the form is rendered."""
        self.prepare_to_draw()
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(  # the form token is drawn outside: the rest can be kept
            Fieldset(
                _("Personal details"),
                "full_name",
                "birth_year",
                "sex",
                "nationality",
                "id_number",
                "phone",
                "email",
            ),
            Fieldset(
                _("Residence"),
                "residence_province",
                "residence_district",
                "residence_commune",
                "residence_address",
                HTML(REFRESH_BUTTON),
            ),
            Fieldset(
                _("Journey"),
                "travel_date",
                "from_province",
                "from_district",
                "to_district",
                "to_commune",
                "to_address",
                "transport",
                "vehicle_plate",
                "seat",
                "places_visited",
                HTML(REFRESH_BUTTON),
            ),
            Fieldset(_("Health"), "symptoms", "exposures", "vaccine_doses"),
            *self._visit_fieldset(),
            Fieldset(_("Commitment"), "commitment"),
            Submit("submit", _("Send declaration"), css_class="btn-lg w-100"),
        )
        return helper

    def _visit_fieldset(self) -> list:
        if "visit_role" not in self.fields:
            return []
        return [Fieldset(_("Visit to the facility"), "visit_role", "department")]


# Without JavaScript the district and commune lists cannot follow the province chosen; this
# button (hidden when JavaScript runs) sends the form back to refresh them, keeping the answers.
REFRESH_BUTTON = (
    '{% load i18n %}<noscript><button type="submit" name="refresh_places" value="1" '
    'class="btn btn-outline-secondary btn-sm mb-3" formnovalidate>'
    "{% translate 'Show the districts and communes of the places chosen' %}</button></noscript>"
)


# What a family travelling together shares, carried from one member's declaration to the next
# one's form (the success page's "Declare for someone else", ``declarations.views.success``).
# Never the seat, the destination address or the places visited (each person's own, and an
# address is not put in a link), nor anything of a person's identity or health.
SHARED_JOURNEY = (
    "travel_date",
    "from_province",
    "from_district",
    "to_district",
    "to_commune",
    "transport",
    "vehicle_plate",
)


def shared_journey(query, *, point=None) -> dict:
    """The shared journey given in an address's query, as initial values of the form: each
    value only as the form accepts it (a place inside the one above it, a date the form takes,
    a plate only with a means that has one). Anything else in the query is ignored; what a
    point's QR fixes (a coach's plate) is the point's, whatever the query says."""
    if not any(query.get(name) for name in SHARED_JOURNEY):
        return {}  # the blank form, as nearly everyone opens it: nothing to check
    form = DeclarationForm({name: query.get(name, "") for name in SHARED_JOURNEY}, point=point)
    form.is_valid()
    return {name: value for name in SHARED_JOURNEY if (value := form.cleaned_data.get(name))}


def initial_from_data(data, *, point=None) -> dict:
    """The values posted to the form, read as initial values (to re-show it without errors)."""
    form = DeclarationForm(point=point)
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
    }


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Lookup code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                # An example: a bare code looked like the citizen's own, already filled in.
                "placeholder": _("e.g. K7QX-3M9P"),
            }
        ),
    )
    phone_last4 = forms.CharField(
        label=_("Last 4 digits of your phone number"),
        max_length=12,  # room for spaces or dots pasted around the digits, which are dropped
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_code(self):
        code = codes.parse_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A lookup code has 8 letters and digits, like K7QX-3M9P.")
            )
        return code

    def clean_phone_last4(self):
        digits = re.sub(r"[\s.\-]", "", self.cleaned_data["phone_last4"])
        if not (len(digits) == 4 and digits.isascii() and digits.isdigit()):
            raise forms.ValidationError(_("Enter the last 4 digits of the phone number."))
        return digits
