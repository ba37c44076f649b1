"""Form helpers shared by the apps.

``fields_copied_when_drawn``: Django gives every form instance its own fields with
``copy.deepcopy(base_fields)``, so that drawing one form (crispy sets its widgets' classes) or
changing its fields cannot reach another. A form that is posted and passes validation is never
drawn, and validating reads the fields without changing them. A form class with this decorator
starts each instance with the class's own field objects, shared, in a ``FormFields``; the form
takes copies (``own``, ``own_all``) of those it changes and, before it is drawn, of all of them
(``CopiesFieldsToDraw``). On the declaration form (27 fields, thousands of posts a minute in a
surge), ``DeclarationForm`` does so in ``prepare_to_draw``, which its crispy ``helper`` and its
iteration call. The risk list's filters, validated on every page of every list and drawn from a
kept fragment, share them too: their copy took 0.31 ms of the form's 0.46.

The copies are made directly, not through the generic ``copy`` machinery: each field, its widget,
the widget's attributes, error messages, validators and choice lists are new objects, as
``Field.__deepcopy__``, ``ChoiceField.__deepcopy__``, ``Widget.__deepcopy__`` and
``ChoiceWidget.__deepcopy__`` make them; any other field or widget class with a copy of its own
(a model choice field, a multi-widget) is deep-copied as before. Through ``copy.deepcopy``, the
copy was over a tenth of a declaration's processing time; made directly, still about a sixth of a
posted declaration's Python in the worker (py-spy, 2026-12-05), which sharing saves.

``WidgetRenderer`` (the ``FORM_RENDERER``): Django draws every widget from a template, and a
select draws each of its options from another. Through Django's template engine, a declaration
form sent back with one mistake (its province, district and commune lists: about 250 options)
took 55 ms to draw, against 32 ms with the same templates in Jinja2, which Django ships for every
built-in widget. Widgets that only have a Django template (the admin's) are drawn with it. The
place lists are now drawn in Python (``declarations.forms.PlaceSelect``), with the same HTML.
"""

import copy
from datetime import datetime
from functools import cached_property

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, Jinja2
from django.forms.widgets import ChoiceWidget
from django.template import TemplateDoesNotExist

_PLAIN_FIELD_COPIES = {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__}
_PLAIN_WIDGET_COPIES = {forms.Widget.__deepcopy__, ChoiceWidget.__deepcopy__}


def fields_copied_when_drawn(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """Class decorator: the form's instances start with the class's fields, shared, in a
    :class:`FormFields`; the form must call ``own``/``own_all`` before it changes or draws one."""
    form_class.base_fields = _SharedFields(form_class.base_fields)
    return form_class


class CopiesFieldsToDraw:
    """The drawing half of ``fields_copied_when_drawn``, for the forms it decorates: before the
    form is drawn (iterated, or ``prepare_to_draw`` called by its crispy ``helper``), it takes
    copies of all its fields, once, then ``get_ready_to_draw`` sets what only drawing needs
    (the place lists' choices, a new form token)."""

    _drawable = False

    def prepare_to_draw(self) -> None:
        if self._drawable:
            return
        self._drawable = True
        self.fields.own_all()
        self._bound_fields_cache.clear()  # bound fields made so far hold the shared fields
        self.get_ready_to_draw()

    def get_ready_to_draw(self) -> None:
        """What the form sets on its own fields before it is drawn."""

    def __iter__(self):
        self.prepare_to_draw()
        return super().__iter__()


class _SharedFields(dict):
    def __deepcopy__(self, memo):
        return FormFields(self)


class FormFields(dict):
    """A form's fields: the class's own objects, shared by every instance, until the form takes
    copies of its own. A field put in by the form itself is its own."""

    def __init__(self, shared: dict):
        super().__init__(shared)
        self._shared = set(shared)

    def __setitem__(self, name, field):
        self._shared.discard(name)
        super().__setitem__(name, field)

    def own(self, name: str) -> forms.Field:
        """The form's own copy of the field ``name``, to change it."""
        if name in self._shared:
            self[name] = _field_copy(self[name])
        return self[name]

    def own_all(self) -> None:
        """Copies of all the fields still shared."""
        for name in list(self._shared):
            self.own(name)


def _field_copy(field: forms.Field) -> forms.Field:
    widget = field.widget
    plain = (
        type(field).__deepcopy__ in _PLAIN_FIELD_COPIES
        and type(widget).__deepcopy__ in _PLAIN_WIDGET_COPIES
    )
    if not plain:
        return copy.deepcopy(field)
    result = _shallow(field)
    result.widget = _shallow(widget)
    result.widget.attrs = widget.attrs.copy()
    if isinstance(widget, ChoiceWidget):
        result.widget._choices = _choices_copy(widget._choices)
    if isinstance(field, forms.ChoiceField):
        result._choices = _choices_copy(field._choices)
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    return result


def _shallow(thing):
    """``copy.copy`` for a plain instance, without its reduce protocol."""
    result = object.__new__(type(thing))
    result.__dict__.update(thing.__dict__)
    return result


def _choices_copy(choices):
    """A new list of the same pairs (a group's list of pairs copied too); a lazy choice iterator
    is copied as ``copy.copy`` copies it."""
    if not isinstance(choices, list):
        return copy.copy(choices)
    return [(key, list(value) if isinstance(value, list) else value) for key, value in choices]


class WidgetRenderer(Jinja2):
    """Django's Jinja2 templates for the widgets, or its own templates where a widget has no
    Jinja2 template (the admin's related-object wrapper and date pickers)."""

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django_templates.get_template(template_name)

    @cached_property
    def _django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()


class DatePicker(forms.DateInput):
    """A date picker (``type="date"``). It shows a value only in ISO form, so a date typed day
    first into the address (``?tu_ngay=06/12/2026``, read as the field reads it) is written
    back in ISO: otherwise the picker looks empty while the filter still applies. Its field
    reads the site's formats in either language (``settings.DATE_INPUT_FORMATS``, day first,
    through truyvet/formats), and so does the picker."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str):
            for form in settings.DATE_INPUT_FORMATS:
                try:
                    return datetime.strptime(value.strip(), form).date().isoformat()
                except ValueError:
                    continue
            return value
        return super().format_value(value)
