"""Which destinations the app may call: the SSRF policy, applied twice.

`check_url` runs before any socket exists (syntax, literal IPs in every notation the resolver
accepts, well-known metadata names). `check_address` runs at connect time on each address DNS
returned (see `discovery.http`), which is what defeats hostnames pointing at internal ranges and
DNS rebinding. Both share `classify_ip`, a pure function the property tests compare to a reference.

Policy:
* metadata and link-local destinations are refused always, even when allow-listed;
* loopback and private networks are allowed unless LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS is False
  (local model servers such as Ollama are a core use case);
* unspecified, multicast, broadcast and reserved addresses are refused;
* hosts in LLM_PROVIDERS_ALLOWED_HOSTS (names, IPs or CIDR networks) bypass everything but the first rule.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Literal
from urllib.parse import urlsplit

from llm_providers import conf
from llm_providers.exceptions import BlockedURL, UpstreamError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Category = Literal["metadata", "link_local", "loopback", "private", "reserved", "public"]

# Cloud instance-metadata services. Most live in 169.254/16 (already link-local); these are the
# ones that do not, plus the common IPv4 one for a clearer message.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OCI, DigitalOcean, ...
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (legacy)
        "168.63.129.16",  # Azure WireServer
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd20:ce::254",  # GCP metadata over IPv6
    )
)
METADATA_HOSTNAMES = frozenset({"metadata.google.internal", "metadata.goog", "instance-data.ec2.internal"})

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# Refused even though ipaddress may call them global: embedded IPv4 we cannot reliably unwrap.
_ALWAYS_RESERVED = (
    ipaddress.ip_network("0.0.0.0/8"),  # "this network"; 0.0.0.0 reaches localhost on Linux
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215), prefix length unknown
    ipaddress.ip_network("2001::/32"),  # Teredo: client address is obfuscated
)
# Non-global but marked global by ipaddress: deprecated IPv6 site-local.
_EXTRA_PRIVATE = (ipaddress.ip_network("fec0::/10"),)

# Hosts made only of these characters may be a legacy IPv4 notation (127.1, 0x7f000001, 017700000001).
_LEGACY_IPV4 = re.compile(r"[0-9a-fx.]+")
_HOSTNAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")

_PRIVATE_HINT = (
    "Private and loopback addresses are disabled (LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS is False); "
    "add the host to LLM_PROVIDERS_ALLOWED_HOSTS to allow it."
)


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, IPv4-compatible), if any."""
    if ip.version == 4:
        return None
    assert isinstance(ip, ipaddress.IPv6Address)
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def classify_ip(ip: IPAddress) -> Category:
    """Put an address into the bucket the policy decides on. Pure; no configuration involved."""
    if ip.version == 6 and ip.scope_id:  # type: ignore[union-attr]
        ip = ipaddress.IPv6Address(int(ip))  # drop the zone: it does not change the destination class
    inner = embedded_ipv4(ip)
    if inner is not None:
        category = classify_ip(inner)
        # IPv4-compatible addresses are deprecated: never a legitimate way to reach a public host.
        if category == "public" and ip in _IPV4_COMPATIBLE:
            return "reserved"
        return category
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if ip.is_link_local:
        return "link_local"
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved or any(ip in net for net in _ALWAYS_RESERVED):
        return "reserved"
    if not ip.is_global or any(ip in net for net in _EXTRA_PRIVATE):
        return "private"
    return "public"


