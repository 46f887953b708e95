"""The URL policy: every notation from security.md §1 / §5.2, decided without opening a socket."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_providers.discovery import http, url_policy
from llm_providers.discovery.url_policy import check_address, check_resolved, check_url, classify_ip, parse_ip
from llm_providers.exceptions import BlockedURL, UpstreamError

# Refused whatever the settings say.
ALWAYS_REFUSED = [
    # cloud metadata, by name and by address in every notation the resolver accepts
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata.google.internal./",
    "http://METADATA.Google.Internal/",
    "http://100.100.100.200/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://2852039166/",  # decimal
    "http://0xa9fea9fe/",  # hex
    "http://0251.0376.0251.0376/",  # octal
    "http://0xa9.0xfe.0xa9.0xfe/",  # dotted hex
    "http://169.254.43518/",  # a.b.c shorthand
    "http://169.16689662/",  # a.b shorthand
    "http://[::ffff:169.254.169.254]/",  # IPv4-mapped
    "http://[::ffff:a9fe:a9fe]/",
    "http://[0:0:0:0:0:ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64
    "http://[64:ff9b::169.254.169.254]/",
    "http://[2002:a9fe:a9fe::1]/",  # 6to4
    "http://[::169.254.169.254]/",  # IPv4-compatible
    "http://[64:ff9b:1::a9fe:a9fe]/",  # local-use NAT64
    # link-local
    "http://169.254.1.1/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    # unspecified, multicast, broadcast, reserved
    "http://0.0.0.0/",
    "http://0/",
    "http://0.1.2.3/",
    "http://[::]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://[::1.2.3.4]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    # schemes, user-info, parser confusion
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "ftp://example.com/",
    "dict://127.0.0.1:11211/",
    "javascript:alert(1)",
    "//example.com/v1",
    "http://user:pw@example.com/",
    "http://public.example@127.0.0.1/",
    "http://example.com\\@127.0.0.1/",
    "http://exa mple.com/",
    "http:///v1/models",
    "http://example.com:0/",
    "http://example.com:99999/",
    "",
]

# Allowed by default (local model servers), refused with LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS=False.
PRIVATE_OR_LOOPBACK = [
    "http://127.0.0.1:11434/",
    "http://localhost:11434/",
    "http://LOCALHOST./",
    "http://ollama.localhost/",
    "http://[::1]:8000/v1",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://017700000001/",
    "http://127.1/",
    "http://127.0.0.1./",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::1]/",
    "http://10.0.0.1/",
    "http://0x0a000001/",
    "http://172.16.5.4/",
    "http://192.168.1.1:1234/v1",
    "http://100.64.0.1/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[fec0::1]/",
]

PUBLIC = [
    "https://api.openai.com/v1",
    "https://generativelanguage.googleapis.com/v1beta",
    "http://8.8.8.8/",
    "http://[2606:4700:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
    "http://[64:ff9b::808:808]/",
    "https://bücher.example/v1",
]


@pytest.fixture
def no_network(monkeypatch):
    """Any socket or DNS lookup fails the test: these decisions must come from the URL alone."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the URL policy opened a socket or resolved a name")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, forbidden)


@pytest.mark.parametrize("url", ALWAYS_REFUSED)
def test_refused_without_any_network_use(url, no_network):
    with pytest.raises(BlockedURL) as excinfo:
        check_url(url)
    assert excinfo.value.code == "blocked_url"
    assert excinfo.value.message and excinfo.value.hint


@pytest.mark.parametrize("url", ALWAYS_REFUSED + PRIVATE_OR_LOOPBACK[:6])
def test_http_request_refuses_before_any_socket(url, no_network, settings):
    settings.LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(BlockedURL):
        http.request("GET", url)


@pytest.mark.parametrize("url", PRIVATE_OR_LOOPBACK)
def test_private_and_loopback_allowed_by_default(url, no_network):
    check_url(url)


@pytest.mark.parametrize("url", PRIVATE_OR_LOOPBACK)
def test_private_and_loopback_refused_when_disabled(url, no_network, settings):
    settings.LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(BlockedURL) as excinfo:
        check_url(url)
    assert "loopback" in excinfo.value.message or "private" in excinfo.value.message
    assert "LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS" in excinfo.value.hint


