import pytest

from declarations import codes
from declarations.services import person_create
from tests.conftest import declaration_data


def test_alphabet_is_crockford_base32_without_look_alikes():
    assert len(codes.ALPHABET) == 32
    assert not set("ILOU") & set(codes.ALPHABET)


def test_generated_codes_are_eight_characters_of_the_alphabet():
    for _ in range(200):
        code = codes.generate_code()
        assert len(code) == 8
        assert set(code) <= set(codes.ALPHABET)


def test_generated_codes_differ():
    assert len({codes.generate_code() for _ in range(1000)}) == 1000


def test_generated_codes_use_the_whole_alphabet_but_0_and_1():
    """Nothing on a screenshot or a poster reads as O, I or L: new codes have no 0 nor 1."""
    seen = set("".join(codes.generate_code() for _ in range(500)))
    assert seen == set(codes.ALPHABET) - {"0", "1"}


def test_a_code_drawn_with_0_or_1_before_is_still_read():
    assert codes.parse_code("K0QX-13M9") == "K0QX13M9"
    assert codes.parse_code("koqx-i3m9") == "K0QX13M9"


def test_format_puts_a_dash_in_the_middle():
    assert codes.format_code("K7QX3M9P") == "K7QX-3M9P"


@pytest.mark.parametrize(
    "typed",
    [
        "K7QX-3M9P",
        "k7qx-3m9p",
        "K7QX3M9P",
        " k7qx 3m9p ",
        "K7QX – 3M9P",
        "https://truyvet.example.vn/c/K7QX3M9P/",
        "http://127.0.0.1:8000/c/k7qx-3m9p",
    ],
)
def test_parse_accepts_any_case_dash_spaces_and_the_staff_link(typed):
    assert codes.parse_code(typed) == "K7QX3M9P"


def test_parse_reads_o_as_zero_and_i_or_l_as_one():
    assert codes.parse_code("AO1I-LB2C") == "A0111B2C"


@pytest.mark.parametrize(
    "typed", ["", "K7QX3M9", "K7QX3M9PQ", "K7QX-3M9U", "K7QX*3M9", "您好您好您好您好"]
)
def test_parse_refuses_what_is_not_a_code(typed):
    assert codes.parse_code(typed) is None


def test_a_collision_draws_a_new_code(places, monkeypatch):
    first = person_create(declaration_data().person_values())
    draws = iter([first.lookup_code, first.lookup_code, "ZZZZ2222"])
    monkeypatch.setattr(codes, "generate_code", lambda: next(draws))

    second = person_create(declaration_data(full_name="Tòng Thị Lan").person_values())

    assert second.lookup_code == "ZZZZ2222"
    assert first.lookup_code != second.lookup_code


def test_giving_up_after_too_many_collisions(places, monkeypatch):
    first = person_create(declaration_data().person_values())
    monkeypatch.setattr(codes, "generate_code", lambda: first.lookup_code)

    with pytest.raises(RuntimeError):
        person_create(declaration_data(full_name="Tòng Thị Lan").person_values())


def test_the_database_refuses_a_duplicate_code(places):
    from django.db import IntegrityError, transaction

    from declarations.models import Person

    first = person_create(declaration_data().person_values())
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(lookup_code=first.lookup_code, **declaration_data().person_values())


def test_the_database_refuses_a_code_outside_the_alphabet(places):
    from django.db import IntegrityError, transaction

    from declarations.models import Person

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(lookup_code="OOOOIIII", **declaration_data().person_values())


def test_a_declaration_whose_new_code_collides_is_written_again_whole(
    make_declaration, monkeypatch
):
    from declarations.models import Declaration

    first = make_declaration().person
    draws = iter([first.lookup_code, "ZZZZ3333"])
    monkeypatch.setattr(codes, "generate_code", lambda: next(draws))

    second = make_declaration(full_name="Tòng Thị Lan").person

    assert second.lookup_code == "ZZZZ3333"
    assert Declaration.objects.count() == 2
