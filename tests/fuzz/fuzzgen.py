"""Write bad input files from a seed: every class issue 14 names, plus random and mutated ones.

Nothing generated is committed: ``generate(root, count=..., seed=...)`` writes the files, cycling
through the classes so that any slice of ``count`` covers each of them. The articles mutated
here were written for this suite; no text comes from a corpus.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ARTICLES = (
    "Brazil and Argentina agreed on Monday to cut tariffs on steel and grain, the two trade "
    "ministers said after a meeting in Buenos Aires.\nThe deal still needs approval by both "
    "parliaments.",
    "Russia accused Ukraine of shelling a power station near the border on Tuesday, and "
    "Ukraine denied it.\nThe International Atomic Energy Agency asked both sides for restraint.",
    "Japan protested to China after a coast guard vessel entered waters near the disputed "
    "islands, the foreign ministry in Tokyo said.\nBeijing rejected the protest.",
    "Kenya and Ethiopia signed a pact to share power from a new dam, officials said in Nairobi "
    "on Thursday.\nThe line will carry electricity from next year.",
    "France criticized Germany over its refusal to back a joint defence fund, a spokesman said "
    "in Paris.\nBerlin said talks would continue.",
    "India and Pakistan exchanged fire along the line of control overnight, military sources "
    "said.\nNo casualties were reported.",
    "Turkey threatened to expel the Swedish ambassador after a protest in Stockholm, the "
    "foreign ministry said in Ankara.",
    "The United States imposed new sanctions on Iran over its missile programme, the Treasury "
    "said on Friday.\nTehran called the move illegal.",
)
SENTINEL_TEXT = (
    "2024-03-14\n\nRussia condemned Ukraine on Thursday over a drone strike on a refinery, the "
    "foreign ministry said in Moscow.\n"
)
SENTINEL_NAME = "z_sentinel.txt"
CASES_DIR = "a_cases"

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass
class Case:
    """One generated input: its file name (bytes, any encoding) and content (None: a FIFO)."""

    name: bytes
    data: bytes | None
    kind: str


Maker = Callable[[random.Random, int], Case]


def _article(rng: random.Random) -> str:
    return rng.choice(ARTICLES)


def _jsonl(records: list[dict], *, ascii_only: bool = False) -> bytes:
    lines = (json.dumps(r, ensure_ascii=ascii_only) for r in records)
    return ("\n".join(lines) + "\n").encode("utf-8")


def surrogates(rng: random.Random, i: int) -> Case:
    lone = rng.choice(["\\ud800", "\\udfff", "\\udc80", "\\ud83d"])
    field = rng.choice(["text", "id", "title", "url"])
    record = {"id": f"s{i}", "text": _article(rng), "title": "t", "url": "https://x.example/"}
    line = json.dumps(record)
    line = line.replace(f'"{field}": "', f'"{field}": "{lone}', 1)
    return Case(f"surrogate_{i}.jsonl".encode(), (line + "\n").encode(), "surrogate escapes")


def bad_name(rng: random.Random, i: int) -> Case:
    stem = rng.choice([b"caf\xe9", b"\xff\xfe", b"na\xefve", b"\x80bad"])
    return Case(stem + f"_{i}.txt".encode(), _article(rng).encode(), "non-UTF-8 file name")


def deep_json(rng: random.Random, i: int) -> Case:
    depth = rng.choice([1200, 5000, 50000])
    nest = "[" * depth + "]" * depth
    where = rng.choice(["line", "field", "array", "object"])
    if where == "line":
        data = nest + "\n" + json.dumps({"id": f"d{i}", "text": _article(rng)}) + "\n"
        return Case(f"deep_{i}.jsonl".encode(), data.encode(), "deep JSON")
    if where == "field":
        data = f'{{"id": "d{i}", "text": "x", "meta": {nest}}}\n'
        return Case(f"deep_{i}.jsonl".encode(), data.encode(), "deep JSON")
    if where == "object":
        data = '{"a":' * depth + "1" + "}" * depth + "\n"
        return Case(f"deep_{i}.jsonl".encode(), data.encode(), "deep JSON")
    return Case(f"deep_{i}.json".encode(), f"[{nest}]".encode(), "deep JSON")


def cut_multibyte(rng: random.Random, i: int) -> Case:
    tail = rng.choice(["é", "€", "😀", "ж"]).encode("utf-8")
    data = _article(rng).encode("utf-8") + tail[: rng.randint(1, len(tail) - 1)]
    return Case(f"cut_{i}.txt".encode(), data, "ends inside a multibyte sequence")


def long_article(rng: random.Random, i: int) -> Case:
    filler = "The weather was mild and the markets were quiet all week. "
    size = 1_000_000 if i % 500 == 4 else rng.choice([60_000, 200_000])
    body = (filler * (size // len(filler) + 1))[:size]
    cut = rng.randint(0, len(body))
    text = body[:cut] + _article(rng) + " " + body[cut:]
    return Case(f"long_{i}.txt".encode(), text.encode(), "long article")


def markup(rng: random.Random, i: int) -> Case:
    tag = rng.choice(["[/b]", "[x]", "[bold red]", "[/]", "[link=x]"])
    folder = rng.choice([b"m[", b"m[x]", b"plain"])
    record = {"id": f"{tag}{i}", "text": rng.choice([_article(rng), ""]), "title": tag}
    return Case(folder + b"/b]" + f"{i}.jsonl".encode(), _jsonl([record]), "rich markup")


def nuls(rng: random.Random, i: int) -> Case:
    if rng.random() < 0.5:
        text = _article(rng)
        at = rng.randint(0, len(text))
        record = {"id": f"n{i}\u0000", "text": text[:at] + "\u0000" + text[at:]}
        return Case(f"nul_{i}.jsonl".encode(), _jsonl([record], ascii_only=True), "NUL")
    data = _article(rng).encode().replace(b" ", b"\x00", rng.randint(1, 3))
    return Case(f"nul_{i}.txt".encode(), data, "NUL")


def fifo(rng: random.Random, i: int) -> Case:
    return Case(f"pipe_{i}.jsonl".encode(), None, "FIFO")


def id_reuse(rng: random.Random, i: int) -> Case:
    records = [{"id": str(n), "text": rng.choice(ARTICLES)} for n in range(1, rng.randint(2, 4))]
    return Case(f"feed_{i}.jsonl".encode(), _jsonl(records), "reused ids")


def encodings(rng: random.Random, i: int) -> Case:
    codec = rng.choice(
        ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
    )
    if rng.random() < 0.5:
        text = json.dumps({"id": f"e{i}", "text": _article(rng)}, ensure_ascii=False) + "\n"
        return Case(f"enc_{i}.jsonl".encode(), text.encode(codec), "BOM / UTF-16 / UTF-32")
    return Case(f"enc_{i}.txt".encode(), _article(rng).encode(codec), "BOM / UTF-16 / UTF-32")


def empty_containers(rng: random.Random, i: int) -> Case:
    choice = rng.randrange(6)
    if choice == 0:
        data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
        return Case(f"empty_{i}.rss".encode(), data, "empty feed")
    if choice == 1:
        items = "".join("<item><title></title></item>" for _ in range(rng.randint(5, 300)))
        data = f'<rss version="2.0"><channel>{items}</channel></rss>'.encode()
        return Case(f"hollow_{i}.rss".encode(), data, "feed of empty items")
    if choice == 2:
        return Case(
            f"nothing_{i}.warc".encode(), b"WARC/1.0\r\n" + rng.randbytes(40), "WARC garbage"
        )
    if choice == 3:
        return Case(f"blank_{i}.warc.gz".encode(), gzip.compress(b""), "WARC with no records")
    if choice == 4:
        return Case(f"ws_{i}.txt".encode(), b" \n\t\n" * rng.randint(1, 50), "whitespace only")
    return Case(f"empty_{i}.jsonl".encode(), b"", "empty file")


def commas(rng: random.Random, i: int) -> Case:
    run = rng.choice([",", ",,.", "!", ";", "-", ".,"]) * rng.randint(500, 5000)
    text = _article(rng).replace(" ", " " + run + " ", 1)
    return Case(f"commas_{i}.txt".encode(), text.encode(), "punctuation runs")


def junk_dates(rng: random.Random, i: int) -> Case:
    date = rng.choice(["x", "2024-02-31", "9999-12-31", "0001-01-01", "1677-09-20", -1e20, [], {}])
    record = {"id": f"dt{i}", "date": date, "text": _article(rng)}
    return Case(f"dates_{i}.jsonl".encode(), _jsonl([record]), "junk dates")


def random_bytes(rng: random.Random, i: int) -> Case:
    size = rng.choice([1, 7, 100, 4096, 70_000])
    data = bytes(rng.randrange(256) for _ in range(size))
    ext = rng.choice([".txt", ".jsonl", ".html", ".rss", ".warc", ".gz", ""])
    return Case(f"random_{i}{ext}".encode(), data, "random bytes")


def broken_gzip(rng: random.Random, i: int) -> Case:
    data = bytearray(gzip.compress(_jsonl([{"id": f"g{i}", "text": _article(rng)}] * 3)))
    if rng.random() < 0.5:
        data = data[: rng.randint(2, len(data) - 1)]
    else:
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(10, len(data))] ^= 1 << rng.randrange(8)
    return Case(f"broken_{i}.jsonl.gz".encode(), bytes(data), "broken gzip")


def broken_html(rng: random.Random, i: int) -> Case:
    body = "".join(f"<p>{line}</p>" for line in _article(rng).split("\n"))
    page = f"<!DOCTYPE html><html><head><title>News</title></head><body><article>{body}"
    page += "</article></body></html>"
    cut = page[: rng.randint(5, len(page))]
    if rng.random() < 0.3:
        cut = "<div>" * rng.randint(300, 3000) + cut
    if rng.random() < 0.3:
        cut = cut.replace("<p>", "<p><script>", 1)
    return Case(f"page_{i}.html".encode(), cut.encode(), "broken HTML")


def broken_rss(rng: random.Random, i: int) -> Case:
    items = "".join(
        f"<item><guid>{n}</guid><title>t{n}</title><description>{rng.choice(ARTICLES)}"
        f"</description><pubDate>{rng.choice(['Mon, 04 Mar 2024 10:00:00 GMT', 'soon', ''])}"
        "</pubDate></item>"
        for n in range(rng.randint(1, 4))
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}'
    feed += "</channel></rss>"
    feed = feed[: rng.randint(10, len(feed))] if rng.random() < 0.6 else feed
    if rng.random() < 0.3:
        entity = '<!DOCTYPE x [<!ENTITY a "aaaa">]><title>&a;</title>'
        feed = feed.replace("<title>x</title>", entity)
    return Case(f"feed_{i}.rss".encode(), feed.encode(), "broken RSS")


def broken_warc(rng: random.Random, i: int) -> Case:
    html = f"<html><body><article><p>{_article(rng)}</p></article></body></html>".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
    length = len(http) + rng.choice([0, 0, -10, 50, 10_000])
    record = (
        (
            b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%d>\r\n"
            b"WARC-Target-URI: https://news.example/%d\r\nWARC-Date: 2024-03-01T00:00:00Z\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
            % (i, i, max(0, length))
        )
        + http
        + b"\r\n\r\n"
    )
    data = record * rng.randint(1, 3)
    if rng.random() < 0.5:
        data = data[: rng.randint(8, len(data))]
    if rng.random() < 0.3:
        data = gzip.compress(data)[: rng.randint(10, 400)]
    return Case(f"crawl_{i}.warc".encode(), data, "broken WARC")


def mutated(rng: random.Random, i: int) -> Case:
    text = "\n".join(rng.sample(ARTICLES, rng.randint(1, 3)))
    chars = list(text)
    for _ in range(rng.randint(1, 40)):
        at = rng.randrange(len(chars))
        op = rng.randrange(5)
        if op == 0:
            chars[at] = rng.choice(BIDI + ZERO_WIDTH)
        elif op == 1:
            chars.insert(at, chr(rng.randrange(1, 0x2FFFF)))
        elif op == 2:
            del chars[at]
        elif op == 3:
            chars.insert(at, rng.choice(["\r", "\x0b", "\x1b[31m", "&amp;", "<b>", "\\u0000"]))
        else:
            chars[at] = chars[at].upper()
    text = "".join(chars)
    data = text.encode("utf-8", "replace")
    if rng.random() < 0.3:
        data = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    kind = rng.choice([".txt", ".jsonl"])
    if kind == ".jsonl":
        record = {"id": f"mut{i}", "text": text, "date": "2024-03-0" + str(rng.randint(1, 9))}
        data = _jsonl([record], ascii_only=True)
    return Case(f"mutated_{i}{kind}".encode(), data, "mutated articles")


MAKERS: tuple[Maker, ...] = (
    surrogates,
    bad_name,
    deep_json,
    cut_multibyte,
    long_article,
    markup,
    nuls,
    fifo,
    id_reuse,
    encodings,
    empty_containers,
    commas,
    junk_dates,
    random_bytes,
    broken_gzip,
    broken_html,
    broken_rss,
    broken_warc,
    mutated,
    mutated,
)


def generate(root: Path, *, count: int, seed: int) -> list[tuple[Path, str]]:
    """Write ``count`` cases under ``root/a_cases`` and the sentinel as ``root/z_sentinel.txt``.

    Returns: (path, class) for every case written, the sentinel last.
    """
    rng = random.Random(seed)
    cases_dir = os.fsencode(root / CASES_DIR)
    os.makedirs(cases_dir, exist_ok=True)
    written: list[tuple[Path, str]] = []
    for i in range(count):
        case = MAKERS[i % len(MAKERS)](rng, i)
        path = os.path.join(cases_dir, case.name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if case.data is None:
            os.mkfifo(path)
        else:
            with open(path, "wb") as handle:
                handle.write(case.data)
        written.append((Path(os.fsdecode(path)), case.kind))
    sentinel = root / SENTINEL_NAME
    sentinel.write_text(SENTINEL_TEXT, encoding="utf-8")
    written.append((sentinel, "sentinel"))
    return written
