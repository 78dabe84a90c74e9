"""HTTPS: the tap sits above TLS, so the WARC holds the plaintext HTTP messages exactly."""

from __future__ import annotations

import datetime
import ipaddress
import ssl

import pytest

from tests.warc.warcs import check_structure, read_warc, run_crawl, warc_files, warcio_check
from tests.warc.wireserver import WireServer

pytestmark = pytest.mark.slow

x509 = pytest.importorskip("cryptography.x509")


def _server_context(tmp_path) -> ssl.SSLContext:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


def test_https_exchanges_are_plaintext_and_exact(tmp_path):
    archive = tmp_path / "archive"
    paths = ["/cookies", "/gzip-chunked", "/reason"]
    with WireServer(tls=_server_context(tmp_path)) as server:
        seen = run_crawl(archive, [server.url(p) for p in paths])
        log = list(server.log)
    (path,) = warc_files(archive)
    warcio_check(path)
    records = read_warc(path)
    check_structure(records)
    responses = {r.id: r for r in records if r.type == "response"}
    pairs = {r.block: responses[r.headers["WARC-Concurrent-To"]] for r in records
             if r.type == "request"}
    assert len(log) == len(pairs) == 4  # + robots.txt
    for entry in log:
        assert pairs[entry.received].block == entry.sent, entry.path
        response = pairs[entry.received]
        assert response.headers["WARC-Target-URI"].startswith("https://")
        protocols = [v for k, v in response.all_headers if k == "WARC-Protocol"]
        assert protocols[0] == "http/1.1" and protocols[1].startswith("tls/1.")
        assert response.headers["WARC-Cipher-Suite"]
    assert all(item.get("status") == 200 for item in seen)
