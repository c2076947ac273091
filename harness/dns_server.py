"""A tiny authoritative DNS server on loopback (UDP), for the account-discovery tests.

    with DnsServer({("example.test", "MX"): ["10 mx1.example.test."],
                    ("_imaps._tcp.example.test", "SRV"): ["0 1 993 imap.example.test."]}) as dns:
        Lookups(nameserver=dns.host, nameserver_port=dns.port)

Built from dnspython's own message code (the same library the desktop resolves with), so the
answers are real DNS wire format. Names not in ``records`` get NXDOMAIN; a known name without
the asked type gets an empty answer (NoAnswer). ``queries`` lists what was asked, in order.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

HOST = "127.0.0.1"


class DnsServer:
    def __init__(self, records: Mapping[tuple[str, str], Sequence[str]]) -> None:
        self.records = {
            (dns.name.from_text(name), dns.rdatatype.from_text(kind)): list(values)
            for (name, kind), values in records.items()
        }
        self.queries: list[tuple[str, str]] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((HOST, 0))
        self._sock.settimeout(0.2)
        self.host = HOST
        self.port = int(self._sock.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="DnsServer", daemon=True)

    def _answer(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        self.queries.append(
            (question.name.to_text(omit_final_dot=True), dns.rdatatype.to_text(question.rdtype))
        )
        values = self.records.get((question.name, question.rdtype))
        if values is None:
            if not any(name == question.name for name, _kind in self.records):
                response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        rrset = dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, question.rdtype, values)
        response.answer.append(rrset)
        return response

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self._sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                query = dns.message.from_wire(data)
            except Exception:  # garbage on the port: ignore it, like a real server
                continue
            self._sock.sendto(self._answer(query).to_wire(), peer)

    def start(self) -> DnsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def __enter__(self) -> DnsServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
