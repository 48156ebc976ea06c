"""The Spark job: read any Hadoop path, code with the Pipeline per partition, write Parquet.

Stages (each a Spark job on the executors, except the duplicate replay on the driver):
1. list the inputs in ``read_articles`` order (listing.py);
2. read: whole files through ``binaryFiles``, JSONL line-split through ``textFile``; clean
   and identify the language of each article (reading.py);
3. stream the texts in read order through the ingest Deduper on the driver (duplicates.py);
4. code each partition with the worker's Pipeline (worker.py) and write, under OUTPUT:
   ``events/`` (Parquet, partitioned by ``day``), ``articles/`` (per-article stats),
   ``warnings/``, ``dyad_day/`` (dyad-day aggregates), ``event_clusters/`` (unique events,
   linked by the store's rule: ``store/clusters.py``), ``mention_links/`` (each event's
   unique event) and ``summary.json``.

Run it with ``realpolitik spark INPUT... OUTPUT`` (wraps spark-submit), or call ``run_job``
with a SparkSession of your own. As a script (what spark-submit runs) see ``main``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pyspark import RDD, StorageLevel
from pyspark.accumulators import Accumulator
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from realpolitik.cli.app import EXIT_CODES
from realpolitik.distributed import columns
from realpolitik.distributed.duplicates import find_duplicates
from realpolitik.distributed.listing import InputFile, hadoop_glob, list_inputs
from realpolitik.distributed.reading import Key, ReadItem, read_jsonl_lines, read_whole_files
from realpolitik.distributed.worker import code_partition, settings_key
from realpolitik.errors import CLIError, Errors, RealpolitikError
from realpolitik.settings import Settings
from realpolitik.store.clusters import MENTION_FIELDS

logger = logging.getLogger(__name__)

TABLES = ("events", "articles", "warnings", "dyad_day", "event_clusters", "mention_links")
# Where the job's events table keeps what the store's events table names otherwise.
_MENTION_SOURCES = {
    "article_id": "doc_id",
    "source_code": "source.code",
    "target_code": "target.code",
    "location_country": "location.country",
}
_MENTION_SELECT = tuple(
    f"{_MENTION_SOURCES[f]} AS {f}" if f in _MENTION_SOURCES else f
    for f in MENTION_FIELDS
    if not f.startswith("cluster_")
)
"""The events-table columns that make a ``clusters.Mention``, in its order."""
SUMMARY = "summary.json"


@dataclass
class JobOptions:
    """Switches of one run.

    partitions: tasks the coding stage is split into (default: twice the default parallelism,
        at least as many as the read stage gave)
    dedupe: link duplicates across the whole input, as ``read_articles`` does
    overwrite: replace an existing OUTPUT (else the job refuses to touch it)
    """

    partitions: int | None = None
    dedupe: bool = True
    clean: bool = True
    overwrite: bool = False


def build_session(master: str | None = None, *, app_name: str = "realpolitik") -> SparkSession:
    """Return a SparkSession whose Python workers run this interpreter.

    master: e.g. ``local[2]``; None keeps what spark-submit or the environment configured
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.ui.showConsoleProgress", "false"
        )
    return builder.getOrCreate()


def run_job(
    spark: SparkSession,
    inputs: list[str],
    output: str,
    *,
    settings: Settings | None = None,
    options: JobOptions | None = None,
) -> dict[str, Any]:
    """Code ``inputs`` (Hadoop paths, directories or globs) into tables under ``output``.

    Returns: the summary written to ``output/summary.json``.
    Raises: CLIError E701 when ``output`` exists and ``overwrite`` is off; E901 when no
        input file could be listed.
    """
    settings = settings or Settings()
    options = options or JobOptions()
    started = time.monotonic()
    sc = spark.sparkContext
    _check_output(spark, output, overwrite=options.overwrite)
    files, list_warnings = list_inputs(sc._jvm, sc._jsc.hadoopConfiguration(), inputs)
    for message in list_warnings:
        logger.warning(message)
    if not files:
        raise CLIError(Errors.E901.format(paths=", ".join(inputs)))
    read = _read_stage(spark, files, settings=settings, clean=options.clean)
    read.persist(StorageLevel.MEMORY_AND_DISK)
    duplicates = _duplicates(read, settings=settings) if options.dedupe else {}
    coded, loads = _code_stage(spark, read, settings=settings, duplicates=duplicates,
                               partitions=options.partitions)  # fmt: skip
    coded.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        summary = _write_tables(spark, read, coded, output, window=settings.cluster_window_days)
    finally:
        coded.unpersist()
        read.unpersist()
    summary.update(
        inputs=len(files),
        listing_warnings=list_warnings,
        pipeline_loads=loads.value,
        seconds=round(time.monotonic() - started, 2),
    )
    _write_text(spark, f"{output.rstrip('/')}/{SUMMARY}", json.dumps(summary, indent=2) + "\n")
    return summary


