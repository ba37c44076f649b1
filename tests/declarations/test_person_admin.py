"""The admin's person page: identity and contact fields, never the computed risk."""

import pytest


@pytest.fixture
def admin_client(client, administrator):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    return client


def change_form_post(response, **changes) -> dict:
    """The change form posted back as shown, with ``changes``: every field and inline formset."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            key = form.add_prefix(name)
            data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data.update(changes)
    return data


def test_the_admin_cannot_take_a_person_off_the_risk_lists(admin_client, make_declaration):
    person = make_declaration(symptoms=["fever", "cough"]).person
    person.refresh_from_db()
    assert person.risk_level == "high"
    url = f"/admin/declarations/person/{person.pk}/change/"
    page = admin_client.get(url)

    assert "risk_level" not in page.context["adminform"].form.fields
    admin_client.post(url, change_form_post(page, risk_level="none", _continue="1"))
    person.refresh_from_db()
    assert person.risk_level == "high"
    assert "Nguy cơ cao" in admin_client.get(url).content.decode()
