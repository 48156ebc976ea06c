"""One BLAS for every matrix product: numpy's OpenBLAS, one thread per process.

spaCy's models multiply through thinc's ``NumpyOps``, which calls the BLIS library bundled with
the ``blis`` wheel. That wheel's run-time kernel choice falls back to BLIS's generic reference
kernel on CPUs it does not recognise by model number (virtual machines report "AMD EPYC" with
no model), and the generic kernel is about three times slower than numpy's OpenBLAS, which
chooses its kernel by the CPU's features (AVX2, FMA). ``numpy_ops`` gives thinc's numpy
operations with every ``gemm`` done by numpy instead; the parser's transition loop keeps its own
compiled BLIS call (thinc gives Python no way to swap it).
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache
from pathlib import Path

from thinc.api import NumpyOps

# The thread-count setters of the OpenBLAS builds numpy ships (64-bit-int wheels first).
BLAS_THREAD_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


@cache
def numpy_ops() -> NumpyOps:
    """Return thinc's numpy operations with matrix products done by numpy (``use_blis=False``)."""
    return NumpyOps(use_blis=False)


def single_threaded_blas() -> bool:
    """Make numpy's OpenBLAS run one thread in this process; return True when it was set.

    realpolitik parallelises by processes (``distributed.local``). A threaded OpenBLAS spins its
    helper threads after each call, which for the small products of a parser or a phrase
    classifier cost several times the product's own CPU time and keep the cores busy for the
    other worker. Looks for the loaded library in ``/proc/self/maps`` (Linux); elsewhere it
    does nothing.
    """
    maps = Path("/proc/self/maps")
    if not sys.platform.startswith("linux") or not maps.is_file():
        return False
    paths = {line.split()[-1] for line in maps.read_text().splitlines() if "openblas" in line}
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in BLAS_THREAD_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(1)
                return True
    return False
