"""Dates and times on the English site as on the Vietnamese one: 06/12/2026 and 12:33 06/12/2026.

Django's English formats read a typed 06/12/2026 as 12 June (the admin's date fields saved the
wrong day, and 20/12/2026 was refused) and show "Dec. 6, 2026, 12:33 p.m."; the staff who read
the site in English work in the same province, with the same papers, as those who read it in
Vietnamese. Numbers keep English separators (Django's English formats give them).
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
