"""The form widgets are drawn from Django's Jinja2 templates (truyvet.forms.WidgetRenderer),
the admin's own widgets from their Django templates, and the pages look the same either way."""

import re

from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from declarations.forms import DeclarationForm
from tests.conftest import form_data
from truyvet.forms import WidgetRenderer


def test_the_site_draws_widgets_with_jinja2():
    renderer = get_default_renderer()
    assert isinstance(renderer, WidgetRenderer)
    for name in ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html"):
        assert isinstance(renderer.get_template(name), Jinja2Template)


def test_widgets_with_only_a_django_template_are_drawn_with_it():
    template = WidgetRenderer().get_template("admin/widgets/related_widget_wrapper.html")
    assert isinstance(template, DjangoTemplate)


def test_a_declaration_form_sent_back_looks_as_with_django_templates(places):
    data = form_data(phone="12345", symptoms=["fever"], residence_address="Số 3, ngõ 5")
    drawn = {}
    for renderer in (DjangoTemplates(), WidgetRenderer()):
        form = DeclarationForm(data, renderer=renderer)
        assert not form.is_valid()
        drawn[type(renderer)] = [_as_shown(str(form[name])) for name in form.fields]
    assert drawn[WidgetRenderer] == drawn[DjangoTemplates]
    assert any("<option" in html for html in drawn[WidgetRenderer])


def _as_shown(html: str) -> str:
    """The markup with its white space as a browser shows it: runs of spaces and line breaks as
    one space, none between two tags (the two sets of templates break lines differently)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_an_admin_form_with_related_objects_draws_its_wrappers(admin_client):
    response = admin_client.get("/admin/checkpoints/checkpoint/add/")
    assert response.status_code == 200
    assert b"related-widget-wrapper" in response.content
