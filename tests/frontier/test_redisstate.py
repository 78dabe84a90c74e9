"""Archive state shared in Redis: the fetch log and the WARC dedup index (real redis-server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.archive.dedup import Capture, DedupIndex
from crawler.frontier.redisstate import RedisDedupIndex, SharedFetchLog
from crawler.frontier.sharedcrawl import connect
from crawler.incremental.fetchlog import Fetch, FetchLog

URL = "https://news.example/a"
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def test_fetch_log_is_shared_and_merged(redis_url, tmp_path):
    one, two = SharedFetchLog(connect(redis_url)), SharedFetchLog(connect(redis_url))
    one.local = FetchLog(tmp_path / "a")
    one.record(Fetch(URL, T0, 200, "news", etag='"v1"'))
    one.flush()
    later = Fetch(URL, T0 + timedelta(days=1), 304, "news")  # a 304 repeats no validator
    two.record(later)
    two.flush()
    seen = one.get(URL)
    assert (seen.fetched_at, seen.status, seen.etag) == (later.fetched_at, 304, '"v1"')
    assert seen.first_fetched == T0
    assert one.local.get(URL).etag == '"v1"'  # written through to the archive's own log
    assert SharedFetchLog(connect(redis_url)).get("https://news.example/other") is None
    one.close()
    two.close()


def test_a_fetch_reaches_redis_soon_without_a_full_batch(redis_url, monkeypatch):
    """A worker killed between batches loses at most FLUSH_AGE of its log: the others would
    fetch again every page it fetched and left in its buffer."""
    from crawler.frontier import redisstate

    one, two = SharedFetchLog(connect(redis_url)), SharedFetchLog(connect(redis_url))
    one.record(Fetch(URL, T0, 200, "news"))
    assert two.get(URL) is None  # buffered: one fetch is not a batch
    clock = [redisstate.time.monotonic() + redisstate.FLUSH_AGE]
    monkeypatch.setattr(redisstate.time, "monotonic", lambda: clock[0])
    one.record(Fetch(URL + "2", T0, 200, "news"))  # the first one waited long enough
    assert two.get(URL) is not None and two.get(URL + "2") is not None


def test_dedup_index_is_shared_by_workers(redis_url, tmp_path):
    local = DedupIndex(tmp_path / "dedup.sqlite")
    one = RedisDedupIndex(connect(redis_url), local=local)
    two = RedisDedupIndex(connect(redis_url))
    first = Capture(URL, "sha1:AAA", "<urn:uuid:1>", "2026-11-01T08:00:00Z", "w1.warc.gz")
    one.add(first)
    one.add(Capture(URL, "sha1:AAA", "<urn:uuid:2>", "2026-11-02T08:00:00Z", "w1.warc.gz"))
    assert two.lookup(URL, "sha1:AAA") == first  # the first capture of a digest wins
    assert two.lookup(URL, "sha1:BBB") is None
    assert two.last_capture(URL) == first
    assert local.lookup(URL, "sha1:AAA") == first
    one.close()
