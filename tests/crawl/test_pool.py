"""The analysis process pool: shared, awaited from asyncio, recovers from a dead worker."""

from __future__ import annotations

import asyncio

from crawler.shell.spiders.pool import AnalysisPool
from tests.crawl.poolhelpers import die_once, interrupted, square


def test_pool_is_shared_and_runs_in_workers():
    async def main():
        pool = AnalysisPool.acquire(1)
        assert AnalysisPool.acquire(1) is pool
        results = await asyncio.gather(*(pool.run(square, n) for n in range(5)))
        pool.release()
        pool.release()
        return results

    assert asyncio.run(main()) == [0, 1, 4, 9, 16]
    assert AnalysisPool._shared is None


def test_pool_survives_a_worker_that_dies(tmp_path):
    async def main():
        pool = AnalysisPool.acquire(1)
        try:
            return await pool.run(die_once, str(tmp_path / "flag"))
        finally:
            pool.release()

    assert asyncio.run(main()) == "ok"


def test_inline_mode_runs_in_this_process():
    async def main():
        pool = AnalysisPool(0)
        return await pool.run(square, 7)

    assert asyncio.run(main()) == 49


def test_ctrl_c_is_left_to_the_crawl_not_the_workers():
    # A worker interrupted mid-task used to send KeyboardInterrupt back as the page's
    # result: it escaped the crawl's error handling and the graceful stop waited forever.
    pool = AnalysisPool(1)
    try:
        assert asyncio.run(pool.run(interrupted, 7)) == 7
    finally:
        pool.release()


def test_a_pool_that_is_behind_says_so_and_when_it_caught_up():
    # The crawl takes no new task while the pool is full (each waiting page is a lease a
    # killed worker loses); it is told as soon as a job ends and the pool has room again.
    async def main():
        pool = AnalysisPool(1)
        freed: list[int] = []
        pool.when_free(lambda: freed.append(pool.queued))
        try:
            jobs = [asyncio.ensure_future(pool.run(square, n)) for n in range(pool.max_queued)]
            await asyncio.sleep(0)  # every job submitted
            assert pool.full() and freed == []
            await asyncio.gather(*jobs)
            assert not pool.full() and pool.queued == 0
            assert freed and all(q < pool.max_queued for q in freed)
            pool.forget(freed.append)  # a callback never registered: no error
        finally:
            pool.release()
        return freed

    assert len(asyncio.run(main())) == AnalysisPool(1).max_queued
