"""WSGI entry point for the benchmark: the project with the ``/bench/baseline/`` route added.

    gunicorn bench.wsgi_bench:application

The settings module is forced (not defaulted) so that an exported DJANGO_SETTINGS_MODULE cannot
silently drop the baseline route. The application is the project's own (``truyvet/wsgi.py``).
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"

from truyvet.wsgi import application  # noqa: F401 - after the settings module is chosen
