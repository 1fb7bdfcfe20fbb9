"""PowerShell (`.ps1`) and cmd (`.bat`, `.cmd`) scripts read by lines (never run, no bash parse): the
commands each line runs, with the runners in front unwrapped as for shell (auditor.facts.shell.unwrap).

PowerShell: `#` and `<# ... #>` comments, a trailing backtick continues a line, `;` `&&` `||` `|`
separate commands, `& prog` calls a program. cmd: `REM` and `::` comments, a trailing `^` continues a
line, `&` `&&` `||` `|` separate commands, `@` hides a command's echo, `cmd /c "..."` and
`start "title" cmd /k "..."` run the quoted script. Control lines (`if ... (`, `foreach (...) {`,
`:label`) hold no command of their own.
"""

from __future__ import annotations

import re
from typing import Iterator

from auditor.facts.shell import MAX_COMMANDS, MAX_LINE, MAX_WORDS, Simple, continued_lines, unwrap
from auditor.lazy_pattern import LazyPattern
from auditor.record import record

POWERSHELL, CMD = "powershell", "cmd"
DIALECTS = {".ps1": POWERSHELL, ".bat": CMD, ".cmd": CMD}
CONTINUATION = {POWERSHELL: "`", CMD: "^"}
SEPARATORS = {POWERSHELL: ("&&", "||", ";", "|", "{", "}"), CMD: ("&&", "||", "&", "|")}
QUOTES = {POWERSHELL: "\"'", CMD: "\""}
POWERSHELL_KEYWORDS = {"if", "elseif", "else", "foreach", "for", "while", "do", "until", "switch", "function",
                       "filter", "param", "try", "catch", "finally", "trap", "begin", "process", "end", "return"}
CMD_CONTROL = {"else", "goto", "setlocal", "endlocal"}
CMD_TESTS = {"exist", "defined", "errorlevel", "cmdextversion"}
CMD_COMPARISONS = {"==", "equ", "neq", "lss", "leq", "gtr", "geq"}
EXECUTABLE_SUFFIXES = (".exe", ".cmd", ".bat", ".com", ".ps1")
WINDOWS_BUILTINS = {"timeout", "start"}   # `timeout /t 5` waits: not the coreutils runner
START_TITLE = LazyPattern(r'^\s*start\s+"', re.IGNORECASE)
# a quoted run (maybe unterminated), a cmd `^x` escape, a separator, or a run of anything else: linear, in C
STATEMENT_TOKENS = {POWERSHELL: LazyPattern(r"\"[^\"]*\"?|'[^']*'?|&&|\|\||[;|{}]|&|[^\"'&|;{}]+"),
                    CMD: LazyPattern(r"\"[^\"]*\"?|\^.?|&&|\|\||[&|]|[^\"^&|]+", re.DOTALL)}
WORD_TOKENS = {POWERSHELL: LazyPattern(r"\"[^\"]*\"?|'[^']*'?|\s+|[^\s\"']+"),
               CMD: LazyPattern(r"\"[^\"]*\"?|\^.?|\s+|[^\s\"^]+", re.DOTALL)}
BLOCK_EDGES = " \t{}()"
REDIRECT = LazyPattern(r"[0-9*]?>>?(&[0-9])?|<")
MAX_NESTING = 3   # `cmd /c "cmd /c ..."` levels read


@record(frozen=True)
class WindowsRead:
    commands: tuple[tuple[int, Simple], ...]   # (1-based line, command)
    refused: tuple[tuple[int, str], ...] = ()  # (line, why a line was not read)


def dialect_of(path: str) -> str | None:
    return next((d for suffix, d in DIALECTS.items() if path.lower().endswith(suffix)), None)


def read_windows_script(text: str, dialect: str, limit: int = MAX_COMMANDS) -> WindowsRead:
    """The commands of a PowerShell or cmd script (the first `limit`), each with its line."""
    found, refused = [], []
    for number, line in _logical_lines(text, dialect):
        if len(found) >= limit:
            refused.append((number, f"more than {limit} commands: the rest was not read"))
            break
        if len(line) > MAX_LINE:
            refused.append((number, f"a line of over {MAX_LINE} characters was not read"))
            continue
        found += [(number, simple) for simple in read_windows_line(line, dialect)]
    return WindowsRead(tuple(found[:limit]), tuple(refused))


def read_windows_line(line: str, dialect: str, depth: int = 0) -> list[Simple]:
    """The commands of one logical line."""
    found = []
    for statement in _statements(line, dialect):
        words = _words(statement, dialect)
        if dialect == CMD:
            words = _cmd_body(words)
        words = [w for w in words if w]
        if not words or _is_control(words, dialect):
            continue
        found += _unwrapped(words, statement, dialect, depth)
    return found


