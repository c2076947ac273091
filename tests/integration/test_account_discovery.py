"""Accounts found from an address, against a real local DNS server and a real HTTPS server
with a private CA: the production fetch, XML parse and SRV lookup, pointed at loopback."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from desktop.sources.discovery import DiscoveryError, Lookups, Server, find_account
from harness.dns_server import DnsServer
from harness.proxies import FileServer, HttpsServer, PrivateCA

XML = "application/xml"


def config_xml(
    imap_host: str, smtp_host: str = "", *, socket: str = "SSL", auth: str = "password-cleartext"
) -> bytes:
    smtp = (
        f"""<outgoingServer type="smtp"><hostname>{smtp_host}</hostname><port>587</port>
        <socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>
        <authentication>password-cleartext</authentication></outgoingServer>"""
        if smtp_host
        else ""
    )
    return f"""<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.test">
  <domain>example.test</domain><displayName>Example Corp Mail</displayName>
  <incomingServer type="pop3"><hostname>pop.example.test</hostname><port>995</port>
    <socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>
  <incomingServer type="imap"><hostname>{imap_host}</hostname><port>993</port>
    <socketType>{socket}</socketType><username>%EMAILLOCALPART%</username>
    <authentication>{auth}</authentication></incomingServer>
  {smtp}
