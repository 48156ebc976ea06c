"""Polite HTTP for the feed watcher: conditional GET, per-host rate, robots.txt, back-off.

One :class:`Fetcher` per watcher owns the ``httpx2`` client, the time of the last request to
each host (so no host is asked more often than its feeds' ``rate`` allows) and each host's
robots.txt (fetched once, kept ``robots_ttl`` seconds). Failures raise :class:`FetchFailed`
with a code, whether trying again later may help, and the server's Retry-After.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib import robotparser
from urllib.parse import urlsplit

import httpx2

import realpolitik
from realpolitik.errors import Errors, Warnings, WatchError

logger = logging.getLogger(__name__)

AGENT_TOKEN = "realpolitik"
"""The product token robots.txt rules name (``User-agent: realpolitik``)."""
TOTAL_TIMEOUTS = 4
"""A response must be complete within this many ``timeout``s (no slow-drip stalls)."""
RETRY_STATUSES = frozenset({408, 425, 429})
"""Client-error statuses that mean "later", not "never"."""
ROBOTS_FAILURE_TTL = 3600.0
"""Seconds a robots.txt that could not be read counts as allowing all before it is retried."""


class FetchFailed(WatchError):
    """A fetch gave nothing usable.

    transient: a later try may work (timeout, connection error, 5xx, 429)
    retry_after: seconds the server asked us to wait, if it said
    status: the HTTP status, 0 when none came back
    """

    def __init__(
        self, message: str, *, transient: bool, status: int = 0, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


@dataclass
class Response:
    """A fetched resource (``not_modified``: a 304 answered a conditional GET, no body)."""

    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """Return whether the server said the resource has not changed."""
        return self.status == 304


def user_agent(contact: str | None) -> str:
    """Return the User-Agent: ``realpolitik/<version>``, plus ``(+contact)`` when given."""
    base = f"{AGENT_TOKEN}/{realpolitik.__version__}"
    return f"{base} (+{contact})" if contact else base


def backoff_seconds(
    failures: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    retry_after_max: float = 86400.0,
    rng: random.Random | None = None,
) -> float:
    """Return the wait after ``failures`` failed polls in a row: exponential with jitter.

    The wait doubles per failure up to ``cap``, then loses a random share of up to half (so
    feeds that failed together do not retry together); a Retry-After, up to
    ``retry_after_max``, is always waited out in full.
    """
    raw = min(cap, base * 2.0 ** max(0, failures - 1))
    jittered = raw * (0.5 + 0.5 * (rng or random).random())
    asked = min(retry_after or 0.0, retry_after_max)
    return max(jittered, asked)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return the seconds of a Retry-After header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def host_of(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url``, the unit of rate limits and robots.txt."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class HostGate:
    """Keep requests to one host at least ``rate`` seconds apart.

    sleep: waits the given seconds (the watcher's stop event ends the wait early)
    """

    def __init__(
        self, *, sleep: Callable[[float], object], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.sleep = sleep
        self.clock = clock
        self.last: dict[str, float] = {}

    def wait(self, host: str, rate: float) -> None:
        """Wait until ``host`` may be asked again, then note the request."""
        gap = self.last.get(host, -1e18) + rate - self.clock()
        if gap > 0:
            self.sleep(gap)
        self.last[host] = self.clock()


class Fetcher:
    """The watcher's HTTP client: conditional GET, rate limits, robots.txt and size caps.

    contact: URL or e-mail for the User-Agent
    robots_ttl: seconds a host's robots.txt is kept
    sleep: how rate-limit waits are slept (default ``time.sleep``)
    """

    def __init__(
        self,
        *,
        contact: str | None = None,
        robots_ttl: float = 86400.0,
        sleep: Callable[[float], object] = time.sleep,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.agent = user_agent(contact)
        self.robots_ttl = robots_ttl
        self.gate = HostGate(sleep=sleep)
        self.client = httpx2.Client(follow_redirects=True, max_redirects=5, transport=transport)
        self.robots: dict[str, tuple[float, robotparser.RobotFileParser | None]] = {}

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()

    def get(
        self,
        url: str,
        *,
        feed: str,
        timeout: float,
        max_bytes: int,
        rate: float,
        agent: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """Fetch ``url`` once the host's rate allows; send the validators given.

        Returns: the response; ``not_modified`` when the server answered 304.
        Raises: FetchFailed E725 (timeout), E726 (connection), E727 (HTTP error status),
        E728 (larger than ``max_bytes``).
        """
        headers = {"User-Agent": agent or self.agent, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self.gate.wait(host_of(url), rate)
        try:
            return self._get(url, headers=headers, feed=feed, timeout=timeout, limit=max_bytes)
        except httpx2.TimeoutException:
            message = Errors.E725.format(feed=feed, url=url, seconds=f"{timeout:g}")
            raise FetchFailed(message, transient=True) from None
        except (httpx2.TransportError, httpx2.TooManyRedirects, httpx2.DecodingError) as exc:
            detail = str(exc) or type(exc).__name__
            message = Errors.E726.format(feed=feed, url=url, detail=detail)
            raise FetchFailed(message, transient=True) from None

    def _get(
        self, url: str, *, headers: dict[str, str], feed: str, timeout: float, limit: int
    ) -> Response:
        deadline = time.monotonic() + timeout * TOTAL_TIMEOUTS
        with self.client.stream("GET", url, headers=headers, timeout=timeout) as resp:
            status = resp.status_code
            if status == 304:
                return Response(url=str(resp.url), status=304)
            if status >= 400:
                message = Errors.E727.format(feed=feed, url=url, status=status)
                retry = parse_retry_after(resp.headers.get("retry-after"))
                transient = status >= 500 or status in RETRY_STATUSES
                raise FetchFailed(message, transient=transient, status=status, retry_after=retry)
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchFailed(
                    Errors.E728.format(feed=feed, url=url, limit=limit),
                    transient=False,
                    status=status,
                )
            body = bytearray()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FetchFailed(
                        Errors.E728.format(feed=feed, url=url, limit=limit),
                        transient=False,
                        status=status,
                    )
                if time.monotonic() > deadline:
                    raise httpx2.ReadTimeout("response not complete in time")
            return Response(
                url=str(resp.url),
                status=status,
                content=bytes(body),
                content_type=resp.headers.get("content-type", ""),
                etag=resp.headers.get("etag"),
                last_modified=resp.headers.get("last-modified"),
            )

    def allowed(
        self, url: str, *, feed: str, timeout: float, rate: float, warn: Callable[[str], None]
    ) -> tuple[bool, str]:
        """Return whether robots.txt lets us fetch ``url``, and the robots.txt URL.

        A robots.txt that is missing (4xx) allows all; 401 and 403 forbid all (as
        ``urllib.robotparser`` reads them); one that cannot be fetched allows all for an
        hour, with W727.
        """
        host = host_of(url)
        robots_url = f"{host}/robots.txt"
        stamp, parser = self.robots.get(host, (-1e18, None))
        if time.monotonic() - stamp > self.robots_ttl or host not in self.robots:
            parser, stamp = self._robots(
                robots_url, feed=feed, timeout=timeout, rate=rate, warn=warn
            )
            self.robots[host] = (stamp, parser)
        if parser is None:
            return True, robots_url
        return parser.can_fetch(AGENT_TOKEN, url), robots_url

    def _robots(
        self,
        robots_url: str,
        *,
        feed: str,
        timeout: float,
        rate: float,
        warn: Callable[[str], None],
    ) -> tuple[robotparser.RobotFileParser | None, float]:
        """Fetch and parse one robots.txt; return the parser (None: allow all) and its stamp."""
        parser = robotparser.RobotFileParser(robots_url)
        now = time.monotonic()
        try:
            resp = self.get(robots_url, feed=feed, timeout=timeout, max_bytes=500_000, rate=rate)
        except FetchFailed as exc:
            if exc.status in (401, 403):
                parser.disallow_all = True
                return parser, now
            if 400 <= exc.status < 500:
                return None, now
            warn(Warnings.W727.format(feed=feed, url=robots_url, detail=_detail(exc)))
            return None, now - self.robots_ttl + min(self.robots_ttl, ROBOTS_FAILURE_TTL)
        parser.parse(resp.content.decode("utf-8", errors="replace").splitlines())
        return parser, now


def _detail(exc: BaseException) -> str:
    """Return an error's message without its leading ``[Exxx]`` code."""
    text = str(exc)
    return text[7:] if text.startswith("[E") else text
