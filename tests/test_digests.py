"""The digests the auditor keeps or compares are hashlib's, byte for byte."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from auditor.digests import git_blob_id, sha1, sha256

SAMPLES = [b"", b"x", b"\x00\xff" * 1000, "é → 漢".encode("utf-8"), bytes(range(256)) * 300]


@pytest.mark.parametrize("data", SAMPLES)
def test_the_same_digests_as_hashlib(data):
    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert sha1(data).hexdigest() == hashlib.sha1(data).hexdigest()


@pytest.mark.parametrize("data", SAMPLES[:4])
def test_git_blob_id_is_what_git_hash_object_says(data):
    done = subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True)
    assert git_blob_id(data) == done.stdout.decode().strip()
