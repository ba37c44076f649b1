"""Forms of the risk pages: the risk list's filters, a follow-up's changes, epidemic zones."""

from datetime import datetime, time, timedelta
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.names import staff_name
from accounts.roles import Role
from declarations.forms import ChainedPlaces, PlaceField, place_select, plausible_day
from declarations.models import Declaration, EpidemicZone, PointKind
from declarations.places import place_tree, served_province_code
from declarations.risk import RiskLevel
from declarations.services import people_at_risk_for
from tracing.models import OPEN_STATUSES, FollowUp, FollowUpStatus, overdue_limit
from truyvet.forms import CopiesFieldsToDraw, DatePicker, fields_copied_when_drawn

EMPTY = [("", "---------")]
DATE_INPUT = DatePicker(attrs={"class": "form-control"})


REASON_FAMILIES = [
    ("symptom", _("Symptoms")),
    ("exposure", _("Exposure")),
    ("zone", _("Epidemic zone")),
    ("manual", _("Flagged by staff")),
    ("case", _("Confirmed case (F0)")),
    ("F1", _("Confirmed contact F1")),
    ("F2", _("Confirmed contact F2")),
]


def overdue(now: datetime) -> Q:
    """People at risk whose follow-up is overdue (``tracing.models.overdue_limit``, the rule
    that ``FollowUp.is_overdue`` applies to one follow-up). Everyone at risk has a follow-up:
    tracing's signals open it when the risk is raised, ``generate_cases`` for bulk-loaded people,
    and migration ``tracing.0003`` for people loaded before. The test is on the follow-up alone,
    so that the overdue list walks the index ``followup_open_waiting`` (longest waiting first)
    instead of every person at risk."""
    return Q(*_overdue_conditions(now))


def overdue_values(now: datetime, connection) -> tuple:
    """The values that ``overdue`` adds to a query, in the order of its SQL, as ``connection``
    takes them (for a query compiled once, ``truyvet.compiled``)."""
    (_status, statuses), (_updated, limit) = _overdue_conditions(now)
    return (*statuses, connection.ops.adapt_datetimefield_value(limit))


def _overdue_conditions(now: datetime) -> tuple:
    return (
        ("follow_up__status__in", OPEN_STATUSES),
        ("follow_up__updated_at__lt", overdue_limit(now)),
    )


