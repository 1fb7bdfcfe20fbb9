"""SHA-1 and SHA-256 without importing `hashlib`, whose OpenSSL binding costs ~2.5 ms at every start.

CPython builds its own implementations of both (the modules `hashlib` itself falls back on); they
give the same digests as hashlib's, so stored names and fingerprints do not change. Where they are
not built (another interpreter or build, `_sha2` since 3.12), hashlib's are used.
"""

from __future__ import annotations

try:
    from _sha256 import sha256
except ImportError:
    try:
        from _sha2 import sha256
    except ImportError:
        from hashlib import sha256

try:
    from _sha1 import sha1
except ImportError:
    from hashlib import sha1

__all__ = ["sha1", "sha256", "git_blob_id"]


def git_blob_id(data: bytes) -> str:
    """The object id git gives a blob with this content (`git hash-object`)."""
    return sha1(b"blob %d\0" % len(data) + data).hexdigest()
