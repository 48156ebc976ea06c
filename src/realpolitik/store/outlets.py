"""Which outlet reported an article: its URL's registered domain, else its feed or file.

The registered domain is the public suffix plus one label (``www.bbc.co.uk`` → ``bbc.co.uk``,
``edition.cnn.com`` → ``cnn.com``). Multi-part suffixes come from ``data/public_suffixes.txt``;
any other suffix is the last label alone. No network, no dependency.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache
from importlib import resources

from realpolitik.models import Article

logger = logging.getLogger(__name__)

DATA_FILE = "public_suffixes.txt"


@cache
def multi_part_suffixes() -> frozenset[str]:
    """Return the multi-part public suffixes of the data file (``co.uk``, ``com.au``...)."""
    text = resources.files("realpolitik.store.data").joinpath(DATA_FILE).read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _host(url: str) -> str | None:
    """Return the lower-case host of ``url`` (scheme optional), or None."""
    text = url.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    elif " " in text or "." not in text:
        return None
    host = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    if host.startswith("["):
        return host.split("]", 1)[0][1:].lower() or None
    return host.split(":", 1)[0].lower().rstrip(".") or None


def registered_domain(url: str | None) -> str | None:
    """Return the registered domain of ``url`` (``https://www.bbc.co.uk/news`` → ``bbc.co.uk``).

    IP addresses and single-label hosts come back whole; None when ``url`` has no host.
    """
    host = _host(url) if url else None
    return _domain(host) if host else None


@lru_cache(maxsize=65536)
def _domain(host: str) -> str:
    """Return the registered domain of a host name."""
    labels = host.split(".")
    if len(labels) < 2 or labels[-1].isdigit() or ":" in host:
        return host
    suffix = 2 if ".".join(labels[-2:]) in multi_part_suffixes() else 1
    return ".".join(labels[-(suffix + 1) :]) if len(labels) > suffix else host


def outlet(article: Article) -> str:
    """Return the outlet of ``article``: its URL's registered domain, else its feed's, else its
    feed or file name, else its id."""
    for value in (article.url, article.source):
        domain = registered_domain(value) if value and "://" in value else None
        if domain:
            return domain
    if article.source:
        return article.source
    return registered_domain(article.url) or article.url or article.id
