"""``create_voice url:`` keeps the README's promise: every spelling of a loopback, private,
link-local or local-network address or name is refused before anything is sent."""

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.public_url import url_problem

from .emulator import DashScopeEmulator
from .voice_services import refused_service

NOT_PUBLIC = {
    # IPv4 loopback in every form inet_aton / getaddrinfo accept
    "dotted": "http://127.0.0.1/a.wav",
    "short": "http://127.1/a.wav",
    "short-three": "http://127.0.1/a.wav",
    "octal": "http://0177.0.0.1/a.wav",
    "octal-short": "http://0177.1/a.wav",
    "hex": "http://0x7f.1/a.wav",
    "hex-dotted": "http://0x7f.0x0.0x0.0x1/a.wav",
    "hex-number": "http://0x7f000001/a.wav",
    "decimal-number": "http://2130706433/a.wav",
    "octal-number": "http://017700000001/a.wav",
    "trailing-dot": "http://127.0.0.1./a.wav",
    "ideographic-dots": "http://127\u30020\u30020\u30021/a.wav",
    "unspecified": "http://0.0.0.0/a.wav",
    "zero": "http://0/a.wav",
    # private, shared, link-local, multicast, broadcast
    "private-10-short": "http://10.1/a.wav",
    "private-192": "http://192.168.1.10:8123/a.wav",
    "private-192-octal": "http://0300.0250.1.1/a.wav",
    "private-192-hex": "http://0xc0.0xa8.0x1.0xa/a.wav",
    "private-172": "http://172.16.0.1/a.wav",
    "cgnat": "http://100.64.0.1/a.wav",
    "link-local-metadata": "http://169.254.169.254/latest/a.wav",
    "multicast": "http://224.0.0.1/a.wav",
    "broadcast": "http://255.255.255.255/a.wav",
    # IPv6
    "v6-loopback": "http://[::1]/a.wav",
    "v6-unspecified": "http://[::]/a.wav",
    "v6-mapped": "http://[::ffff:127.0.0.1]/a.wav",
    "v6-mapped-hex": "http://[::ffff:7f00:1]/a.wav",
    "v6-mapped-private": "http://[0:0:0:0:0:ffff:c0a8:0101]/a.wav",
    "v6-compatible": "http://[::127.0.0.1]/a.wav",
    "v6-ula-fd": "http://[fd12:3456::1]/a.wav",
    "v6-ula-fc": "http://[fc00::1]/a.wav",
    "v6-link-local": "http://[fe80::1]/a.wav",
    "v6-link-local-zone": "http://[fe80::1%25eth0]/a.wav",
    "v6-6to4-loopback": "http://[2002:7f00:1::]/a.wav",
    "v6-nat64-private": "http://[64:ff9b::c0a8:101]/a.wav",
    # names
    "localhost": "http://localhost/a.wav",
    "localhost-upper-dot": "http://LOCALHOST./a.wav",
    "localhost-full-width": "http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/a.wav",
    "sub-localhost": "http://app.localhost/a.wav",
    "single-label": "http://nas/a.wav",
    "single-label-dot": "http://nas./a.wav",
    "mdns": "http://homeassistant.local:8123/local/a.wav",
    "mdns-dot": "http://homeassistant.local./a.wav",
    "lan": "http://printer.LAN/a.wav",
    "home-arpa": "http://router.home.arpa/a.wav",
    "internal": "http://metadata.google.internal/a.wav",
    "localdomain": "http://nas.localdomain/a.wav",
    # percent-escapes, decoded as URL parsers do
    "escaped-digit": "http://127.0.0.%31/a.wav",
    "escaped-dot": "http://127%2e0%2e0%2e1/a.wav",
    "escaped-name": "http://printer.%6cocal/a.wav",
    "escaped-trailing-dot": "http://printer.local%2e/a.wav",
    "escaped-all": "http://%6c%6f%63%61%6c%68%6f%73%74.%6c%6f%63%61%6c/a.wav",
    "escaped-twice": "http://127.0.0.%2531/a.wav",
    "escaped-private": "http://192.168.%31.1/a.wav",
    "escaped-full-width": "http://127.0.0.\uff0531/a.wav",
    "v6-site-local": "http://[fec0::1]/a.wav",
    "v6-site-local-upper": "http://[FEC0:0:0:1::5]/a.wav",
}

NOT_A_URL = {
    "ftp": "ftp://example.com/a.wav",
    "no-scheme": "grandma.wav",
    "no-host": "http:///a.wav",
    "five-numbers": "http://1.2.3.4.5/a.wav",
    "byte-over-255": "http://256.1.1.1/a.wav",
    "number-too-big": "http://4294967296/a.wav",
    "bad-octal": "http://08.0.0.1/a.wav",
    "backslash": "http://127.0.0.1\\@example.com/a.wav",
    "user-info": "http://user:pw@example.com/a.wav",
    "bad-port": "http://example.com:99999/a.wav",
    "space": "http://exa mple.com/a.wav",
    "nul": "http://example.com\x00.evil/a.wav",
    "newline": "http://example.com/a\n.wav",
    "label-too-long": "http://" + "a" * 64 + ".com/a.wav",
    "name-too-long": "http://" + ".".join(["abcdefghij"] * 24) + ".com/a.wav",
    "empty-label": "http://example..com/a.wav",
    "escaped-public-name": "http://ex%61mple.com/a.wav",
    "percent-no-escape": "http://example.com%zz/a.wav",
    "escaped-bad-utf8": "http://example%ff.com/a.wav",
}

PUBLIC = {
    "name": "https://example.com/grandma.wav",
    "name-trailing-dot": "https://example.com./grandma.wav",
    "deep-name": "https://cdn.example.co.uk/voices/grandma.wav?sig=1",
    "ipv4": "http://8.8.8.8/a.wav",
    "ipv4-hex-public": "http://0x8.0x8.0x8.0x8/a.wav",
    "ipv4-number-public": "http://134744072/a.wav",
    "ipv6": "http://[2606:4700::1111]/a.wav",
    "port": "https://example.com:8443/a.wav",
}


@pytest.mark.parametrize("url", NOT_PUBLIC.values(), ids=NOT_PUBLIC.keys())
def test_a_local_or_private_address_in_any_spelling_is_not_public(url: str) -> None:
    assert url_problem(url) == "url_not_public"


@pytest.mark.parametrize("url", NOT_A_URL.values(), ids=NOT_A_URL.keys())
def test_what_is_no_public_http_url_is_invalid(url: str) -> None:
    assert url_problem(url) == "invalid_url"


@pytest.mark.parametrize("url", PUBLIC.values(), ids=PUBLIC.keys())
def test_a_public_url_passes(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "key"),
    [
        pytest.param(NOT_PUBLIC[name], "url_not_public", id=f"{name} -> url_not_public")
        for name in (
            *("short", "octal", "hex", "decimal-number", "v6-mapped", "v6-site-local"),
            *("escaped-digit", "escaped-name", "escaped-trailing-dot", "escaped-all"),
        )
    ]
    + [
        pytest.param(NOT_A_URL[name], "invalid_url", id=f"{name} -> invalid_url")
        for name in ("backslash", "escaped-public-name")
    ],
)
async def test_create_voice_refuses_it_before_sending_anything(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    url: str,
    key: str,
) -> None:
    err = await refused_service(
        hass, emulator, setup_integration, "create_voice", name="gm", url=url
    )
    assert err.translation_key == key
    assert err.translation_placeholders == {"url": url}