def parse_ip(text: str) -> IPAddress | None:
    """An IP literal in any notation the system resolver accepts, or None for a hostname."""
    text = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(text.lower()):
        try:
            # inet_aton is what getaddrinfo uses for numeric hosts, so it decodes exactly the
            # shorthand (127.1), decimal, hex and octal forms a connection would go to.
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def normalize_host(host: str) -> str:
    """Lower-case, without brackets, trailing dots or IPv6 zone; IDNs in their ASCII form."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise BlockedURL(f"The host name {host!r} is not valid.", hint="Check the spelling of the URL.") from exc
    return host


def check_url(url: str) -> None:
    """Refuse URLs the app must never call. Syntactic only: no DNS, no socket."""
    if not isinstance(url, str) or not url:
        raise BlockedURL("The URL is empty.", hint="Enter the provider's API base URL, e.g. https://api.openai.com/v1.")
    if any(ch in url for ch in "\\ \t\r\n") or any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        # Different parsers split such URLs differently (e.g. http://a\@b); refuse instead of guessing.
        raise BlockedURL("The URL contains spaces, backslashes or control characters.", hint="Remove them.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedURL("The URL is not valid.", hint="Check the host and port.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BlockedURL(
            f"Only http:// and https:// URLs are allowed (got {scheme or 'no scheme'!r}).",
            hint="Use the provider's API base URL, e.g. https://api.openai.com/v1.",
        )
    if "@" in parts.netloc:
        raise BlockedURL(
            "The URL must not contain a user name or password.",
            hint="Put credentials in the API key field, not in the URL.",
        )
    if port == 0:
        raise BlockedURL("The URL has port 0.", hint="Check the port.")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise BlockedURL("The URL has no host name.", hint="Use a full URL such as https://api.openai.com/v1.")
    host = normalize_host(raw_host)
    ip = parse_ip(host)
    if ip is not None:
        _enforce(classify_ip(ip), ip=ip, host=host)
        return
    if not _HOSTNAME.fullmatch(host):
        raise BlockedURL(f"The host name {raw_host!r} is not valid.", hint="Check the spelling of the URL.")
    if host in METADATA_HOSTNAMES:
        _enforce("metadata", ip=None, host=host)
    elif host == "localhost" or host.endswith(".localhost"):
        _enforce("loopback", ip=None, host=host)


def check_address(ip: str, host: str) -> None:
    """Apply the policy to an address DNS returned for `host`, right before connecting to it."""
    address = parse_ip(ip)
    if address is None:
        raise BlockedURL(f"{host} resolved to something that is not an IP address.", hint="Check the host name.")
    _enforce(classify_ip(address), ip=address, host=normalize_host(host))


def check_resolved(url: str) -> None:
    """`check_url`, then resolve the host and check every address it has.

    For clients that do not go through `discovery.http` (litellm's own HTTP stack): a pre-flight
    check. It cannot pin the address the way `discovery.http` does, so a rebinding DNS server could
    still switch answers in between; metadata names and literals are refused regardless.
    """
    check_url(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parse_ip(normalize_host(host)) is not None:
        return  # a literal address: check_url has classified it already
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UpstreamError(
            "unreachable", f"Could not find the host {host} (DNS lookup failed).", hint="Check the spelling of the URL."
        ) from exc
    for *_, sockaddr in infos:
        check_address(str(sockaddr[0]), host)


def is_allowlisted(host: str, ip: IPAddress | None) -> bool:
    """True when LLM_PROVIDERS_ALLOWED_HOSTS names the host, its IP, or a network containing the IP."""
    for entry in conf.get("ALLOWED_HOSTS") or ():
        entry = normalize_host(str(entry))
        if entry == host:
            return True
        if ip is None:
            continue
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _enforce(category: Category, *, ip: IPAddress | None, host: str) -> None:
    shown = None if ip is None else (embedded_ipv4(ip) or ip)
    where = host if shown is None or str(shown) == host else f"{host} ({shown})"
    if category == "metadata":
        raise BlockedURL(
            f"Refused: {where} is a cloud metadata address.",
            hint="Metadata endpoints are never reachable from this app; use the provider's API URL.",
        )
    if category == "link_local":
        raise BlockedURL(
            f"Refused: {where} is a link-local address.",
            hint="Link-local addresses are never allowed; use the provider's API URL.",
        )
    if category == "public" or is_allowlisted(host, ip):
        return
    if category == "reserved":
        raise BlockedURL(
            f"Refused: {where} is a reserved or unroutable address.",
            hint="Use the provider's real host name or IP address.",
        )
    if not conf.get("ALLOW_PRIVATE_NETWORKS"):
        kind = "a loopback" if category == "loopback" else "a private-network"
        raise BlockedURL(f"Refused: {where} is {kind} address.", hint=_PRIVATE_HINT)