def _check_output(spark: SparkSession, output: str, *, overwrite: bool) -> None:
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(output)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if fs.exists(path) and not overwrite:
        raise CLIError(Errors.E701.format(path=output))


def _read_stage(
    spark: SparkSession, files: list[InputFile], *, settings: Settings, clean: bool
) -> RDD:
    """Return the RDD of ReadItems of every input file."""
    sc = spark.sparkContext
    parts = []
    whole = {f.uri: f for f in files if not f.lines}
    if whole:
        glob = ",".join(hadoop_glob(uri) for uri in whole)
        records = sc.binaryFiles(glob, minPartitions=sc.defaultParallelism)
        parts.append(
            records.mapPartitions(
                partial(read_whole_files, files=whole, settings=settings, clean=clean)
            )
        )
    for file in (f for f in files if f.lines):
        lines = sc.textFile(hadoop_glob(file.uri), use_unicode=False).zipWithIndex()
        parts.append(
            lines.mapPartitions(
                partial(read_jsonl_lines, file=file, settings=settings, clean=clean)
            )
        )
    return parts[0] if len(parts) == 1 else sc.union(parts)


def _duplicates(read: RDD, *, settings: Settings) -> dict[Key, str]:
    """Stream (key, id, text) to the driver in read order through the ingest Deduper."""
    items = (
        read.filter(lambda item: item.article is not None)
        .map(lambda item: (item.key, item.article.id, item.article.text))
        .sortBy(lambda triple: triple[0])
    )
    return find_duplicates(items.toLocalIterator(prefetchPartitions=True), settings=settings)


def _code_stage(
    spark: SparkSession,
    read: RDD,
    *,
    settings: Settings,
    duplicates: dict[Key, str],
    partitions: int | None,
) -> tuple[DataFrame, Accumulator]:
    """Return the articles DataFrame (events nested) and the pipeline-load accumulator."""
    sc = spark.sparkContext
    articles = read.filter(lambda item: item.article is not None)
    wanted = partitions or max(2 * sc.defaultParallelism, articles.getNumPartitions())
    if wanted != articles.getNumPartitions():
        articles = articles.repartition(wanted)
    loads = sc.accumulator(0)
    shared = sc.broadcast(duplicates)
    key = settings_key(settings)
    batch_size = settings.batch_size

    def code(items: Iterator[ReadItem]) -> Iterator[tuple]:
        return code_partition(items, settings_json=key, duplicates=shared.value,
                              batch_size=batch_size, on_load=lambda: loads.add(1))  # fmt: skip

    rows = articles.mapPartitions(code)
    return spark.createDataFrame(rows, columns.ARTICLE, verifySchema=False), loads


def _warnings_frame(spark: SparkSession, read: RDD) -> DataFrame:
    rows = read.flatMap(
        lambda item: [columns.warning_row(item.key[0], item.key[1], m) for m in item.warnings]
    )
    return spark.createDataFrame(rows, columns.WARNING, verifySchema=False)


def dyad_day(events: DataFrame) -> DataFrame:
    """Return the dyad-day aggregates of an events table (the store's counting rule)."""
    quad = [F.sum((F.col("quad_class") == q).cast("long")).alias(f"n_q{q}") for q in range(1, 5)]
    return (
        events.where(F.col("in_aggregate"))
        .groupBy(F.col("source_key").alias("source"), F.col("target_key").alias("target"), "day")
        .agg(
            F.count(F.lit(1)).alias("n_events"),
            *quad,
            F.coalesce(F.sum("goldstein"), F.lit(0.0)).alias("goldstein_sum"),
            F.count("goldstein").alias("n_goldstein"),
            F.countDistinct("doc_id").alias("n_articles"),
        )
    )


def _write_tables(
    spark: SparkSession, read: RDD, coded: DataFrame, output: str, *, window: int
) -> dict[str, Any]:
    """Write the tables under ``output`` and return the summary figures.

    window: ``cluster_window_days`` of the unique-event rule
    """
    base = output.rstrip("/")
    events = coded.select(F.explode("events").alias("e")).select("e.*")
    coded.drop("events").write.mode("overwrite").parquet(f"{base}/articles")
    events.write.mode("overwrite").partitionBy("day").parquet(f"{base}/events")
    warnings = _warnings_frame(spark, read)
    warnings.write.mode("overwrite").parquet(f"{base}/warnings")
    dyads = dyad_day(spark.read.schema(columns.EVENT).parquet(f"{base}/events"))
    dyads.write.mode("overwrite").parquet(f"{base}/dyad_day")
    clusters, links = unique_events(
        spark, spark.read.schema(columns.EVENT).parquet(f"{base}/events"), window=window
    )
    clusters.write.mode("overwrite").parquet(f"{base}/event_clusters")
    links.write.mode("overwrite").parquet(f"{base}/mention_links")
    return _summary(spark, base)


