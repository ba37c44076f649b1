"""The admin finds people and audit entries by a code as the site prints it, by a name typed
with its accents and by a phone number in any written form."""

import pytest

from accounts.models import AuditEntry


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def found(admin_client, url, query) -> list:
    return list(admin_client.get(url, {"q": query}).context["cl"].result_list)


@pytest.mark.parametrize("typed", ["display", "lower", "stored"])
def test_the_person_list_finds_a_code_as_printed_in_any_case(admin_client, citizen, typed):
    query = {
        "display": citizen.display_code,
        "lower": citizen.display_code.lower(),
        "stored": citizen.lookup_code,
    }[typed]
    assert found(admin_client, "/admin/declarations/person/", query) == [citizen]


def test_the_person_list_finds_a_name_typed_with_its_accents(admin_client, make_declaration):
    xuan = make_declaration(full_name="Nguyễn Thị Xuân", phone="0912345678").person
    make_declaration(full_name="Lò Văn Minh")

    assert found(admin_client, "/admin/declarations/person/", "Nguyễn Thị Xuân") == [xuan]
    assert found(admin_client, "/admin/declarations/person/", "+84 912 345 678") == [xuan]


def test_the_audit_log_finds_who_opened_a_person_by_the_printed_code(admin_client, citizen):
    admin_client.get(f"/admin/declarations/person/{citizen.pk}/change/")
    opened = AuditEntry.objects.get(action="view_person")

    for query in (citizen.display_code, citizen.display_code.lower()):
        assert opened in found(admin_client, "/admin/accounts/auditentry/", query)
    listing = admin_client.get("/admin/accounts/auditentry/").content.decode()
    assert citizen.display_code in listing


def test_the_person_list_finds_a_person_by_a_duplicates_merged_code_and_phone(
    admin_client, make_declaration
):
    """A citizen calling with the code of their duplicate, merged since, is found as at the desk."""
    from tracing.duplicates import people_merge

    keep = make_declaration(id_number="012190000111", phone="0912345678").person
    other = make_declaration(id_number="012190000111", phone="0387654321").person
    people_merge(keep=keep, merge=other, user=None)

    assert found(admin_client, "/admin/declarations/person/", other.display_code) == [keep]
    assert found(admin_client, "/admin/declarations/person/", "038 765 4321") == [keep]
