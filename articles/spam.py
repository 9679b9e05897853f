"""Comment spam and abuse defences: no third-party service, no JavaScript needed.

Cheap checks first, in the view: the rate limit (per IP and per email, counted
in the cache so every app server shares it when Redis is set), the honeypot and
the one-use form token of the time trap. Then, in ``services.comment_create``:
duplicates, the blocklist, link counting and a spam score that decides between
"pending" and "spam". Helpers here; the services and views call them.

An IP says little about who posts: Vietnamese mobile networks put many readers
behind one carrier-grade NAT address. So the email and the text decide; an IP
only adds a few points, and an IP block expires.
"""

import hashlib
import ipaddress
import re
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from .client_ip import hash_ip
from .models import BlockedTerm, Comment
from .text import fold, match_key, visible_text

_URL_RE = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\."
    r"(?:com|net|org|info|biz|xyz|top|vn|io|co|me|ru|cn|link|click|site|online)"
    r"\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_WORDS_RE = re.compile(r"[^\w]+")
# Between the words of a blocked term a match key may have any run of these,
# or none: "lừa đảo", "lừa.đảo", "lừa_đảo" and "lừađảo" are one term.
_SEPARATORS_RE = re.compile(r"[\W_]+")
_DOTTED_NAME_RE = re.compile(r"[^\W_][\w-]*(?:\.[\w-]+)+")

FORM_SALT = "articles.comment-form"
OWN_SALT = "articles.own-comment"
BLOCKLIST_CACHE_KEY = "comments:blocklist:v3"


def strip_controls(value: str, *, keep_newlines: bool) -> str:
    """NFC ``value`` without control or invisible characters, nor a letter
    buried under marks (``text.visible_text``, where the rules are).

    Newlines and tabs survive in a body; in a one-line field (a name) they
    become spaces.
    """
    return visible_text(value, keep_newlines=keep_newlines)


def count_links(text: str) -> int:
    """How many web addresses ``text`` holds (with or without "http")."""
    return len(_URL_RE.findall(text))


def body_fingerprint(body: str) -> str:
    """A hash of the body that ignores case, tone marks and spacing."""
    folded = " ".join(_WORDS_RE.sub(" ", fold(body)).split())
    return hashlib.sha256(folded.encode()).hexdigest()


