"""The comment blocklist: loaded from ``BlockedTerm`` rows, cached, matched.

Loading reads the database once and keeps the keyed list in the cache until an
entry changes (``forget_blocklist``, from ``signals``). Matching compares
``text.match_key`` forms, so invisible characters, look-alike letters, tone
marks and case cannot slip a blocked word, email or domain past it.
"""

import ipaddress
import re
import time

from django.core.cache import cache
from django.utils import timezone

from ..models import BlockedTerm
from ..text import fold, match_key

_WORDS_RE = re.compile(r"[^\w]+")
# Between the words of a blocked term a match key may have any run of these,
# or none: "lừa đảo", "lừa.đảo", "lừa_đảo" and "lừađảo" are one term.
_SEPARATORS_RE = re.compile(r"[\W_]+")
_DOTTED_NAME_RE = re.compile(r"[^\W_][\w-]*(?:\.[\w-]+)+")

BLOCKLIST_CACHE_KEY = "comments:blocklist:v3"


def folded_words(text: str) -> str:
    """``text`` folded (no case, no tone marks), its words one space apart."""
    return " ".join(_WORDS_RE.sub(" ", fold(text)).split())


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
                folded = folded_words(value)
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
