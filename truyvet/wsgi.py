"""The WSGI application, as gunicorn loads it in each worker (``truyvet.wsgi:application``).

Once the application and its URLs are loaded, the objects made so far (modules, models, settings,
views: about a hundred thousand) live as long as the worker. ``gc.freeze()`` moves them out of the
garbage collector's reach, so that its full collections, which run every few hundred requests,
scan only what was made since: a full collection took 50-60 ms of a worker's time with them, and
one request waited that long for it (docs/performance.md, sixteenth round).
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
