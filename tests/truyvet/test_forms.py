"""Forms whose fields are copied without copy.deepcopy (truyvet.forms.fields_copied_cheaply)."""

import copy

from django import forms

from checkpoints.models import Checkpoint
from declarations.forms import DeclarationForm
from truyvet.forms import fields_copied_cheaply


def test_each_declaration_form_gets_fields_of_its_own(places):
    base = DeclarationForm.base_fields
    assert hasattr(type(base), "__deepcopy__")  # the cheap copy, the view's hot path
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


def test_the_copies_are_what_deepcopy_would_make(places):
    cheap = copy.deepcopy(DeclarationForm.base_fields)
    deep = {name: copy.deepcopy(field) for name, field in DeclarationForm.base_fields.items()}
    assert type(cheap) is dict and cheap.keys() == deep.keys()
    for name, field in cheap.items():
        assert type(field) is type(deep[name])
        assert field.__dict__.keys() == deep[name].__dict__.keys()
        assert type(field.widget) is type(deep[name].widget)
        assert field.widget.__dict__.keys() == deep[name].widget.__dict__.keys()
        assert field.widget.attrs == deep[name].widget.attrs
        assert getattr(field, "choices", None) == getattr(deep[name], "choices", None)


@fields_copied_cheaply
class CheckpointChoice(forms.Form):
    checkpoint = forms.ModelChoiceField(queryset=Checkpoint.objects.all())
    note = forms.CharField()


def test_fields_with_a_copy_of_their_own_are_deep_copied(db):
    form = CheckpointChoice()
    base = CheckpointChoice.base_fields["checkpoint"]
    assert form.fields["checkpoint"] is not base
    assert form.fields["checkpoint"].queryset is not base.queryset  # ModelChoiceField's own copy
