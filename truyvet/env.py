"""Small strict readers for settings taken from the environment.

A bad value stops the start with a message naming the variable, instead of a surprise later.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, *, default: str) -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, *, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


# A rate as django-ratelimit reads it: a count, then a window of seconds, minutes, hours or days,
# optionally several of them ("10/10m": 10 in 10 minutes, "30/d": 30 a day).
RATE = re.compile(r"[1-9]\d*/(?:[1-9]\d*)?[smhd]")


def env_rate(name: str, *, default: str) -> str:
    value = env_str(name, default=default)
    if not RATE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be a count and a window, such as 30/15m or 30/d "
            f"(s, m, h or d, optionally several: 15m); got {value!r}."
        )
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