@pytest.mark.parametrize("url", PUBLIC)
def test_public_allowed_even_when_private_disabled(url, no_network, settings):
    settings.LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS = False
    check_url(url)


def test_metadata_messages_name_the_real_address(no_network):
    with pytest.raises(BlockedURL) as excinfo:
        check_url("http://0251.0376.0251.0376/")
    assert "169.254.169.254" in excinfo.value.message
    assert "metadata" in excinfo.value.message


def test_allowed_hosts_are_exceptions_to_the_private_rule(no_network, settings):
    settings.LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS = False
    settings.LLM_PROVIDERS_ALLOWED_HOSTS = ["ollama.internal", "10.1.2.3", "192.168.0.0/16", "LocalHost"]
    check_url("http://10.1.2.3:11434/")
    check_url("http://0x0a010203/")  # the same address in another notation
    check_url("http://192.168.7.7/v1")
    check_url("http://localhost:11434/")
    check_address("10.9.9.9", "ollama.internal")  # the name is listed: whatever it resolves to
    check_address("192.168.3.3", "lan-box")  # the address is in a listed network
    with pytest.raises(BlockedURL):
        check_url("http://10.9.9.9/")
    with pytest.raises(BlockedURL):
        check_address("10.9.9.9", "other.internal")


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://metadata.google.internal/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://[::ffff:169.254.169.254]/",
        "http://169.254.10.10/",
        "http://[fe80::1]/",
    ],
)
def test_metadata_and_link_local_refused_even_when_allowlisted(url, no_network, settings):
    settings.LLM_PROVIDERS_ALLOWED_HOSTS = [
        "169.254.169.254",
        "metadata.google.internal",
        "fd00:ec2::254",
        "100.100.100.200",
        "169.254.0.0/16",
        "fe80::/10",
        "::ffff:169.254.169.254",
    ]
    with pytest.raises(BlockedURL):
        check_url(url)


def test_allowlisted_name_resolving_to_metadata_is_refused(settings):
    settings.LLM_PROVIDERS_ALLOWED_HOSTS = ["evil.example"]
    with pytest.raises(BlockedURL):
        check_address("169.254.169.254", "evil.example")
    with pytest.raises(BlockedURL):
        check_address("fe80::1%eth0", "evil.example")


# ---- connect time: DNS answers -----------------------------------------------------------------


def _fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """getaddrinfo answering from `answers`; socket creation fails the test. Returns the lookup log."""
    looked_up: list[str] = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        looked_up.append(host)
        result = []
        for ip in answers[host]:
            fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
            sockaddr = (ip, port, 0, 0) if fam == socket.AF_INET6 else (ip, port)
            result.append((fam, socket.SOCK_STREAM, 6, "", sockaddr))
        return result

    def no_socket(*args, **kwargs):
        raise AssertionError("a socket was opened to a refused address")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "socket", no_socket)
    return looked_up


