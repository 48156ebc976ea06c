"""Write stored events as Parquet, CSV, JSON Lines or GDELT 2.0 event TSV.

Files are written beside the target under a temporary name and renamed when complete, so an
interrupted export never leaves a half-written file under the requested name. Text formats
may go to standard output with ``-``.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from realpolitik.errors import Errors, StoreError
from realpolitik.store.gdelt import gdelt_line, mention_line
from realpolitik.store.rows import EVENT_COLUMNS, row_to_event
from realpolitik.store.store import EventFilter, Store
from realpolitik.store.unique import COUNT_COLUMNS, unique_events

logger = logging.getLogger(__name__)

_LINK_COLUMNS = ("in_aggregate", "cluster_id", "cluster_day")
FLAT_COLUMNS = tuple(c for c in EVENT_COLUMNS if c not in _LINK_COLUMNS)
"""The flat columns of one mention (``event_id`` is the mention's own id)."""
EVENT_FLAT_COLUMNS = ("event_id", "mention_id", *FLAT_COLUMNS[1:], *COUNT_COLUMNS)
"""The flat columns of one unique event: its id, its best mention's id and columns (with the
event's code, actors, day and confidence laid over them) and its counts."""
MENTION_FLAT_COLUMNS = ("mention_id", "event_id", *FLAT_COLUMNS[1:])
"""The flat columns of one mention with the id of its unique event."""
TABLES = ("events", "mentions")
PARQUET_ROWS = 50_000

_INT_COLUMNS = {
    "sentence_index",
    "quad_class",
    "negated",
    "fatalities",
    "num_mentions",
    "num_sources",
    "num_articles",
}
_FLOAT_COLUMNS = {
    "source_confidence",
    "target_confidence",
    "goldstein",
    "location_lat",
    "location_lon",
    "amount_value",
    "confidence",
}


def _mentions(store: Store, filt: EventFilter | None) -> Iterator[dict[str, Any]]:
    """Yield mention rows with ``mention_id`` (their own id) and ``event_id`` (their event's)."""
    for row in store.event_rows(filt):
        row["mention_id"] = row["event_id"]
        row["event_id"] = row["cluster_id"] or row["mention_id"]
        yield row


def _records(store: Store, filt: EventFilter | None, table: str) -> Iterator[dict[str, Any]]:
    return unique_events(store, filt) if table == "events" else _mentions(store, filt)


def _with_articles(rows: Iterator[dict[str, Any]], store: Store) -> Iterator[dict[str, Any]]:
    """Yield rows with their article's url, ingest time and text length added."""
    while chunk := list(islice(rows, 2000)):
        meta = store.article_meta([r["article_id"] for r in chunk])
        for row in chunk:
            info = meta.get(row["article_id"], {})
            row["url"] = info.get("url")
            row["ingested_at"] = info.get("ingested_at")
            row["doc_len"] = info.get("length")
            yield row


def _json_record(row: dict[str, Any], table: str) -> str:
    data = row_to_event(row).to_dict()
    data["event_id"] = row["event_id"]
    data["mention_id"] = row["mention_id"]
    if table == "events":
        data.update({c: row[c] for c in COUNT_COLUMNS})
    return json.dumps(data, ensure_ascii=False)


def _write_jsonl(store: Store, out: IO[str], filt: EventFilter | None, table: str) -> int:
    count = 0
    for row in _records(store, filt, table):
        out.write(_json_record(row, table) + "\n")
        count += 1
    return count


def flat_columns(table: str) -> tuple[str, ...]:
    """Return the CSV/Parquet columns of ``table`` (events or mentions)."""
    return EVENT_FLAT_COLUMNS if table == "events" else MENTION_FLAT_COLUMNS


def _write_csv(store: Store, out: IO[str], filt: EventFilter | None, table: str) -> int:
    writer = csv.writer(out, lineterminator="\n")
    cols = flat_columns(table)
    writer.writerow(cols)
    count = 0
    for row in _records(store, filt, table):
        writer.writerow([row[c] for c in cols])
        count += 1
    return count


def _write_gdelt(store: Store, out: IO[str], filt: EventFilter | None, table: str) -> int:
    line = gdelt_line if table == "events" else mention_line
    count = 0
    for row in _with_articles(_records(store, filt, table), store):
        out.write(line(row) + "\n")
        count += 1
    return count


def parquet_schema(table: str = "events") -> Any:
    """Return the pyarrow schema of the Parquet export of ``table`` (one column per field)."""
    import pyarrow as pa

    def kind(name: str) -> Any:
        if name in _INT_COLUMNS:
            return pa.int64()
        return pa.float64() if name in _FLOAT_COLUMNS else pa.string()

    return pa.schema([(c, kind(c)) for c in flat_columns(table)])


def _write_parquet(store: Store, path: Path, filt: EventFilter | None, table: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(table)
    cols = flat_columns(table)
    count = 0
    rows = _records(store, filt, table)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while chunk := list(islice(rows, PARQUET_ROWS)):
            columns = {c: [r[c] for r in chunk] for c in cols}
            writer.write_table(pa.table(columns, schema=schema))
            count += len(chunk)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


TextWriter = Callable[[Store, IO[str], EventFilter | None, str], int]
TEXT_FORMATS: dict[str, TextWriter] = {
    "jsonl": _write_jsonl,
    "csv": _write_csv,
    "gdelt": _write_gdelt,
}
FORMATS = ("parquet", *TEXT_FORMATS)


def mentions_path(path: Path) -> Path:
    """Return where the GDELT mentions file goes beside the events file ``path``
    (``x.export.CSV`` → ``x.mentions.CSV``; ``events.tsv`` → ``events.mentions.tsv``)."""
    if ".export." in path.name:
        return path.with_name(path.name.replace(".export.", ".mentions.", 1))
    return path.with_name(f"{path.stem}.mentions{path.suffix}")


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(Errors.E508.format(path=path, detail=exc.strerror or exc)) from None
    finally:
        if tmp.exists():
            tmp.unlink()


def export_events(
    store: Store,
    out: str | Path,
    *,
    fmt: str,
    filt: EventFilter | None = None,
    table: str = "events",
) -> int:
    """Write the matching unique events (or mentions) to ``out`` in format ``fmt``; return
    how many records were written.

    out: a file path, or '-' for standard output (text formats only)
    fmt: parquet, csv, jsonl or gdelt (GDELT 2.0 TSV, no header: the 61-column event table,
        and, for ``table`` events written to a file, the mentions table beside it)
    table: ``events`` (one record per unique event) or ``mentions`` (every report, with the
        id of its event)
    Raises: StoreError E504 (unknown format or table), E508 (cannot write ``out``), E501, E502.
    """
    if fmt not in FORMATS:
        raise StoreError(Errors.E504.format(fmt=fmt, known=", ".join(FORMATS)))
    if table not in TABLES:
        raise StoreError(Errors.E504.format(fmt=f"table {table}", known=", ".join(TABLES)))
    if str(out) == "-":
        if fmt == "parquet":
            raise StoreError(Errors.E508.format(path="-", detail="Parquet needs a file path"))
        return TEXT_FORMATS[fmt](store, sys.stdout, filt, table)
    path = Path(out)
    if not path.parent.is_dir():
        raise StoreError(Errors.E508.format(path=path, detail="no such directory"))
    if fmt == "gdelt" and table == "events":
        _write_file(store, mentions_path(path), fmt, filt, "mentions")
    count = _write_file(store, path, fmt, filt, table)
    logger.info("exported %d %s from %s to %s (%s)", count, table, store.label, path, fmt)
    return count


def _write_file(store: Store, path: Path, fmt: str, filt: EventFilter | None, table: str) -> int:
    with _atomic(path) as tmp:
        if fmt == "parquet":
            return _write_parquet(store, tmp, filt, table)
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            return TEXT_FORMATS[fmt](store, handle, filt, table)
