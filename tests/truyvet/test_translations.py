"""Vietnamese must be complete, and the compiled catalogues must match their sources: the
project's own (``make messages``), and the one kept by hand for what Django, its admin and
django-axes show but their own Vietnamese catalogues lack (``locale/third-party``)."""

import ast
import gettext
import re
from datetime import UTC, datetime
from pathlib import Path

import axes
import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation.trans_real import DjangoTranslation

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = [
    LOCALE / "vi" / "LC_MESSAGES" / "django.po",
    LOCALE / "third-party" / "vi" / "LC_MESSAGES" / "django.po",
    LOCALE / "third-party" / "vi" / "LC_MESSAGES" / "djangojs.po",
]
DJANGO = Path(django.__file__).parent


def entries(po: Path):
    return [e for e in polib.pofile(str(po)) if not e.obsolete]


@pytest.fixture(params=CATALOGUES, ids=lambda po: str(po.relative_to(LOCALE)))
def po(request) -> Path:
    return request.param


def test_every_string_is_translated_and_none_is_fuzzy(po):
    missing = [e.msgid for e in entries(po) if not e.translated()]
    assert missing == []


def test_the_compiled_catalogue_matches_the_po_file(po):
    catalogue = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    for entry in entries(po):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert catalogue._catalog.get((key, 0)) == entry.msgstr_plural[0], entry.msgid
        else:
            assert catalogue._catalog.get(key) == entry.msgstr, entry.msgid


# A named placeholder, a positional one, or a brace field: what formatting fills in.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")


