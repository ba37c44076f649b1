import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address, as rate limits, lockouts and the audit log record it.

    Behind a proxy, CLIENT_IP_HEADER names the header it sets (only trust one you control);
    a list such as X-Forwarded-For gives its first address.
    """
    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()


def client_network(request) -> str:
    """The client's address as the code-guessing limits count it: an IPv6 address by its /64
    network, which one subscriber holds whole, as django-ratelimit's "ip" key counts it (else a
    guesser would take a fresh address for each guess). A value that is no address is taken
    as it is."""
    address = client_ip(request)
    prefix = 64 if ":" in address else 32
    try:
        return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)
    except ValueError:
        return address
