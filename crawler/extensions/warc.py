"""(placeholder) WarcWriterExtension, switched off until written."""

from scrapy.exceptions import NotConfigured


class WarcWriterExtension:
    """Placeholder that switches itself off."""

    @classmethod
    def from_crawler(cls, crawler):
        """Switch off: not written yet."""
        raise NotConfigured("not written yet")
