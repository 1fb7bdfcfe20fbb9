"""cProfile dumps committed under a name that does not say so (`profile.txt`, `train_stats`):
recognised by their content, a marshalled pstats table, never loaded (marshal is not read)."""

from __future__ import annotations

import re

from auditor.facts.files import Unreadable
from auditor.lazy_pattern import LazyPattern

NAMED_LIKE_A_PROFILE = LazyPattern(r"prof|pstat|stats", re.IGNORECASE)
NOT_A_DUMP = LazyPattern(r"\.(py|pyi|md|rst|html?|ipynb|ya?ml|json|toml|cfg|ini|csv|png|jpe?g|gif|svg|webp|pdf"
                        r"|prof|pstats|lock)$", re.IGNORECASE)   # .prof / .pstats: known by their extension already
DICTIONARY = (0x7B, 0xFB)        # marshal's `{`, with or without its reference flag
TUPLE = (0x28, 0x29, 0xA8, 0xA9)  # a tuple or small tuple: the (file, line, function) key of the first entry
FUNCTION_NAMES = (b"<built-in method ", b"<method '", b"<module>")
MAX_DUMPS = 3
MAX_CANDIDATES = 5
MAX_DUMP_BYTES = 8_000_000   # a training run's dump is a few MB; five candidates at most bound the reading


def looks_like_pstats(data: bytes) -> bool:
    """A marshalled dictionary keyed by tuples, naming functions as cProfile does."""
    return (len(data) > 16 and data[0] in DICTIONARY and data[1] in TUPLE
            and any(name in data[:65_536] for name in FUNCTION_NAMES))


def profile_dumps(repo) -> list[str]:
    """Paths of committed cProfile dumps whose name hints at profiling but whose extension does not."""
    candidates = [p for p in repo.files if NAMED_LIKE_A_PROFILE.search(p.rsplit("/", 1)[-1]) and not NOT_A_DUMP.search(p)]
    found = []
    for path in candidates[:MAX_CANDIDATES]:
        try:
            data = repo.file_source.read_bytes(path, MAX_DUMP_BYTES)
        except Unreadable:
            continue
        if looks_like_pstats(data):
            found.append(path)
            if len(found) == MAX_DUMPS:
                break
    return found
