"""The project's settings, plus the benchmark's URLconf (and a static root of its own).

``bench/declarations.py`` runs ``manage.py`` and gunicorn with these settings. STATIC_ROOT can be
pointed at a scratch directory (``BENCH_STATIC_ROOT``) so that the ``collectstatic`` that DEBUG=0
needs writes nothing into the project tree.
"""

import os

from truyvet.settings import *  # noqa: F403
from truyvet.settings import STATIC_ROOT as PROJECT_STATIC_ROOT

ROOT_URLCONF = "bench.urls_bench"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or PROJECT_STATIC_ROOT
