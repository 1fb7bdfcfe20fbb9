"""Shell text read as shell, with tree-sitter-bash (never run): the simple commands a script holds,
each unwrapped to the program it actually runs.

`a && b; c | d`, `$(e)` and `bash -c 'f'` give one command each; runners in front of a program
(`sudo`, `env`, `VAR=x`, `python -m`, `uv run`, `uvx --with X`, `poetry run`, `xargs -n1`, `timeout 5`,
`coverage run -m` ...) are peeled off and kept as `wrappers`. GitHub `${{ }}` expressions are
replaced by a placeholder word before parsing and put back in the words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from tree_sitter import Node, Parser

from auditor.facts.grammars import grammar
from auditor.lazy_pattern import LazyPattern

from auditor.record import record

_LANGUAGE = grammar("tree_sitter_bash")
_PARSER = Parser(_LANGUAGE)

MAX_LINE = 10_000        # a longer physical line is refused, not parsed
MAX_SCRIPT = 200_000     # characters of one script
MAX_COMMANDS = 1_000     # simple commands kept from one script
MAX_DEPTH = 4            # `bash -c '... bash -c ...'` levels read
MAX_WORDS = 400          # words kept of one command
GH_EXPRESSION = LazyPattern(r"\$\{\{.*?\}\}", re.DOTALL)
PLACEHOLDER = "__ghexpr{}__"
PLACEHOLDER_WORD = LazyPattern(r"__ghexpr(\d+)__")
CONTINUATION = LazyPattern(r"\\\s+")
WHITESPACE_RUN = LazyPattern(r"\s+")
ASSIGNMENT = LazyPattern(r"[A-Za-z_]\w*=.*")   # `VAR=x cmd`

# runner -> options that take a value (the word after them is not the program)
RUNNER_VALUE_OPTIONS = {
    "uv run": {"--with", "--with-requirements", "--with-editable", "--python", "-p", "--group", "--extra", "--package",
               "--env-file", "--directory", "--project", "--index", "--index-url", "--extra-index-url", "--only-group",
               "--no-group", "--config-file", "--cache-dir", "--script", "--color"},
    "uvx": {"--with", "--with-requirements", "--with-editable", "--from", "--python", "-p", "--index", "--index-url",
            "--extra-index-url", "--config-file", "--cache-dir", "--color"},
    "pipx run": {"--spec", "--python", "--index-url", "--pip-args"},
    "poetry run": {"--directory", "-C", "--project", "-P"},
    "pdm run": {"-p", "--project", "-g"},
    "pipenv run": set(),
    "hatch run": set(),
    "rye run": set(),
    "conda run": {"-n", "--name", "-p", "--prefix", "--cwd"},
    "npx": {"-p", "--package", "-c", "--call"},
    "xargs": {"-I", "-i", "-n", "-P", "-d", "-a", "-L", "-l", "-s", "-E", "-e", "--max-args", "--max-procs",
              "--delimiter", "--arg-file", "--replace", "--max-lines", "--max-chars", "--eof"},
    "sudo": {"-u", "-g", "-h", "-p", "-C", "-D", "-U", "-r", "-t", "--user", "--group"},
    "env": {"-u", "-C", "-S", "--unset", "--chdir", "--split-string"},
    "timeout": {"-s", "-k", "--signal", "--kill-after"},
    "nice": {"-n", "--adjustment"},
    "coverage run": {"--rcfile", "--source", "--omit", "--include", "--context", "--data-file", "--concurrency"},
    "python": {"-W", "-X", "-c"},
}
SIMPLE_PREFIXES = {"time", "nohup", "exec", "command", "builtin", "stdbuf"}
RUN_SUBCOMMAND = {"uv": "run", "pipx": "run", "poetry": "run", "pdm": "run", "pipenv": "run", "hatch": "run",
                  "rye": "run", "conda": "run", "mamba": "run", "micromamba": "run", "coverage": "run"}
SHELLS = {"bash", "sh", "zsh", "dash"}
PYTHON = LazyPattern(r"^python(\d(\.\d+)?)?$|^py$|^\{envpython\}$")   # {envpython}: a tox env's python
DOCKER_RUN_VALUE_OPTIONS = {"-v", "--volume", "-e", "--env", "-p", "--publish", "--name", "--env-file", "-w",
                            "--workdir", "--entrypoint", "--network", "--net", "--gpus", "-u", "--user", "--mount",
                            "--shm-size", "--platform", "--memory", "-m", "--cpus", "-l", "--label", "--ipc",
                            "--runtime", "--add-host", "--device", "-h", "--hostname", "--cap-add", "--pull"}


@record(frozen=True)
class Simple:
    """One simple command: the program it runs, its arguments, the runners it was called through."""

    program: str
    args: tuple[str, ...]
    wrappers: tuple[str, ...]
    row: int           # 0-based line within the script
    text: str          # the command as written, with the pipeline it is part of (one line, shortened)


@record(frozen=True)
class ShellRead:
    commands: tuple[Simple, ...]
    refused: str | None = None   # why the script was not (fully) read


@lru_cache(maxsize=512)  # workflows and task files repeat the same lines (`uv sync`, `pip install ...`)
def read_shell(script: str, depth: int = 0) -> ShellRead:
    """Every simple command of `script`, runners unwrapped; refuses oversized or too nested input."""
    if len(script) > MAX_SCRIPT:
        return ShellRead((), f"a script of {len(script)} characters (over {MAX_SCRIPT}) was not read")
    if any(len(line) > MAX_LINE for line in script.split("\n")):
        return ShellRead((), f"a line of over {MAX_LINE} characters was not read")
    expressions: list[str] = []

    def hide(match: re.Match) -> str:
        expressions.append(match.group(0))
        return PLACEHOLDER.format(len(expressions) - 1)

    hidden = GH_EXPRESSION.sub(hide, script)
    tree = _PARSER.parse(hidden.encode("utf-8", "replace"))
    found: list[Simple] = []
    refused = None
    for node in _command_nodes(tree.root_node):
        if len(found) >= MAX_COMMANDS:
            refused = f"more than {MAX_COMMANDS} commands: the rest was not read"
            break
        words = _words(node, expressions)
        if not words:
            continue
        shown = node.parent if node.parent is not None and node.parent.type == "pipeline" else node
        text = _restore(_node_text(shown), expressions).replace("\n", " ")
        text = CONTINUATION.sub("", text)
        text = WHITESPACE_RUN.sub(" ", text).strip()[:300]
        found += _expand(words, node.start_point[0], text, depth)
    return ShellRead(tuple(found[:MAX_COMMANDS]), refused)


def _command_nodes(root: Node):
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "command":
            yield node
        if node.type in ("heredoc_body", "comment"):
            continue
        stack.extend(reversed(node.named_children))


def _node_text(node: Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text is not None else ""


def _restore(text: str, expressions: list[str]) -> str:
    if not expressions:
        return text
    return PLACEHOLDER_WORD.sub(lambda m: expressions[int(m.group(1))], text)


def _words(node: Node, expressions: list[str]) -> list[str]:
    """The command name and its arguments, unquoted (assignments and redirects left out)."""
    words = []
    for child in node.named_children:
        if child.type in ("variable_assignment", "file_redirect", "herestring_redirect", "heredoc_redirect", "comment"):
            continue
        words.append(_restore(_word(child), expressions))
        if len(words) >= MAX_WORDS:
            break
    return words


def _word(node: Node) -> str:
    """A word as the shell would pass it: quotes removed, escapes resolved (expansions kept as written)."""
    kind = node.type
    if kind == "command_name" and node.named_child_count == 1:   # `"python" -m x`, `'{envpython}' -m x`
        return _word(node.named_children[0])
    if kind == "raw_string":
        return _node_text(node)[1:-1]
    if kind == "string":
        return "".join(_word(c) if c.type != "string_content" else _node_text(c).replace('\\"', '"')
                       for c in node.named_children) if node.named_children else ""
    if kind == "concatenation":
        return "".join(_word(c) for c in node.children)
    if kind in ("word", "number") and "\\" in _node_text(node):
        return re.sub(r"\\(.)", r"\1", _node_text(node))
    return _node_text(node)


def _expand(words: list[str], row: int, text: str, depth: int) -> list[Simple]:
    """The command as unwrapped, plus what a `bash -c` or `docker run IMAGE CMD` inside it runs."""
    program, args, wrappers = unwrap(words)
    found = [Simple(program, tuple(args), tuple(wrappers), row, text)]
    base = program.rsplit("/", 1)[-1]
    if base in SHELLS:
        script = _dash_c(args)
        if script is not None:
            if depth >= MAX_DEPTH:
                return found
            inner = read_shell(script, depth + 1)
            return found + [Simple(c.program, c.args, tuple(wrappers) + (base + " -c",) + c.wrappers, row, c.text)
                            for c in inner.commands]
    if base == "docker" and depth < MAX_DEPTH:
        inside = docker_inner_command(args)
        if inside:
            outer = tuple(wrappers) + (f"docker {inside[0]}",)
            found += [Simple(c.program, c.args, outer + c.wrappers, row, text)
                      for c in _expand(inside[1], row, text, depth + 1)]
    return found


def _dash_c(args: list[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg == "-c" or (arg.startswith("-") and not arg.startswith("--") and arg.endswith("c")):
            return args[index + 1] if index + 1 < len(args) else None
        if not arg.startswith("-"):
            return None
    return None


def unwrap(words: list[str]) -> tuple[str, list[str], list[str]]:
    """(program, arguments, runners) with every known runner in front peeled off."""
    wrappers: list[str] = []
    words = list(words)
    for _ in range(12):
        if not words:
            break
        head = words[0].rsplit("/", 1)[-1]
        rest = words[1:]
        runner = None
        if head in SIMPLE_PREFIXES:
            runner, rest = head, _skip_options(rest, set())
        elif ASSIGNMENT.fullmatch(words[0]):
            runner, rest = "VAR=", rest
        elif head in ("sudo", "env", "nice"):
            rest = _skip_options(rest, RUNNER_VALUE_OPTIONS[head])
            if head == "env":
                while rest and re.fullmatch(r"[A-Za-z_]\w*=.*", rest[0]):
                    rest = rest[1:]
            runner = head
        elif head == "timeout":
            rest = _skip_options(rest, RUNNER_VALUE_OPTIONS["timeout"])[1:]
            runner = head
        elif PYTHON.match(head) and _module_of(rest) is not None:
            module, rest = _module_of(rest)
            runner, rest = f"{head} -m", [module, *rest]
        elif head in RUN_SUBCOMMAND and rest[:1] == [RUN_SUBCOMMAND[head]]:
            key = f"{head} run" if f"{head} run" in RUNNER_VALUE_OPTIONS else "conda run"
            rest = _skip_options(rest[1:], RUNNER_VALUE_OPTIONS[key])
            if head == "coverage" and rest[:1] == ["-m"]:
                rest = rest[1:]
            if head == "hatch" and rest and ":" in rest[0]:
                rest = [rest[0].split(":", 1)[1], *rest[1:]]
            runner = f"{head} run"
        elif head == "uv" and rest[:2] == ["tool", "run"]:
            rest, runner = _skip_options(rest[2:], RUNNER_VALUE_OPTIONS["uvx"]), "uv tool run"
        elif head in ("uvx", "npx", "xargs"):
            rest, runner = _skip_options(rest, RUNNER_VALUE_OPTIONS[head]), head
        if runner is None:
            break
        if rest[:1] == ["--"]:
            rest = rest[1:]
        wrappers.append(runner)
        words = rest
    if not words:
        return (wrappers[-1].split()[0] if wrappers else ""), [], wrappers[:-1]
    return words[0].rsplit("/", 1)[-1] if "/" in words[0] and not words[0].startswith(".") else words[0], words[1:], wrappers


def _skip_options(words: list[str], value_options: set[str]) -> list[str]:
    index = 0
    while index < len(words) and words[index].startswith("-") and words[index] != "--":
        word = words[index]
        index += 2 if word in value_options else 1
    return words[index:]


def _module_of(args: list[str]) -> tuple[str, list[str]] | None:
    """`python [-u] [-W x] -m pytest ...` -> ("pytest", [...])."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        if args[index] == "-m":
            return (args[index + 1], args[index + 2:]) if index + 1 < len(args) else None
        if args[index].startswith("-m") and len(args[index]) > 2:
            return args[index][2:], args[index + 1:]
        if args[index] == "-c":
            return None
        index += 2 if args[index] in RUNNER_VALUE_OPTIONS["python"] else 1
    return None


