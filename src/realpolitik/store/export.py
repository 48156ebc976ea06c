"""Write stored events as Parquet, CSV, JSON Lines or GDELT 2.0 event TSV.

Files are written beside the target under a temporary name and renamed when complete, so an
interrupted export never leaves a half-written file under the requested name. Text formats
may go to standard output with ``-``.
"""

from __future__ import annotations

import csv
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from realpolitik.errors import Errors, StoreError
from realpolitik.store.gdelt import gdelt_line
from realpolitik.store.rows import EVENT_COLUMNS, row_to_event
from realpolitik.store.store import EventFilter, Store

logger = logging.getLogger(__name__)

FLAT_COLUMNS = tuple(c for c in EVENT_COLUMNS if c != "in_aggregate")
PARQUET_ROWS = 50_000

_INT_COLUMNS = {"sentence_index", "quad_class", "negated", "fatalities"}
_FLOAT_COLUMNS = {
    "source_confidence",
    "target_confidence",
    "goldstein",
    "location_lat",
    "location_lon",
    "amount_value",
    "confidence",
}


def _rows_with_articles(store: Store, filt: EventFilter | None) -> Iterator[dict[str, Any]]:
    """Yield event rows with their article's url and ingest time added."""
    rows = store.event_rows(filt)
    while chunk := list(islice(rows, 2000)):
        meta = store.article_meta([r["article_id"] for r in chunk])
        for row in chunk:
            info = meta.get(row["article_id"], {})
            row["url"] = info.get("url")
            row["ingested_at"] = info.get("ingested_at")
            yield row


def _write_jsonl(store: Store, out: IO[str], filt: EventFilter | None) -> int:
    count = 0
    for row in store.event_rows(filt):
        out.write(row_to_event(row).to_json() + "\n")
        count += 1
    return count


def _write_csv(store: Store, out: IO[str], filt: EventFilter | None) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FLAT_COLUMNS)
    count = 0
    for row in store.event_rows(filt):
        writer.writerow([row[c] for c in FLAT_COLUMNS])
        count += 1
    return count


def _write_gdelt(store: Store, out: IO[str], filt: EventFilter | None) -> int:
    count = 0
    for row in _rows_with_articles(store, filt):
        out.write(gdelt_line(row) + "\n")
        count += 1
    return count


def parquet_schema() -> Any:
    """Return the pyarrow schema of the Parquet export (one column per flat event field)."""
    import pyarrow as pa

    def kind(name: str) -> Any:
        if name in _INT_COLUMNS:
            return pa.int64()
        return pa.float64() if name in _FLOAT_COLUMNS else pa.string()

    return pa.schema([(c, kind(c)) for c in FLAT_COLUMNS])


def _write_parquet(store: Store, path: Path, filt: EventFilter | None) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    rows = store.event_rows(filt)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while chunk := list(islice(rows, PARQUET_ROWS)):
            columns = {c: [r[c] for r in chunk] for c in FLAT_COLUMNS}
            writer.write_table(pa.table(columns, schema=schema))
            count += len(chunk)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


TextWriter = Callable[[Store, IO[str], EventFilter | None], int]
TEXT_FORMATS: dict[str, TextWriter] = {
    "jsonl": _write_jsonl,
    "csv": _write_csv,
    "gdelt": _write_gdelt,
}
FORMATS = ("parquet", *TEXT_FORMATS)


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
    store: Store, out: str | Path, *, fmt: str, filt: EventFilter | None = None
) -> int:
    """Write the matching events to ``out`` in format ``fmt``; return how many were written.

    out: a file path, or '-' for standard output (text formats only)
    fmt: parquet, csv, jsonl or gdelt (GDELT 2.0 event TSV, 61 columns, no header)
    Raises: StoreError E504 (unknown format), E508 (cannot write ``out``), E501, E502.
    """
    if fmt not in FORMATS:
        raise StoreError(Errors.E504.format(fmt=fmt, known=", ".join(FORMATS)))
    if str(out) == "-":
        if fmt == "parquet":
            raise StoreError(Errors.E508.format(path="-", detail="Parquet needs a file path"))
        return TEXT_FORMATS[fmt](store, sys.stdout, filt)
    path = Path(out)
    if not path.parent.is_dir():
        raise StoreError(Errors.E508.format(path=path, detail="no such directory"))
    with _atomic(path) as tmp:
        if fmt == "parquet":
            count = _write_parquet(store, tmp, filt)
        else:
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                count = TEXT_FORMATS[fmt](store, handle, filt)
    logger.info("exported %d events from %s to %s (%s)", count, store.label, path, fmt)
    return count
