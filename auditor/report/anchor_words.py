"""The words report.anchors reads from a pattern's source, kept across runs in the user's cache: a run
looks them up instead of reading ~800 sources again (~4 ms).

The file is stamped with the Python version and a checksum of anchors.py's own source, so a changed
reader never answers from words an older one read. Anything missing, stale, corrupt or of the wrong
shape is read again: only speed changes. Only the auditor's own patterns come here.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from auditor.user_cache import KeptAcrossRuns, cache_folder

FORMAT = 1
READER_SOURCE = Path(__file__).with_name("anchors.py")
_MISSING = object()
# Past this many stored answers (tests and other versions leave some), those this run did not ask for make way.
MAX_STORED = 4000


def kept_across_runs(kind: str, restore: Callable[[Any], Any]) -> Callable:
    """Decorates a reader of words taking (source, flags...): its answer is looked up in the stored
    words first (rebuilt by `restore`, which raises on a wrong shape), else read and learned."""
    def decorate(read: Callable) -> Callable:
        @wraps(read)
        def remembered(*args):
            key = "\x00".join((kind, *map(str, args)))
            stored = KEPT.get(key, _MISSING)
            if stored is not _MISSING:
                try:
                    return restore(stored)
                except (TypeError, ValueError):
                    pass
            words = read(*args)
            KEPT.learn(key, words)
            return words
        return remembered
    return decorate


def groups(stored: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(words(group) for group in _sequence(stored))


def words_or_none(stored: Any) -> tuple[str, ...] | None:
    return None if stored is None else words(stored)


def words(stored: Any) -> tuple[str, ...]:
    found = tuple(_sequence(stored))
    if not all(isinstance(word, str) and word for word in found):
        raise ValueError("not words")
    return found


def _sequence(stored: Any) -> list[Any] | tuple[Any, ...]:
    """A stored sequence: `marshal` gives back the tuples a reader returned, as tuples."""
    if not isinstance(stored, (list, tuple)):
        raise TypeError("not a sequence")
    return stored


def words_file() -> Path | None:
    """One file per version of the reader (helpers of other versions keep theirs beside it)."""
    base, checksum = cache_folder(), _stamp()[2]
    return None if base is None or checksum is None else base / f"anchor-words-{checksum:08x}.marshal"


@lru_cache(maxsize=1)
def _stamp() -> list[Any]:
    try:
        checksum = zlib.crc32(READER_SOURCE.read_bytes())
    except OSError:
        checksum = None
    return [FORMAT, sys.version, checksum]


KEPT = KeptAcrossRuns(lambda: words_file(), lambda: _stamp(), "words", MAX_STORED, family="anchor-words-*")
store_learned = KEPT.store_learned
