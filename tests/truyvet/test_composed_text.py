"""Text typed in Unicode's decomposed form (letters followed by combining accents, as some phone
keyboards send Vietnamese) is stored composed (NFC), as the same text typed elsewhere."""

import unicodedata

from django.http import QueryDict

from declarations.models import Person
from declarations.normalize import clean_spaces
from tests.conftest import form_data
from truyvet.middleware import composed


def decomposed(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_a_declaration_typed_decomposed_is_stored_composed(client, places):
    name, nationality, address = "Lò Văn Đồng Hành", "Việt Nam", "Bản Nà Nhạn"
    assert decomposed(name) != name

    client.post(
        "/khai-bao/",
        form_data(
            full_name=decomposed(name),
            nationality=decomposed(nationality),
            residence_address=decomposed(address),
        ),
    )

    person = Person.objects.get()
    assert (person.full_name, person.nationality, person.residence_address) == (
        name,
        nationality,
        address,
    )


def test_a_note_typed_decomposed_by_the_health_staff_is_stored_composed(
    client, health_worker, make_declaration
):
    person = make_declaration(symptoms=("fever",)).person
    client.force_login(health_worker)

    note = "Đã gọi điện, hẹn lấy mẫu"
    url = f"/y-te/theo-doi/{person.lookup_code}/cap-nhat/"
    client.post(url, {"status": "contacted", "note": decomposed(note)})

    assert person.follow_up.events.get().note == note


def test_values_already_composed_are_left_as_they_are():
    query = QueryDict("q=Nguy%E1%BB%85n&page=2")
    assert composed(query) is query
    mixed = QueryDict(mutable=True)
    mixed.setlist("symptoms", ["fever", decomposed("ho khan")])
    mixed.setlist("name", [decomposed("Hoà")])
    result = composed(mixed)
    assert result.getlist("symptoms") == ["fever", "ho khan"]
    assert result.getlist("name") == ["Hoà"]
    assert not result._mutable


def test_imported_text_is_composed_too():
    assert clean_spaces(decomposed("  Lò   Thị Mai ")) == "Lò Thị Mai"
