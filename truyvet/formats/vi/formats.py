"""Dates and times in Vietnamese as the province writes them: 06/12/2026 and 08:45 06/12/2026.

Django's own Vietnamese formats write "08:45 Ngày 06 tháng 12 năm 2026" (the admin's lists and
the audit log used it) and name no input formats; these replace what they set and add the input
formats of ``settings.DATE_INPUT_FORMATS`` and ``DATETIME_INPUT_FORMATS`` (ISO first, for date
pickers; then day first).
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
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
