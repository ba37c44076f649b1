"""The WSGI application, as gunicorn loads it in each worker (``truyvet.wsgi:application``).

Once the application and its URLs are loaded, the objects made so far (modules, models, settings,
views: about 80,000) live as long as the worker. ``gc.freeze()`` moves them out of the garbage
collector's reach, so that its full collections, which run every thousand or so requests, scan
only what was made since: in one process, a full collection took 53-63 ms with them and 6-11 ms
without, and one request waits that long for it (docs/performance.md, sixteenth round).
"""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")

application = get_wsgi_application()
import_module(settings.ROOT_URLCONF)  # the views, which the first request would import
gc.collect()
gc.freeze()
