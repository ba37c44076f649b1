"""Vietnamese must be complete, and the compiled catalogue must match its source."""

import gettext
import re
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def entries():
    return [e for e in polib.pofile(str(PO)) if not e.obsolete]


def test_every_string_is_translated_and_none_is_fuzzy():
    missing = [e.msgid for e in entries() if not e.translated()]
    assert missing == []


def test_the_compiled_catalogue_matches_the_po_file():
    catalogue = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))
    for entry in entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert catalogue._catalog.get(key) == entry.msgstr, entry.msgid


# A named placeholder, a positional one, or a brace field: what formatting fills in.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def test_every_translation_keeps_the_placeholders_of_its_source():
    """A placeholder the source does not have fails the page in Vietnamese only (a KeyError);
    one left out loses what it shows."""
    wrong = []
    for entry in entries():
        source = sorted(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and set(PLACEHOLDER.findall(text)) != set(source):
                wrong.append((entry.msgid, text))
    assert wrong == []
