"""A brotli bomb decodes to at most MAX_DECODED_BYTES in every reader of the archive."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.bufferedreaders import BufferedReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import crawler.archive  # noqa: F401 - installs the cap, as every process of ours does
from crawler.archive import brotlidecode
from crawler.archive.readlimits import MAX_DECODED_BYTES, CappedBrotli

_brotli = brotlidecode.brotli_module()
MIB = 1 << 20


def brotli_bomb(mib: int) -> bytes:
    """``mib`` MiB of spaces, brotli-compressed (a few kB), built without holding them."""
    compressor = _brotli.Compressor(quality=5)
    chunk = b" " * MIB
    return b"".join([*(compressor.process(chunk) for _ in range(mib)), compressor.finish()])


def bomb_warc(path: Path, mib: int) -> Path:
    """A WARC holding one HTML response whose br body decodes to ``mib`` MiB."""
    body = brotli_bomb(mib)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "br"),
                                       ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warc_record(
            "http://127.0.0.1/bomb", "response", payload=io.BytesIO(body), http_headers=http))
    return path


def test_warcio_brotli_decoding_is_capped():
    bomb = brotli_bomb(256)
    assert len(bomb) < 20_000
    decoder = BufferedReader.DECOMPRESSORS["br"]()
    out = decoder.decompress(bomb)
    assert len(out) <= MAX_DECODED_BYTES
    assert decoder.decompress(b"") == b""


@pytest.mark.parametrize("binding", ["brotlicffi", "_brotli"])
def test_capped_decoder_decodes_normal_bodies(monkeypatch, binding):
    """Both bindings with an output limit: brotlicffi (ours), Google's C module (if there)."""
    module = (pytest.importorskip("brotlicffi") if binding == "brotlicffi"
              else brotlidecode._google_native())
    if module is None:
        pytest.skip("Google's Brotli C module is not installed")
    monkeypatch.setattr(brotlidecode, "brotli_module", lambda: module)
    page = b"<html><body>" + b"news of the day " * 5000 + b"</body></html>"
    whole = _compress(page)
    decoder = CappedBrotli()
    got = b"".join(decoder.decompress(whole[i:i + 1000]) for i in range(0, len(whole), 1000))
    assert got == page and decoder.is_finished() and not decoder.capped
    small = CappedBrotli(limit=100)
    assert len(small.decompress(whole)) == 100 and small.capped
    assert small.decompress(b"") == b""


def _compress(data: bytes) -> bytes:
    compressor = _brotli.Compressor(quality=5)
    return compressor.process(data) + compressor.finish()


def _peak_mb(code: str) -> int:
    """Run ``code`` in a fresh Python; return its peak resident memory in MB."""
    # VmHWM, not ru_maxrss: the latter starts at the forking parent's (pytest's) peak.
    probe = code + ("\nimport re; print(re.search(r'VmHWM:\\s+(\\d+)', "
                    "open('/proc/self/status').read()).group(1))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=300, check=True).stdout.split()
    return int(out[-1]) // 1024


def test_extract_of_a_bomb_stays_small_and_skips_it(tmp_path):
    warc = bomb_warc(tmp_path / "bomb.warc.gz", 512)
    code = (
        "from pathlib import Path\n"
        "from crawler.reextract.scan import WarcScanner\n"
        f"s = WarcScanner(Path({str(warc)!r}), 16 << 20)\n"
        "assert list(s) == [] and s.stats.skipped == 1 and not s.stats.errors, s.stats\n"
    )
    assert _peak_mb(code) < 300  # 1.1 GB without the cap


def test_replay_process_installs_the_cap():
    code = ("import crawler.replay.pywbapp\n"
            "from warcio.bufferedreaders import BufferedReader\n"
            "print(BufferedReader.DECOMPRESSORS['br'].__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert out[-1] == "CappedBrotli"


def test_cdxj_indexing_skips_a_header_block_past_the_caps(tmp_path):
    import gzip

    from crawler.archive.cdxj import write_index
    from tests.store.warcs import article_html, unique_text, write_warc

    good = tmp_path / "good.warc.gz"
    write_warc(good, [("http://127.0.0.1/good", article_html("S", unique_text(1)),
                       "2026-11-20T10:00:00Z")])
    headers = (b"WARC/1.0\r\nWARC-Type: response\r\n" + b"X-Junk: line\r\n" * 200_000
               + b"Content-Length: 0\r\n\r\n\r\n\r\n")
    warc = tmp_path / "headers.warc.gz"
    warc.write_bytes(gzip.compress(headers) + good.read_bytes())
    report = write_index(warc, tmp_path / "out.cdxj")
    assert report.skipped and "header" in report.skipped[0][1], report.skipped
    assert "http://127.0.0.1/good" in (tmp_path / "out.cdxj").read_text()
