"""A NUL character, which PostgreSQL cannot store, is refused at the form with a message."""

import pytest
from django import forms
from django.test import Client

from declarations.forms import NUL_MESSAGE, DeclarationForm
from declarations.models import Declaration
from tests.conftest import form_data

pytestmark = pytest.mark.django_db

TEXT_FIELDS = [
    name
    for name, field in DeclarationForm.base_fields.items()
    if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)
]


def test_every_text_field_of_the_declaration_refuses_a_nul_with_its_message(places, settings):
    settings.LANGUAGE_CODE = "en"
    assert {"full_name", "residence_address", "places_visited", "phone"} <= set(TEXT_FIELDS)
    client = Client()
    for name in TEXT_FIELDS:
        data = form_data()
        data[name] = f"{data.get(name) or 'x'}\x00"
        response = client.post("/khai-bao/", data)
        assert response.status_code == 200, name
        assert str(NUL_MESSAGE) in response.context["form"].errors[name], name
    assert not Declaration.objects.exists()


def test_the_look_up_refuses_a_nul(citizen):
    response = Client().post(
        "/tra-cuu/", {"code": f"{citizen.lookup_code}\x00", "phone_last4": "4321"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
