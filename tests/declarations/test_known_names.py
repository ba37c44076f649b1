"""The names people have, each once (``KnownName``): kept in step by the database whatever writes
the people, looked through first by the search by name, and forgotten once nobody has them."""

import pytest

from declarations.models import KnownName, Person
from declarations.normalize import fold_name
from tests.conftest import LAI_CHAU, TAM_DUONG, TAM_DUONG_TOWN

pytestmark = pytest.mark.django_db


def known() -> set[str]:
    return set(KnownName.objects.values_list("name_folded", flat=True))


def a_person(full_name: str, code: str) -> Person:
    return Person(
        lookup_code=code,
        full_name=full_name,
        name_folded=fold_name(full_name),
        birth_year=1990,
        sex="female",
        residence_province_id=LAI_CHAU,
        residence_district_id=TAM_DUONG,
        residence_commune_id=TAM_DUONG_TOWN,
    )


def test_each_person_written_adds_their_name_once_whatever_writes_them(make_declaration, places):
    make_declaration(full_name="Lò Văn Minh")  # the declaration's own insert (one statement)
    make_declaration(full_name="Lò Văn Minh", phone="0911222333")  # a namesake
    make_declaration(full_name="Vàng A Dơ", phone="0911222444", symptoms=("fever",))  # the ORM's
    Person.objects.bulk_create([a_person("Tao Thị Mai", "AAAA2222")])  # no save(): the trigger
    a_person("Bạc Cầm Ly", "AAAA3333").save()

    assert known() == {"lo van minh", "vang a do", "tao thi mai", "bac cam ly"}
    assert known() == set(Person.objects.values_list("name_folded", flat=True))


def test_a_person_renamed_adds_their_new_name(citizen):
    citizen.full_name = "Lò Thị Hoa"
    citizen.save()
    Person.objects.filter(pk=citizen.pk).update(name_folded="lo thi hoa mai")

    assert known() == {"lo van minh", "lo thi hoa", "lo thi hoa mai"}


def test_the_search_by_name_reads_the_people_of_the_names_that_hold_it(make_declaration):
    minh = make_declaration(full_name="Lò Văn Minh").person
    minh_anh = make_declaration(full_name="Lò Văn Minh Anh", phone="0911222333").person
    make_declaration(full_name="Nguyễn Thị Hoa", phone="0911222444")

    found = Person.objects.with_name_containing("van minh")

    assert set(found) == {minh, minh_anh}
    sql = str(found.query)
    assert "IN (" in sql and "LIKE" not in sql, sql
    assert not Person.objects.with_name_containing("xuan").exists()


def test_a_part_that_many_names_hold_is_searched_on_the_people(make_declaration, monkeypatch):
    monkeypatch.setattr(KnownName, "FEW", 2)
    names = ["Lò Thị Hoa", "Tao Thị Mai", "Vàng Thị Dơ"]
    people = {
        make_declaration(full_name=name, phone=f"091122233{n}").person
        for n, name in enumerate(names)
    }

    found = Person.objects.with_name_containing("thi")

    assert set(found) == people
    assert "LIKE" in str(found.query)
    monkeypatch.setattr(KnownName, "FEW", 3)
    assert "LIKE" not in str(Person.objects.with_name_containing("thi").query)


def test_the_desk_finds_a_name_inside_a_longer_one(client, officer, make_declaration):
    make_declaration(full_name="Lò Văn Minh Anh")
    client.force_login(officer)

    page = client.get("/chot/", {"q": "van minh"}).content.decode()

    assert "Lò Văn Minh Anh" in page


def test_the_names_nobody_has_any_more_are_forgotten(make_declaration):
    gone = make_declaration(full_name="Lò Văn Minh").person
    namesake = make_declaration(full_name="Lò Văn Minh", phone="0911222333").person
    renamed = make_declaration(full_name="Vàng A Dơ", phone="0911222444").person
    Person.objects.filter(pk=renamed.pk).update(name_folded="vang a do mai")

    gone.delete()
    assert KnownName.objects.forget_unused() == 1  # "vang a do": nobody has it now
    assert known() == {"lo van minh", "vang a do mai"}

    namesake.delete()
    assert KnownName.objects.forget_unused() == 1
    assert known() == {"vang a do mai"}
