"""Drop page furniture from article text line by line, recording each dropped line and why.

The rules are data (``clean_data/line_rules.yaml``): each category of furniture (adverts, polls,
consent text, newsletter/cookie/share prompts, related-link lists, reader questions, photo
credits) is a set of patterns plus a length limit. On top of the per-line rules the cleaner looks
at position: a dateline-only first line, a poll question beside poll text, poll answer options,
the link titles under a "related" heading, and lines repeated within the document.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from realpolitik.models import Article, DroppedLine
from realpolitik.settings import Settings
from realpolitik.sources.datafile import load_data
from realpolitik.sources.dates import find_dateline

logger = logging.getLogger(__name__)

RULES_PACKAGE = "realpolitik.clean_data"
RULES_FILE = "line_rules.yaml"
DATELINE = "dateline"
REPEATED = "repeated line"
POLL = "poll"
READER_QUESTION = "reader question"
SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]]\s*$")


@dataclass(frozen=True)
class Category:
    """One kind of furniture: patterns that mark a line and the longest line it may be."""

    name: str
    reason: str
    max_words: int
    strong: tuple[re.Pattern[str], ...]
    weak: tuple[re.Pattern[str], ...]
    weak_needed: int
    anchored: bool
    spare_speaker_turns: bool

    def matches(self, line: str, words: int) -> bool:
        """Return whether ``line`` (of ``words`` words) belongs to this category."""
        if words > self.max_words:
            return False
        find = _match_start if self.anchored else _search
        if any(find(pattern, line) for pattern in self.strong):
            return True
        if not self.weak:
            return False
        return sum(1 for pattern in self.weak if find(pattern, line)) >= self.weak_needed


def _search(pattern: re.Pattern[str], line: str) -> bool:
    return pattern.search(line) is not None


def _match_start(pattern: re.Pattern[str], line: str) -> bool:
    return pattern.match(line) is not None


@dataclass
class _Line:
    number: int
    text: str
    words: int
    reason: str | None = None


class LineCleaner:
    """Classify and drop furniture lines; build once per run and call ``clean`` per text."""

    def __init__(self, settings: Settings | None = None, *, rules: dict[str, Any] | None = None):
        self.settings = settings or Settings()
        data = rules if rules is not None else load_data(RULES_PACKAGE, RULES_FILE)
        cap = self.settings.clean_max_furniture_words
        self.categories = [_category(name, spec, cap) for name, spec in data["categories"].items()]
        question = data["question"]
        self.second_person = _any_of(question["second_person"])
        self.poll_words = _any_of(question["poll_words"])
        self.yes_no_starts = {word.lower() for word in question["yes_no_starts"]}
        self.quote_marks = tuple(question["quote_marks"])
        self.option_max_words = int(question["option_max_words"])
        self.related_title_max_words = int(data["related_title_max_words"])
        self.related_reason = data["categories"]["related"]["reason"]
        self.question_max_words = min(int(question["max_words"]), cap)
        self.speaker_turn = _any_of(data["speaker_turn"], flags=0)
        self.table_row_share = float(data["table_row_share"])
        self.body_min_words = int(question["body_min_words"])

    def classify(self, line: str) -> str | None:
        """Return the reason ``line`` is furniture by its own features, or None to keep it."""
        text = line.strip()
        words = len(text.split())
        turn = self.speaker_turn.match(text) is not None
        for category in self.categories:
            if turn and category.spare_speaker_turns:
                continue
            if category.matches(text, words):
                return category.reason
        return None

    def clean(self, text: str) -> tuple[str, list[DroppedLine]]:
        """Return the text without furniture lines and the dropped lines with their reasons.

        Returns: (kept text, dropped lines numbered from 1 in the text as given).
        """
        raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        lines = [
            _Line(number, stripped, len(stripped.split()))
            for number, stripped in ((i + 1, raw.strip()) for i, raw in enumerate(raw_lines))
            if stripped
        ]
        self._mark(lines)
        dropped_numbers = {line.number for line in lines if line.reason}
        kept = [raw for i, raw in enumerate(raw_lines) if i + 1 not in dropped_numbers]
        dropped = [
            DroppedLine(line.text, line.reason, line.number) for line in lines if line.reason
        ]
        return _join(kept), dropped

    def _mark(self, lines: list[_Line]) -> None:
        if not lines:
            return
        if find_dateline(lines[0].text)[1]:
            lines[0].reason = DATELINE
        for line in lines:
            if line.reason is None:
                line.reason = self.classify(line.text)
        self._mark_questions(lines)
        self._mark_related_lists(lines)
        self._mark_repeats(lines)

    def is_reader_question(self, text: str) -> bool:
        """Return whether a line is one question put to the reader (second person, unquoted)."""
        if not text.rstrip().endswith("?") or any(mark in text for mark in self.quote_marks):
            return False
        if self.speaker_turn.match(text):
            return False
        body = text.rstrip()[:-1]
        if re.search(r"[.!?]\s+[A-Z]", body):
            return False
        return self.second_person.search(text) is not None

    def _mark_questions(self, lines: list[_Line]) -> None:
        limit = self.question_max_words
        body_end = self._body_end(lines)
        for index, line in enumerate(lines):
            if line.reason or line.words > limit or not self.is_reader_question(line.text):
                continue
            if self._is_poll(lines, index):
                line.reason = POLL
                self._mark_poll_options(lines, index + 1)
            elif index > body_end:
                line.reason = READER_QUESTION

    def _body_end(self, lines: list[_Line]) -> int:
        """Return the index of the last kept line that reads like article body, else -1."""
        for index in range(len(lines) - 1, -1, -1):
            line = lines[index]
            body = line.reason is None and line.words >= self.body_min_words
            if body and not line.text.rstrip().endswith("?"):
                return index
        return -1

    def _is_poll(self, lines: list[_Line], index: int) -> bool:
        first_word = lines[index].text.split()[0].lower()
        if first_word not in self.yes_no_starts:
            return False
        after = index + 1
        while after < len(lines) and self._is_option(lines[after]):
            after += 1
        neighbours = [*lines[max(0, index - 1) : index + 1], *lines[after : after + 1]]
        return any(self.poll_words.search(line.text) for line in neighbours)

    def _is_option(self, line: _Line) -> bool:
        return line.words <= self.option_max_words and not SENTENCE_END.search(line.text)

    def _mark_poll_options(self, lines: list[_Line], start: int) -> None:
        for line in lines[start:]:
            if line.reason or not self._is_option(line):
                return
            line.reason = POLL

    def _mark_related_lists(self, lines: list[_Line]) -> None:
        in_list = False
        for line in lines:
            if line.reason == self.related_reason:
                in_list = True
                continue
            if not in_list:
                continue
            if line.reason is None and self._looks_like_link_title(line):
                line.reason = self.related_reason
            else:
                in_list = line.reason is not None

    def _looks_like_link_title(self, line: _Line) -> bool:
        if line.words > self.related_title_max_words:
            return False
        return not SENTENCE_END.search(line.text) or line.text.endswith("?")

    def _mark_repeats(self, lines: list[_Line]) -> None:
        """Drop repeated lines that stand alone (furniture injected twice).

        Repeats inside a run of repeated lines, or seen more than ``clean_repeat_max_count``
        times, are templated content (a menu of meals, an interview series) and stay; so do
        speaker turns and table rows. A short line that does not end like a sentence loses
        every copy; a sentence, or a line doubled in place, loses only its later copies.
        """
        min_chars = self.settings.clean_repeat_min_chars
        short = self.settings.clean_repeat_max_words
        keys = [_repeat_key(line.text) for line in lines]
        counts = Counter(key for key in keys if len(key) >= min_chars)
        most = self.settings.clean_repeat_max_count
        repeated = [2 <= counts.get(key, 0) <= most for key in keys]
        seen: set[str] = set()
        for index, (line, key) in enumerate(zip(lines, keys, strict=True)):
            if not repeated[index]:
                continue
            neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(lines)]
            isolated = not any(repeated[i] and keys[i] != key for i in neighbours)
            doubled = any(keys[i] == key for i in neighbours)
            phrase = line.words <= short and not SENTENCE_END.search(line.text) and not doubled
            spared = self.speaker_turn.match(line.text) is not None or self._is_table_row(line)
            if line.reason is None and isolated and not spared and (phrase or key in seen):
                line.reason = REPEATED
            seen.add(key)

    def _is_table_row(self, line: _Line) -> bool:
        tokens = line.text.split()
        figures = sum(1 for token in tokens if any(c.isdigit() for c in token) or token.isupper())
        return figures >= self.table_row_share * len(tokens)


def _category(name: str, spec: dict[str, Any], cap: int) -> Category:
    strong = tuple(_compile(item) for item in spec.get("strong") or [])
    weak = tuple(_compile(item) for item in spec.get("weak") or [])
    return Category(
        name=name,
        reason=str(spec["reason"]),
        max_words=min(int(spec.get("max_words", cap)), cap),
        strong=strong,
        weak=weak,
        weak_needed=int(spec.get("weak_needed", 2)),
        anchored=bool(spec.get("anchored", False)),
        spare_speaker_turns=bool(spec.get("spare_speaker_turns", False)),
    )


def _compile(item: str | dict[str, Any]) -> re.Pattern[str]:
    if isinstance(item, str):
        return re.compile(item, re.IGNORECASE)
    flags = 0 if item.get("case") else re.IGNORECASE
    return re.compile(item["pattern"], flags)


def _any_of(patterns: list[str], *, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


def _repeat_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _join(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_article(article: Article, cleaner: LineCleaner) -> Article:
    """Return a copy of ``article`` with furniture removed and recorded in ``dropped``."""
    text, dropped = cleaner.clean(article.text)
    return replace(article, text=text, dropped=[*article.dropped, *dropped])
