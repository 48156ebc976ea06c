"""Code the articles of one Spark partition with the Pipeline loaded once per Python worker.

A Python worker process runs many tasks; loading spaCy and the knowledge bases for each would
cost seconds a task. ``worker_pipeline`` therefore keeps the worker's loaded Pipeline in a
module-level dict keyed by the settings it was built from. That dict is the Spark worker's
"loaded pipeline object": the one process-global state the project allows, and only here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from realpolitik.distributed.columns import article_row
from realpolitik.distributed.reading import Key, ReadItem
from realpolitik.settings import Settings

if TYPE_CHECKING:
    from realpolitik.pipeline import Pipeline

logger = logging.getLogger(__name__)

_PIPELINES: dict[str, Pipeline] = {}


def settings_key(settings: Settings) -> str:
    """Return the settings as compact, key-sorted JSON: what a worker rebuilds them from."""
    return json.dumps(settings.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def worker_pipeline(key: str, *, on_load: Callable[[], None] | None = None) -> Pipeline:
    """Return this worker's Pipeline for settings ``key``, loading it on first use.

    on_load: called once when the pipeline is loaded (the job counts loads with it)
    """
    pipeline = _PIPELINES.get(key)
    if pipeline is None:
        import realpolitik

        pipeline = realpolitik.load(Settings(**json.loads(key)))
        _PIPELINES[key] = pipeline
        if on_load is not None:
            on_load()
    return pipeline


def keep_pipeline(pipeline: Pipeline) -> str:
    """Make an already loaded Pipeline this process's worker pipeline; return its settings key.

    Processes forked afterwards inherit it and load nothing.
    """
    key = settings_key(pipeline.settings)
    _PIPELINES.setdefault(key, pipeline)
    return key


def code_partition(
    items: Iterable[ReadItem],
    *,
    settings_json: str,
    duplicates: dict[Key, str],
    batch_size: int | None = None,
    on_load: Callable[[], None] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Code the articles of a partition; yield one articles-table row per article, in order.

    duplicates: {key: original id} decided on the driver; those articles are not coded
    Yields: ``columns.ARTICLE`` rows, each holding its events.
    """
    pipeline = worker_pipeline(settings_json, on_load=on_load)
    version = pipeline.version
    keyed: dict[int, ReadItem] = {}

    def articles() -> Iterator[Any]:
        for item in items:
            if item.article is None:
                continue
            item.article.duplicate_of = duplicates.get(item.key)
            keyed[id(item.article)] = item
            yield item.article

    for article, events in pipeline.pipe(articles(), batch_size=batch_size):
        item = keyed.pop(id(article))
        coded = pipeline.codable(article)
        yield article_row(
            article, events, record=item.key[1], words=item.words, coded=coded,
            coder_version=version,
        )  # fmt: skip
