"""A place list drawn in Python (``declarations.forms.PlaceSelect``) is the HTML that Django's own
select widget draws through the site's templates, option for option."""

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.utils.safestring import mark_safe

from declarations.forms import CHOOSE, PlaceSelect, place_select

CHOICES = [
    ("", CHOOSE),  # a lazy label, translated when drawn
    ("01", "Thành phố Hà Nội"),
    ("12", "Tỉnh Lai Châu"),
    ("<x>", 'Tên có "ngoặc kép", dấu & và <thẻ>'),  # escaped alike
    ("12", "Lai Châu, a second time"),  # selected once only, as Django does
    ("99", mark_safe("<b>đã an toàn</b>")),  # HTML marked safe is kept
]
ATTRS = [
    None,
    {"id": "id_place", "required": True, "aria-invalid": "true", "disabled": False},
    {"id": "id_place", "aria-describedby": 'a "b" & c', "data-empty": ""},
]


@pytest.mark.parametrize("value", [None, "", "12", 12, "<x>", "not there", ["12", "01"]])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("parent", ["", "residence_province"])
def test_a_place_list_is_drawn_as_djangos_select_draws_it(value, attrs, parent):
    ours = place_select(parent)
    ours.choices = CHOICES
    django_select = forms.Select(attrs=dict(ours.attrs), choices=CHOICES)
    renderer = get_default_renderer()
    expected = django_select.render("place", value, attrs, renderer)
    assert ours.render("place", value, attrs, renderer) == expected


def test_a_list_with_groups_is_left_to_django():
    grouped = [("", "---------"), ("Lai Châu", [("105", "Thành phố Lai Châu")])]
    ours = PlaceSelect(choices=grouped)
    expected = forms.Select(choices=grouped).render("place", "105")
    assert ours.render("place", "105") == expected
    assert "<optgroup" in expected


def test_the_declaration_form_draws_its_places_with_it(places):
    from declarations.forms import DeclarationForm

    form = DeclarationForm(initial={"residence_province": "12"})
    page = str(form["residence_province"])
    assert isinstance(form.fields["residence_province"].widget, PlaceSelect)
    assert '<option value="12" selected>Tỉnh Lai Châu</option>' in page
