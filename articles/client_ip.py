"""The client's address, the one rule for the whole site.

Behind nginx every request comes from 127.0.0.1, so ``REMOTE_ADDR`` names the
proxy, not the reader or the editor. The proxy appends the address it saw to
``X-Forwarded-For`` (``$proxy_add_x_forwarded_for``), after whatever the
client wrote there itself. So the header is read from the right: starting at
the peer, every hop that is a trusted proxy (``CLIENT_IP_TRUSTED_PROXIES``)
vouches for the entry to its left, and the first address that is not a
trusted proxy is the client. A client that reaches the app directly is not a
trusted proxy, so what it writes in the header is never read; entries left of
the client are the client's own words and are never read either.

Hand-written rather than python-ipware: ipware picks an address from the
header without checking that the peer is a proxy at all, and its
``proxy_list`` matches addresses inside the header, where nginx never puts
itself (README, "Libraries").
"""

import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def hash_ip(ip: str) -> str:
    """A keyed hash of an IP address: enough to spot repeats, useless if leaked."""
    if not ip:
        return ""
    return hashlib.blake2b(
        ip.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()


def parse_ip(raw: str | None) -> Address | None:
    """An address from one header entry or ``REMOTE_ADDR``; None if it is not one.

    IPv4-mapped IPv6 (``::ffff:203.0.113.7``, what a dual-stack socket reports)
    is the IPv4 address, so one client is one key whichever way it arrives.
    """
    try:
        address = ipaddress.ip_address((raw or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxies() -> tuple[Network, ...]:
    """``CLIENT_IP_TRUSTED_PROXIES`` as networks (settings validate the entries)."""
    return _networks(tuple(settings.CLIENT_IP_TRUSTED_PROXIES))


def _is_trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_ip(request) -> str:
    """The address of whoever sent ``request``, or "" if there is none.

    Walks ``CLIENT_IP_HEADER`` from the right while the hop is a trusted proxy
    (see the module docstring). An entry that is not an address stops the walk
    at the last hop we trust: it can only be the client's own writing.
    """
    peer = parse_ip(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return ""
    proxies = trusted_proxies()
    address = peer
    if _is_trusted(peer, proxies):
        chain = request.META.get(settings.CLIENT_IP_HEADER, "") or ""
        for raw in reversed(chain.split(",")):
            hop = parse_ip(raw)
            if hop is None:
                break
            address = hop
            if not _is_trusted(hop, proxies):
                break
    return str(address)


def ip_bucket(ip: str) -> str:
    """The unit a per-address limit counts: an IPv4 address, an IPv6 /64.

    An IPv6 customer is given a whole /64, so counting single addresses would
    let one machine take 2**64 fresh tries.
    """
    address = parse_ip(ip)
    if address is None:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