@fields_copied_when_drawn
class RiskListForm(CopiesFieldsToDraw, ChainedPlaces, forms.Form):
    """The filters of the risk list, from the query string; every one is optional.

    District and commune are those of residence (where the person is followed up). Every page
    of every list validates them; the page draws them from a kept fragment, so the form shares
    the class's fields and lists the places only when it is drawn (``truyvet.forms``).
    """

    PLACE_PARENTS = {"xa": "huyen"}

    huyen = PlaceField(label=_("District of residence"), required=False, widget=place_select())
    xa = PlaceField(label=_("Commune of residence"), required=False, widget=place_select("huyen"))
    tu_ngay = forms.DateField(
        label=_("Updated from"),
        required=False,
        widget=DATE_INPUT,
        validators=[plausible_day],
    )
    den_ngay = forms.DateField(
        label=_("Updated until"),
        required=False,
        widget=DATE_INPUT,
        validators=[plausible_day],
    )
    muc = forms.ChoiceField(
        label=_("Risk"),
        required=False,
        choices=[*EMPTY, *((level, level.label) for level in (RiskLevel.HIGH, RiskLevel.MEDIUM))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    ly_do = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[*EMPTY, *REASON_FAMILIES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    trang_thai = forms.ChoiceField(
        label=_("Follow-up"),
        required=False,
        choices=[*EMPTY, *FollowUpStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    phu_trach = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[*EMPTY, ("me", _("Me")), ("none", _("Nobody yet"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    diem = forms.ChoiceField(
        label=_("Declared through"),
        required=False,
        choices=[*EMPTY, *PointKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    qua_han = forms.BooleanField(
        label=_("Overdue only"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        """``user``: the reader, whom "assigned to me" means."""
        super().__init__(*args, **kwargs)
        self.user = user

    def get_ready_to_draw(self) -> None:
        self.set_place_choices()

    def place_roots(self) -> dict:
        return {"huyen": partial(place_tree().children_of, served_province_code())}

    def clean_huyen(self):
        code = self.cleaned_data["huyen"]
        if code and not place_tree().is_child(code, served_province_code()):
            raise forms.ValidationError(_("Choose a district of this province."))
        return code

    def clean(self):
        cleaned = super().clean()
        tree = place_tree()
        district, commune = cleaned.get("huyen"), cleaned.get("xa")
        if commune:
            place = tree.get(commune)
            in_province = tree.is_child(place.parent_code, served_province_code())
            if not in_province or (district and place.parent_code != district):
                self.add_error("xa", _("Choose a commune of the district chosen."))
        start, end = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if start and end and end < start:
            self.add_error("den_ngay", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict[str, str]:
        """The filters chosen, as query-string values (for the audit log and the links)."""
        return {name: self.data[name] for name in self.fields if self.cleaned_data.get(name)}

    def kept_shape(self) -> str | None:
        """What the list is, when a query compiled once may read it (``truyvet.compiled``):
        ``all`` with no filter, ``overdue`` with the overdue filter alone, ``district`` with a
        district alone (the people who live there, ``_in_place``), ``district_overdue`` with
        both; None otherwise."""
        return _KEPT_SHAPES.get(frozenset(self.filters()))

    def kept_values(self, now: datetime, connection) -> tuple:
        """The values that the filters of a ``kept_shape`` add to the list's query, in the
        order of its SQL."""
        values = ()
        if self.cleaned_data["huyen"]:
            values += (self.cleaned_data["huyen"],)  # the district's code (``_in_place``)
        if self.cleaned_data["qua_han"]:
            values += overdue_values(now, connection)
        return values

    def overdue_of_a_place(self) -> bool:
        """Whether the list is the overdue people of a district or a commune."""
        chosen = self.cleaned_data
        return bool(chosen["qua_han"] and (chosen["huyen"] or chosen["xa"]))

    def narrow(self, people: QuerySet, *, now: datetime) -> QuerySet:
        """``people`` narrowed by every filter chosen (the form must be valid)."""
        chosen = self.cleaned_data
        people = self._in_place(people)
        if chosen["tu_ngay"]:
            people = people.filter(updated_at__gte=_start_of(chosen["tu_ngay"]))
        if chosen["den_ngay"]:
            people = people.filter(updated_at__lt=_start_of(chosen["den_ngay"] + timedelta(1)))
        if chosen["muc"]:
            people = people.filter(risk_level=chosen["muc"])
        if chosen["ly_do"]:
            people = _with_reason(people, chosen["ly_do"])
        if chosen["trang_thai"] == FollowUpStatus.NEW:
            new = Q(follow_up__status=FollowUpStatus.NEW) | Q(follow_up__isnull=True)
            people = people.filter(new)
        elif chosen["trang_thai"]:
            people = people.filter(follow_up__status=chosen["trang_thai"])
        if chosen["phu_trach"] == "me":
            people = people.filter(follow_up__assignee=self.user)
        elif chosen["phu_trach"] == "none":
            people = people.filter(follow_up__assignee__isnull=True)
        if chosen["diem"]:
            kind = Subquery(_latest_declaration().values("point__kind")[:1])
            people = people.alias(latest_point_kind=kind).filter(latest_point_kind=chosen["diem"])
        if chosen["qua_han"]:
            people = people.filter(overdue(now))
        return people

    def _in_place(self, people: QuerySet) -> QuerySet:
        """``people`` of the district and commune chosen (a commune is inside its district:
        ``clean``). The overdue people of a place are found by their follow-ups' copies of
        their home (tracing.0010, 0011), whose indexes give the place's overdue follow-ups in
        order; the others by the person's home. Not by both: PostgreSQL would then expect a
        dozen rows, not hundreds, and read every person at risk of the place to join them."""
        district, commune = self.cleaned_data["huyen"], self.cleaned_data["xa"]
        if self.cleaned_data["qua_han"] and commune:
            return people.filter(follow_up__residence_commune_id=commune)
        if self.cleaned_data["qua_han"] and district:
            return people.filter(follow_up__residence_district_id=district)
        if district:
            people = people.filter(residence_district_id=district)
        if commune:  # with the district: the index of people's homes, both columns
            people = people.filter(residence_commune_id=commune)
        return people


# The lists that a query compiled once reads (``RiskListForm.kept_shape``), by the filters chosen.
_KEPT_SHAPES = {
    frozenset(): "all",
    frozenset({"qua_han"}): "overdue",
    frozenset({"huyen"}): "district",
    frozenset({"huyen", "qua_han"}): "district_overdue",
}


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _latest_declaration() -> QuerySet:
    return Declaration.objects.filter(person=OuterRef("pk")).order_by("-submitted_at", "-id")


def _with_reason(people: QuerySet, reason: str) -> QuerySet:
    """People whose current risk comes from this reason, by the risk rule itself
    (``declarations.services.people_at_risk_for``): any declaration it counts, not only the
    latest; open flags; an open case; a confirmed contact. A condition in the list's own query:
    no query per row."""
    return people.filter(people_at_risk_for(reason))


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)


# The assignee chosen to take a follow-up back from whoever has it: nobody is in charge again.
NOBODY = "nobody"


class AssigneeChoices(ModelChoiceIterator):
    """The health workers, after "(unchanged)" and "Nobody": the list a follow-up is assigned
    from, and un-assigned from."""

    def __iter__(self):
        choices = super().__iter__()
        if self.field.empty_label is not None:
            yield next(choices)
        yield (NOBODY, _("Nobody (not assigned)"))
        yield from choices

    def __len__(self):
        return super().__len__() + 1

    def __bool__(self):
        return True


class AssigneeField(StaffChoiceField):
    """A health worker, or ``NOBODY`` to take the follow-up back from its assignee."""

    iterator = AssigneeChoices

    def to_python(self, value):
        return NOBODY if value == NOBODY else super().to_python(value)


def health_staff_users() -> QuerySet:
    """Whom a follow-up may be assigned to: active health staff."""
    users = get_user_model().objects.filter(is_active=True, groups__name=Role.HEALTH_STAFF)
    return users.order_by("first_name", "last_name", "username")


class FollowUpForm(forms.Form):
    """A change of status or assignee (or taking the follow-up back from its assignee: nobody),
    a note, or all three: each goes into the history."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=FollowUpStatus.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    assignee = AssigneeField(
        label=_("Assigned to"),
        queryset=health_staff_users(),
        required=False,
        empty_label=_("(unchanged)"),
        error_messages={
            "invalid_choice": _(
                "Choose a health worker who can see this person: of their district, of the "
                "province, or of a facility they declared at."
            )
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    confirm_clear = forms.BooleanField(
        label=_("Yes, end the follow-up (only when choosing Cleared)"),
        required=False,
        help_text=_(
            "Cleared takes the person off the risk list. It can be undone: choose another "
            "status and their risk is set again as it was."
        ),
    )

    def __init__(self, *args, follow_up: FollowUp, assignable: Q | None = None, **kwargs):
        """``assignable``: whom the follow-up may be given to, as a condition on users (the
        staff who may see the person: ``tracing.access.PersonScope.staff``)."""
        initial = {"status": follow_up.status, "assignee": follow_up.assignee_id}
        super().__init__(*args, initial=initial, **kwargs)
        self.follow_up = follow_up
        if assignable is not None:
            field = self.fields["assignee"]
            field.queryset = field.queryset.filter(assignable).distinct()

    def clean(self):
        cleaned = super().clean()
        cleaned["note"] = cleaned.get("note", "").strip()
        status_changed = cleaned.get("status") not in (None, self.follow_up.status)
        clearing = status_changed and cleaned.get("status") == FollowUpStatus.CLEARED
        if clearing and not cleaned.get("confirm_clear"):
            self.add_error(
                "confirm_clear", _("Tick the box to confirm that the follow-up ends (Cleared).")
            )
        assignee = cleaned.get("assignee")
        if assignee == NOBODY:
            assignee_changed = self.follow_up.assignee_id is not None
        else:
            assignee_changed = assignee is not None and assignee.pk != self.follow_up.assignee_id
        if not (status_changed or assignee_changed or cleaned["note"]) and not self.errors:
            raise forms.ValidationError(_("Change the status or the assignee, or write a note."))
        return cleaned

    def changes(self) -> dict:
        """What ``follow_up_update`` is given (the form must be valid)."""
        chosen = self.cleaned_data
        nobody = chosen["assignee"] == NOBODY
        return {
            "status": chosen["status"],
            "assignee": None if nobody else chosen["assignee"],
            "unassign": nobody,
            "note": chosen["note"],
        }


class ZonePlaceFields(ChainedPlaces, forms.Form):
    """The place of an epidemic zone, chosen by name: a province, then a district or a commune
    of it. The health staff's zone form and the admin's share it."""

    PLACE_PARENTS = {"district": "province", "commune": "district"}

    province = PlaceField(label=_("Province / city"), widget=place_select())
    district = PlaceField(label=_("District"), required=False, widget=place_select("province"))
    commune = PlaceField(label=_("Commune / ward"), required=False, widget=place_select("district"))

    def place_roots(self) -> dict:
        return {"province": place_tree().provinces}

    @property
    def place_code(self) -> str:
        """The most precise place chosen: the commune, else the district, else the province."""
        chosen = self.cleaned_data
        return chosen.get("commune") or chosen.get("district") or chosen.get("province") or ""


class ZoneForm(ZonePlaceFields):
    """A new epidemic zone: a province, or a district or commune of it, from a date."""

    starts_on = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        widget=DATE_INPUT,
        validators=[plausible_day],
    )
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DATE_INPUT,
        validators=[plausible_day],
        help_text=_("Leave empty while the zone is in force."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_place_choices()

    def clean(self):
        cleaned = super().clean()
        self.check_places_nested(cleaned)
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date is before the start date."))
        if starts_on and not self.errors:
            self._check_not_a_zone_already(starts_on, ends_on)
        return cleaned

    def _check_not_a_zone_already(self, starts_on, ends_on) -> None:
        """One zone per place at a time: a zone sent twice (a double click) or declared again
        would stay in force when the other is ended."""
        overlapping = EpidemicZone.objects.filter(place_code=self.place_code).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
        )
        if ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=ends_on)
        zone = overlapping.order_by("starts_on").first()
        if zone is not None:
            raise forms.ValidationError(
                _(
                    "%(place)s is already an epidemic zone over these days (from %(day)s): "
                    "end that zone, or add this one after it ends."
                )
                % {"place": zone, "day": f"{zone.starts_on:%d/%m/%Y}"}
            )


class ZoneEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Last day in force"),
        widget=DATE_INPUT,
        validators=[plausible_day],
    )

    def __init__(self, *args, zone: EpidemicZone, **kwargs):
        super().__init__(*args, initial={"ends_on": timezone.localdate()}, **kwargs)
        self.zone = zone

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < self.zone.starts_on:
            raise forms.ValidationError(
                _("A zone cannot end before it starts (%(day)s).")
                % {"day": f"{self.zone.starts_on:%d/%m/%Y}"}
            )
        return ends_on
