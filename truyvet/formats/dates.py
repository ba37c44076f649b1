"""How the province writes dates and times, in every language: 06/12/2026 and 08:45 06/12/2026.

Each language's ``formats`` module takes these (``truyvet/formats/vi``, ``en``). Django's own
formats differ in both: its Vietnamese writes "08:45 Ngày 06 tháng 12 năm 2026" and names no
input formats; its English reads a typed 06/12/2026 as 12 June (the admin's date fields saved the
wrong day) and shows "Dec. 6, 2026, 12:33 p.m.". Staff who read the site in English work in the
same province, with the same papers, as those who read it in Vietnamese. Input formats are
``settings.DATE_INPUT_FORMATS`` and ``DATETIME_INPUT_FORMATS``: ISO first, for date pickers; then
day first.
"""

from django.conf import settings

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "H:i d/m/Y"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = settings.DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = settings.DATETIME_INPUT_FORMATS
