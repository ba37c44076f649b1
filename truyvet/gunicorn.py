"""Gunicorn settings: `gunicorn -c python:truyvet.gunicorn truyvet.wsgi`.

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...).
Signals to the master process (docs/deploy.md): HUP reloads gracefully, that is, new workers
start with the code now on disk and the old ones finish their requests first (`systemctl reload
truyvet`); TERM stops gracefully; TTIN and TTOU add or remove a worker.
"""

import os

from truyvet.env import env_int


def _env(name: str, default: str) -> str:
    """The variable's value, or the default when it is unset or empty."""
    return os.environ.get(name, "").strip() or default


def _cores() -> int:
    """The cores this process may run on (a container's or a systemd unit's CPU set)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# With one worker, one long request (a province's risk list as a spreadsheet takes seconds) would
# hold the whole site.
MIN_WORKERS = 2


def default_workers() -> int:
    """One worker a core, and at least two (see ``workers`` below); the load test starts as
    many."""
    return max(_cores(), MIN_WORKERS)


bind = _env("GUNICORN_BIND", f"0.0.0.0:{_env('PORT', '8000')}")
# Sync workers: each serves one request at a time, and the work is mostly CPU (rendering, forms),
# so one worker a core. More only take turns on the cores, and each request then runs slower: on
# 2 cores, under the realistic mix, 2 workers answered the staff's and citizens' pages 11-12%
# sooner at p95 than 3, and 3 a little sooner than 5 (docs/performance.md, fourteenth and
# thirty-fifth rounds). One more would fill a core while another waits on PostgreSQL: 5-13% more
# declarations a second at full speed, where 2 workers on 2 cores already take about 400, 1.4
# million an hour (docs/scaling.md, "Step 1"). With PostgreSQL on another server, requests wait
# longer on it: more may pay there.
workers = env_int("GUNICORN_WORKERS", default=default_workers(), minimum=1)
# A worker silent this long is restarted. A bad value of either stops the start with its name.
timeout = env_int("GUNICORN_TIMEOUT", default=30, minimum=1)
graceful_timeout = 30  # on reload or stop, how long a worker may finish its requests
keepalive = 5
max_requests = 2000  # recycle workers now and then, spread so they do not restart together
max_requests_jitter = 200
# No preloading: each worker imports the application itself, so that a reload (HUP) brings in
# new code. Preloading would share some memory but a reload would then keep the old code.
preload_app = False
proc_name = "truyvet"
# The workers' heartbeat files in memory: a slow disk (or a container's overlay) cannot make them
# look stuck.
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn makes its files there with mkstemp
    worker_tmp_dir = "/dev/shm"  # noqa: S108
# Signals are the interface (above); no control socket file in the home directory.
control_socket_disable = True
# Who may say that a request came over HTTPS (X-Forwarded-Proto): the proxy in front.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs on stdout. As JSON lines by default (truyvet/logs.py), like the application's; with
# LOG_FORMAT=text, gunicorn's own format. Either way, the path without the query string: desk
# searches carry names and phone numbers.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
if _env("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "truyvet.logs.JsonLineFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
    }
