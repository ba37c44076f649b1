"""Forms of the contacts an investigation team reports: one at a time, or a file of them.

``ContactPersonForm`` checks who the contact is; the line entry (``ContactEntryForm``) adds the
place selects and the F1 of an F2, and the importer runs it on every row of a file, so that a
value is refused with the same message wherever it is typed.
"""

from functools import cached_property

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.forms import (
    REFRESH_BUTTON,
    BirthYearField,
    ChainedPlaces,
    FullNameField,
    IdNumberField,
    MobilePhoneField,
    PlaceField,
    place_select,
)
from declarations.models import Sex
from declarations.normalize import clean_spaces
from declarations.places import served_province_code
from tracing.duplicates import Identity, PersonMatcher
from tracing.models import Case, Contact, ContactLevel, ContactStatus

NOTE_LENGTH = 300


class ContactPersonForm(forms.Form):
    """Who the contact is, and their level: the checks shared by the line entry and the file."""

    full_name = FullNameField()
    birth_year = BirthYearField()
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, required=False, widget=forms.RadioSelect
    )
    phone = MobilePhoneField(required=False)
    id_number = IdNumberField()
    residence_address = forms.CharField(
        label=_("House number, street, hamlet"), max_length=200, required=False
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=ContactLevel.choices,
        initial=ContactLevel.F1,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (how they were in contact)"), max_length=NOTE_LENGTH, required=False
    )

    def clean_residence_address(self):
        return clean_spaces(self.cleaned_data["residence_address"])

    def clean_note(self):
        return clean_spaces(self.cleaned_data["note"])

    def clean(self):
        cleaned = super().clean()
        no_phone = not cleaned.get("phone") and "phone" not in self.errors
        no_id = not cleaned.get("id_number") and "id_number" not in self.errors
        if no_phone and no_id:
            self.add_error(
                "phone",
                _("Give a mobile phone or an ID number, so that the person can be found again."),
            )
        return cleaned

    def identity(self) -> Identity:
        cleaned = self.cleaned_data
        return Identity.of(
            id_number=cleaned.get("id_number", ""),
            phone=cleaned.get("phone", ""),
            full_name=cleaned.get("full_name", ""),
            birth_year=cleaned.get("birth_year"),
        )


class ContactEntryForm(ChainedPlaces, ContactPersonForm):
    """One contact of a case, typed from the investigation team's notes (nhập từng dòng).

    The contact is matched to an existing person (by ID number, or by phone with name and year
    of birth); only a new person needs their sex and where they live. An F2 names its F1.
    """

    PLACE_PARENTS = {
        "residence_district": "residence_province",
        "residence_commune": "residence_district",
    }
    PLACES = ("residence_province", "residence_district", "residence_commune")

    residence_province = PlaceField(
        label=_("Province / city"), required=False, widget=place_select()
    )
    residence_district = PlaceField(
        label=_("District"), required=False, widget=place_select("residence_province")
    )
    residence_commune = PlaceField(
        label=_("Commune / ward"), required=False, widget=place_select("residence_district")
    )
    via = forms.ModelChoiceField(
        label=_("F1 they were in contact with (for an F2)"),
        queryset=Contact.objects.none(),
        required=False,
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.person = None
        self.fields["full_name"].widget.attrs |= {"autocomplete": "off"}
        if not self.is_bound:  # sent back with a mistake, the field marked gets the cursor
            self.fields["full_name"].widget.attrs["autofocus"] = True
        self.fields["via"].queryset = f1_contacts(case)
        self.fields["via"].label_from_instance = _f1_label
        self.set_place_choices()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.person = PersonMatcher([self.identity()]).match(self.identity())
        if self.person is not None and self.person.pk == self.case.person_id:
            self.add_error("full_name", _("This is the case (F0) itself."))
        if self.person is None:
            self._check_new_person(cleaned)
        via = cleaned.get("via")
        if cleaned.get("level") == ContactLevel.F2 and via is None:
            self.add_error("via", _("An F2 is a contact of an F1: choose the F1."))
        if via is not None and self.person is not None and via.person_id == self.person.pk:
            self.add_error("via", _("An F2 cannot be their own F1."))
        return cleaned

    def _check_new_person(self, cleaned) -> None:
        """A person not found must be created: their sex and home are needed."""
        if not cleaned.get("sex"):
            self.add_error("sex", _("Needed for a new person."))
        # Only the first place missing is named: the lists below it depend on it.
        missing = next((name for name in self.PLACES if not cleaned.get(name)), None)
        if missing is not None:
            self.add_error(missing, _("Needed for a new person."))
            return
        self.check_places_nested(cleaned)

    def person_values(self) -> dict:
        """The fields of the person to create when nobody matched."""
        cleaned = self.cleaned_data
        values = {
            name: cleaned[name]
            for name in ("full_name", "birth_year", "sex", "phone", "id_number")
            if cleaned.get(name) not in (None, "")
        }
        values["residence_address"] = cleaned["residence_address"]
        values |= {f"{name}_id": cleaned[name] for name in self.PLACES}
        return values

    def remembered(self) -> dict:
        """What the next entry starts with: the same places, level and F1 (several F2s of one
        F1 are often reported together)."""
        values = {name: self.cleaned_data[name] for name in self.PLACES}
        via = self.cleaned_data["via"] if self.cleaned_data["level"] == ContactLevel.F2 else None
        return values | {"level": self.cleaned_data["level"], "via": via.pk if via else None}

    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Row(
                Column("full_name", css_class="col-md-6"),
                Column("birth_year", css_class="col-6 col-md-3"),
                Column(InlineRadios("level"), css_class="col-6 col-md-3"),
            ),
            Row(
                Column("phone", css_class="col-md-4"),
                Column("id_number", css_class="col-md-4"),
                Column(InlineRadios("sex"), css_class="col-md-4"),
            ),
            Fieldset(
                _("Where they live (for a new person)"),
                Row(
                    Column("residence_province", css_class="col-md-4"),
                    Column("residence_district", css_class="col-md-4"),
                    Column("residence_commune", css_class="col-md-4"),
                ),
                "residence_address",
                HTML(REFRESH_BUTTON),
            ),
            Row(
                Column("via", css_class="col-md-6"),
                Column("note", css_class="col-md-6"),
            ),
            Submit("submit", _("Add this contact"), css_class="btn-lg w-100"),
        )
        return helper


def f1_contacts(case: Case):
    """The F1s of a case an F2 may hang from: any not dismissed."""
    return (
        case.contacts.filter(level=ContactLevel.F1)
        .exclude(status=ContactStatus.DISMISSED)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


def _f1_label(contact: Contact) -> str:
    """An F1 to choose; one only proposed says so (entering an F2 through them confirms them)."""
    person = contact.person
    label = f"{person.full_name} ({person.birth_year}) · {person.display_code}"
    if contact.status == ContactStatus.PROPOSED:
        label += f" · {ContactStatus.PROPOSED.label}"
    return label


def entry_initial(remembered: dict | None) -> dict:
    """The next entry's form: the last places and level chosen, else the served province."""
    return remembered or {
        "residence_province": served_province_code(),
        "level": ContactLevel.F1,
    }


class ImportUploadForm(forms.Form):
    """The file of contacts to check before importing."""

    file = forms.FileField(
        label=_("Excel (.xlsx) or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than %(size)s KB: split it into several files.")
                % {"size": self.max_bytes // 1024}
            )
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Choose an Excel file (.xlsx) or a CSV file."))
        return upload


class ImportConfirmForm(forms.Form):
    """The confirmation of a checked file: its fingerprint, so that only that file is imported."""

    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
