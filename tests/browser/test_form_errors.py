"""On a 360px phone every error of the declaration form is written under its field, across the
form's width: none is squeezed into a narrow column beside a checkbox."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_error_is_under_its_field_across_the_form(live_server, places, phone_page, screenshot):
    page = phone_page
    page.goto(f"{live_server.url}/khai-bao/")
    with page.expect_navigation():
        page.click("input[type=submit][name=submit]")
    screenshot(page, "declare-form-errors-360")

    form = page.locator("form[data-declaration]").bounding_box()
    errors = page.locator(".invalid-feedback:visible").all()
    assert len(errors) >= 5
    for error in errors:
        box = error.bounding_box()
        assert box["width"] >= 0.9 * form["width"], (error.inner_text(), box, form)

    # The commitment's error is under the checkbox and its promise, not beside them.
    promise = page.locator("label[for=id_commitment]").bounding_box()
    error = page.locator("#id_commitment_error").bounding_box()
    assert error["y"] >= promise["y"] + promise["height"] - 1