def test_every_translation_keeps_the_placeholders_of_its_source(po):
    """A placeholder the source does not have fails the page in Vietnamese only (a KeyError);
    one left out loses what it shows."""
    wrong = []
    for entry in entries(po):
        source = sorted(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and set(PLACEHOLDER.findall(text)) != set(source):
                wrong.append((entry.msgid, text))
    assert wrong == []


# -- what Django and django-axes show ------------------------------------------------------------

# Django's strings that this site never shows: language names other than its two, the welcome,
# debug and CSRF failure pages (the site has its own 403_csrf.html), generic views it does not use,
# and apps it does not install.
NEVER_SHOWN = (
    "conf/global_settings.py",
    "views/templates/",
    "views/csrf.py",
    "views/debug.py",
    "views/static.py",
    "views/generic/",
    "contrib/sitemaps/",
    "contrib/syndication/",
)
DJANGO_CATALOGUES = [
    "conf",
    "contrib/admin",
    "contrib/auth",
    "contrib/sessions",
    "contrib/contenttypes",
]


def english_source(package: str, domain: str = "django") -> list[polib.POEntry]:
    """The entries of the English catalogue that Django ships: every string it can show."""
    po = DJANGO / package / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
    return [
        e
        for e in entries(po)
        if e.msgid and not all(path.startswith(NEVER_SHOWN) for path, _line in e.occurrences)
    ]


def plural_or_single_key(entry) -> object:
    key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    return (key, 0) if entry.msgid_plural else key


def test_every_string_django_and_its_admin_can_show_is_in_vietnamese():
    """After a Django upgrade, this names the new strings to translate in locale/third-party."""
    catalogue = DjangoTranslation("vi")
    missing = [
        (package, entry.msgid)
        for package in DJANGO_CATALOGUES
        for entry in english_source(package)
        if plural_or_single_key(entry) not in catalogue._catalog
    ]
    assert missing == []


def test_every_string_of_the_admins_scripts_is_in_vietnamese():
    admin_locale = str(DJANGO / "contrib" / "admin" / "locale")
    catalogue = DjangoTranslation("vi", domain="djangojs", localedirs=[admin_locale])
    missing = [
        entry.msgid
        for entry in english_source("contrib/admin", "djangojs")
        if plural_or_single_key(entry) not in catalogue._catalog
    ]
    assert missing == []


GETTEXT_CALLS = {"_", "gettext", "gettext_lazy"}


def axes_strings() -> set[str]:
    """The strings django-axes marks for translation: the first literal argument of each
    gettext call in its source (it ships no English catalogue)."""
    found = set()
    for source in Path(axes.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT_CALLS:
                [text] = node.args
                if isinstance(text, ast.Constant):
                    found.add(text.value)
    return found


def test_every_string_of_the_login_lockouts_is_in_vietnamese():
    catalogue = DjangoTranslation("vi")
    strings = axes_strings()
    assert "access attempts" in strings  # the search finds them
    assert sorted(s for s in strings if s not in catalogue._catalog) == []
    with translation.override("vi"):
        assert str(apps.get_app_config("axes").verbose_name) == "Khóa đăng nhập"


APPS = ("accounts", "checkpoints", "declarations", "facilities", "reports", "tracing", "transport")


def test_every_field_an_administrator_sees_has_a_translated_name():
    """The admin titles its columns and fields with their verbose names: one left out showed
    "PERSON" in the Vietnamese admin's list of declarations."""
    untranslated = [
        f"{model.__name__}.{field.name}"
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and field.editable
        if not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []


def test_every_column_of_the_login_lockouts_has_a_name_in_vietnamese(client, administrator):
    """django-axes names no column for an attempt's remaining tries: the admin showed "STATUS"."""
    from axes.models import AccessAttempt

    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    AccessAttempt.objects.create(username="chot", ip_address="10.0.0.1", failures_since_start=2)
    page = client.get("/admin/axes/accessattempt/").content.decode()
    header = re.search(r'class="column-status">.*?<span>([^<]*)</span>', page, re.S)
    assert header is not None and header.group(1) == "Trạng thái"


def test_a_login_record_is_titled_in_vietnamese_with_the_local_time(client, administrator):
    """django-axes titles its records "Access Log for chot @ 2026-12-05 19:30:00+00:00"."""
    from axes.models import AccessLog

    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    record = AccessLog.objects.create(username="chot", ip_address="10.0.0.1")
    record.attempt_time = datetime(2026, 12, 5, 19, 30, tzinfo=UTC)
    record.save()

    page = client.get(f"/admin/axes/accesslog/{record.pk}/change/").content.decode()

    assert "Lần đăng nhập của chot lúc 02:30 06/12/2026" in page
    assert "Access Log" not in page


def test_every_admin_form_names_its_fields_with_a_capital(rf, administrator):
    """Django capitalises the names it takes from a model; a form's own label is shown as
    written: the vehicle's read "biển số" among "Nhà xe" and "Số chỗ"."""
    from django.contrib import admin

    administrator.is_superuser = True
    request = rf.get("/admin/")
    request.user = administrator
    lower = []
    with translation.override("vi"):
        for model, model_admin in admin.site._registry.items():
            for name, field in model_admin.get_form(request).base_fields.items():
                label = str(field.label or "")
                if label[:1].islower():
                    lower.append(f"{model.__name__}.{name}: {label}")
    assert lower == []


def test_a_whole_number_is_asked_for_in_plain_vietnamese():
    """Django's Vietnamese says "Nhập một số tổng thể." (a total number) under a whole-number
    field, as a contacts file with a bad year of birth showed."""
    from django import forms

    with translation.override("vi"):
        assert forms.IntegerField().error_messages["invalid"] == "Nhập một số nguyên."


@pytest.mark.parametrize(
    ("word", "instead"),
    [("bạn", "Anh/Chị"), ("xoá", "xóa"), ("đội điều tra", "tổ điều tra")],
)
def test_the_translations_say_one_word_for_one_thing(word, instead):
    """Staff are addressed as Anh/Chị; one spelling, one name for the investigation team."""
    found = [
        entry.msgid
        for entry in entries(CATALOGUES[0])
        if word in " ".join([entry.msgstr, *entry.msgstr_plural.values()]).lower()
    ]
    assert found == [], f"use {instead!r}"


def test_the_risk_lists_column_and_filter_name_the_district_alike(client, provincial_health_worker):
    client.force_login(provincial_health_worker)
    html = client.get("/y-te/").content.decode()
    assert html.count("Quận / huyện nơi cư trú") == 2  # the filter's label and the column


def test_a_date_picker_gets_its_value_in_iso_in_vietnamese():
    """A date picker (type="date") shows nothing for a value in any other format, and the form
    then sends the date empty: the new-case form's confirmation date did so."""
    from datetime import date

    from django import forms

    class Dated(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    with translation.override("vi"):
        assert 'value="2026-12-06"' in str(Dated(initial={"day": date(2026, 12, 6)})["day"])
        typed = Dated({"day": "06/12/2026"})
        assert typed.is_valid() and typed.cleaned_data["day"] == date(2026, 12, 6)


def test_dates_and_times_read_as_the_province_writes_them(client, administrator):
    """Django's Vietnamese wrote "08:45 Ngày 06 tháng 12 năm 2026" in the admin's lists, and its
    header said "Chào mừng bạn," where staff are addressed as Anh/Chị."""
    from datetime import datetime

    from django.utils import formats

    with translation.override("vi"):
        assert formats.date_format(datetime(2026, 12, 6, 8, 45), "DATETIME_FORMAT") == (
            "08:45 06/12/2026"
        )
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    page = client.get("/admin/").content.decode()
    assert "Xin chào," in page and "Chào mừng bạn" not in page


def django_vietnamese(package: str, domain: str = "django") -> list[polib.POEntry]:
    """The entries of Django's own Vietnamese catalogue of ``package``."""
    po = DJANGO / package / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.po"
    return [e for e in entries(po) if e.msgid]


@pytest.mark.parametrize(
    ("package", "domain"),
    [
        ("conf", "django"),
        ("contrib/admin", "django"),
        ("contrib/auth", "django"),
        ("contrib/admin", "djangojs"),
    ],
)
def test_django_and_its_admin_address_staff_as_anh_chi(package, domain):
    """Django's Vietnamese says "bạn" (and "quyển xóa" for "quyền xóa"): whatever of it the
    site shows comes from locale/third-party instead."""
    admin_locale = [str(DJANGO / "contrib" / "admin" / "locale")] if domain == "djangojs" else None
    catalogue = DjangoTranslation("vi", domain=domain, localedirs=admin_locale)
    wrong = []
    for entry in django_vietnamese(package, domain):
        key = plural_or_single_key(entry)
        shown = catalogue._catalog.get(key, "")
        if "bạn" in shown.lower() or "quyển" in shown:
            wrong.append(entry.msgid)
    assert wrong == []


@pytest.mark.parametrize(
    ("msgid", "shown"),
    [
        ("Add %(name)s", "Thêm %(name)s"),
        ("Site administration", "Trang quản trị"),
        ("Delete?", "Xóa?"),
        ("permissions", "quyền"),
    ],
)
def test_djangos_clumsy_vietnamese_is_put_right(msgid, shown):
    with translation.override("vi"):
        assert translation.gettext(msgid) == shown