def docker_inner_command(args: list[str]) -> tuple[str, list[str]] | None:
    """(how, command) of what `docker run [opts] IMAGE CMD...` / `docker compose run SERVICE CMD` runs."""
    if args[:1] == ["run"]:
        rest = _skip_options(args[1:], DOCKER_RUN_VALUE_OPTIONS)
        how = "run"
    elif args[:2] in (["compose", "run"], ["compose", "exec"]) or (args[:1] == ["exec"]):
        rest = args[2:] if args[0] == "compose" else args[1:]
        rest = _skip_options(rest, DOCKER_RUN_VALUE_OPTIONS)
        how = " ".join(args[:2]) if args[0] == "compose" else "exec"
    else:
        return None
    return (how, rest[1:]) if len(rest) > 1 else None


def continued_lines(rows: Iterable[tuple[int, str]], continuation: str = "\\",
                    is_comment: Callable[[str], bool] | None = None) -> Iterator[tuple[int, str]]:
    """(first line, text) of every logical line of stripped `rows`: a row ending in `continuation` is
    joined to the next with a space for the mark; a comment row that would start a line
    (`is_comment`) and an empty line are left out."""
    pending, start = "", 0
    for number, row in rows:
        if not pending and is_comment is not None and is_comment(row):
            continue
        if not pending:
            start = number
        if row.endswith(continuation):
            pending += row[:-len(continuation)] + " "
            continue
        if pending + row:
            yield start, pending + row
        pending = ""
    if pending.strip():
        yield start, pending