</emailProvider></clientConfig>""".encode()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> PrivateCA:
    return PrivateCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def https(ca: PrivateCA) -> Iterator[HttpsServer]:
    with HttpsServer(ca) as server:
        yield server


@pytest.fixture
def dns_records() -> dict[tuple[str, str], list[str]]:
    return {}


@pytest.fixture
def dns(dns_records: dict[tuple[str, str], list[str]]) -> Iterator[DnsServer]:
    with DnsServer(dns_records) as server:
        yield server


def lookups(dns: DnsServer, https: FileServer | None = None, ca: PrivateCA | None = None) -> Lookups:
    return Lookups(
        nameserver=dns.host,
        nameserver_port=dns.port,
        autoconfig_base=https.url("") if https is not None else "https://127.0.0.1:9",
        ca_file=str(ca.ca_file) if ca is not None else None,
        proxy="none",
        timeout=5.0,
    )


# -- presets ------------------------------------------------------------------------------


@pytest.mark.parametrize(("address", "oauth"), [("a@outlook.com", "microsoft"), ("b@Gmail.com", "google")])
def test_a_provider_domain_is_its_preset_without_asking_the_network(address: str, oauth: str) -> None:
    # No lookups at all: an unreachable resolver and HTTPS base would fail loudly if used.
    found = find_account(
        address, Lookups(nameserver="127.0.0.1", nameserver_port=9, autoconfig_base="https://127.0.0.1:9")
    )
    assert (found.via, found.auth, found.oauth) == ("preset", "oauth2", oauth)
    assert found.username == address.lower() or found.username == address.split("@")[0] + "@gmail.com"


@pytest.mark.parametrize(
    ("mx", "oauth", "imap"),
    [
        ("0 contoso-test.mail.protection.outlook.com.", "microsoft", "outlook.office365.com"),
        ("1 aspmx.l.google.com.", "google", "imap.gmail.com"),
    ],
)
def test_a_company_domain_whose_mail_goes_to_a_provider_gets_its_preset(
    dns_records: dict[tuple[str, str], list[str]], mx: str, oauth: str, imap: str
) -> None:
    dns_records[("corp.test", "MX")] = [mx]
    with DnsServer(dns_records) as server:
        found = find_account("li.lei@corp.test", lookups(server))
    assert (found.via, found.auth, found.oauth, found.imap.host) == ("preset", "oauth2", oauth, imap)
    assert found.username == "li.lei@corp.test"
    assert ("corp.test", "MX") in server.queries


# -- autoconfig -------------------------------------------------------------------------------


def test_the_autoconfig_file_over_verified_https_is_found(
    dns: DnsServer, https: HttpsServer, ca: PrivateCA
) -> None:
    https.files["/autoconfig.example.test/mail/config-v1.1.xml"] = (
        config_xml("imap.example.test", "smtp.example.test"),
        XML,
    )
    found = find_account("li.lei@example.test", lookups(dns, https, ca))
    assert found.via == "autoconfig"
    assert found.imap == Server("imap.example.test", 993, "tls")
    assert found.smtp == Server("smtp.example.test", 587, "starttls")
    assert found.username == "li.lei"  # %EMAILLOCALPART%
    assert found.auth == "password" and found.provider_name == "Example Corp Mail"


def test_the_well_known_address_is_tried_second(dns: DnsServer, https: HttpsServer, ca: PrivateCA) -> None:
    https.files["/example.test/.well-known/autoconfig/mail/config-v1.1.xml"] = (
        config_xml("mail.example.test"),
        XML,
    )
    found = find_account("li.lei@example.test", lookups(dns, https, ca))
    assert found.imap.host == "mail.example.test"
    assert https.requests == [
        "/autoconfig.example.test/mail/config-v1.1.xml",
        "/example.test/.well-known/autoconfig/mail/config-v1.1.xml",
    ]


def test_autoconfig_over_plain_http_is_refused(dns: DnsServer, ca: PrivateCA) -> None:
    with FileServer(
        {"/autoconfig.example.test/mail/config-v1.1.xml": (config_xml("imap.example.test"), XML)}
    ) as plain:
        with pytest.raises(DiscoveryError) as info:
            find_account("li.lei@example.test", lookups(dns, plain, ca))
        assert plain.requests == []  # not even asked
    assert info.value.reason == "insecure" and "unencrypted" in info.value.message


def test_a_certificate_the_system_does_not_trust_is_refused(dns: DnsServer, https: HttpsServer) -> None:
    https.files["/autoconfig.example.test/mail/config-v1.1.xml"] = (config_xml("imap.example.test"), XML)
    with pytest.raises(DiscoveryError) as info:
        find_account("li.lei@example.test", lookups(dns, https, ca=None))
    assert info.value.reason == "certificate"
    assert "not used" in info.value.message and "127.0.0.1" in info.value.message


def test_a_file_naming_another_domains_server_is_refused(
    dns: DnsServer, https: HttpsServer, ca: PrivateCA
) -> None:
    https.files["/autoconfig.example.test/mail/config-v1.1.xml"] = (config_xml("imap.attacker.test"), XML)
    with pytest.raises(DiscoveryError) as info:
        find_account("li.lei@example.test", lookups(dns, https, ca))
    assert info.value.reason == "other_domain" and "imap.attacker.test" in info.value.message


def test_a_hosters_server_is_accepted_when_the_domains_mail_goes_there(
    dns_records: dict[tuple[str, str], list[str]], https: HttpsServer, ca: PrivateCA
) -> None:
    dns_records[("example.test", "MX")] = ["10 mx1.hoster.test."]
    https.files["/autoconfig.example.test/mail/config-v1.1.xml"] = (config_xml("imap.hoster.test"), XML)
    with DnsServer(dns_records) as server:
        found = find_account("li.lei@example.test", lookups(server, https, ca))
    assert found.imap.host == "imap.hoster.test"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<clientConfig><emailProvider><incomingServer type='imap'>", "bad_xml"),
        (b"<html><body>Welcome to our parked domain</body></html>", "bad_xml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<clientConfig><emailProvider><incomingServer type='imap'><hostname>&xxe;</hostname>"
            b"</incomingServer></emailProvider></clientConfig>",
            "unsafe_xml",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b"<clientConfig>&lol3;</clientConfig>",
            "unsafe_xml",
        ),
        (b"<clientConfig><emailProvider>" + b" " * 70_000 + b"</emailProvider></clientConfig>", "too_large"),
    ],
    ids=["malformed", "not-autoconfig", "xxe", "billion-laughs", "too-large"],
)
def test_hostile_or_broken_files_get_a_clear_message(
    dns: DnsServer, https: HttpsServer, ca: PrivateCA, body: bytes, reason: str
) -> None:
    https.files["/autoconfig.example.test/mail/config-v1.1.xml"] = (body, XML)
    with pytest.raises(DiscoveryError) as info:
        find_account("li.lei@example.test", lookups(dns, https, ca))
    assert info.value.reason == reason
    assert "/etc/passwd" not in info.value.message and "root:" not in info.value.message


def test_a_file_offering_imap_only_in_clear_is_refused(
    dns: DnsServer, https: HttpsServer, ca: PrivateCA
) -> None:
    https.files["/autoconfig.example.test/mail/config-v1.1.xml"] = (
        config_xml("imap.example.test", socket="plain"),
        XML,
    )
    with pytest.raises(DiscoveryError) as info:
        find_account("li.lei@example.test", lookups(dns, https, ca))
    assert info.value.reason == "plain_only"


def test_a_file_naming_microsofts_server_signs_in_with_the_preset(
    dns: DnsServer, https: HttpsServer, ca: PrivateCA
) -> None:
    https.files["/autoconfig.example.test/mail/config-v1.1.xml"] = (
        config_xml("outlook.office365.com", auth="OAuth2"),
        XML,
    )
    found = find_account("li.lei@example.test", lookups(dns, https, ca))
    assert (found.via, found.auth, found.oauth) == ("autoconfig", "oauth2", "microsoft")


# -- SRV ------------------------------------------------------------------------------------


def test_srv_records_are_found_when_there_is_no_file(
    dns_records: dict[tuple[str, str], list[str]], https: HttpsServer, ca: PrivateCA
) -> None:
    dns_records[("_imaps._tcp.example.test", "SRV")] = [
        "10 0 993 imap2.example.test.",
        "0 5 9993 imap.example.test.",
    ]
    dns_records[("_imap._tcp.example.test", "SRV")] = ["0 0 143 plainish.example.test."]
    dns_records[("_submission._tcp.example.test", "SRV")] = ["0 0 587 smtp.example.test."]
    with DnsServer(dns_records) as server:
        found = find_account("li.lei@example.test", lookups(server, https, ca))
    assert found.via == "srv"
    assert found.imap == Server("imap.example.test", 9993, "tls")  # lowest priority wins
    assert found.smtp == Server("smtp.example.test", 587, "starttls")
    assert found.username == "li.lei@example.test"


def test_imap_with_starttls_from_srv(
    dns_records: dict[tuple[str, str], list[str]], https: HttpsServer, ca: PrivateCA
) -> None:
    dns_records[("_imaps._tcp.example.test", "SRV")] = ["0 0 0 ."]  # RFC 6186: not offered
    dns_records[("_imap._tcp.example.test", "SRV")] = ["0 0 143 mail.example.test."]
    with DnsServer(dns_records) as server:
        found = find_account("li.lei@example.test", lookups(server, https, ca))
    assert found.imap == Server("mail.example.test", 143, "starttls") and found.smtp is None


def test_srv_naming_another_domain_is_refused(
    dns_records: dict[tuple[str, str], list[str]], https: HttpsServer, ca: PrivateCA
) -> None:
    dns_records[("_imaps._tcp.example.test", "SRV")] = ["0 0 993 imap.elsewhere.test."]
    with DnsServer(dns_records) as server, pytest.raises(DiscoveryError) as info:
        find_account("li.lei@example.test", lookups(server, https, ca))
    assert info.value.reason == "other_domain"


def test_nothing_found_says_to_configure_manually(dns: DnsServer, https: HttpsServer, ca: PrivateCA) -> None:
    with pytest.raises(DiscoveryError) as info:
        find_account("li.lei@example.test", lookups(dns, https, ca))
    assert info.value.reason == "not_found" and "Configure manually" in info.value.message


@pytest.mark.parametrize("address", ["", "li.lei", "@example.test", "li lei@example.test", "a@b"])
def test_not_an_address(address: str) -> None:
    with pytest.raises(DiscoveryError) as info:
        find_account(address, Lookups(nameserver="127.0.0.1", nameserver_port=9))
    assert info.value.reason == "bad_address"


def test_dns_server_answers_nxdomain_for_unknown_names(dns: DnsServer) -> None:
    from desktop.sources.discovery.dns import Dns

    assert Dns(dns.host, dns.port, timeout=2).srv("_imaps._tcp.nowhere.test") is None
    assert ("_imaps._tcp.nowhere.test", "SRV") in dns.queries


def test_a_redirect_to_plain_http_is_not_followed(dns: DnsServer, ca: PrivateCA) -> None:
    import http.server
    import ssl
    import threading

    asked: list[str] = []

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(301)
            self.send_header("Location", "http://127.0.0.1:9/config-v1.1.xml")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    cert, key = ca.issue("localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"https://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(DiscoveryError) as info:
            find_account(
                "li.lei@example.test", dataclasses.replace(lookups(dns, None, ca), autoconfig_base=base)
            )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert info.value.reason == "insecure" and "http://127.0.0.1:9" in info.value.message
    assert asked == ["/autoconfig.example.test/mail/config-v1.1.xml"]
