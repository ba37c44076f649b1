"""The same answers sent again from one browser with a new form (Back from the success page, then
Send) lead to the declaration they made (``declarations.resent``)."""

import re

from django.test import Client

from declarations import resent
from declarations.models import Declaration, Person
from tests.conftest import form_data


def test_the_same_answers_with_a_new_form_token_lead_to_the_same_declaration(client, places):
    first = client.post("/khai-bao/", form_data())
    again = client.post("/khai-bao/", form_data())  # the same answers, another token
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert (Person.objects.count(), Declaration.objects.count()) == (1, 1)


def test_another_browser_with_the_same_answers_makes_its_own_declaration(client, places):
    client.post("/khai-bao/", form_data())
    Client().post("/khai-bao/", form_data())
    assert Declaration.objects.count() == 2


def test_the_browser_keeps_its_last_few_declarations(client, places):
    names = [f"Người Thứ {n}" for n in range(resent.KEPT + 1)]
    first = {name: client.post("/khai-bao/", form_data(full_name=name)) for name in names}
    assert Declaration.objects.count() == len(names)
    # The newest KEPT are kept: their answers lead to their declarations again.
    for name in names[1:]:
        again = client.post("/khai-bao/", form_data(full_name=name))
        assert again["Location"] == first[name]["Location"]
    assert Declaration.objects.count() == len(names)
    # The oldest was forgotten: the same answers make a new declaration.
    client.post("/khai-bao/", form_data(full_name=names[0]))
    assert Declaration.objects.count() == len(names) + 1


def test_an_update_sent_again_adds_one_declaration(client, citizen):
    client.post("/tra-cuu/", {"code": citizen.display_code, "phone_last4": "4321"})
    answers = {
        "full_name": citizen.full_name,
        "phone": citizen.phone,
        "residence_province": citizen.residence_province_id,
        "residence_district": citizen.residence_district_id,
        "residence_commune": citizen.residence_commune_id,
    }
    first = client.post("/khai-bao/cap-nhat/", form_data(**answers))
    again = client.post("/khai-bao/cap-nhat/", form_data(**answers))
    assert again["Location"] == first["Location"]
    assert citizen.declarations.count() == 2  # the first declaration and one update


def test_a_changed_or_broken_cookie_is_ignored(client, places):
    client.post("/khai-bao/", form_data())
    cookie = client.cookies[resent.COOKIE].value
    changed = cookie[:-1] + ("A" if cookie[-1] != "A" else "B")
    for value in [changed, "garbage", "", "W10:1t:" + "x" * 40]:
        client.cookies[resent.COOKIE] = value
        response = client.post("/khai-bao/", form_data())
        assert response.status_code == 302
    assert Declaration.objects.count() == 5  # nothing matched: each made a declaration


def test_the_cookie_holds_no_answer(client, places):
    client.post("/khai-bao/", form_data(full_name="Nguyễn Thị Hoà", phone="0912345678"))
    morsel = client.cookies[resent.COOKIE]
    [entry] = resent.SIGNER.unsign(morsel.value).split(";")
    answers, token = entry.split("=")
    assert re.fullmatch(r"[0-9a-f]{32}", answers)  # a keyed hash of the answers, no answer
    assert token == str(Declaration.objects.get().submission_token)
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == resent.KEPT_MINUTES * 60
