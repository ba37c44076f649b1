from django.conf import settings


def client_ip(request) -> str:
    """The client's address, as rate limits, lockouts and the audit log record it.

    Behind a proxy, CLIENT_IP_HEADER names the header it sets (only trust one you control);
    a list such as X-Forwarded-For gives its first address.
    """
    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()
