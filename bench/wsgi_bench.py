"""WSGI entry point for the benchmark: the project with the ``/bench/baseline/`` route added.

    gunicorn bench.wsgi_bench:application

The settings module is forced (not defaulted) so that an exported DJANGO_SETTINGS_MODULE cannot
silently drop the baseline route.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"

application = get_wsgi_application()
