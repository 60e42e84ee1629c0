"""A real SMTP server on loopback (aiosmtpd) with STARTTLS, and the outbox's test fixtures."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    """A loopback port nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` and its key, made with ``cryptography``."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class Recorder:
    """The server's handler: keeps what it accepted; can refuse chosen DATA commands (by their
    number, counted from 1) or recipients."""

    def __init__(self) -> None:
        self.accepted: list[Message] = []
        self.recipients: list[str] = []
        self.tls: list[bool] = []
        self.data_count = 0
        self.refuse_data: set[int] = set()
        self.refuse_rcpt: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_count += 1
        if self.data_count in self.refuse_data:
            return "451 4.3.0 try again later"
        self.accepted.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients += envelope.rcpt_tos
        self.tls.append(session.ssl is not None)
        return "250 OK"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that requires STARTTLS."""

    def __init__(self, tls_files: tuple[Path, Path]) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, tls_files))
        self.handler = Recorder()
        self.port = free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
        )

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
        self.close()

    def close(self) -> None:
        """Close the server's event loop (made with the controller, started or not)."""
        loop = self.controller.loop
        if not loop.is_running() and not loop.is_closed():
            loop.close()


@pytest.fixture
def smtp_server(tls_files: tuple[Path, Path]) -> Iterator[SmtpServer]:
    """A running STARTTLS SMTP server on loopback."""
    with SmtpServer(tls_files) as server:
        yield server


@pytest.fixture
def stopped_smtp_server(tls_files: tuple[Path, Path]) -> Iterator[SmtpServer]:
    """A server made but not started: nothing listens on its port until ``with`` starts it."""
    server = SmtpServer(tls_files)
    yield server
    server.close()
