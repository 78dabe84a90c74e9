"""The bundled demo news site: deterministic content, served on 127.0.0.1 (stdlib only).

Layer: a leaf of its own. It imports only ``crawler.exceptions`` (and the standard library).
"""

from crawler.demosite.model import (
    AD_CHANGED_ARTICLE,
    EDITED_ARTICLE,
    NEW_ARTICLES,
    Article,
    Site,
    build_site,
)
from crawler.demosite.server import DemoSiteServer

__all__ = [
    "AD_CHANGED_ARTICLE", "EDITED_ARTICLE", "NEW_ARTICLES", "Article", "DemoSiteServer", "Site",
    "build_site",
]
