"""Literal words every match of a regex contains, read from its source without compiling it.

A substring test on the lowered text then rules a pattern out before it is compiled or
searched. The reading is conservative: what it cannot tell is required, it does not require.
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor.lazy_pattern import LazyPattern
from auditor.report.anchor_words import groups, kept_across_runs, words_or_none

LITERAL_RUN = LazyPattern(r"[A-Za-z0-9]{2,}(?![?*{])")
# A pattern's source in the pieces its readers take, cut by one compiled scanner rather than a Python
# loop over each character: (1) what is never literal text, an escape (with the digits of a numeric
# one, up to 8 hex digits as in `\x41`, `\101`, `\1`, or the name of `\N{...}`) or a character class
# (its first `]` ends it); (2) a syntax character the readers act on; (3) a run of other characters.
_ESCAPE = r"\\(?:[xuU0-9][0-9a-fA-F]{0,8}|N\{[^}]*\}?|.?)"
PIECE = LazyPattern(rf"({_ESCAPE}|\[(?:{_ESCAPE}|[^\]\\])*\]?)|([(){{}}|])|([^\\\[(){{}}|]+)", re.DOTALL)

# The characters other than ASCII that an IGNORECASE pattern's ASCII letters match (the dotted
# and dotless i, the long s, the Kelvin sign), as those letters: a folded text then holds every
# word a match of the pattern holds (`str.lower` alone turns "İ" into two characters).
IGNORECASE = int(re.IGNORECASE)
ASCII_CASE_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


FOLDED_BEYOND_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def folded(text: str) -> str:
    """The text lowered, with the characters beyond ASCII that match an ASCII letter read as that letter
    (translated only when the text holds one: a translation looks up every character)."""
    if text.isascii() or not any(char in text for char in FOLDED_BEYOND_ASCII):
        return text.lower()
    return text.translate(ASCII_CASE_FOLD).lower()


def may_match(source: str, folded_text: str, flags: int = re.IGNORECASE) -> bool:
    """False when the text (as folded() gives it) lacks a word every match of the pattern needs."""
    return may_hold(source, flags, folded_text, True)


def may_search(pattern, text: str) -> bool:
    """False when `pattern` (compiled or lazy) cannot match anywhere in the text."""
    if not words_needed(pattern.pattern, pattern.flags):
        return True
    return may_hold(pattern.pattern, pattern.flags, text.lower(), text.isascii())


def search_if_possible(pattern, text: str) -> re.Match[str] | None:
    """`pattern.search(text)`; a lazy pattern not compiled yet is neither compiled nor searched
    for a text that lacks a word every match needs (once compiled, it is searched at once)."""
    if _not_compiled(pattern) and not may_search(pattern, text):
        return None
    return pattern.search(text)


def match_if_possible(pattern, text: str) -> re.Match[str] | None:
    """`pattern.match(text)`, ruled out as search_if_possible rules a search out."""
    if _not_compiled(pattern) and not may_search(pattern, text):
        return None
    return pattern.match(text)


def _not_compiled(pattern) -> bool:
    return isinstance(pattern, LazyPattern) and "compiled" not in vars(pattern)


def may_hold(source: str, flags: int, lowered: str, ascii: bool) -> bool:
    """False when the text (given lowered, and whether it is ASCII or folded) lacks a word every match
    of the pattern needs. Under IGNORECASE a text beyond ASCII lowered only is not ruled out: there `ſ`
    matches `s`, and `İ` matches `i`, which lowering does not show (folding does)."""
    if not ascii and int(flags) & IGNORECASE:   # int: a RegexFlag's own `&` runs in Python
        return True
    return holds_words(words_needed(source, flags), lowered)


@lru_cache(maxsize=1024)
@kept_across_runs("needed", groups)
def words_needed(source: str, flags: int) -> tuple[tuple[str, ...], ...]:
    """all_required_words, none read for a verbose pattern (its spaces and comments are no text)
    nor for one that may set flags inline (`(?i)`, `(?x:`)."""
    if flags & re.VERBOSE or _may_set_flags(source):
        return ()
    return all_required_words(source)


INLINE_FLAG_LETTERS = frozenset("aiLmsux-")


def _may_set_flags(source: str) -> bool:
    start = source.find("(?")
    while start != -1:
        if source[start + 2:start + 3] in INLINE_FLAG_LETTERS:
            return True
        start = source.find("(?", start + 1)
    return False


def holds_words(needed: tuple[tuple[str, ...], ...], lowered: str) -> bool:
    """Whether the lowered text holds a word of each group. Asked ~4,000 times an audit: plain loops,
    half the time of `all(any(...))`, which makes a generator for every group."""
    for either in needed:
        for word in either:
            if word in lowered:
                break
        else:
            return False
    return True


@lru_cache(maxsize=2048)
@kept_across_runs("all", groups)
def all_required_words(source: str) -> tuple[tuple[str, ...], ...]:
    """Groups of lowercase words: every match contains a word of each group."""
    if len(_split_top(source, "|")) > 1:
        either = required_words(source)
        return () if either is None else (either,)
    literal, groups = _top_level(source)
    needed = [(run.lower(),) for run in LITERAL_RUN.findall(literal)]
    needed += [either for group in groups if (either := required_words(group)) is not None]
    return tuple(needed)


@lru_cache(maxsize=4096)
@kept_across_runs("either", words_or_none)
def required_words(source: str) -> tuple[str, ...] | None:
    """Lowercase words one of which every match contains; None when the source guarantees none."""
    branches = _split_top(source, "|")
    if len(branches) > 1:
        found = [required_words(branch) for branch in branches]
        return None if None in found else tuple(w for words in found for w in words)
    literal, groups = _top_level(source)
    runs = LITERAL_RUN.findall(literal)
    if runs:
        return (max(runs, key=len).lower(),)
    for group in groups:
        inner = required_words(group)
        if inner is not None:
            return inner
    return None


def _top_level(source: str) -> tuple[str, list[str]]:
    """The pattern's top-level literal text (groups, classes, escapes and optional parts
    blanked) and its required groups' contents (no lookarounds, no optional groups)."""
    out, groups, depth, start, in_count, end = [], [], 0, 0, False, 0
    for other, syntax, text in PIECE.findall(source):
        piece = other or syntax or text
        index, end = end, end + len(piece)
        blank = True
        if other:
            pass
        elif in_count:  # a `{0,40}` quantifier's digits are no literal text
            in_count = syntax != "}"
        elif syntax == "{":  # kept, so that the literal run before it is known to be counted
            in_count = True
            blank = depth > 0
        elif syntax == "(":
            depth += 1
            start = end if depth == 1 else start
        elif syntax == ")":
            depth -= 1
            inner = source[start:index]
            required = source[end:end + 1] not in ("?", "*", "{")
            if depth == 0 and required and (inner.startswith("?:") or not inner.startswith("?")):
                groups.append(inner.removeprefix("?:"))
        else:
            blank = depth > 0
        out.append(" " * len(piece) if blank else piece)
    return "".join(out), groups


def _split_top(source: str, separator: str) -> list[str]:
    if separator not in source:
        return [source]
    parts, depth, start, end = [], 0, 0, 0
    for other, syntax, text in PIECE.findall(source):
        index, end = end, end + len(other or syntax or text)
        if syntax in ("(", ")"):
            depth += 1 if syntax == "(" else -1
        elif syntax == separator and depth == 0:
            parts.append(source[start:index])
            start = end
    return [*parts, source[start:]]
