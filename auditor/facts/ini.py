"""INI configuration files (setup.cfg, tox.ini, pytest.ini: those whose content rules read; any
other through `Repository.ini`), each parsed once: configparser (strict=False, no interpolation)
decides what the file says, and a scan of its lines, made by configparser's own rules, gives the
line of every section and key.

The file is hostile input: configparser's option pattern backtracks quadratically over a long run
of blanks inside a line, so the parser is given one that reads every line in linear time.
"""

from __future__ import annotations

from functools import lru_cache

from auditor.facts.structured import import_parser
from auditor.lazy_pattern import LazyPattern
from auditor.record import record

INI_CONFIG_FILES = ("setup.cfg", "tox.ini", "pytest.ini")
COMMENT_PREFIXES = ("#", ";")
SECTION_HEADER = LazyPattern(r"\[(?P<header>.+)\]")   # configparser's SECTCRE, on the stripped line
KEY_DELIMITER = LazyPattern(r"[=:]")


@record(frozen=True)
class IniKey:
    name: str        # lower-cased, as configparser reads it
    value: str       # a value continued on indented lines keeps its line breaks
    line: int
    end_line: int    # the last line of the value


@record(frozen=True)
class IniSection:
    name: str
    line: int        # of its first header (strict=False merges a section written twice)
    keys: dict[str, IniKey]


@record(frozen=True)
class IniFile:
    """One INI file's sections and keys with their lines; `error` (and nothing read) when it does not parse."""

    path: str
    sections: dict[str, IniSection]
    error: str | None = None

    def section(self, name: str) -> IniSection | None:
        return self.sections.get(name)

    def key(self, section: str, name: str) -> IniKey | None:
        found = self.sections.get(section)
        return found.keys.get(name.lower()) if found is not None else None


@lru_cache(maxsize=None)
def _linear_parser() -> type:
    configparser = import_parser("configparser")   # its patterns from kept programs (~1.5 ms to import)

    class LinearParser(configparser.RawConfigParser):
        # `option` up to the first delimiter, trailing blanks stripped by configparser afterwards: the
        # same split as configparser's OPTCRE without its lazy `.*?\s*`, quadratic over a run of blanks
        # (configparser only calls its `match`: a LazyPattern compiles it when a first INI file is read)
        OPTCRE = LazyPattern(r"(?P<option>[^=:]*)(?P<vi>[=:])\s*(?P<value>.*)$")

    return LinearParser


def read_ini(path: str, text: str | None, error: str | None = None) -> IniFile:
    """The INI file `path` from its text (or the reason the text could not be read)."""
    if error or text is None:
        return IniFile(path, {}, error or "no text")
    configparser = import_parser("configparser")   # only a repository with an INI file reads one
    parser = _linear_parser()(strict=False, interpolation=None)
    try:
        parser.read_string(text, source=path)
    except (configparser.Error, ValueError) as exc:
        return IniFile(path, {}, f"invalid INI: {_reason(exc)}")
    lines = _lines(text)
    sections = {}
    for name in parser.sections():
        header_line, key_lines = lines.get(name, (0, {}))
        keys = {key: IniKey(key, value or "", *key_lines[key]) for key, value in parser.items(name, raw=True)
                if key in key_lines}
        sections[name] = IniSection(name, header_line, keys)
    return IniFile(path, sections)


def _reason(exc: Exception) -> str:
    configparser = import_parser("configparser")
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"line {exc.lineno} comes before any [section]"
    if isinstance(exc, configparser.ParsingError) and exc.errors:
        return f"line {exc.errors[0][0]} is neither a [section], a key nor a continued value"
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _lines(text: str) -> dict[str, tuple[int, dict[str, tuple[int, int]]]]:
    """section -> (header line, key -> (line, end line)), read line by line as configparser reads:
    full-line comments skipped, a line indented deeper than its key continues the key's value,
    the last assignment of a key written twice wins."""
    found: dict[str, tuple[int, dict[str, tuple[int, int]]]] = {}
    keys: dict[str, tuple[int, int]] | None = None
    key, key_indent = None, 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(COMMENT_PREFIXES):
            continue
        indent = len(raw) - len(raw.lstrip())
        if keys is not None and key is not None and indent > key_indent:
            keys[key] = (keys[key][0], number)
            continue
        header = SECTION_HEADER.match(stripped)
        if header:
            keys = found.setdefault(header.group("header"), (number, {}))[1]
            key = None
        elif keys is not None:
            key, key_indent = KEY_DELIMITER.split(stripped, 1)[0].rstrip().lower(), indent
            keys[key] = (number, number)
    return found
