"""Contacts of a case from an investigation team's spreadsheet (Excel .xlsx or CSV).

Reading the file (``read_table``), checking every row and saying what each will match or create
(``check_contacts``), then importing all rows or none (``contacts_import``).

django-import-export's machinery runs the check: ``ContactResource`` maps the columns to a
``ContactRow`` and ``import_data(dry_run=True)`` collects the errors of every bad row, with its
number. Nothing is written while checking; the writes go through
``tracing.services.contact_report``, inside one transaction that first checks the file again,
so that a file with any bad row imports nothing.

Each row is matched to an existing person (``tracing.duplicates.PersonMatcher``) before a new
person is created. An F2 row names its F1 in the column "F1 liên quan", by lookup code or phone:
an F1 already entered for the case, or an F1 row of the same file.
"""

import csv
import io
import re
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from declarations import codes
from declarations.models import MergedCode, Person, Sex
from declarations.normalize import clean_spaces, fold_name, normalize_id_number, normalize_phone
from declarations.places import Place, place_tree, served_province_code
from tracing.duplicates import Identity, PersonMatcher
from tracing.forms_contacts import NOTE_LENGTH, ContactPersonForm
from tracing.models import Case, Contact, ContactLevel, ContactStatus
from tracing.services import contact_report

# Thousands of rows in .xlsx. The checked file waits in the session until it is confirmed, and
# the session is saved on every request: the limit keeps that cheap.
MAX_BYTES = 256 * 1024
MAX_ROWS = 1000
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024  # an .xlsx is a zip: refuse one that inflates absurdly


@dataclass(frozen=True)
class Column:
    """A column of the file. Its header is part of the file format (the template's, in
    Vietnamese, whatever the page's language); other spellings are read too (``aliases``)."""

    attribute: str
    header: str
    label: str
    explanation: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    text: bool = False  # kept as text in the template, so that Excel drops no leading zero

    def names(self) -> set[str]:
        return {_header_key(self.header), *(_header_key(alias) for alias in self.aliases)}


COLUMNS = (
    Column(
        "full_name",
        "Họ và tên",
        gettext_lazy("Full name"),
        gettext_lazy("Required."),
        required=True,
        aliases=("Họ tên", "Full name", "Name"),
    ),
    Column(
        "birth_year",
        "Năm sinh",
        gettext_lazy("Year of birth"),
        gettext_lazy("Required. A year such as 1985 (a full date of birth is read too)."),
        required=True,
        aliases=("Year of birth", "Ngày sinh"),
    ),
    Column(
        "sex",
        "Giới tính",
        gettext_lazy("Sex"),
        gettext_lazy("Nam, Nữ or Khác. Needed for a new person."),
        aliases=("Sex",),
    ),
    Column(
        "phone",
        "Số điện thoại",
        gettext_lazy("Mobile phone"),
        gettext_lazy("A phone number or an ID number is required."),
        aliases=("Điện thoại", "SĐT", "Phone"),
        text=True,
    ),
    Column(
        "id_number",
        "Số CCCD/CMND/Hộ chiếu",
        gettext_lazy("ID document number"),
        gettext_lazy("CCCD (12 digits), CMND (9 digits) or passport."),
        aliases=("CCCD", "CMND", "Số CCCD", "Số CMND", "CCCD/CMND", "ID number"),
        text=True,
    ),
    Column(
        "province",
        "Tỉnh/thành phố",
        gettext_lazy("Province of residence"),
        gettext_lazy("Name or code. Empty: this province."),
        aliases=("Tỉnh", "Province"),
    ),
    Column(
        "district",
        "Quận/huyện",
        gettext_lazy("District of residence"),
        gettext_lazy("Name or code. Needed for a new person."),
        aliases=("Huyện", "District"),
    ),
    Column(
        "commune",
        "Phường/xã",
        gettext_lazy("Commune of residence"),
        gettext_lazy("Name or code. Needed for a new person."),
        aliases=("Xã", "Phường/xã/thị trấn", "Xã/phường", "Commune"),
    ),
    Column(
        "residence_address",
        "Địa chỉ",
        gettext_lazy("House number, street, hamlet"),
        "",
        aliases=("Số nhà, thôn, bản", "Address"),
    ),
    Column(
        "level",
        "Mức độ (F1/F2)",
        gettext_lazy("Level"),
        gettext_lazy("F1 or F2. Empty: F1."),
        aliases=("Mức độ", "F1/F2", "Level"),
    ),
    Column(
        "via",
        "F1 liên quan (mã tra cứu hoặc SĐT)",
        gettext_lazy("Their F1 (for an F2)"),
        gettext_lazy(
            "Required for an F2: the lookup code or the phone number of the F1 they were in "
            "contact with, an F1 already entered for this case or an F1 row of this file."
        ),
        aliases=("F1 liên quan", "Via", "F1"),
        text=True,
    ),
    Column(
        "note",
        "Ghi chú",
        gettext_lazy("Note"),
        gettext_lazy("How they were in contact (kept with the contact)."),
        aliases=("Note",),
    ),
)
COLUMNS_BY_ATTRIBUTE = {column.attribute: column for column in COLUMNS}
SEX_WORDS = {
    "nam": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "nu": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "khac": Sex.OTHER,
    "other": Sex.OTHER,
}
PLACE_PREFIXES = re.compile(r"^(tinh|thanh pho|tp\.?|quan|huyen|thi xa|phuong|xa|thi tran|tt\.?) ")


