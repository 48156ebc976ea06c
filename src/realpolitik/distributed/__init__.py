"""Run the realpolitik Pipeline on Apache Spark (optional extra ``realpolitik[spark]``).

``realpolitik.distributed.spark.run_job`` reads JSONL, text, HTML or WARC(.gz) files from any
Hadoop path, codes them with the same ``Pipeline`` inside ``mapPartitions`` (the model is loaded
once per Python worker) and writes events, article stats, warnings and dyad-day aggregates as
Parquet. The pure-Python pieces (reading records, duplicates, coding a partition) import
nothing from pyspark, so they are testable without a JVM.
"""