@pytest.mark.parametrize("address", ["169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "0.0.0.0"])
def test_hostname_resolving_to_metadata_refused_at_connect_time(monkeypatch, address):
    looked_up = _fake_dns(monkeypatch, {"models.evil.example": [address]})
    with pytest.raises(BlockedURL) as excinfo:
        http.request("GET", "http://models.evil.example/v1/models")
    assert looked_up == ["models.evil.example"]
    assert "models.evil.example" in excinfo.value.message


@pytest.mark.parametrize("answers", [["93.184.216.34", "10.0.0.7"], ["10.0.0.7", "93.184.216.34"]])
def test_mixed_public_and_private_answers_refused_when_private_disabled(monkeypatch, settings, answers):
    settings.LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS = False
    _fake_dns(monkeypatch, {"mixed.example": answers})
    with pytest.raises(BlockedURL) as excinfo:
        http.request("GET", "https://mixed.example/v1/models")
    assert "10.0.0.7" in excinfo.value.message


def test_check_resolved_checks_every_answer(monkeypatch, settings):
    _fake_dns(monkeypatch, {"rebind.example": ["93.184.216.34", "169.254.169.254"], "ok.example": ["8.8.8.8"]})
    check_resolved("https://ok.example/v1")
    with pytest.raises(BlockedURL):
        check_resolved("https://rebind.example/v1")


def test_check_resolved_reports_unknown_hosts(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(UpstreamError) as excinfo:
        check_resolved("https://no-such-host.example/v1")
    assert excinfo.value.code == "unreachable"


def test_check_address_policy():
    check_address("8.8.8.8", "dns.google")
    check_address("127.0.0.1", "localhost")
    for address in ("169.254.169.254", "fe80::1%eth0", "0.0.0.0", "224.0.0.1", "not-an-ip"):
        with pytest.raises(BlockedURL):
            check_address(address, "host.example")


# ---- the classifier --------------------------------------------------------------------------

_NET = ipaddress.ip_network


def reference_category(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """An independent statement of the policy: unwrapping by integer arithmetic, classes from
    ipaddress attributes, plus the explicit rules the policy adds (0/8, Teredo, local NAT64)."""
    if ip.version == 6:
        n = int(ip)
        low32 = n & 0xFFFFFFFF
        embedded = None
        if n >> 32 in (0xFFFF, 0x0064FF9B << 64):  # ::ffff:a.b.c.d and 64:ff9b::a.b.c.d
            embedded = low32
        elif n >> 112 == 0x2002:  # 2002:AABB:CCDD::
            embedded = (n >> 80) & 0xFFFFFFFF
        elif n >> 32 == 0 and n > 1:  # ::a.b.c.d (deprecated)
            inner = reference_category(ipaddress.IPv4Address(low32))
            return "reserved" if inner == "public" else inner
        if embedded is not None:
            return reference_category(ipaddress.IPv4Address(embedded))
    if ip in url_policy.METADATA_ADDRESSES:
        return "metadata"
    if ip.is_link_local:
        return "link_local"
    if ip.is_loopback:
        return "loopback"
    explicit_reserved = ip in (_NET("0.0.0.0/8") if ip.version == 4 else _NET("2001::/32")) or (
        ip.version == 6 and ip in _NET("64:ff9b:1::/48")
    )
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or explicit_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global or (ip.version == 6 and ip.is_site_local):
        return "private"
    return "public"


@settings(max_examples=400, deadline=None)
@given(st.ip_addresses())
def test_classifier_matches_reference(ip):
    assert classify_ip(ip) == reference_category(ip)


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses(v=4))
def test_hiding_an_ipv4_in_ipv6_never_changes_its_class(ip):
    n = int(ip)
    mapped = ipaddress.IPv6Address((0xFFFF << 32) | n)
    nat64 = ipaddress.IPv6Address((0x0064FF9B << 96) | n)
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (n << 80) | 1)
    expected = classify_ip(ip)
    assert classify_ip(mapped) == classify_ip(nat64) == classify_ip(sixtofour) == expected


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses())
def test_public_means_globally_routable(ip):
    if classify_ip(ip) == "public":
        inner = url_policy.embedded_ipv4(ip) or ip
        assert inner.is_global and not inner.is_private


def _notations(ip: ipaddress.IPv4Address) -> list[str]:
    n = int(ip)
    octets = ip.packed
    return [
        str(n),
        f"0x{n:08x}",
        f"0{n:o}",
        ".".join(f"0{o:o}" for o in octets),
        ".".join(f"0x{o:02x}" for o in octets),
        f"{octets[0]}.{octets[1]}.{(octets[2] << 8) | octets[3]}",
        f"{octets[0]}.{n & 0xFFFFFF}",
    ]


@settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=4))
def test_every_legacy_ipv4_notation_is_decoded(ip):
    for text in _notations(ip):
        assert parse_ip(text) == ip, text


@settings(max_examples=150, deadline=None)
@given(st.ip_addresses(v=4))
def test_legacy_notations_get_the_same_decision(ip):
    from django.test import override_settings

    with override_settings(LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS=False):
        for text in _notations(ip):
            if classify_ip(ip) == "public":
                check_url(f"http://{text}/")
            else:
                with pytest.raises(BlockedURL):
                    check_url(f"http://{text}/")
