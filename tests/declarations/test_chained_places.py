"""The chained place selects' rule (``declarations.forms.ChainedPlaces``): a child lists the
places inside its parent's choice and must lie inside it, on every form that draws one."""

import pytest
from django import forms
from django.urls import get_resolver

from declarations.forms import ChainedPlaces, PlaceField
from declarations.places import places_version
from tests.conftest import BA_DINH, HA_NOI, LAI_CHAU, LAI_CHAU_CITY, QUYET_THANG, TAM_DUONG
from tracing.forms_risk import ZoneForm

INSIDE = "Địa danh này không thuộc địa bàn đã chọn ở trên."  # the site speaks Vietnamese


def zone(data=None, **kwargs) -> ZoneForm:
    """The epidemic zone's form (a province, and a district and a commune of it, both optional):
    its places, with a start day."""
    if data is not None:
        data = {"starts_on": "2021-08-20", **data}
    return ZoneForm(data, **kwargs)


def codes(field) -> list[str]:
    return [code for code, _name in field.choices]


def test_a_child_lists_the_places_inside_the_posted_parent(places):
    form = zone({"province": LAI_CHAU, "district": LAI_CHAU_CITY})
    assert LAI_CHAU_CITY in codes(form.fields["district"])
    assert BA_DINH not in codes(form.fields["district"])
    assert QUYET_THANG in codes(form.fields["commune"])
    assert codes(form.fields["province"])[:2] == ["", HA_NOI]


def test_a_blank_form_lists_the_places_inside_its_initial_parent(places):
    form = zone(initial={"province": HA_NOI})
    assert BA_DINH in codes(form.fields["district"])
    assert LAI_CHAU_CITY not in codes(form.fields["district"])
    assert codes(form.fields["commune"]) == [""]


def test_each_child_fetches_its_places_again_from_the_same_address(places):
    form = zone()
    assert (
        form.fields["district"].widget.attrs["data-url"] == f"/dia-gioi/CODE/?v={places_version()}"
    )
    assert "data-url" not in form.fields["province"].widget.attrs


@pytest.mark.parametrize(
    ("posted", "errors"),
    [
        ({"province": LAI_CHAU, "district": LAI_CHAU_CITY, "commune": QUYET_THANG}, {}),
        ({"province": HA_NOI, "district": LAI_CHAU_CITY}, {"district": [INSIDE]}),
        (
            {"province": LAI_CHAU, "district": TAM_DUONG, "commune": QUYET_THANG},
            {"commune": [INSIDE]},
        ),
        ({"province": LAI_CHAU, "commune": QUYET_THANG}, {"commune": [INSIDE]}),  # no district
        # A parent with its own mistake: the child is not judged against it.
        ({"province": LAI_CHAU, "district": "999", "commune": QUYET_THANG}, {"district": None}),
        ({"province": LAI_CHAU}, {}),
    ],
)
def test_a_child_chosen_must_lie_inside_its_parent(places, posted, errors):
    form = zone(posted)
    assert form.is_valid() == (not errors)
    found = dict(form.errors)
    for name, messages in errors.items():
        assert messages is None or found[name] == messages
    assert set(found) == set(errors)


def _every_form_class() -> list[type[forms.Form]]:
    """Every form of the project that a page uses: loading the URLs imports every view."""
    get_resolver().url_patterns  # noqa: B018
    found, todo = [], [forms.Form]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        found.append(cls)
    return [cls for cls in found if cls.__module__.split(".")[0] != "django"]


def _drawn_parents(form_class) -> dict[str, str]:
    """Child field -> parent field, as the form's selects are drawn (``data-parent``)."""
    return {
        name: field.widget.attrs["data-parent"].removeprefix("id_")
        for name, field in form_class.base_fields.items()
        if isinstance(field, PlaceField) and "data-parent" in field.widget.attrs
    }


def test_every_form_with_chained_selects_checks_the_chain_it_draws():
    chained = {cls: _drawn_parents(cls) for cls in _every_form_class() if _drawn_parents(cls)}
    assert len(chained) >= 6  # the declaration, the crew's, the case's, the contact's, zones, risk
    for form_class, drawn in chained.items():
        assert issubclass(form_class, ChainedPlaces), form_class
        assert drawn == form_class.PLACE_PARENTS, form_class
