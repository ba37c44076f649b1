"""The same answers sent again from one browser lead to the declaration they made.

The form's one-time token stops a double tap or a retry. Going back from the success page and
sending again is another matter: the browser draws the form anew, with a new token, and puts the
answers back, so the token alone would make a second person with a second code. Each browser
therefore keeps, in a signed cookie, the fingerprints of its last few declarations' answers (a
keyed hash: no answer can be read from it) with their tokens. The same answers sent again within
``KEPT_MINUTES`` are submitted with the earlier token, which ``declaration_submit`` turns into the
declaration it made. Different answers (a person declaring for a relative on the same phone)
make a new declaration as usual.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

COOKIE = "recent_declarations"
SALT = "declarations.resent"
KEPT = 5
KEPT_MINUTES = 60
NOT_ANSWERS = {"form_token"}


def fingerprint(form, person) -> str:
    """A keyed hash of the form's answers, for a new person or for ``person``'s update."""
    answers = sorted(
        (name, str(value)) for name, value in form.cleaned_data.items() if name not in NOT_ANSWERS
    )
    point = getattr(form, "point", None)
    about = (getattr(person, "pk", None), getattr(point, "pk", None), answers)
    return salted_hmac(SALT, repr(about)).hexdigest()[:32]


def earlier_token(request, answers: str) -> uuid.UUID | None:
    """The token of this browser's recent declaration with these answers, if any."""
    token = _kept(request).get(answers)
    return uuid.UUID(token) if token else None


def remember(request, response, answers: str, token: uuid.UUID) -> None:
    """Keep the declaration's answers and token in the browser, with its last few others."""
    kept = _kept(request)
    kept.pop(answers, None)
    kept[answers] = str(token)
    value = signing.dumps(list(kept.items())[-KEPT:], salt=SALT)
    response.set_cookie(
        COOKIE,
        value,
        max_age=KEPT_MINUTES * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _kept(request) -> dict[str, str]:
    """The browser's recent answers and tokens; nothing from a cookie changed or too old."""
    try:
        items = signing.loads(request.COOKIES[COOKIE], salt=SALT, max_age=KEPT_MINUTES * 60)
        return {str(answers): str(uuid.UUID(str(token))) for answers, token in items}
    except (KeyError, signing.BadSignature, TypeError, ValueError):
        return {}
