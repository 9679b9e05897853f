"""The comment form's signed tokens: the time trap's, and the poster's own.

The time trap's token is bound to an article and spent once (a key in the
shared cache); the own-comment token rides in the post-redirect URL, so the
article page never needs a cookie.
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

FORM_SALT = "articles.comment-form"
OWN_SALT = "articles.own-comment"


def form_token(article_id: int, at: float | None = None) -> str:
    """A one-use token for the comment form of ``article_id``, issued ``at``.

    Signed "article id : time : nonce". The form's script asks for it
    (``views.comment_token``) when the reader first touches the form: the
    article page is cached and shared, so only a request of this reader's own
    can say when they started writing.
    """
    stamp = int(time.time() if at is None else at)
    nonce = secrets.token_urlsafe(12)
    return signing.Signer(salt=FORM_SALT).sign(f"{article_id}:{stamp}:{nonce}")


@dataclass(frozen=True)
class FormCheck:
    """What ``check_form_token`` made of a posted token.

    ``problem`` is "" for a token that measured the reader's time; "untimed"
    when nothing was measured: no token (no JavaScript, or the token request
    failed), one older than ``COMMENT_FORM_MAX_AGE``, or a signed "article :
    time" rendered into a page cached before tokens were issued on use. Such
    a post is taken with a lower trust (``assess(timed=False)``), never lost.
    "too_fast": sooner than ``COMMENT_MIN_SECONDS`` after the token was issued;
    "invalid": tampered with, or made for another article. Those two refuse.
    """

    problem: str = "untimed"
    nonce: str = ""

    @property
    def timed(self) -> bool:
        return self.problem == ""


def check_form_token(
    token: str, article_id: int, now: float | None = None
) -> FormCheck:
    """Check a posted form token (see ``FormCheck``); spends nothing."""
    now = time.time() if now is None else now
    if not token:
        return FormCheck("untimed")
    try:
        parts = signing.Signer(salt=FORM_SALT).unsign(token).split(":")
        token_article, stamp = int(parts[0]), int(parts[1])
    except (signing.BadSignature, ValueError, IndexError):
        return FormCheck("invalid")
    if token_article != article_id or len(parts) > 3:
        return FormCheck("invalid")
    age = now - stamp
    if len(parts) == 2 or age > settings.COMMENT_FORM_MAX_AGE:
        return FormCheck("untimed")
    if age < settings.COMMENT_MIN_SECONDS:
        return FormCheck("too_fast", parts[2])
    return FormCheck("", parts[2])


def _form_token_key(nonce: str) -> str:
    return f"comments:form:{nonce}"


def claim_form_token(nonce: str) -> bool:
    """Spend a token; False if a comment was already stored with it.

    ``cache.add`` is atomic, so two posts racing with one token store one
    comment. None (cache down) lets the post through, as the rate limit does:
    every comment is moderated anyway.
    """
    added = cache.add(
        _form_token_key(nonce), 1, timeout=settings.COMMENT_FORM_MAX_AGE + 60
    )
    return added is not False


def release_form_token(nonce: str) -> None:
    """Give a token back when no comment was stored with it after all."""
    cache.delete(_form_token_key(nonce))


def own_comment_token(comment_id: int) -> str:
    """A token in the post-redirect URL that lets the poster see their comment.

    The URL, not a session, carries it: the article page must set no cookie.
    """
    return signing.TimestampSigner(salt=OWN_SALT).sign(str(comment_id))


def own_comment_id(token: str) -> int | None:
    try:
        value = signing.TimestampSigner(salt=OWN_SALT).unsign(
            token, max_age=settings.COMMENT_OWN_MAX_AGE
        )
        return int(value)
    except (signing.BadSignature, ValueError):
        return None