class ImportFileError(Exception):
    """The file as a whole cannot be read: no row is checked."""


def _header_key(text) -> str:
    """A header as compared: folded, without marks such as ``*`` or a trailing ``(…)``."""
    folded = fold_name(str(text or "")).replace("*", "").strip()
    return re.sub(r"\s*\([^)]*\)$", "", folded) if "(" in folded else folded


def _column_for(header) -> Column | None:
    key = _header_key(header)
    for column in COLUMNS:
        if key and (key in column.names() or fold_name(str(header)) == fold_name(column.header)):
            return column
    return None


# -- reading a file ------------------------------------------------------------------------------


@dataclass
class Table:
    dataset: tablib.Dataset
    ignored: list[str]


def read_table(data: bytes, filename: str) -> Table:
    """The rows of the file under the template's headers; columns the file does not have are
    absent, columns it has that the template has not are ignored (and listed)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise ImportFileError(_("Choose an Excel file (.xlsx) or a CSV file."))
    if not rows:
        raise ImportFileError(_("The file is empty."))
    header, body = rows[0], rows[1:]
    columns = [_column_for(cell) for cell in header]
    found = [column for column in columns if column]
    missing = [str(c.header) for c in COLUMNS if c.required and c not in found]
    if missing:
        raise ImportFileError(
            _(
                "The first row must hold the column names; missing: %(names)s. "
                "Start from the template."
            )
            % {"names": ", ".join(missing)}
        )
    twice = {column.header for column in found if found.count(column) > 1}
    if twice:
        raise ImportFileError(
            _("These columns appear twice: %(names)s.") % {"names": ", ".join(sorted(twice))}
        )
    while body and _blank(body[-1]):
        body.pop()
    if not body:
        raise ImportFileError(_("The file has no contacts under its column names."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(rows)s rows: split it into several files.")
            % {"rows": MAX_ROWS}
        )
    headers = [c.header if c else f"#{i}" for i, c in enumerate(columns)]
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for row in body:
        dataset.append((list(row) + [None] * width)[:width])
    ignored = [str(cell) for cell, c in zip(header, columns, strict=True) if not c and cell]
    return Table(dataset=dataset, ignored=ignored)


def _blank(row) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


# What a damaged or forged .xlsx raises, while it is opened or while its rows are read: a bad
# zip or compressed stream, missing parts, XML that does not parse (SyntaxError: ElementTree's
# and lxml's ParseError), a workbook without sheets.
XLSX_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    InvalidFileException,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    SyntaxError,
)


def _xlsx_rows(data: bytes) -> list[list]:
    unreadable = ImportFileError(_("The file could not be read as an Excel file (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise unreadable
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as error:
        raise unreadable from error
    try:
        rows = []
        # Read a little more than allowed: formatted but empty rows at the end are dropped.
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > 2 * MAX_ROWS + 1:
                break
    except XLSX_ERRORS as error:
        raise unreadable from error
    finally:
        workbook.close()
    return rows


def _csv_rows(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "Save the CSV file with the UTF-8 encoding (“CSV UTF-8” in Excel), "
                "or send the .xlsx file."
            )
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        rows = []
        for values in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(values)
            if len(rows) > 2 * MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ImportFileError(_("The file could not be read as a CSV file.")) from error
    return rows


# -- the template ------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """An empty list with the expected columns, and a sheet that explains them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách tiếp xúc"
    sheet.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 2)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Guide")[:31])
    guide.append([_("Column"), _("What to write")])
    for column in COLUMNS:
        guide.append([column.header, str(column.explanation)])
    guide.append([])
    guide.append([_("Fill in the first sheet, one contact per row, then import the file.")])
    guide.column_dimensions["A"].width = 36
    guide.column_dimensions["B"].width = 100
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def template_csv() -> str:
    """The expected columns as a CSV header (UTF-8 with a BOM, so that Excel reads accents)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerow([column.header for column in COLUMNS])
    return buffer.getvalue()


# -- one row -------------------------------------------------------------------------------------


class ContactRow:
    """One row of the file once read: its cells as text, then what checking found."""

    def __init__(self):
        self.line = 0  # the spreadsheet's row number (the header is row 1)
        for column in COLUMNS:
            setattr(self, column.attribute, "")
        self.person: Person | None = None  # the existing person it matches
        self.contact: Contact | None = None  # their contact with this case, if any
        self.contact_level = ContactLevel.F1
        self.via_contact: Contact | None = None  # its F1, already a contact of the case
        self.via_line: int | None = None  # or its F1, a row of the same file
        self.via_text = ""  # that F1, for the preview
        self.values: dict = {}  # the checked values, for a new person
        self.place_names: list[str] = []

    def is_blank(self) -> bool:
        return all(not getattr(self, column.attribute) for column in COLUMNS)

    def identity(self) -> Identity:
        """Read leniently, for matching: a bad value counts as absent (the check reports it)."""
        return Identity.of(
            id_number=normalize_id_number(self.id_number) or "",
            phone=normalize_phone(self.phone) or "",
            full_name=clean_spaces(self.full_name),
            birth_year=_year(self.birth_year),
        )

    def level_code(self) -> str | None:
        value = self.level.strip().upper() or ContactLevel.F1
        return value if value in ContactLevel.values else None

    @property
    def stays_f1(self) -> bool:
        """Reported as F2 but already an F1 of the case: an F1 is never lowered."""
        return (
            self.contact_level == ContactLevel.F2
            and self.contact is not None
            and self.contact.level == ContactLevel.F1
        )


def _year(text: str) -> int | None:
    text = text.strip()
    match = re.fullmatch(r"(\d{4})(?:-\d{2}-\d{2}.*)?", text) or re.fullmatch(
        r"\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4})", text
    )
    return int(match.group(1)) if match else None


class CellWidget(widgets.Widget):
    """A cell as text. Excel hands numbers as floats and dates as datetimes: a phone number
    keeps its digits (``912345678.0`` -> ``912345678``) and a date its ISO form."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value.isoformat()
        return clean_spaces(str(value))