def _logical_lines(text: str, dialect: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of every line that is not a comment, continuations joined."""
    return continued_lines(_rows(text, dialect), CONTINUATION[dialect], lambda row: _is_comment(row, dialect))


def _rows(text: str, dialect: str) -> Iterator[tuple[int, str]]:
    """(line, stripped text) of every line outside a PowerShell `<# ... #>` block comment."""
    in_block_comment = False
    for number, raw in enumerate(text.splitlines(), 1):
        row = raw.strip()
        if dialect == POWERSHELL and (in_block_comment or row.startswith("<#")):
            in_block_comment = "#>" not in row
            continue
        yield number, row


def _is_comment(row: str, dialect: str) -> bool:
    if dialect == POWERSHELL:
        return row.startswith("#")
    head = row.lstrip("@").split(None, 1)[0].lower() if row.lstrip("@") else ""
    return row.startswith("::") or head == "rem" or head.startswith("rem.")


def _statements(line: str, dialect: str) -> list[str]:
    """The line split at separators outside quotes, each stripped of block braces and parentheses."""
    parts, current = [], []
    for token in STATEMENT_TOKENS[dialect].findall(line):
        if token in SEPARATORS[dialect]:
            parts.append("".join(current))
            current = []
        else:
            current.append(token)
    parts.append("".join(current))
    return [cleaned for cleaned in (p.strip(BLOCK_EDGES) for p in parts) if cleaned]


def _words(statement: str, dialect: str) -> list[str]:
    """Words of one statement, quotes removed (a cmd `^x` escape gives x); redirects left out."""
    words, current, started = [], [], False
    for token in WORD_TOKENS[dialect].findall(statement):
        if token.isspace():
            if started:
                words.append("".join(current))
            current, started = [], False
            if len(words) >= MAX_WORDS:
                break
            continue
        if token[0] in QUOTES[dialect]:
            token = token[1:-1] if len(token) > 1 and token[-1] == token[0] else token[1:]
        elif dialect == CMD and token[0] == "^":
            token = token[1:]
        current.append(token)
        started = True
    if started:
        words.append("".join(current))
    words = _without_redirects(words)
    if words and dialect == CMD:
        words[0] = words[0].lstrip("@")
    if words and dialect == POWERSHELL and words[0] in ("&", "."):
        words = words[1:]
    return words


def _without_redirects(words: list[str]) -> list[str]:
    kept, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif REDIRECT.match(word):
            skip = REDIRECT.fullmatch(word) is not None   # `> nul`: the target is the next word
        else:
            kept.append(word)
    return kept


def _cmd_body(words: list[str]) -> list[str]:
    """The command an `if CONDITION command` or `for ... do command` line runs (empty for a block opener)."""
    head = words[0].lower() if words else ""
    if head == "for":
        lowered = [w.lower() for w in words]
        words = words[lowered.index("do") + 1:] if "do" in lowered else []
    elif head == "if":
        words = words[1:]
        while words and words[0].lower() in ("/i", "not"):
            words = words[1:]
        if words and words[0].lower() in CMD_TESTS:
            words = words[2:]
        elif len(words) > 2 and words[1].lower() in CMD_COMPARISONS:
            words = words[3:]
        elif words and "==" in words[0]:
            words = words[1:]
        else:
            words = []
    if words and words[0].startswith("("):
        words = [words[0][1:], *words[1:]]
    return words


def _is_control(words: list[str], dialect: str) -> bool:
    head = words[0].lower()
    if dialect == POWERSHELL:
        return head in POWERSHELL_KEYWORDS or head.startswith("$")   # `$env:X = 1`, `$x = ...`
    return head.startswith(":") or head in CMD_CONTROL


def _unwrapped(words: list[str], text: str, dialect: str, depth: int) -> list[Simple]:
    if dialect == CMD:
        words = _cmd_program(words, text)
        if not words:
            return []
    words = [_program_name(words[0]), *words[1:]]
    program, args, wrappers = unwrap(words) if words[0].lower() not in WINDOWS_BUILTINS else (words[0], words[1:], [])
    program = _program_name(program)
    program = program.lower() if dialect == CMD else program
    shown = " ".join(text.split())[:300]
    found = [Simple(program, tuple(args), tuple(wrappers), 0, shown)]
    inner = _cmd_script(program, args)
    if inner is not None and depth < MAX_NESTING:
        found += [Simple(c.program, c.args, (*wrappers, "cmd /c", *c.wrappers), 0, c.text)
                  for c in read_windows_line(inner, CMD, depth + 1)]
    return found


def _cmd_program(words: list[str], text: str) -> list[str]:
    """`echo.text` is echo; `start ["title"] [/options] prog args` runs prog (the title is quoted)."""
    if words[0].lower().startswith("echo."):
        return ["echo", words[0][5:], *words[1:]]
    if words[0].lower() != "start":
        return words
    rest = words[1:]
    if START_TITLE.match(text):
        rest = rest[1:]
    while rest and rest[0].startswith("/"):
        rest = rest[2:] if rest[0].lower() in ("/d", "/node", "/affinity") else rest[1:]
    return rest


def _program_name(word: str) -> str:
    """`.\\venv\\Scripts\\python.exe` -> `python`."""
    base = word.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in EXECUTABLE_SUFFIXES:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[:-len(suffix)]
    return base if "\\" in word else word


def _cmd_script(program: str, args: tuple[str, ...] | list[str]) -> str | None:
    if program.lower() != "cmd":
        return None
    for index, arg in enumerate(args):
        if arg.lower() in ("/c", "/k"):
            return " ".join(args[index + 1:]) or None
    return None
