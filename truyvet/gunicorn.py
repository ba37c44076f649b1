"""Gunicorn settings: `gunicorn -c python:truyvet.gunicorn truyvet.wsgi`.

Every value can be overridden from the environment (GUNICORN_WORKERS, PORT, ...).
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then, spread so they do not restart together
max_requests_jitter = 200
accesslog = "-"
# The path without the query string: desk searches carry names and phone numbers.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