def _field(attribute: str) -> Field:
    return Field(
        attribute=attribute,
        column_name=COLUMNS_BY_ATTRIBUTE[attribute].header,
        widget=CellWidget(),
    )


class ContactResource(resources.Resource):
    """The rows of a contacts file for one case. It checks and matches; it never writes."""

    full_name = _field("full_name")
    birth_year = _field("birth_year")
    sex = _field("sex")
    phone = _field("phone")
    id_number = _field("id_number")
    province = _field("province")
    district = _field("district")
    commune = _field("commune")
    residence_address = _field("residence_address")
    level = _field("level")
    via = _field("via")
    note = _field("note")

    class Meta:
        instance_loader_class = BaseInstanceLoader
        force_init_instance = True  # every row is a new entry; matching is ours
        skip_diff = True
        store_instance = True
        report_skipped = False
        use_transactions = True
        # Rows are only checked, never saved one by one: no savepoint around each row (the
        # "bulk" path then has nothing to write either).
        use_bulk = True

    def __init__(self, *, case: Case):
        super().__init__()
        self.case = case
        self.checker: RowChecker | None = None

    def init_instance(self, row=None):
        return ContactRow()

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.line = kwargs["row_number"] + 1

    def before_import(self, dataset, **kwargs):
        """Read every row once first: an F2 may name an F1 further down the file, and the
        people of all rows are matched with two queries."""
        rows = []
        for number, values in enumerate(dataset, start=1):
            row = ContactRow()
            row.line = number + 1
            self.import_instance(row, dict(zip(dataset.headers, values, strict=True)))
            rows.append(row)
        self.checker = RowChecker(self.case, rows)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return instance.is_blank()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = self.checker.check(instance)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Nothing is saved here: ``contacts_import`` writes the checked rows in one go."""


class RowChecker:
    """Checks one row against the case, the people already known and the rest of the file."""

    def __init__(self, case: Case, rows: list[ContactRow]):
        self.case = case
        self.tree = place_tree()
        self.rows = {row.line: row for row in rows}
        filled = [row for row in rows if not row.is_blank()]
        identities = {row.line: row.identity() for row in filled}
        self.matcher = PersonMatcher(identities.values())
        self.contacts = {c.person_id: c for c in case.contacts.select_related("person")}
        self.first_line: dict[tuple, int] = {}
        for row in filled:
            for key in self._keys(identities[row.line], self.matcher.match(identities[row.line])):
                self.first_line.setdefault(key, row.line)
        self._index_f1s(filled, identities)

    def _index_f1s(self, rows: list[ContactRow], identities: dict[int, Identity]) -> None:
        """Where an F2's F1 may be found: by phone and by lookup code, the F1s already
        entered for the case (not dismissed) and the F1 rows of the file."""
        self.f1_by_phone: dict[str, dict] = defaultdict(dict)
        self.f1_by_code: dict[str, dict] = defaultdict(dict)
        known = [
            c
            for c in self.contacts.values()
            if c.level == ContactLevel.F1 and c.status != ContactStatus.DISMISSED
        ]
        merged = MergedCode.objects.filter(person__in=[c.person_id for c in known])
        merged_codes = defaultdict(list)
        for code, person_id in merged.values_list("code", "person_id"):
            merged_codes[person_id].append(code)
        for contact in known:
            person, key = contact.person, ("person", contact.person_id)
            if person.phone:
                self.f1_by_phone[person.phone][key] = contact
            for code in [person.lookup_code, *merged_codes[person.pk]]:
                self.f1_by_code[code][key] = contact
        for row in rows:
            if row.level_code() != ContactLevel.F1:
                continue
            identity, person = identities[row.line], self.matcher.match(identities[row.line])
            key = ("person", person.pk) if person else ("line", row.line)
            if identity.phone:
                self.f1_by_phone[identity.phone].setdefault(key, row.line)
            if person:
                self.f1_by_code[person.lookup_code].setdefault(key, row.line)

    @staticmethod
    def _keys(identity: Identity, person: Person | None) -> list[tuple]:
        keys = []
        if identity.id_number:
            keys.append(("id", identity.id_number))
        if identity.phone_key:
            keys.append(("phone", *identity.phone_key))
        if person is not None:
            keys.append(("person", person.pk))
        return keys

    def check(self, row: ContactRow) -> dict[str, list[str]]:
        """The errors of the row by attribute; fills in what the row will do if none."""
        errors: dict[str, list[str]] = defaultdict(list)
        form = ContactPersonForm(data=self._form_data(row, errors))
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors[name].extend(messages)
        if errors:
            return dict(errors)
        row.contact_level = form.cleaned_data["level"]
        identity = form.identity()
        row.person = self.matcher.match(identity)
        row.contact = self.contacts.get(row.person.pk) if row.person else None
        earlier = [self.first_line[key] for key in self._keys(identity, row.person)]
        if min(earlier, default=row.line) < row.line:
            errors["full_name"].append(
                _("The same person as on row %(line)s.") % {"line": min(earlier)}
            )
        if row.person is not None and row.person.pk == self.case.person_id:
            errors["full_name"].append(_("This is the case (F0) itself."))
        places = self._places(row, errors, required=row.person is None)
        if row.person is None and not form.cleaned_data["sex"]:
            errors["sex"].append(_("Needed for a new person."))
        if row.contact_level == ContactLevel.F2:
            self._find_f1(row, errors)
        if not errors:
            row.values = _person_values(form.cleaned_data, places)
            row.note = form.cleaned_data["note"]
        return dict(errors)

    def _form_data(self, row: ContactRow, errors) -> dict:
        data = {
            column.attribute: getattr(row, column.attribute)
            for column in COLUMNS
            if column.attribute not in ("province", "district", "commune", "via")
        }
        year = _year(row.birth_year)
        if year is not None:
            data["birth_year"] = str(year)
        if row.sex:
            data["sex"] = SEX_WORDS.get(fold_name(row.sex), "")
            if not data["sex"]:
                errors["sex"].append(_("Write Nam, Nữ or Khác."))
        if row.level_code() is None:
            errors["level"].append(_("Write F1 or F2."))
        data["level"] = row.level_code() or ContactLevel.F1
        if len(row.note) > NOTE_LENGTH:
            data["note"] = row.note  # the form says it is too long
        return data

    def _places(self, row: ContactRow, errors, *, required: bool) -> list[Place]:
        """The province, district and commune of the row, by name or code; empty province:
        the province served. Needed for a new person only, checked whenever written."""
        if not (row.district or row.commune):
            if required:
                errors["commune"].append(
                    _("Needed for a new person: the district and the commune or ward.")
                )
            return []
        province = self._place(row.province, "", "province", errors, digits=2)
        if province is None and not row.province:
            province = self.tree.get(served_province_code())
        if province is None:
            return []
        district = self._place(row.district, province, "district", errors, digits=3)
        if district is None:
            if not row.district:
                errors["district"].append(_("Write the district too."))
            return []
        commune = self._place(row.commune, district, "commune", errors, digits=5)
        if commune is None:
            if not row.commune:
                errors["commune"].append(_("Write the commune or ward too."))
            return []
        row.place_names = [commune.name, district.name, province.name]
        return [province, district, commune]

    def _place(self, text: str, parent: Place | str, attribute: str, errors, *, digits: int):
        if not text:
            return None
        parent_code = parent.code if isinstance(parent, Place) else ""
        children = self.tree.children_of(parent_code) if parent_code else self.tree.provinces()
        if text.isdigit():
            found = [p for p in children if p.code == text.zfill(digits)]
        else:
            folded = fold_name(text)
            found = [p for p in children if fold_name(p.name) == folded]
            if not found:
                bare = PLACE_PREFIXES.sub("", folded)
                found = [p for p in children if PLACE_PREFIXES.sub("", fold_name(p.name)) == bare]
        if len(found) == 1:
            return found[0]
        where = parent.name if isinstance(parent, Place) else ""
        if found:
            errors[attribute].append(
                _("Several places in %(place)s have this name: write it in full, as “%(example)s”.")
                % {"place": where, "example": found[0].name}
            )
        elif where:
            errors[attribute].append(
                _("No place of this name or code in %(place)s.") % {"place": where}
            )
        else:
            errors[attribute].append(_("No province or city of this name or code."))
        return None

    def _find_f1(self, row: ContactRow, errors) -> None:
        if not row.via:
            errors["via"].append(
                _("An F2 is a contact of an F1: write the F1's lookup code or phone number.")
            )
            return
        phone = normalize_phone(row.via)
        code = None if phone else codes.parse_code(row.via)
        if phone is None and code is None:
            errors["via"].append(_("Write the F1's lookup code or phone number."))
            return
        found = self.f1_by_phone.get(phone) if phone else self.f1_by_code.get(code)
        if not found:
            errors["via"].append(
                _("No F1 of this case, entered already or in this file, has this code or phone.")
            )
            return
        if len(found) > 1:
            errors["via"].append(
                _("Several F1s have this phone number: write the F1's lookup code instead.")
            )
            return
        ((key, target),) = found.items()
        if key == ("line", row.line) or (row.person and key == ("person", row.person.pk)):
            errors["via"].append(_("An F2 cannot be their own F1."))
            return
        if isinstance(target, Contact):
            row.via_contact = target
        else:
            row.via_line = target

    def via_text(self, row: ContactRow) -> str:
        if row.via_contact is not None:
            return _f1_text(row.via_contact.person)
        if row.via_line is not None:
            f1 = self.rows[row.via_line]
            return _("row %(line)s: %(name)s") % {"line": f1.line, "name": f1.full_name}
        return ""


def _f1_text(person: Person) -> str:
    return f"{person.full_name} · {person.display_code}"


def _person_values(cleaned: dict, places: list[Place]) -> dict:
    values = {
        name: cleaned[name]
        for name in ("full_name", "birth_year", "sex", "phone", "id_number", "residence_address")
    }
    if places:
        province, district, commune = places
        values |= {
            "residence_province_id": province.code,
            "residence_district_id": district.code,
            "residence_commune_id": commune.code,
        }
    return values


# -- checking and importing a whole file ---------------------------------------------------------


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportCheck:
    """What checking a file found: its rows (when all are right) or the errors of each row."""

    rows: list[ContactRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # row number -> full name, for errors
    contacts: list[Contact] = field(default_factory=list)  # once imported
    f1s_confirmed: list[Contact] = field(default_factory=list)  # proposed F1s an F2 confirmed

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.errors

    def errors_by_row(self) -> list[tuple[int, str, list[RowError]]]:
        by_line = defaultdict(list)
        for error in self.errors:
            by_line[error.line].append(error)
        return [(line, self.names.get(line, ""), by_line[line]) for line in sorted(by_line)]

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "matched": sum(1 for row in self.rows if row.person is not None),
            "new": sum(1 for row in self.rows if row.person is None),
            "f1": sum(1 for row in self.rows if row.contact_level == ContactLevel.F1),
            "f2": sum(1 for row in self.rows if row.contact_level == ContactLevel.F2),
        }


def check_contacts(*, case: Case, dataset: tablib.Dataset) -> ImportCheck:
    """Check every row of the file; write nothing."""
    resource = ContactResource(case=case)
    result = resource.import_data(dataset, dry_run=True, raise_errors=False)
    if result.has_errors():  # not a bad row: a fault of ours, to be seen and fixed
        failures = [*result.base_errors, *(e for _n, errs in result.row_errors() for e in errs)]
        raise failures[0].error
    check = ImportCheck()
    checker = resource.checker
    check.names = {line: row.full_name for line, row in checker.rows.items()}
    for invalid in result.invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            column = COLUMNS_BY_ATTRIBUTE.get(attribute)
            for message in messages:
                check.errors.append(
                    RowError(invalid.number + 1, column.header if column else "", message)
                )
    check.rows = [r.instance for r in result.rows if r.import_type == RowResult.IMPORT_TYPE_NEW]
    for row in check.rows:
        row.via_text = checker.via_text(row)
    return check


@transaction.atomic
def contacts_import(*, case: Case, dataset: tablib.Dataset, user) -> ImportCheck:
    """Check the file again and, if every row is right, record every contact: all or none.

    F1 rows are written first, so that the F2 rows of the file can hang from them. The case
    is locked first: an import sent twice at once (a double click) waits for the other, then
    finds the people it created, instead of creating them again.
    """
    Case.objects.select_for_update().filter(pk=case.pk).exists()
    check = check_contacts(case=case, dataset=dataset)
    if not check.is_valid:
        return check
    written: dict[int, Contact] = {}
    for row in sorted(check.rows, key=lambda r: (r.contact_level != ContactLevel.F1, r.line)):
        via = row.via_contact or written.get(row.via_line)
        written[row.line] = contact_report(
            case=case,
            person=row.person,
            person_values=row.values,
            level=row.contact_level,
            via=via,
            note=row.note,
            user=user,
        )
    check.contacts = [written[row.line] for row in check.rows]
    # Proposed F1s that an F2 row of the file confirmed: each a decision of its own.
    check.f1s_confirmed = [c.via_confirmed for c in check.contacts if c.via_confirmed is not None]
    return check
