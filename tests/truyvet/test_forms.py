"""Forms that share their fields until they are drawn (truyvet.forms.fields_copied_when_drawn):
the declaration forms and the risk list's filters."""

import copy

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.http import QueryDict

from checkpoints.models import Checkpoint
from declarations.forms import DeclarationForm
from tests.conftest import TAM_DUONG, TAM_DUONG_TOWN, form_data
from tests.transport.test_declare_for_passengers import passenger
from tracing.forms_risk import RiskListForm
from transport.forms import PassengerForm
from truyvet.forms import fields_copied_when_drawn


def snapshot(form_class) -> dict:
    """What drawing a form could change in the class's fields, by field."""
    return {
        name: (
            dict(field.widget.attrs),
            field.initial,
            field.disabled,
            list(getattr(field, "_choices", [])),
            dict(field.error_messages),
            list(field.validators),
        )
        for name, field in form_class.base_fields.items()
    }


def test_each_blank_declaration_form_gets_fields_of_its_own(places):
    base = DeclarationForm.base_fields
    first, second = DeclarationForm(), DeclarationForm()
    for name in base:
        mine, theirs = first.fields[name], second.fields[name]
        assert mine is not theirs and mine is not base[name]
        assert mine.widget is not theirs.widget and mine.widget.attrs is not theirs.widget.attrs
        assert mine.error_messages is not theirs.error_messages
        assert mine.validators is not theirs.validators

    first.fields["full_name"].widget.attrs["autofocus"] = True
    first.fields["sex"].choices = [("x", "X")]
    first.fields["nationality"].initial = "Lào"
    first.fields["email"].validators.append(lambda value: None)
    first.fields["phone"].error_messages["required"] = "changed"
    for form_fields in (second.fields, DeclarationForm().fields, base):
        assert "autofocus" not in form_fields["full_name"].widget.attrs
        assert ("x", "X") not in form_fields["sex"].choices
        assert ("x", "X") not in form_fields["sex"].widget.choices
        assert form_fields["nationality"].initial == "Việt Nam"
        assert len(form_fields["email"].validators) == len(base["email"].validators)
        assert form_fields["phone"].error_messages["required"] != "changed"
    assert first.fields["form_token"].initial != second.fields["form_token"].initial


def test_a_posted_declaration_validates_with_the_shared_fields(places):
    form = DeclarationForm(form_data())

    assert form.is_valid(), form.errors
    for name, field in DeclarationForm.base_fields.items():
        assert form.fields[name] is field


def test_a_form_to_be_drawn_copies_its_fields_once(places):
    form = DeclarationForm(form_data(phone="12"))
    assert not form.is_valid()
    form["full_name"]  # a bound field made before the copies: dropped, not kept

    form.helper  # noqa: B018 - what crispy reads first
    owned = dict(form.fields)
    form.prepare_to_draw()

    assert form.fields == owned  # not copied twice
    for name, field in DeclarationForm.base_fields.items():
        assert form.fields[name] is not field
        assert form[name].field is form.fields[name]
    assert [name for name, _bound in form._bound_items()] == list(DeclarationForm.base_fields)
    assert form.fields["residence_district"].choices  # the place lists, for drawing


@pytest.mark.parametrize("iterate", [False, True], ids=["crispy", "iterated"])
def test_drawing_a_posted_form_with_mistakes_leaves_the_class_fields_as_they_were(places, iterate):
    before = snapshot(DeclarationForm)
    form = DeclarationForm(form_data(phone="12", residence_district="999"))
    assert not form.is_valid()

    html = "".join(str(bound) for bound in form) if iterate else render_crispy_form(form)

    assert 'name="phone" value="12"' in html  # the form as sent, with its mistakes
    assert snapshot(DeclarationForm) == before


@pytest.mark.parametrize(
    ("staff", "page"),
    [
        (None, "/khai-bao/"),
        ("officer", "/chot/khai-bao/"),
        ("facility_worker", "/co-so-y-te/khai-bao/"),
    ],
    ids=["citizen", "checkpoint", "facility"],
)
def test_declaration_forms_sent_back_leave_the_class_fields_as_they_were(
    client, places, request, staff, page
):
    before = snapshot(DeclarationForm)
    if staff:
        client.force_login(request.getfixturevalue(staff))

    sent_back = client.post(page, form_data(phone="12"))

    assert sent_back.status_code == 200
    assert "is-invalid" in sent_back.content.decode()  # drawn by crispy, with the mistake
    assert snapshot(DeclarationForm) == before


