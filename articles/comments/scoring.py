"""A comment's spam score: pure, given the blocklist and the poster's past.

``services.comment_create`` loads the blocklist (``blocklist.load_blocklist``)
and counts the poster's earlier spam, then asks ``assess`` for a verdict; the
fingerprint and the link count are stored on the comment.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings

from ..text import match_key
from .blocklist import (
    blocked_links,
    blocked_words,
    domain_blocked,
    folded_words,
    ip_blocked,
)

_URL_RE = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\."
    r"(?:com|net|org|info|biz|xyz|top|vn|io|co|me|ru|cn|link|click|site|online)"
    r"\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)


def count_links(text: str) -> int:
    """How many web addresses ``text`` holds (with or without "http")."""
    return len(_URL_RE.findall(text))


def body_fingerprint(body: str) -> str:
    """A hash of the body that ignores case, tone marks and spacing."""
    return hashlib.sha256(folded_words(body).encode()).hexdigest()


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
    *,
    name: str,
    email: str,
    body: str,
    ip_hash: str,
    blocklist: dict,
    spam_by_email: int,
    spam_by_ip: int,
    timed: bool = True,
) -> Verdict:
    """Score a comment. ``blocklist`` is ``load_blocklist()``; ``spam_by_email``
    and ``spam_by_ip`` count the poster's earlier spam (by this email, and by
    this email or IP); ``timed`` is False when the time trap measured nothing.

    Spam outright: more than ``COMMENT_MAX_LINKS`` links, a blocked word, a
    blocked email or domain (a subdomain too), a blocked domain named in the
    name or body. Points also come from each link, from shouting,
    from earlier spam from this email, and from an untimed form;
    ``COMMENT_SPAM_SCORE`` points make it spam too. The IP weighs little (a
    block on it, spam from others behind it): it is often shared.
    """
    verdict = Verdict(links=count_links(body) + count_links(name))
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
    if spam_by_email:
        verdict.add(5, "từng gửi spam")
    elif spam_by_ip:
        verdict.add(1, "IP từng có spam")
    if not timed:
        verdict.add(3, "không qua bẫy thời gian")
    if verdict.score >= settings.COMMENT_SPAM_SCORE:
        verdict.spam = True
    return verdict