def unique_events(
    spark: SparkSession, events: DataFrame, *, window: int
) -> tuple[DataFrame, DataFrame]:
    """Return the unique events of an events table (``event_clusters`` rows) and each
    mention's link (event_id, cluster_id, cluster_day), by the store's rule: every group
    (source key, target key, root) is linked from scratch on one executor."""
    from realpolitik.store.clusters import Mention, link_group, singleton_row

    def linked(item: tuple[Any, Any]) -> list[tuple[Any, ...]]:
        return link_group(item[0], [Mention(*m) for m in item[1]], window)

    counted = (
        events.where(F.col("in_aggregate"))
        .selectExpr(*_MENTION_SELECT)
        .rdd.map(lambda r: ((r[3] or "", r[4] or "", r[5]), tuple(r)))
        .groupByKey()
        .flatMap(linked)
    )
    alone = (
        events.where(~F.col("in_aggregate"))
        .selectExpr(*_MENTION_SELECT)
        .rdd.map(lambda r: Mention(*r))
    )
    rows = counted.map(lambda x: x[0]).union(alone.map(singleton_row))
    links = counted.flatMap(lambda x: [(m.event_id, x[0][0], x[0][1]) for m in x[1]]).union(
        alone.map(lambda m: (m.event_id, m.event_id, m.day))
    )
    return (
        spark.createDataFrame(rows, columns.CLUSTER, verifySchema=False),
        spark.createDataFrame(links, columns.LINK, verifySchema=False),
    )


def _summary(spark: SparkSession, base: str) -> dict[str, Any]:
    """Return the run's figures, read back from the written tables."""
    articles = spark.read.parquet(f"{base}/articles")
    totals = articles.agg(
        F.count(F.lit(1)).alias("articles"),
        F.sum(F.col("coded").cast("long")).alias("coded"),
        F.count("duplicate_of").alias("duplicates"),
        F.sum("dropped_lines").alias("dropped_lines"),
        F.sum("n_events").alias("events"),
        F.sum("words").alias("words"),
    ).first()
    summary: dict[str, Any] = {k: int(v or 0) for k, v in totals.asDict().items()}
    summary["languages"] = _counts(articles.groupBy("language").count())
    dropped = articles.select(F.explode("dropped.reason").alias("reason"))
    summary["dropped_by_reason"] = _counts(dropped.groupBy("reason").count())
    warnings = spark.read.parquet(f"{base}/warnings")
    summary["warnings"] = _counts(warnings.groupBy("code").count())
    summary["dyad_days"] = spark.read.parquet(f"{base}/dyad_day").count()
    summary["unique_events"] = spark.read.parquet(f"{base}/event_clusters").count()
    versions = articles.select("coder_version").distinct().collect()
    summary["coder_version"] = sorted(r[0] for r in versions if r[0])
    summary["output"] = base
    return summary


def _counts(frame: DataFrame) -> dict[str, int]:
    return {str(row[0]): int(row[1]) for row in sorted(frame.collect(), key=lambda r: -r[1])}


def _write_text(spark: SparkSession, uri: str, text: str) -> None:
    """Write a small text file to any Hadoop path from the driver."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the job's command line (what ``realpolitik spark`` passes to spark-submit)."""
    parser = argparse.ArgumentParser(prog="realpolitik-spark-job", description=__doc__)
    parser.add_argument("paths", nargs="+", help="INPUT... OUTPUT (Hadoop paths)")
    parser.add_argument("--master", default=None)
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--no-dedupe", action="store_true")
    parser.add_argument("--overwrite", action="store_true")
    parser.add_argument("--actors", action="append", default=[])
    parser.add_argument("--lexicon", action="append", default=[])
    args = parser.parse_args(argv)
    if len(args.paths) < 2:
        raise CLIError(Errors.E703.format(detail="give at least one INPUT and the OUTPUT"))
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the job as spark-submit's application; print the summary; return the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        overrides: dict[str, Any] = {}
        if args.actors:
            overrides["actor_files"] = [Path(p) for p in args.actors]
        if args.lexicon:
            overrides["lexicon_files"] = [Path(p) for p in args.lexicon]
        options = JobOptions(
            partitions=args.partitions, dedupe=not args.no_dedupe, overwrite=args.overwrite
        )
        settings = Settings(**overrides)
        spark = build_session(args.master)
        try:
            summary = run_job(
                spark, args.paths[:-1], args.paths[-1], settings=settings, options=options
            )
        finally:
            spark.stop()
    except RealpolitikError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_CODES.get(exc.code[:2], 1)
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    # spark-submit runs this file as a script: drop its folder from the import path so the
    # package's modules are only reached as realpolitik.distributed.*.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    from realpolitik.distributed.spark import main as job_main

    sys.exit(job_main())
