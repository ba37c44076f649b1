"""The project's settings with a static root of the test run's own (DEBUG is off there, so the
pages need the collected, hashed static files; collecting them must not write into the tree)."""

import os

from truyvet.settings import *  # noqa: F403

STATIC_ROOT = os.environ["RELIABILITY_STATIC_ROOT"]

# The site's addresses, and one that leaves work for after its answer (urls_site.py).
ROOT_URLCONF = "tests.reliability.urls_site"
