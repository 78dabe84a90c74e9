"""The news spider's seed check: is a seed usable, and what to tell the user when it is not.

A seed must be an HTML page, a feed or a sitemap. The WARC extension holds a seed's exchanges
until the spider says whether it is usable (signal ``seed_checked``): a rejected seed leaves
the archive untouched. The problems are one line each, with their fix, and are reported at
the end of the crawl (``NewsSpider.seed_problems``).

Stats: ``seeds/<kind>``, ``seeds/accepted``, ``seeds/rejected``, ``seeds/failed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler import analysis, discovery
from crawler.frontier import CrawlTask
from crawler.shell.signals import seed_checked
from crawler.shell.spiders.failures import seed_problem

if TYPE_CHECKING:
    from scrapy.http import Request, Response
    from twisted.python.failure import Failure


class SeedCheck:
    """Judges the seeds of one spider, tells the WARC extension, keeps the problems."""

    def __init__(self, spider: Any) -> None:
        self.spider = spider

    def checked(
        self, response: Response, result: analysis.PageAnalysis, ctype: str | None
    ) -> bool:
        """Count the seed's kind; remember seeds that are not HTML, a feed or a sitemap.

        A feed or sitemap seed whose XML is broken (truncated) is refused if it gave no entry,
        and reported (a partial failure) if it gave some. True if the seed is usable.
        """
        stats, problems = self.spider.crawler.stats, self.spider.seed_problems
        kind = result.kind
        stats.inc_value(f"seeds/{kind}")
        problem = None
        if kind == discovery.UNKNOWN:
            problem = (f"seed {response.url} is neither an HTML page, a feed nor a sitemap "
                       f"(Content-Type {ctype or 'missing'}): give a home page, section, feed "
                       "or sitemap URL")
        elif result.problem:
            name = "feed" if kind == discovery.FEED else "sitemap"
            if not result.links:
                problem = (f"seed {response.url} looks like a {name} but gave no entries "
                           f"({result.problem}): check the URL, or that the server sent it "
                           "whole")
            else:  # used, but the user must hear that the rest was lost
                problems.append(
                    f"seed {response.url}: only {len(result.links)} entries of the {name} "
                    f"could be read ({result.problem}): check that the server sends it whole")
        self.verdict(response.request, problem is None)
        if problem is None:
            stats.inc_value("seeds/accepted")
        else:
            stats.inc_value("seeds/rejected")
            problems.append(problem)
        return problem is None

    def verdict(self, request: Request | None, usable: bool) -> None:
        """Tell the WARC extension whether to archive the seed's held exchanges."""
        if request is not None:
            self.spider.crawler.signals.send_catch_log(signal=seed_checked, request=request,
                                                       accepted=usable)

    def failed(self, failure: Failure, task: CrawlTask | None) -> None:
        """Remember why a seed could not be fetched (unreachable, HTTP error, robots.txt)."""
        self.verdict(getattr(failure, "request", None), False)
        if task is not None and task.budget == "refused":
            return  # more seeds than pages to fetch: not a problem of the seed
        self.spider.crawler.stats.inc_value("seeds/failed")
        self.spider.seed_problems.append(
            seed_problem(task.url if task is not None else "?", failure))
