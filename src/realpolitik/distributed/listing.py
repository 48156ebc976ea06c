"""List the input files of a Spark job through Hadoop's FileSystem API, in ``read_articles`` order.

Runs on the driver. A directory is walked recursively and sorted by its path parts, hidden
entries skipped, and every file gets the same id stem ``read_articles`` would give it (the path
relative to the directory, or the file name), so article ids match a single-process run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from realpolitik.errors import Errors

logger = logging.getLogger(__name__)

#: File names (after an optional .gz) that are read line by line, split across tasks.
LINE_SUFFIXES = (".jsonl", ".ndjson", ".json")
#: Characters Hadoop reads as glob syntax or as a path-list separator in input paths.
GLOB_CHARS = "\\*?[]{}"


@dataclass(frozen=True)
class InputFile:
    """One file of the job, in global read order.

    index: position in the order ``read_articles`` would read it
    uri: Hadoop path string (``file:/...``, ``hdfs://...``, ``s3a://...``)
    name: the path as the user gave it, for warnings and ``Article.source``
    stem: the id base for whole-file articles (file name, or path under a given directory)
    lines: read as JSONL, line by line (else whole and sniffed like ``read_articles``)
    """

    index: int
    uri: str
    name: str
    stem: str
    lines: bool


def is_line_file(name: str) -> bool:
    """Return whether a file is read line by line as JSONL (by its name, .gz ignored)."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return lower.endswith(LINE_SUFFIXES)


def hadoop_glob(uri: str) -> str:
    """Return ``uri`` with Hadoop glob characters escaped, so it names exactly one file."""
    return "".join("\\" + char if char in GLOB_CHARS else char for char in uri)


def list_inputs(jvm: Any, hadoop_conf: Any, paths: list[str]) -> tuple[list[InputFile], list[str]]:
    """Expand ``paths`` (files, directories or Hadoop globs) into ordered InputFiles.

    jvm, hadoop_conf: ``sc._jvm`` and ``sc._jsc.hadoopConfiguration()`` of the driver
    Returns: the files and the coded warnings (E101 for a path that matches nothing, E114 for a
        file Hadoop cannot take as input).
    """
    files: list[InputFile] = []
    warnings: list[str] = []
    for given in paths:
        found, missing = _expand(jvm, hadoop_conf, given)
        if missing:
            warnings.append(Errors.E101.format(path=given))
        for uri, name, stem in found:
            problem = _unreadable(uri)
            if problem:
                warnings.append(Errors.E114.format(path=name, detail=problem))
            else:
                files.append(InputFile(len(files), uri, name, stem, is_line_file(uri)))
    return files, warnings


def _expand(jvm: Any, hadoop_conf: Any, given: str) -> tuple[list[tuple[str, str, str]], bool]:
    """Return (uri, name, stem) of the files a given path stands for, and whether it is missing."""
    hadoop_path = jvm.org.apache.hadoop.fs.Path(given)
    fs = hadoop_path.getFileSystem(hadoop_conf)
    matches = fs.globStatus(hadoop_path)
    if not matches:
        return [], True
    found: list[tuple[str, str, str]] = []
    for status in matches:
        if status.isDirectory():
            found.extend(_walk(fs, status.getPath(), given))
        else:
            uri = status.getPath().toString()
            name = given if len(matches) == 1 else _join(given, PurePosixPath(uri).name)
            found.append((uri, name, PurePosixPath(uri).name))
    return found, False


def _walk(fs: Any, root: Any, given: str) -> list[tuple[str, str, str]]:
    """Return (uri, name, stem) of the files under ``root``, sorted by parts, hidden skipped."""
    prefix = root.toString().rstrip("/") + "/"
    entries: list[tuple[tuple[str, ...], str]] = []
    listing = fs.listFiles(root, True)
    while listing.hasNext():
        uri = listing.next().getPath().toString()
        relative = uri[len(prefix) :] if uri.startswith(prefix) else PurePosixPath(uri).name
        parts = tuple(relative.split("/"))
        if any(part.startswith(".") for part in parts):
            continue
        entries.append((parts, uri))
    entries.sort()
    return [(uri, _join(given, "/".join(parts)), "/".join(parts)) for parts, uri in entries]


def _join(given: str, relative: str) -> str:
    return given.rstrip("/") + "/" + relative


def _unreadable(uri: str) -> str | None:
    """Return why Hadoop's input formats would not take this file, or None."""
    name = PurePosixPath(uri).name
    if name.startswith("_"):
        return "Hadoop input formats hide files whose name starts with '_'"
    if "," in uri:
        return "Hadoop input path lists cannot hold a name with a comma"
    return None
