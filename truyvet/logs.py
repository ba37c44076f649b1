"""Log lines for production: one JSON object per line, never a query string.

Django's loggers (``LOGGING`` in settings.py) and gunicorn's (``truyvet/gunicorn.py``: its errors
and its access log) all write through :class:`JsonLineFormatter`. Query strings are left out
everywhere: the desk's searches carry names, phone numbers and ID numbers.
"""

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

FIELDS = ("asctime", "levelname", "name", "message")
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
# gunicorn's access-log atoms kept as fields, by the name they get in the line. Not the query
# string, the raw request line or the referrer: all three can hold what a person searched for.
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "{x-request-id}i": "request_id",
}


class JsonLineFormatter(JsonFormatter):
    """``{"time": ..., "level": ..., "logger": ..., "message": ..., <extra fields>}``."""

    def __init__(self, **kwargs):
        super().__init__(FIELDS, rename_fields=RENAMED, json_ensure_ascii=False, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def add_fields(self, log_data: dict[str, Any], record, message_dict) -> None:
        super().add_fields(log_data, record, message_dict)
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            log_data.update(access_fields(record.args))
            log_data["message"] = f"{log_data['method']} {log_data['path']} {log_data['status']}"
        request = log_data.pop("request", None)  # Django's: its repr holds the query string
        if request is not None:
            log_data["method"] = getattr(request, "method", None)
            log_data["path"] = getattr(request, "path", None)


def access_fields(atoms: Mapping) -> dict[str, Any]:
    """The fields of one access-log line from gunicorn's atoms (missing ones are left out)."""
    fields = {}
    for atom, name in ACCESS_FIELDS.items():
        value = atoms.get(atom)
        if value not in (None, "-"):
            fields[name] = value
    for name in ("status", "bytes", "duration_ms"):
        if isinstance(fields.get(name), str) and fields[name].isdigit():
            fields[name] = int(fields[name])
    fields.setdefault("method", "-")
    fields.setdefault("path", "-")
    fields.setdefault("status", "-")
    return fields
