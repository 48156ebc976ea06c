"""The `spark` command: run the Spark job through spark-submit (optional extra [spark])."""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from realpolitik.cli.app import app, run_safely
from realpolitik.errors import CLIError, Errors

logger = logging.getLogger(__name__)


def find_spark_submit() -> str:
    """Return the spark-submit to run: $SPARK_HOME's, else pyspark's own, else PATH's.

    Raises: CLIError E702 when pyspark is not installed.
    """
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        raise CLIError(Errors.E702.format(detail="the pyspark package is missing"))
    candidates = []
    if os.environ.get("SPARK_HOME"):
        candidates.append(Path(os.environ["SPARK_HOME"]) / "bin" / "spark-submit")
    candidates.append(Path(spec.origin).parent / "bin" / "spark-submit")
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("spark-submit")
    if found is None:
        raise CLIError(Errors.E702.format(detail="no spark-submit found"))
    return found


def job_script() -> str:
    """Return the path of the job file spark-submit runs."""
    spec = importlib.util.find_spec("realpolitik.distributed.spark")
    if spec is None or spec.origin is None:
        raise CLIError(Errors.E702.format(detail="realpolitik.distributed is missing"))
    return spec.origin


def submit_command(
    inputs: list[str],
    output: str,
    *,
    master: str,
    python: str | None = None,
    conf: list[str] | None = None,
    partitions: int | None = None,
    dedupe: bool = True,
    overwrite: bool = False,
    actors: list[Path] | None = None,
    lexicon: list[Path] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Return the spark-submit command line and environment for one run.

    python: interpreter of the executors (default: this one, right for local masters)
    conf: extra ``key=value`` Spark settings
    """
    env = dict(os.environ)
    env.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    env["PYSPARK_PYTHON"] = python or env.get("PYSPARK_PYTHON") or sys.executable
    command = [find_spark_submit(), "--master", master, "--name", "realpolitik"]
    defaults = ["spark.ui.showConsoleProgress=false", "spark.log.level=WARN"]
    if master.startswith("local"):
        env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        defaults.append("spark.driver.bindAddress=127.0.0.1")
    for item in [*defaults, *(conf or [])]:
        command += ["--conf", item]
    command += [job_script(), *inputs, output]
    if partitions:
        command += ["--partitions", str(partitions)]
    if not dedupe:
        command.append("--no-dedupe")
    if overwrite:
        command.append("--overwrite")
    for path in actors or []:
        command += ["--actors", str(path)]
    for path in lexicon or []:
        command += ["--lexicon", str(path)]
    return command, env


@app.command("spark")
def spark_cmd(
    paths: Annotated[
        list[str],
        typer.Argument(help="INPUT... OUTPUT: files, directories or globs on any Hadoop path."),
    ],
    master: Annotated[
        str, typer.Option("--master", help="Spark master: local[N], yarn, k8s://..., spark://...")
    ] = "local[2]",
    python: Annotated[
        str | None, typer.Option("--python", help="Executors' Python (default: this one).")
    ] = None,
    conf: Annotated[
        list[str] | None, typer.Option("--conf", help="Extra Spark setting key=value.")
    ] = None,
    partitions: Annotated[
        int | None, typer.Option("--partitions", min=1, help="Tasks of the coding stage.")
    ] = None,
    dedupe: Annotated[
        bool, typer.Option("--dedupe/--no-dedupe", help="Link duplicates across all input.")
    ] = True,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing OUTPUT.")
    ] = False,
    actors: Annotated[
        list[Path] | None, typer.Option("--actors", help="User actor YAML file(s).")
    ] = None,
    lexicon: Annotated[
        list[Path] | None, typer.Option("--lexicon", help="User lexicon YAML file(s).")
    ] = None,
) -> None:
    """Code articles on Spark: events (Parquet by day), article stats, dyad-day aggregates."""

    def run() -> int:
        if len(paths) < 2:
            raise CLIError(Errors.E703.format(detail="give at least one INPUT and the OUTPUT"))
        command, env = submit_command(
            paths[:-1], paths[-1], master=master, python=python, conf=conf,
            partitions=partitions, dedupe=dedupe, overwrite=overwrite, actors=actors,
            lexicon=lexicon,
        )  # fmt: skip
        logger.info("running %s", " ".join(command))
        return subprocess.run(command, env=env, check=False).returncode

    status = run_safely(run)
    if status:
        raise typer.Exit(status)