def test_the_crews_form_sent_back_leaves_the_class_fields_as_they_were(
    client, places, operator, vehicle
):
    before = snapshot(PassengerForm)
    client.force_login(operator)

    sent_back = client.post(f"/nha-xe/xe/{vehicle.pk}/khai-ho/", passenger(phone="12"))

    assert sent_back.status_code == 200
    assert "is-invalid" in sent_back.content.decode()
    assert snapshot(PassengerForm) == before


def test_a_vehicle_point_fixes_the_plate_on_its_own_form_only(places, vehicle):
    point = vehicle.point
    posted = DeclarationForm(form_data(vehicle_plate="30A-999.99"), point=point)

    assert posted.is_valid(), posted.errors
    assert posted.cleaned_data["vehicle_plate"] == vehicle.plate  # the vehicle's, not the post's
    assert posted.fields["vehicle_plate"] is not DeclarationForm.base_fields["vehicle_plate"]
    assert posted.fields["full_name"] is DeclarationForm.base_fields["full_name"]
    for name in ("vehicle_plate", "transport"):
        assert not DeclarationForm.base_fields[name].disabled
        assert not DeclarationForm().fields[name].disabled


def test_the_copies_are_what_deepcopy_would_make(places):
    cheap = copy.deepcopy(DeclarationForm.base_fields)
    cheap.own_all()
    deep = {name: copy.deepcopy(field) for name, field in DeclarationForm.base_fields.items()}
    assert cheap.keys() == deep.keys()
    for name, field in cheap.items():
        assert field is not DeclarationForm.base_fields[name]
        assert type(field) is type(deep[name])
        assert field.__dict__.keys() == deep[name].__dict__.keys()
        assert type(field.widget) is type(deep[name].widget)
        assert field.widget.__dict__.keys() == deep[name].widget.__dict__.keys()
        assert field.widget.attrs == deep[name].widget.attrs
        assert getattr(field, "choices", None) == getattr(deep[name], "choices", None)


def test_the_risk_lists_filters_validate_with_the_shared_fields(places):
    form = RiskListForm(QueryDict(f"huyen={TAM_DUONG}&xa={TAM_DUONG_TOWN}&qua_han=on"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["xa"] == TAM_DUONG_TOWN
    for name, field in RiskListForm.base_fields.items():
        assert form.fields[name] is field


def test_the_risk_lists_filters_are_drawn_with_fields_of_their_own(places):
    before = snapshot(RiskListForm)
    form = RiskListForm(QueryDict(f"huyen={TAM_DUONG}&xa={TAM_DUONG_TOWN}"))
    assert form.is_valid(), form.errors

    html = "".join(str(bound) for bound in form)

    assert f'<option value="{TAM_DUONG}" selected>' in html  # the districts, listed to draw
    assert f'<option value="{TAM_DUONG_TOWN}" selected>' in html  # and the district's communes
    for name, field in RiskListForm.base_fields.items():
        assert form.fields[name] is not field
    assert snapshot(RiskListForm) == before


@fields_copied_when_drawn
class CheckpointChoice(forms.Form):
    checkpoint = forms.ModelChoiceField(queryset=Checkpoint.objects.all())
    note = forms.CharField()


def test_fields_with_a_copy_of_their_own_are_deep_copied(db):
    form = CheckpointChoice()
    form.fields.own_all()
    base = CheckpointChoice.base_fields["checkpoint"]
    assert form.fields["checkpoint"] is not base
    assert form.fields["checkpoint"].queryset is not base.queryset  # ModelChoiceField's own copy


def test_a_field_the_form_puts_in_is_its_own(db):
    form = CheckpointChoice()
    mine = forms.CharField()
    form.fields["note"] = mine
    form.fields.own_all()
    assert form.fields["note"] is mine
