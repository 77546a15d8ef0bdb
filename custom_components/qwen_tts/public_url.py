"""Whether DashScope can fetch a URL from the internet: no loopback, private, link-local or
local-network address or name, in any spelling.

A host is judged as written, the way resolvers and URL parsers read it: IPv4 in the short,
octal, hex and single-number forms that ``inet_aton``/``getaddrinfo`` and browsers accept
(``127.1``, ``0177.0.0.1``, ``0x7f.1``, ``2130706433``), IPv6 with IPv4 inside (mapped,
compatible, 6to4, NAT64), trailing dots, full-width characters. Names are not looked up: a
public name pointing at a private address is not caught (DashScope resolves it on its side).
"""

import ipaddress
import unicodedata
from urllib.parse import unquote, urlsplit

# Names of local networks (RFC 6761, 6762, 8375; common router and corporate suffixes).
LOCAL_SUFFIXES = (
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".intranet",
    ".lan",
    ".home",
    ".home.arpa",
    ".corp",
    ".private",
)
# Dots a resolver (IDNA) reads as a dot.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def url_problem(url: str) -> str | None:
    """``None`` for an http(s) URL on a public host; else ``invalid_url`` (not such a URL)
    or ``url_not_public`` (a local or private address or name)."""
    url = url.strip()
    if any(char.isspace() or not char.isprintable() or char == "\\" for char in url):
        return "invalid_url"
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number from 0 to 65535 raises
    except ValueError:
        return "invalid_url"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "invalid_url"
    if parts.username is not None or parts.password is not None:
        return "invalid_url"  # user@host: read differently by different parsers
    if "[" in parts.netloc:  # an IPv6 literal, where "%" starts a zone id
        return _host_problem(parts.hostname)
    return _name_problem(parts.hostname)


def _name_problem(name: str) -> str | None:
    """Judge a host that is not an IPv6 literal. Percent-escapes are decoded first, as URL
    parsers (WHATWG, Go) do: ``127.0.0.%31`` and ``printer.%6cocal`` are local; a public
    host spelled with escapes is read differently by different parsers, so it is invalid."""
    name = unicodedata.normalize("NFKC", name)  # a full-width "％" is a "%"
    if "%" not in name:
        return _host_problem(name)
    try:
        decoded = unquote(name, errors="strict")
    except UnicodeDecodeError:
        return "invalid_url"
    if decoded == name:
        return "invalid_url"  # a "%" that starts no escape
    return _name_problem(decoded) or "invalid_url"


def _host_problem(name: str) -> str | None:
    host = unicodedata.normalize("NFKC", name).translate(_DOTS).lower().rstrip(".")
    if not host:
        return "invalid_url"
    try:
        address = host_address(host)
    except ValueError:
        return "invalid_url"
    if address is not None:
        return None if is_public(address) else "url_not_public"
    if len(host) > 253 or any(not 0 < len(label) <= 63 for label in host.split(".")):
        return "invalid_url"  # no such name in the DNS
    if host == "localhost" or "." not in host or host.endswith(LOCAL_SUFFIXES):
        return "url_not_public"
    return None


def host_address(host: str) -> Address | None:
    """The IP address a host name spells, ``None`` for a name; ``ValueError`` for a host that
    ends in a number but is no IPv4 address (``1.2.3.4.5``, ``256.1``)."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # without an IPv6 zone id
    except ValueError:
        pass
    labels = host.split(".")
    if not _is_number(labels[-1]):
        return None
    if len(labels) > 4 or not all(_is_number(label) for label in labels):
        raise ValueError(f"not an IPv4 address: {host}")
    numbers = [_number(label) for label in labels]
    *head, last = numbers
    if any(number > 0xFF for number in head) or last >= 256 ** (5 - len(numbers)):
        raise ValueError(f"not an IPv4 address: {host}")
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def is_public(address: Address) -> bool:
    """A globally routable unicast address, also for the IPv4 address inside an IPv6 one."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = (
            address.ipv4_mapped
            or address.sixtofour
            or (address.teredo[1] if address.teredo else None)
            or (_embedded_ipv4(address) if address in _NAT64 else None)
            or _compatible_ipv4(address)
        )
        if inner is not None and not is_public(inner):
            return False
        if address.is_site_local:  # fec0::/10, deprecated but still routed in some sites
            return False
    return address.is_global and not address.is_multicast and not address.is_reserved


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def _compatible_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address of a deprecated IPv4-compatible IPv6 address (``::127.0.0.1``)."""
    if int(address) >> 32 == 0 and int(address) > 0xFFFF:
        return _embedded_ipv4(address)
    return None


def _is_number(label: str) -> bool:
    if label[:2] == "0x":
        return all(char in "0123456789abcdef" for char in label[2:])
    return label.isascii() and label.isdigit()


def _number(label: str) -> int:
    """A label as ``inet_aton`` reads it: hex (``0x``), octal (leading ``0``) or decimal."""
    if label[:2] == "0x":
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label[0] == "0":
        if any(char in "89" for char in label):
            raise ValueError(f"not an octal number: {label}")
        return int(label, 8)
    return int(label)
