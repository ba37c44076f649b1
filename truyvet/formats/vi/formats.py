"""Vietnamese: the province's dates and times (``truyvet.formats.dates``), and its numbers."""

from truyvet.formats.dates import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
