"""Compiled Jinja templates kept between runs, so that a build does not compile the same
twenty templates each time (about 0.2 s, a tenth of a demo build).

Jinja's own file cache, in its private folder under the system's temporary directory (created
mode 0700 and refused unless this user owns it), keyed by template and checked against each
template's source, Jinja's and Python's version. Never in the vault: a folder that travels with
a vault is not a place to load code from. A cache that cannot be made, read or written only
means compiling again.
"""

from __future__ import annotations

import contextlib
import pickle
from functools import cache

from jinja2 import BytecodeCache, FileSystemBytecodeCache
from jinja2.bccache import Bucket


class _QuietCache(FileSystemBytecodeCache):
    """Jinja's file cache, where trouble with the folder means compiling, not failing."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def compiled_templates() -> BytecodeCache | None:
    """The cache to pass as an Environment's `bytecode_cache` (None when none can be had)."""
    try:
        return _QuietCache()
    except (OSError, RuntimeError):
        return None
