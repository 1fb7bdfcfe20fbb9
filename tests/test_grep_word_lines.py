"""grep searches only the lines holding the words a pattern needs: every answer is the one of searching
the whole file, then every line (the way grep read files before)."""

from __future__ import annotations

import re

import pytest

from auditor.facts.repository import MAX_GREP_LINE, Match, Repository, _anchored
from auditor.facts.word_lines import WordLines
from auditor.report.anchors import words_needed


def every_line_grep(text: str, rel: str, source: str, flags: int, limit: int = 20) -> list[Match]:
    """grep of one file as it was: the whole (cut) text searched, then each line."""
    regex = re.compile(source, flags)
    whole_file = regex if flags & re.MULTILINE or not _anchored(source) else re.compile(source, flags | re.MULTILINE)
    cut = "\n".join(line[:MAX_GREP_LINE] for line in text.split("\n"))
    if not whole_file.search(cut):
        return []
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if regex.search(line[:MAX_GREP_LINE]):
            found.append(Match(rel, number, line.strip()[:160]))
            if len(found) >= limit:
                break
    return found


LONG = "x" * (MAX_GREP_LINE - 3)
TEXTS = [
    "gcloud run deploy api\n",
    "nothing here\ngcloud builds submit\n",
    "a\r\ngcloud run deploy\r\nb\rgcloud run deploy x\n",
    "one\x0bgcloud run deploy\x0ctwo\x1cgcloud run deploy\u2028gcloud run deploy\x85end",
    "GCLOUD RUN DEPLOY\n\u0130stanbul gcloud run deploy\nſtreamlit run app.py\n",
    "\u212aubernetes kubectl apply\nKUBECTL apply -f x\n",
    "gcloud run\ndeploy\n",                          # the whole file matches, no line does
    f"{LONG}gcloud run deploy\n{LONG}ab\n",          # a needed word cut by MAX_GREP_LINE
    "\n".join(f"line {n} gcloud run deploy" for n in range(40)),
    " foo\nfoo\n\tfoo bar\n",
    "",
    "\n\n\n",
    "x = 1  # noqa: E501 ✓\nstreamlit run app.py ✓\n",
]
PATTERNS = [
    (r"\bgcloud\s+run\s+deploy\b", re.IGNORECASE),
    (r"\bgcloud\s+run\s+deploy\b", re.IGNORECASE | re.MULTILINE),
    (r"^gcloud\s+run", re.IGNORECASE),
    (r"deploy$", 0),
    (r"streamlit\s+run", re.IGNORECASE),
    (r"kubectl\s+apply|kubernetes", re.IGNORECASE),
    (r"(?<!\s)foo", 0),                                    # a lookbehind that sees the line break in the whole file
    (r"foo(?!\s)", re.IGNORECASE),
    (r"gcloud\s+run\s+deploy(?=\s|$)", re.IGNORECASE),
    (r"istanbul", re.IGNORECASE),
    (r"\bab$", re.IGNORECASE),
    (r"noqa:\s*E\d+", 0),
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("source", "flags"), PATTERNS)
@pytest.mark.parametrize("limit", [1, 20])
def test_grep_finds_the_lines_every_line_search_finds(tmp_path, text, source, flags, limit):
    (tmp_path / "f.txt").write_text(text, encoding="utf-8", newline="")
    read = Repository(tmp_path).text("f.txt").text  # as the auditor decodes it
    assert Repository(tmp_path).grep(re.compile(source, flags), "f.txt", limit=limit) == every_line_grep(
        read, "f.txt", source, flags, limit)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("source", "flags"), PATTERNS)
def test_the_lines_holding_the_words_include_every_matching_line(text, source, flags):
    needed = words_needed(source, flags)
    if not needed:
        pytest.skip("the pattern needs no word: grep reads every line")
    index = WordLines(text)
    regex = re.compile(source, flags)
    matching = [n for n, line in enumerate(text.splitlines()) if regex.search(line[:MAX_GREP_LINE])]
    assert set(matching) <= set(index.lines_holding(needed))
    assert index.lines == text.splitlines()


def test_a_line_is_looked_up_by_its_rarest_group_and_kept_only_with_every_group():
    index = WordLines("run a\nrun gcloud\ngcloud deploy run\ndeploy\n")
    assert index.lines_holding((("run",), ("gcloud",), ("deploy",))) == [2]
    assert index.lines_holding((("gcloud", "deploy"),)) == [1, 2, 3]
    assert index.lines_holding((("absent",),)) == []