def _rate_bucket(ip: str) -> str:
    """IPv6 hosts get a whole /64 each, so one network counts as one poster."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# --- Form token (time trap) ---------------------------------------------------


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


# --- Rate limit ----------------------------------------------------------------


def rate_limit_retry_after(*, ip: str, email: str, now: float | None = None) -> int:
    """Count this post; return seconds to wait if a limit is passed, else 0.

    Fixed windows in the cache: ``cache.add`` then ``cache.incr`` are atomic
    in Redis (django-redis runs INCR in a Lua script) and in local memory, so
    concurrent posts on several app servers are all counted. The identity is
    hashed before it becomes a key. If the cache is down (django-redis returns
    None with IGNORE_EXCEPTIONS), posts are let through: every comment is
    moderated anyway, and refusing all readers during an outage is worse.
    """
    now = time.time() if now is None else now
    identities = [("ip", _rate_bucket(ip)), ("email", email.strip().lower())]
    wait = 0
    for kind, identity in identities:
        if not identity:
            continue
        digest = hash_ip(f"{kind}:{identity}")
        for limit, window in settings.COMMENT_RATE_LIMITS:
            bucket = int(now // window)
            key = f"comments:rate:{kind}:{digest}:{window}:{bucket}"
            cache.add(key, 0, timeout=window + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window + 1)
                count = 1
            if count is not None and count > limit:
                wait = max(wait, int(window - now % window) + 1)
    return wait


def claim_post(*, fingerprint: str, email: str, ip_hash: str) -> bool:
    """False if the same poster sent the same text in the last minutes.

    ``cache.add`` is atomic, so a double click that reaches two app servers at
    once stores one comment, not two. None (cache down) counts as claimed;
    the database check in ``comment_create`` still applies.
    """
    for who in filter(None, [email.strip().lower(), ip_hash]):
        key = f"comments:dup:{hash_ip(who)}:{fingerprint[:32]}"
        if cache.add(key, 1, timeout=settings.COMMENT_DUPLICATE_LOCK) is False:
            return False
    return True


# --- Blocklist and spam score -------------------------------------------------


def is_ip_or_hash(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return bool(re.fullmatch(r"[0-9a-f]{32}", value.strip().lower()))
    return True


def _term_pattern(value: str) -> str:
    """A regex finding blocked term ``value`` in a ``match_key``; "" if none.

    The term's words in order, with any separators or none between them, and
    no letter or digit just before or after: "lừa đảo" finds "lừa.đảo" and
    "lừađảo", but a blocked "lo" never finds "lời" or "lo1".
    """
    words = [word for word in _SEPARATORS_RE.split(match_key(value)) if word]
    if not words:
        return ""
    return r"(?<![^\W_])" + r"[\W_]*".join(map(re.escape, words)) + r"(?![^\W_])"


def load_blocklist() -> dict:
    """The blocklist, keyed for matching, cached until an entry changes.

    Words map their folded form (shown in the reasons) to a pattern over the
    comment's ``match_key``; emails and @domains are kept as match keys too, so
    look-alike letters and invisible characters cannot slip past them. IPs map
    to the time their block ends; one that ends while the list sits in the
    cache is ignored from then on (``ip_blocked``).
    """
    data = cache.get(BLOCKLIST_CACHE_KEY)
    if data is None:
        data = {"words": [], "emails": set(), "domains": set(), "ips": {}}
        rows = BlockedTerm.objects.exclude(expires_at__lte=timezone.now())
        for kind, value, expires_at in rows.values_list("kind", "value", "expires_at"):
            if kind == BlockedTerm.Kind.WORD:
                folded = " ".join(_WORDS_RE.sub(" ", fold(value)).split())
                pattern = _term_pattern(value)
                if pattern:
                    data["words"].append((folded, pattern))
            elif kind == BlockedTerm.Kind.EMAIL:
                if value.startswith("@"):
                    data["domains"].add(match_key(value[1:]).strip("."))
                else:
                    data["emails"].add(match_key(value))
            else:
                data["ips"][value] = expires_at.timestamp()
        cache.set(BLOCKLIST_CACHE_KEY, data, 60 * 60)
    return data


def ip_blocked(blocklist: dict, ip_hash: str, now: float | None = None) -> bool:
    """True while a block on ``ip_hash`` lasts."""
    now = time.time() if now is None else now
    return bool(ip_hash) and blocklist["ips"].get(ip_hash, 0) > now


def forget_blocklist() -> None:
    cache.delete(BLOCKLIST_CACHE_KEY)


def blocked_words(text: str, words: list[tuple[str, str]]) -> list[str]:
    """The blocked words in ``text``, compared by ``match_key``: without
    invisible characters, look-alikes, tone marks or case.

    Whole words only: "lua dao" hits "Lừa đảo!", "LUA DAO", "lừa_đảo" and
    "lừa đả0", not "lua daon".
    """
    key = match_key(text)
    return [folded for folded, pattern in words if re.search(pattern, key)]


def _key_in_domains(host_key: str, domains: set[str]) -> bool:
    labels = host_key.strip(".").split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


def domain_blocked(host: str, domains: set[str]) -> bool:
    """True if ``host`` is a blocked domain or one of its subdomains:
    "sub.spam.vn" is "spam.vn", "notspam.vn" is not."""
    return _key_in_domains(match_key(host), domains)


def blocked_links(text: str, domains: set[str]) -> list[str]:
    """The blocked domains (``domain_blocked``) named in ``text``: in a link,
    an email address or a bare "sub.spam.vn".

    Every dotted name of the match key is checked, with no list of top-level
    domains to miss one, and a look-alike letter ("spаm.vn", Cyrillic а) is
    the letter it imitates.
    """
    if not domains:
        return []
    names = _DOTTED_NAME_RE.findall(match_key(text))
    return [name for name in names if _key_in_domains(name, domains)]


@dataclass
class Verdict:
    """What the checks made of a comment: a status and the evidence for it."""

    spam: bool = False
    score: int = 0
    links: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str, *, spam: bool = False) -> None:
        self.score += points
        self.reasons.append(reason)
        self.spam = self.spam or spam


def assess(
    *, name: str, email: str, body: str, ip_hash: str, history, timed: bool = True
) -> Verdict:
    """Score a comment. ``history`` is the poster's earlier comments (a queryset,
    by email or IP); ``timed`` is False when the time trap measured nothing.

    Spam outright: more than ``COMMENT_MAX_LINKS`` links, a blocked word, a
    blocked email or domain (a subdomain too), a blocked domain named in the
    name or body. Points also come from each link, from shouting,
    from earlier spam from this email, and from an untimed form;
    ``COMMENT_SPAM_SCORE`` points make it spam too. The IP weighs little (a
    block on it, spam from others behind it): it is often shared.
    """
    verdict = Verdict(links=count_links(body) + count_links(name))
    blocklist = load_blocklist()
    email = email.lower()
    if verdict.links:
        verdict.add(2 * verdict.links, f"{verdict.links} liên kết")
    if verdict.links > settings.COMMENT_MAX_LINKS:
        verdict.add(0, "quá nhiều liên kết", spam=True)
    words = blocked_words(f"{name}\n{body}", blocklist["words"])
    if words:
        verdict.add(10, "từ bị chặn: " + ", ".join(words), spam=True)
    if match_key(email) in blocklist["emails"] or domain_blocked(
        email.rpartition("@")[2], blocklist["domains"]
    ):
        verdict.add(10, "email bị chặn", spam=True)
    if blocked_links(f"{name}\n{body}", blocklist["domains"]):
        verdict.add(10, "liên kết bị chặn", spam=True)
    if ip_blocked(blocklist, ip_hash):
        verdict.add(3, "IP bị chặn (có thể dùng chung)")
    letters = [ch for ch in body if ch.isalpha()]
    if len(letters) >= 20 and sum(ch.isupper() for ch in letters) > 0.7 * len(letters):
        verdict.add(2, "viết hoa toàn bộ")
    spam = history.filter(status=Comment.Status.SPAM).aggregate(
        by_email=Count("pk", filter=Q(email=email)), by_ip=Count("pk")
    )
    if spam["by_email"]:
        verdict.add(5, "từng gửi spam")
    elif spam["by_ip"]:
        verdict.add(1, "IP từng có spam")
    if not timed:
        verdict.add(3, "không qua bẫy thời gian")
    if verdict.score >= settings.COMMENT_SPAM_SCORE:
        verdict.spam = True
    return verdict
