"""One way to write a file whole or not at all, for the auditor's cache and the batch outputs alike."""

from __future__ import annotations

import os
import stat

import pytest

from auditor.batch.cache import write_text_whole
from auditor.user_cache import write_whole
from auditor.whole_file import PRIVATE, SHARED, replace_whole


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _failing(out):
    out.write("half")
    raise ValueError("stopped")


@pytest.mark.parametrize(("mode", "expected"), [(PRIVATE, 0o600), (SHARED, 0o644)])
def test_the_file_is_moved_into_place_with_its_mode_and_no_partial_left(tmp_path, mode, expected):
    old = os.umask(0o022)
    try:
        replace_whole(tmp_path / "sub" / "f.json", lambda out: out.write("{}"), mode=mode)
    finally:
        os.umask(old)
    assert (tmp_path / "sub" / "f.json").read_text() == "{}"
    assert _mode(tmp_path / "sub" / "f.json") == expected
    assert os.listdir(tmp_path / "sub") == ["f.json"]


def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_partial(tmp_path):
    target = tmp_path / "f.json"
    target.write_text("old")
    with pytest.raises(ValueError, match="stopped"):
        replace_whole(target, _failing)
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["f.json"]


def test_the_cache_writer_says_false_where_the_batch_writer_raises(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert write_whole(blocked / "x.json", lambda out: out.write("{}")) is False
    assert write_whole(tmp_path / "f.json", _failing) is False
    with pytest.raises(OSError):
        write_text_whole(blocked / "x.json", "{}")


def test_the_batch_writer_escapes_a_name_that_is_not_utf8(tmp_path):
    write_text_whole(tmp_path / "class.json", '{"latin\udce9": 1}')
    assert (tmp_path / "class.json").read_text(encoding="utf-8") == '{"latin\\udce9": 1}'
