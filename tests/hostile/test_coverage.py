"""Nothing is silently left out: every URL of the site is attacked, or excluded with a reason."""

from tests.hostile.endpoints import ENDPOINTS, PATHS, url_routes

EXCLUDED = {
    "declarations:home": "a page without input",
    "declarations:privacy": "a page without input",
    "declarations:success": "its only input is a UUID, which the converter checks",
    "declarations:my_declarations": "reads only the session of a look-up",
    "accounts:logout": "Django's logout: no input",
    "accounts:home": "redirects to the user's start page: no input",
    "checkpoints:bus_check_done": "its only input is an id (test_addresses)",
    "checkpoints:poster": "its only input is an id (test_addresses)",
    "transport:vehicle": "its only input is an id (test_addresses)",
    "transport:poster": "its only input is an id (test_addresses)",
    "facilities:poster": "its only input is an id (test_addresses)",
    "tracing:case": "its only input is an id (test_addresses)",
    "tracing:case_chain": "its only input is an id (test_addresses)",
    "healthz": "for load balancers: no input",
    "guide:index": "the user guide: no input",
    "guide:page": "the user guide: a slug, which the converter checks",
}


def test_every_url_is_attacked_or_excluded_with_a_reason():
    attacked = {e.url_name for e in ENDPOINTS} | {p.url_name for p in PATHS}
    routes = url_routes()
    missing = sorted(set(routes) - attacked - set(EXCLUDED))
    assert not missing, (
        f"URLs neither in tests/hostile/endpoints.py nor excluded in {__file__}: {missing}"
    )
    assert not attacked & set(EXCLUDED), "attacked and excluded at once"


def test_the_attacked_forms_read_at_least_one_name_each():
    """A form view's table row names what it reads: a row without names tests nothing."""
    no_input = {"must update", "checkpoint new QR", "vehicle new QR", "facility new QR"}
    no_input |= {"propose F1s", "propose F2s"}
    for endpoint in ENDPOINTS:
        assert endpoint.fields or endpoint.label in no_input, endpoint.label
