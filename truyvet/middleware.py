import logging
import time
import unicodedata

from django.conf import settings
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from accounts.menu import start_url
from truyvet import views

logger = logging.getLogger(__name__)


class SiteLanguageMiddleware:
    """Speak Vietnamese unless the visitor chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a provincial site
    answers in Vietnamese first, whatever language the phone is set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class ComposedTextMiddleware:
    """Everything typed reaches the views in Unicode's composed form (NFC).

    Some phones' keyboards send Vietnamese as letters followed by combining marks ("Đồng" as D,
    o, combining circumflex, combining grave...). Stored so, a name sorts and compares apart
    from the same name typed elsewhere, and a nationality has two spellings. The query string
    and the posted fields are composed here, once, before any form reads them; files imported
    are composed as they are read (``declarations.normalize.clean_spaces``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = composed(request.GET)
        if request.method == "POST":
            request.POST = composed(request.POST)
        return self.get_response(request)


def composed(query: QueryDict) -> QueryDict:
    """``query`` with every value in NFC; the same object when all are already (the usual)."""
    if all(_is_composed(value) for _key, values in query.lists() for value in values):
        return query
    copy = query.copy()
    for key, values in query.lists():
        copy.setlist(key, [unicodedata.normalize("NFC", value) for value in values])
    copy._mutable = False
    return copy


def _is_composed(value) -> bool:
    return not isinstance(value, str) or value.isascii() or unicodedata.is_normalized("NFC", value)


class SessionRefreshMiddleware:
    """Keep a session alive while it is used, writing it at most once a minute.

    A staff session ends after SESSION_COOKIE_AGE without a request. Saving the session on every
    request (SESSION_SAVE_EVERY_REQUEST) would do that exactly, at the price of a database write
    on every page; this renews it when the last renewal is SESSION_REFRESH_SECONDS old, so a
    session ends between SESSION_COOKIE_AGE minus that and SESSION_COOKIE_AGE after its last use.
    A request without a session, or with an unknown or ended one, creates none.
    """

    KEY = "renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.modified:
            return response
        now = int(time.time())
        renewed_at = session.get(self.KEY, 0)  # reads the session if the view did not
        if session.session_key is not None and now - renewed_at >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now
        return response


class StaffPagesNotKeptMiddleware:
    """Pages drawn for a logged-in user hold personal data: no browser or proxy keeps them, so
    that Back after logging out, or the next user of a shared desk PC, finds nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class FormAddressOpenedMiddleware:
    """A page opened at an address that only takes a form (a 405): back to the page the form is
    on, saying that nothing was saved, not a blank error.

    It happens when a session has ended: the form is sent, the login page comes instead, and
    once logged in the browser opens the form's address. The page a form is on is the nearest
    address above it that exists (``/c/<code>/`` for ``/c/<code>/qua-chot/``), else the user's
    start page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or request.method != "GET":
            return response
        if resolve_url(settings.LOGIN_URL) in request.headers.get("Referer", ""):  # from login
            messages.warning(
                request,
                _(
                    "Nothing was saved: what you sent reached us after your session had ended. "
                    "Please enter it again."
                ),
            )
        return redirect(self.page_above(request))

    @staticmethod
    def page_above(request) -> str:
        path = request.path_info
        for _level in range(3):
            path = path.rstrip("/").rsplit("/", 1)[0] + "/"
            if path == "/":
                break
            try:
                resolve(path)
            except Resolver404:
                continue
            return get_script_prefix() + path.lstrip("/")  # the site may be served under one
        return start_url(request.user) if request.user.is_authenticated else get_script_prefix()


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page, not 500, while the database cannot be reached.

    A stopped or restarting database is temporary: the page asks the visitor to wait and send
    again (the form token makes sending a declaration twice harmless), ``Retry-After`` tells
    clients when, and the next request reconnects by itself (CONN_HEALTH_CHECKS). With DEBUG on,
    the error goes on to Django's technical page instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG or not isinstance(exception, views.DATABASE_UNAVAILABLE):
            return None
        logger.error(
            "database unavailable, answering 503 to %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            " ".join(str(exception).split()),
        )
        return views.database_unavailable(request)
