"""The WARC extension's switches: disabled, unwritable archive folder, reconstructed fallback."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.exceptions import ArchiveError
from crawler.shell.extensions.warc import WarcWriterExtension, warc_writer_for
from tests.warc.warcs import read_warc, run_crawl, warc_files, warcio_check
from tests.warc.wireserver import WireServer


def test_disabled_is_not_configured(tmp_path):
    crawler = get_crawler(settings_dict={"WARC_ENABLED": False, "ARCHIVE_DIR": str(tmp_path)})
    with pytest.raises(NotConfigured):
        WarcWriterExtension.from_crawler(crawler)
    assert not (tmp_path / "warc").exists()


def test_unwritable_archive_dir_fails_at_start_with_one_line(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(blocker / "archive")})
    with pytest.raises(ArchiveError) as info:
        WarcWriterExtension.from_crawler(crawler)
    message = str(info.value)
    assert "\n" not in message and "ARCHIVE_DIR" in message and str(blocker) in message


def test_enabled_shares_the_warc_writer(tmp_path):
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path)})
    ext = WarcWriterExtension.from_crawler(crawler)
    assert warc_writer_for(crawler) is ext.writer
    assert (tmp_path / "warc").is_dir() and (tmp_path / "indexes").is_dir()


@pytest.mark.slow
def test_responses_from_another_handler_are_written_marked_reconstructed(tmp_path):
    plain = '{"http": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"}'
    with WireServer() as server:
        seen = run_crawl(tmp_path, [server.url("/cookies")], f"DOWNLOAD_HANDLERS={plain}")
    (path,) = warc_files(tmp_path)
    warcio_check(path)
    records = [r for r in read_warc(path) if r.type in ("request", "response")]
    assert len(records) == 4  # robots.txt and the page, each request + response
    assert all(r.headers["WARC-Reconstructed"] == "scrapy-response" for r in records)
    assert seen[0]["warc_record"]["record_type"] == "response"
