"""A radio group's error is shown under the group (templates/bootstrap5/layout/
radio_checkbox_select.html): Bootstrap shows an .invalid-feedback only beside an .is-invalid
input, so the error of inline radios stayed hidden, and a group drawn one choice a line put it
inside its last choice, on the declaration form beside "Other"."""

import re

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils import translation

from declarations.forms import DeclarationForm
from tests.conftest import confirm_case
from tracing.forms_contacts import ContactEntryForm
from transport.forms import PassengerForm


def error_block(html: str, name: str) -> str:
    """The element holding the field's error, with what comes before it."""
    found = re.search(rf'<div id="id_{name}_error" class="([^"]*)"', html)
    assert found is not None, f"no error block for {name}"
    return found.group(1)


def after_the_choices(html: str, name: str) -> bool:
    """Whether the error comes after the group's choices have closed, and their container."""
    before = html[: html.index(f'id="id_{name}_error"')]
    last_choice = before[before.rindex('class="form-check') :]
    return last_choice.count("</div>") > last_choice.count("<div")


@pytest.mark.parametrize(
    ("form", "name"),
    [
        (lambda case: PassengerForm({}), "sex"),
        (lambda case: ContactEntryForm({"level": "F9"}, case=case), "level"),
        (lambda case: DeclarationForm({}), "sex"),
    ],
    ids=["crew's passenger form", "contact entry", "citizen's declaration"],
)
def test_a_radio_groups_error_is_shown_under_the_group(citizen, health_worker, form, name):
    case = confirm_case(citizen, user=health_worker)
    with translation.override("en"):
        bound = form(case)
        assert name in bound.errors
        html = render_crispy_form(bound)

    assert "d-block" in error_block(html, name).split()
    assert after_the_choices(html, name)
