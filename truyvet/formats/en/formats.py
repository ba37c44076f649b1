"""English: the province's dates and times (``truyvet.formats.dates``); numbers keep English
separators, from Django's English formats."""

from truyvet.formats.dates import *  # noqa: F403
