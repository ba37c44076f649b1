"""The admin's history of an object ("Lịch sử": who added, changed or deleted it, and which
fields) names the changed fields in the reader's language.

Django writes each change's field labels in English, to translate them when the history is read;
but the labels are capitalised verbose names ("Groups", "In service", "Road"), which no
catalogue holds (they hold "groups", "in service"): the Vietnamese history read "Đã thay đổi
Groups và Active." The labels are matched here with the fields they name, whose verbose names
are translated."""

import copy
import json
from functools import cache

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.utils import translation
from django.utils.text import capfirst


def changed_fields_named() -> None:
    """Make the admin's history name changed fields by their translated verbose names."""
    read = LogEntry.get_change_message

    def get_change_message(entry) -> str:
        return read(_named(entry))

    LogEntry.get_change_message = get_change_message


def _named(entry: LogEntry) -> LogEntry:
    """The entry, or a copy of it whose changed fields are named in the current language."""
    if not entry.change_message or entry.change_message[0] != "[":
        return entry
    try:
        messages = json.loads(entry.change_message)
    except json.JSONDecodeError:
        return entry
    model = entry.content_type.model_class() if entry.content_type_id else None
    for message in messages:
        changed = message.get("changed") if isinstance(message, dict) else None
        if not changed or not isinstance(changed.get("fields"), list):
            continue
        # An inline's change names the inline's model ("staff profile"), not the entry's.
        labels = _labels_of(_model_named(changed["name"]) if "name" in changed else model)
        changed["fields"] = [
            str(capfirst(labels[label])) if label in labels else label
            for label in changed["fields"]
        ]
    named = copy.copy(entry)
    named.change_message = json.dumps(messages)
    return named


@cache
def _labels_of(model) -> dict:
    """A model's fields by the English label Django writes for them: "In service"."""
    if model is None:
        return {}
    fields = [field for field in model._meta.get_fields() if hasattr(field, "verbose_name")]
    with translation.override(None):
        return {str(capfirst(field.verbose_name)): field.verbose_name for field in fields}


@cache
def _model_named(verbose_name: str):
    """The model whose English verbose name this is (as an inline's change names it)."""
    with translation.override(None):
        return next(
            (m for m in apps.get_models() if str(m._meta.verbose_name) == verbose_name), None
        )
