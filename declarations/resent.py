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
from functools import cache
from hashlib import blake2b

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

COOKIE = "recent_declarations"
SALT = "declarations.resent"
KEPT = 5
KEPT_MINUTES = 60
NOT_ANSWERS = {"form_token"}
# The cookie holds "answers=token;answers=token…", signed so that nothing can be put in it.
# Every declaration reads and writes it, so it is kept cheap: no timestamp, no JSON.
SIGNER = signing.Signer(salt=SALT)


def fingerprint(form, person) -> str:
    """A keyed hash of the form's answers, for a new person or for ``person``'s update. The
    form's fields come in the same order every time, so the answers are hashed in that order."""
    data = form.cleaned_data
    point = getattr(form, "point", None)
    about = [str(getattr(person, "pk", "")), str(getattr(point, "pk", ""))]
    about += [f"{name}={data[name]}" for name in data if name not in NOT_ANSWERS]
    return blake2b("\x1f".join(about).encode(), key=_key(), digest_size=16).hexdigest()


@cache
def _key() -> bytes:
    """The hash's key, derived from the site's secret key."""
    return salted_hmac(SALT, "fingerprint").digest()


def kept(request) -> dict[str, str]:
    """This browser's recent answers and their tokens, newest last; nothing from a cookie that
    was changed. The cookie expires after ``KEPT_MINUTES`` in the browser: its content only
    ever leads its own browser back to a declaration whose (unguessable) token it holds."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return {}
    try:
        entries = SIGNER.unsign(value).split(";")
        return dict(entry.split("=", 1) for entry in entries)
    except (signing.BadSignature, ValueError):
        return {}


def earlier_token(kept_answers: dict[str, str], answers: str) -> uuid.UUID | None:
    """The token of this browser's recent declaration with these answers, if any."""
    try:
        return uuid.UUID(kept_answers[answers])
    except (KeyError, ValueError):
        return None


def remember(response, kept_answers: dict[str, str], answers: str, token: uuid.UUID) -> None:
    """Keep the declaration's answers and token in the browser, with its last few others."""
    kept_answers = {key: value for key, value in kept_answers.items() if key != answers}
    kept_answers[answers] = str(token)
    entries = list(kept_answers.items())[-KEPT:]
    response.set_cookie(
        COOKIE,
        SIGNER.sign(";".join(f"{key}={value}" for key, value in entries)),
        max_age=KEPT_MINUTES * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
