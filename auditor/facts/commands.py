"""Every command the project runs or documents, read as shell, with where it is written.

Sites read: GitHub workflow `run:` steps, Cloud Build steps, Dockerfile RUN / CMD / ENTRYPOINT,
Makefile and justfile recipes, invoke `c.run("...")` calls in tasks.py, tox `commands` (tox.ini, setup.cfg),
nox `session.run(...)` / `session.install(...)` calls in noxfile.py, pre-commit hook `entry`s, shell
scripts, PowerShell and cmd scripts (by lines, auditor.facts.windows_shell) and the console entry points a package installs (kind `run`); fenced shell blocks in READMEs and docs and
commented-out lines of Dockerfiles, workflows and Cloud Build configs (kind `documented`). Each command is one simple
command (see auditor.facts.shell), unwrapped to the program it actually runs.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterator

from auditor.facts.cloudbuild import SHELLS as CLOUD_SHELLS, cloudbuild_configs
from auditor.facts.ini import COMMENT_PREFIXES, KEY_DELIMITER
from auditor.facts.shell import MAX_LINE, Simple, continued_lines, read_shell
from auditor.facts.tox_envs import (BASE as TOX_BASE, condition_holds, env_names, factors_of, section_env,
                                    split_condition)
from auditor.facts.windows_shell import dialect_of, read_windows_script
from auditor.facts.workflow_checks import is_disabled, problems
from auditor.lazy_pattern import LazyPattern
from auditor.record import field, record
from auditor.report import fences

SCRIPT_FILES = ("**/*.sh", "**/*.bash")
WINDOWS_SCRIPT_FILES = ("**/*.ps1", "**/*.bat", "**/*.cmd")   # read by lines, not as bash
MAKEFILES = ("Makefile", "**/Makefile", "**/*.mk", "makefile", "GNUmakefile")
DOC_FILES = ("README.md", "**/README.md", "docs/**/*.md", "README.rst")
SHELL_FENCES = {"", "bash", "sh", "shell", "console", "zsh", "terminal", "shell-session", "shellsession", "cmd"}
PROMPT = LazyPattern(r"^\s*(\(\S+\)\s*)?[$>%]\s+")
PROSE_LEAD = LazyPattern(r"^\s*[A-Za-z][\w ,()'/-]{0,60}?:\s+(?=\S)")
MAKE_VARIABLE = LazyPattern(r"\$\(([A-Za-z_][\w.-]*)\)")
MAKE_TARGET = LazyPattern(r"^([^\s:=#][^:=]*)::?(?![:=])")   # `a b: deps`, not `X := y` nor `X ::= y`; linear
MAKE_TARGET_VARIABLE = LazyPattern(r"^\s*((export|override|private)\s+)*[^\s:=#]+\s*(:{1,3}|[+?!])?=")   # `test: X = 1`
MAKE_DEFINE = LazyPattern(r"^\s*((export|override)\s+)*define\b")
MAKE_ENDEF = LazyPattern(r"^\s*endef\b")
MAX_PER_FILE = 2_000
SITE_HOLDERS = {"workflow": "job", "makefile": "target", "tasks": "task", "cloudbuild": "step",
                "pre-commit": "hook", "tox": "tox env", "nox": "nox session", "just": "just recipe"}
# what a developer runs on their machine, not CI
LOCAL_SITES = ("makefile", "just", "tasks", "tox", "nox", "script")
TOX_FILES = ("tox.ini", "**/tox.ini", "setup.cfg")
TOX_COMMAND_KEYS = ("commands_pre", "commands", "commands_post")
TOX_ENV_SECTION = LazyPattern(r"^(testenv|testenv:[^\s]+)$")
TOX_SUBSTITUTION = LazyPattern(r"(?<![$\w'\"])\{[^{}\s'\"]*(\{[^{}\s'\"]*\}[^{}\s'\"]*)*\}")   # {envpython}: quoted, one word as in tox
TOX_ENV_DEFAULT = LazyPattern(r"\{env:[A-Za-z_]\w*:([^{}\s'\"]*)\}")   # {env:X:default}: what runs with X unset
TOX_EXIT_PREFIX = LazyPattern(r"^[-!]\s*")   # `- cmd`: exit code ignored, `!cmd`: inverted (tox 4)
NOX_FILES = ("noxfile.py", "**/noxfile.py")
JUSTFILES = ("justfile", "Justfile", ".justfile", "**/justfile", "**/Justfile")
JUST_RECIPE = LazyPattern(r"^@?([A-Za-z_][\w-]*)(\s[^:]*)?:(?!=)")   # `name param='x': deps`, not `name := value`
JUST_INTERPOLATION = LazyPattern(r"\{\{(.*?)\}\}")
JUST_SHELL_SHEBANG = LazyPattern(r"^#!\s*\S*(/|env\s+)(ba|z|da)?sh\b")
# one item of a broken exec form and the comma after it: a quoted string (its closing quote may be
# missing) or a bare word; linear, no nesting
ARRAY_ITEM = LazyPattern(r"""\s*(?:"(?P<double>[^"]*)"?|'(?P<single>[^']*)'?|(?P<bare>[^\s,"'\[\]]+))\s*(?:,|$)""")
RUN_KEY = LazyPattern(r"^-?\s*run:\s*[|>]?\s*")   # `# - run: ...` commented out in a workflow
NEEDS_NO_QUOTES = LazyPattern(r"[\w@%+=:,./${}-]+")
RUN_FLAGS = LazyPattern(r"^(--\w+(=\S*)?\s+)+")
STRING_LITERAL = LazyPattern(r"[rRfFbBuU]{0,2}(\"\"\"|'''|\"|')(.*)\1", re.DOTALL)
F_STRING_FIELD = LazyPattern(r"\{([^{}]*)\}")   # read as the shell variable it becomes
NOX_RUNS = ("run", "run_always", "run_install")
NOX_INSTALLS = ("install", "conda_install")


@record(frozen=True)
class Command:
    """One command (program + arguments) and the place that runs or documents it."""

    path: str
    line: int | None
    site: str                  # workflow, cloudbuild, dockerfile, makefile, just, tasks, tox, nox, pre-commit,
    #                            script, project-script, docs
    kind: str                  # run | documented
    program: str               # what actually runs, runners peeled off: pytest, ruff, docker ...
    args: tuple[str, ...]
    text: str                  # the command as written
    wrappers: tuple[str, ...] = ()   # uvx, uv run, xargs, bash -c ...
    job: str | None = None     # the workflow job, Makefile target or just recipe, invoke task, tox env, nox session
    condition: str | None = None     # a workflow step's or job's `if:`, a tox line's factors (`lint:`)
    live: bool = True          # False: a job or step switched off with `if: false`
    rejected: str | None = None      # why GitHub would reject the workflow holding it
    malformed: str | None = None     # a Dockerfile exec form that is not valid JSON, and what it was read as
    step: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def subcommand(self) -> str | None:
        """The first argument that is not an option (`check` of `ruff check .`)."""
        return next((a for a in self.args if not a.startswith("-")), None)

    def has_option(self, *names: str) -> bool:
        valued = tuple(f"{name}=" for name in names)
        return any(arg in names or arg.startswith(valued) for arg in self.args)

    def option_values(self, name: str) -> list[str]:
        """Values of `--name X` / `--name=X` (`-k X` for a short option)."""
        found = []
        for index, arg in enumerate(self.args):
            if arg == name and index + 1 < len(self.args):
                found.append(self.args[index + 1])
            elif arg.startswith(name + "="):
                found.append(arg[len(name) + 1:])
        return found

    def positionals(self, value_options: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Arguments that are neither options nor an option's value."""
        found, skip = [], False
        for arg in self.args:
            if skip:
                skip = False
            elif arg.startswith("-"):
                skip = arg in value_options
            else:
                found.append(arg)
        return found

    @property
    def where(self) -> str:
        """`path:line` and the job, target, task or step holding the command."""
        place = f"{self.path}:{self.line}" if self.line else self.path
        holder = SITE_HOLDERS.get(self.site)
        return f"{place}, {holder} {self.job}" if holder and self.job else place

    @property
    def runs(self) -> bool:
        """Run by the project (not documented, not switched off)."""
        return self.kind == "run" and self.live


@record(frozen=True)
class Recipe:
    """A named entry of a task runner (a just recipe, a Makefile target), whether or not it has
    commands of its own."""

    path: str
    line: int
    name: str
    site: str = "just"


@record(frozen=True)
class Note:
    path: str
    line: int | None
    message: str
    level: str = "error"


class Commands:
    """The commands of one repository, read once per audit and shared by every rule; each kind of
    site is read on first use (a rule about workflows does not pay for parsing the docs)."""

    def __init__(self, repo):
        self._repo = repo
        self._sites: dict[str, list[Command]] = {}
        self._recipes: list[Recipe] = []
        self.notes: list[Note] = []

    def at(self, site: str, kind: str | None = "run") -> list[Command]:
        """The commands of one kind of site (workflow, cloudbuild, dockerfile, makefile, just, tasks, tox,
        nox, pre-commit, script, project-script, docs)."""
        if site not in self._sites:
            sink = _Sink([], self.notes, self._recipes)
            READERS[site](self._repo, sink)
            files = {path: index for index, path in enumerate(dict.fromkeys(c.path for c in sink.all))}
            self._sites[site] = sorted(sink.all, key=lambda c: (files[c.path], c.line or 0))
        return [c for c in self._sites[site] if kind is None or c.kind == kind]

    def recipes(self, site: str = "just") -> list[Recipe]:
        """Every recipe of the justfiles (`site` "just") or target of the Makefiles ("makefile"), in
        file order, with the line of its header."""
        self.at(site)
        return [r for r in self._recipes if r.site == site]

    @property
    def all(self) -> list[Command]:
        return [c for site in READERS for c in self.at(site, None)]

    def __iter__(self) -> Iterator[Command]:
        return iter(self.all)

    def of(self, *programs: str, sites: tuple[str, ...] = (), kind: str | None = "run") -> list[Command]:
        """Commands running one of `programs` (in `sites`, default everywhere)."""
        wanted = set(programs)
        return [c for site in (sites or tuple(READERS)) for c in self.at(site, kind) if c.program in wanted]

    def invoked(self, command: Command) -> list[Command]:
        """The commands of the tox envs or nox sessions that a `tox` / `nox` command runs, from the
        tox.ini / noxfile.py of its working directory; empty when which ones cannot be told."""
        folder = str(command.step.get("working-directory") or "").removeprefix("./").strip("/")
        folder = "" if folder == "." else folder
        if command.program == "tox":
            return _tox_envs_run(self._repo, self.at("tox"), command, folder)
        if command.program == "nox":
            return _nox_sessions_run(self._repo, self.at("nox"), command, folder)
        return []


@record
class _Sink:
    all: list[Command]
    notes: list[Note]
    recipes: list[Recipe] = field(default_factory=list)


def read_commands(repo) -> Commands:
    return Commands(repo)


def parse_commands(script: str, path: str = "<text>", site: str = "text", kind: str = "run") -> list[Command]:
    """The commands of one script read on its own (a line of a report, a table test)."""
    sink = _Sink([], [], [])
    _Collector(sink, path, site, kind).script(script, 1)
    return sink.all


class _Collector:
    """Adds the commands of one script at a place, capped per file."""

    def __init__(self, sink: _Sink, path: str, site: str, kind: str = "run", **extra: Any):
        self.sink, self.path, self.site, self.kind, self.extra = sink, path, site, kind, extra
        self.count = 0

    @property
    def full(self) -> bool:
        """More commands than one file may hold were seen: the rest is not parsed."""
        return self.count > MAX_PER_FILE

    def script(self, script: str, first_line: int | None, rows: bool = True,
               written: Callable[[Simple], Simple] | None = None, **extra: Any) -> None:
        """`rows`: the script's lines are the file's lines from `first_line` on (else all at `first_line`);
        `written` gives a command back as the file writes it, where the script was rewritten to be read."""
        if self.full:
            return
        read = read_shell(script)
        if read.refused:
            self.sink.notes.append(Note(self.path, first_line, f"{self.path}: {read.refused}"))
        for simple in read.commands:
            line = first_line + simple.row if first_line is not None and rows else first_line
            self.add(written(simple) if written else simple, line, **extra)

    def add(self, simple: Simple, line: int | None, text: str | None = None, **extra: Any) -> None:
        self.count += 1
        if self.count > MAX_PER_FILE:
            if self.count == MAX_PER_FILE + 1:
                self.sink.notes.append(Note(self.path, line, f"{self.path}: more than {MAX_PER_FILE} commands, the rest was not read"))
            return
        self.sink.all.append(Command(self.path, line, self.site, extra.pop("kind", self.kind), simple.program,
                                     simple.args, text or simple.text, simple.wrappers, **{**self.extra, **extra}))


# --- GitHub workflows ---------------------------------------------------------------------------
def _workflows(repo, sink: _Sink) -> None:
    for wf in repo.workflows:
        if not wf.valid:
            continue
        reasons = problems(wf)
        collect = _Collector(sink, wf.path, "workflow", rejected=reasons[0] if reasons else None)
        lines = wf.text.splitlines()
        cursor = 0
        for job_name, job in wf.jobs().items():
            for step in job.get("steps") or []:
                if not isinstance(step, dict) or not isinstance(step.get("run"), str):
                    continue
                script = step["run"]
                first = _script_start(lines, script, cursor)
                if first is not None:
                    cursor = first
                condition = step.get("if", job.get("if"))
                collect.script(script, None if first is None else first + 1 - _leading_blank(script), job=job_name,
                               condition=None if condition is None else str(condition),
                               live=not (is_disabled(job) or is_disabled(step)), step=step)
        _comments(sink, wf.path, wf.text, "workflow")


def _leading_blank(script: str) -> int:
    return len(script) - len(script.lstrip("\n")) if script.strip() else 0


def _script_start(lines: list[str], script: str, start: int) -> int | None:
    """0-based index of the file line holding the script's first non-blank line, searched from `start`."""
    needle = next((s.strip() for s in script.splitlines() if s.strip()), "")[:60]
    if not needle:
        return None
    commented = needle.startswith("#")   # a script opening with a comment line
    for origin in (start, 0):
        for index in range(origin, len(lines)):
            if needle in lines[index] and (commented or not lines[index].lstrip().startswith("#")):
                return index
    for index in range(start, len(lines)):   # a folded scalar (`run: >`) joins its lines into one
        if _folded_start(lines[index].strip(), needle):
            return index
    return None


def _folded_start(line: str, needle: str) -> bool:
    """The first file line of a folded script: a whole-word prefix of the script's first line."""
    return len(line) >= 6 and not line.startswith("#") and needle.startswith(line) and needle[len(line):len(line) + 1] in ("", " ")


def _comments(sink: _Sink, path: str, text: str, site: str) -> None:
    """Commented-out lines read as commands documented there (`# docker build -f x.dockerfile .`)."""
    collect = _Collector(sink, path, site, "documented")
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped.startswith("#") or len(stripped) > MAX_LINE:
            continue
        body = stripped.lstrip("#").strip()
        body = RUN_KEY.sub("", body)
        if site == "cloudbuild":
            body = _args_item(body)
        body = PROSE_LEAD.sub("", body) if not body.startswith(("http", "-")) else body
        if not body or body.startswith("!"):
            continue
        for simple in read_shell(body).commands:
            collect.add(simple, number)


# --- Cloud Build --------------------------------------------------------------------------------
def _args_item(body: str) -> str:
    """A commented-out item of a step's `args:` list as the script it holds: `- 'gcloud ...'` -> gcloud ..."""
    item = re.sub(r"^-\s+(?=\S)", "", body)
    if len(item) > 1 and item[0] == item[-1] and item[0] in "'\"":
        item = item[1:-1]
    return item


def _cloudbuild(repo, sink: _Sink) -> None:
    for path, steps in cloudbuild_configs(repo):
        _comments(sink, path, repo.text(path).text or "", "cloudbuild")   # a step commented out
        collect = _Collector(sink, path, "cloudbuild")
        for step in steps:
            raw = step.step
            args = raw.get("args") or []
            args = [str(a) for a in (args if isinstance(args, list) else [args])]
            entry = str(raw.get("entrypoint") or "")
            if isinstance(raw.get("script"), str):
                collect.script(raw["script"], step.line, rows=False, job=str(raw.get("id") or "") or None)
            elif entry in CLOUD_SHELLS and args and args[0].startswith("-") and "c" in args[0] and len(args) > 1:
                collect.script(args[1], step.line, rows=False, job=str(raw.get("id") or "") or None)
            else:
                collect.script(_shell_join([step.command.split(" ", 1)[0], *args]), step.line, rows=False,
                               job=str(raw.get("id") or "") or None)


def _shell_join(words: list[str]) -> str:
    return " ".join(w if NEEDS_NO_QUOTES.fullmatch(w) else "'" + w.replace("'", "'\"'\"'") + "'" for w in words)


# --- Dockerfiles --------------------------------------------------------------------------------
def _dockerfiles(repo, sink: _Sink) -> None:
    for dockerfile in repo.docker:
        if dockerfile.error:
            continue
        collect = _Collector(sink, dockerfile.path, "dockerfile")
        for instruction in dockerfile.instructions:
            if instruction.keyword not in ("RUN", "CMD", "ENTRYPOINT"):
                continue
            exec_form = _exec_form(instruction.arguments)
            if exec_form is not None:
                collect.script(_shell_join(exec_form), instruction.line, rows=False)
                continue
            arguments = RUN_FLAGS.sub("", instruction.arguments)   # RUN --mount=...
            intended = _broken_exec_form(arguments)
            malformed = None if intended is None else _malformed(dockerfile.path, instruction, arguments, intended)
            collect.script(arguments, instruction.line, rows=False, malformed=malformed)   # as Docker reads it
            if intended is not None:
                collect.script(_shell_join(intended), instruction.line, rows=False, malformed=malformed)
        _comments(sink, dockerfile.path, repo.text(dockerfile.path).text or "", "dockerfile")


def _malformed(path: str, instruction, arguments: str, intended: list[str]) -> str:
    return (f"{path}:{instruction.line}: `{instruction.keyword} {arguments[:60]}` is not a valid JSON array, so Docker "
            f"runs it as a shell command and it would not run as written; read as `{_shell_join(intended)[:60]}`")


def _exec_form(arguments: str) -> list[str] | None:
    if not arguments.lstrip().startswith("["):
        return None
    try:
        words = json.loads(arguments)
    except ValueError:
        return None
    return [str(w) for w in words] if isinstance(words, list) and words else None


def _broken_exec_form(arguments: str) -> list[str] | None:
    """The words of an exec form that is not valid JSON (`["make", "train]`, `['python', 'x.py']`): the
    brackets stripped, split on the commas between items, quotes stripped; None when the text is no
    array at all (`[ -f x ] && ...`, a shell test) or too long to read."""
    body = arguments.strip()
    if not body.startswith("[") or len(body) > MAX_LINE:
        return None
    body = body[1:].removesuffix("]")
    words, position = [], 0
    while position < len(body):
        item = ARRAY_ITEM.match(body, position)
        if item is None or item.end() == position:
            return None
        words.append(next(g for g in item.group("double", "single", "bare") if g is not None))
        position = item.end()
    one_quoted = len(words) == 1 and body[:1] in ("'", '"')   # `['train.sh']`, not a test `[ "$x" ]`
    return words if len(words) > 1 or one_quoted else None


# --- Makefiles, invoke tasks, pre-commit, scripts, entry points ---------------------------------
def _makefiles(repo, sink: _Sink) -> None:
    """Recipe lines (tab-indented under a rule, `\\` continuing them, `target: ; cmd` inline) as
    commands of their target; every named target a recipe, `define` blocks skipped."""
    for path in repo.glob(*MAKEFILES):
        text = repo.text(path).text
        if text is None:
            continue
        collect = _Collector(sink, path, "makefile")
        target, pending, start, defining = None, "", 0, False
        for number, raw in enumerate(text.splitlines(), 1):
            if defining or MAKE_DEFINE.match(raw):
                defining = not MAKE_ENDEF.match(raw)
                continue
            if raw.startswith("\t") and target is not None:
                line = raw.strip()
                if not pending:
                    start = number
                    line = line.lstrip("@-+ ")
                if line.endswith("\\"):
                    pending += line[:-1] + " "
                    continue
                _make_recipe_line(collect, pending + line, start, target)
                pending = ""
                continue
            if pending:   # a `\` before a blank line or the next rule: the command ends there
                _make_recipe_line(collect, pending.strip(), start, target)
                pending = ""
            rule = _make_rule(raw)
            if rule is not None:
                target, names, inline = rule
                sink.recipes.extend(Recipe(path, number, name, "makefile") for name in names)
                if inline:
                    _make_recipe_line(collect, inline.lstrip("@-+ "), number, target)
            elif raw.strip() and not raw.startswith((" ", "#")):
                target = None if "=" in raw else target


def _make_rule(raw: str) -> tuple[str | None, list[str], str] | None:
    """(the target commands are held by, the named targets, an inline `; recipe`) of a rule line;
    None for a line that is no rule. Special targets (`.PHONY`), pattern rules (`%.o:`), targets
    named by variables and target-specific variables (`test: X = 1`) name no recipe."""
    match = MAKE_TARGET.match(raw)
    if not match or raw.startswith("export "):
        return None
    if raw.startswith(".PHONY"):
        return None
    target = match.group(1).strip()
    prerequisites, _, inline = raw[match.end():].partition(";")
    if MAKE_TARGET_VARIABLE.match(prerequisites):
        return target, [], ""
    names = [name for name in target.removesuffix("&").split() if not name.startswith(".") and not set("%$") & set(name)]
    return target, list(dict.fromkeys(names)), inline.strip()


def _make_recipe_line(collect: "_Collector", line: str, start: int, target: str | None) -> None:
    script = MAKE_VARIABLE.sub(r"${\1}", line.replace("$$", "$"))
    if script and not script.startswith("#"):
        collect.script(script, start, job=target)


def _justfiles(repo, sink: _Sink) -> None:
    """Recipe lines of a justfile (indented under `name:`), a line each, `\\` continuing it; `{{ x }}`
    interpolations stay words as written; a shebang recipe is one script, read when its shell is a shell."""
    for path in repo.glob(*JUSTFILES):
        text = repo.text(path).text
        if text is None:
            continue
        collect = _Collector(sink, path, "just")
        for header, recipe, body in _just_recipes(text.splitlines()):
            sink.recipes.append(Recipe(path, header, recipe))
            if not body:
                continue
            if body[0][1].startswith("#!"):
                if JUST_SHELL_SHEBANG.match(body[0][1]) and len(body) > 1:
                    _just_script(collect, body[1][0], "\n".join(row for _, row in body[1:]), recipe)
                continue
            for number, command in continued_lines([(n, row) for n, row in body if row], is_comment=_starts_comment):
                bare = command.lstrip("@-")
                _just_script(collect, number, bare, recipe, shown=" ".join(bare.split()))


def _starts_comment(row: str) -> bool:
    return row.startswith("#")


def _just_recipes(lines: list[str]) -> Iterator[tuple[int, str, list[tuple[int, str]]]]:
    """(header line, recipe, [(line, stripped body line)]) of every recipe, its body empty when it
    only names dependencies (blank lines inside a body kept, trailing ones left out)."""
    recipe, start, body = None, 0, []
    for number, raw in enumerate(lines, 1):
        if recipe is not None and (raw[:1] in (" ", "\t") or (body and not raw.strip())):
            body.append((number, raw.strip()))
            continue
        if recipe is not None:
            yield start, recipe, _trimmed(body)
        header = JUST_RECIPE.match(raw)
        recipe, start, body = (header.group(1) if header else None), number, []
    if recipe is not None:
        yield start, recipe, _trimmed(body)


def _trimmed(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    while body and not body[-1][1]:
        body = body[:-1]
    return body


def _just_script(collect: "_Collector", first: int, script: str, recipe: str, shown: str | None = None) -> None:
    # `{{ x }}` read as the shell reader's hidden `${{ x }}` word, and given back as written
    collect.script(JUST_INTERPOLATION.sub(r"${{\1}}", script), first, job=recipe,
                   written=lambda simple: _just_as_written(simple, shown))


def _just_as_written(simple: Simple, shown: str | None) -> Simple:
    text = shown[:300] if shown is not None else _as_written(simple.text)
    return Simple(_as_written(simple.program), tuple(_as_written(a) for a in simple.args), simple.wrappers,
                  simple.row, text)


def _as_written(word: str) -> str:
    return word.replace("${{", "{{")


def _tasks(repo, sink: _Sink) -> None:
    for path in repo.python:
        if path.rsplit("/", 1)[-1] != "tasks.py" or not repo.python[path].imports_any("invoke"):
            continue
        module = repo.python[path]
        collect = _Collector(sink, path, "tasks")
        for call in module.calls:
            if call.name.rsplit(".", 1)[-1] == "run" and call.args and call.name.split(".", 1)[0] in ("c", "ctx", "context", "cx"):
                literal = _string_literal(call.args[0])
                if literal:
                    collect.script(literal, call.line, job=_enclosing(module, call.line))


def _string_literal(source: str) -> str | None:
    match = STRING_LITERAL.fullmatch(source.strip())
    if not match:
        return None
    return F_STRING_FIELD.sub(r"${\1}", match.group(2)) if source.lstrip()[:2].lower() in ("f'", 'f"', "rf", "fr") else match.group(2)


def _enclosing(module, line: int) -> str | None:
    inside = [f for f in module.functions if f.line <= line <= (f.end_line or f.line)]
    return inside[-1].name if inside else None


def _tox(repo, sink: _Sink) -> None:
    """`commands` of every tox env, one command a line (a trailing backslash continues it); tox's
    `{posargs}`, `{toxinidir}` ... substitutions stay words as written."""
    for path in repo.glob(*TOX_FILES):
        ini = repo.ini(path)
        if ini.error or (path == "setup.cfg" and ini.section("tox:tox") is None):
            continue
        lines = (repo.text(path).text or "").splitlines()
        collect = _Collector(sink, path, "tox")
        for section in ini.sections.values():
            if not TOX_ENV_SECTION.match(section.name):
                continue
            env = section.name.partition(":")[2] or section.name
            for key in (section.keys.get(name) for name in TOX_COMMAND_KEYS):
                for number, command in _tox_command_lines(lines, key) if key is not None else ():
                    if collect.full:
                        break
                    if len(command) > MAX_LINE:
                        sink.notes.append(Note(path, number, f"{path}:{number}: a command of {len(command)} characters "
                                                             f"(over {MAX_LINE}) was not read"))
                        continue
                    condition, command = split_condition(command)
                    command = TOX_EXIT_PREFIX.sub("", command)
                    collect.script(TOX_SUBSTITUTION.sub(r"'\g<0>'", TOX_ENV_DEFAULT.sub(r"\1", command)), number,
                                   rows=False, text=" ".join(command.split())[:300], job=env, condition=condition)


def _tox_envs_run(repo, commands: list[Command], command: Command, folder: str) -> list[Command]:
    """`tox -e a,b` runs envs a and b, `tox` the `envlist` (`py{310,311}-lint` expanded); an env runs
    the section named after it (or a generative `[testenv:py{310,311}]` naming it), else `[testenv]`,
    and of that section the lines whose factor condition its factors meet (`lint: ruff check .`);
    labels and factor filters (`-m`, `-f`) are not followed."""
    if command.has_option("-m", "--labels", "-f", "--factors"):
        return []
    config = next(iter(command.option_values("-c")), None) or _in_folder(folder, "tox.ini")
    if not repo.exists(config) and not folder:
        config = "setup.cfg"
    ini = repo.ini(config) if repo.exists(config) else None
    if ini is None or ini.error:
        return []
    sections = [name.partition(":")[2] for name in ini.sections if TOX_ENV_SECTION.match(name) and ":" in name]
    table = "tox:tox" if config.endswith("setup.cfg") else "tox"
    setting = ini.key(table, "envlist") or ini.key(table, "env_list")
    listed = env_names(setting.value) if setting else [TOX_BASE]
    named = [e for value in command.option_values("-e") + command.option_values("--env") for e in env_names(value)]
    named = named or listed
    if "ALL" in named:
        named = listed + [e for s in sections for e in env_names(s)]
    runs = [(section_env(env, sections), factors_of(env)) for env in named]
    return [c for c in commands if c.path == config and
            any(c.job == job and condition_holds(c.condition, factors) for job, factors in runs)]


def _nox_sessions_run(repo, commands: list[Command], command: Command, folder: str) -> list[Command]:
    """`nox -s a b` runs sessions a and b (`a-3.11` is a of Python 3.11), `nox` every session unless
    the noxfile sets `nox.options.sessions`; keyword and tag filters (`-k`, `-t`) are not followed."""
    if command.has_option("-k", "--keywords", "-t", "--tags"):
        return []
    noxfile = next(iter(command.option_values("-f") + command.option_values("--noxfile")), None) or \
        _in_folder(folder, "noxfile.py")
    named, taking = [], False
    for arg in command.args:
        if arg in ("-s", "-e", "--session", "--sessions"):
            taking = True
        elif arg.startswith(("--session=", "--sessions=")):
            named.append(arg.split("=", 1)[1])
        elif arg.startswith("-"):
            taking = False
        elif taking:
            named.append(arg)
    module = repo.python.get(noxfile) if noxfile.endswith(".py") else None
    if not named and (module is None or any(target == "nox.options.sessions" for target, _, _ in module.assigns)):
        return []
    return [c for c in commands if c.path == noxfile and c.job is not None
            and (not named or any(n == c.job or n.startswith(c.job + "-") for n in named))]


def _in_folder(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _tox_command_lines(lines: list[str], key) -> Iterator[tuple[int, str]]:
    """(line, command) of the value of `key`, written over the file's lines `key.line`..`key.end_line`
    (the first after the key's delimiter); comment and blank lines skipped as configparser skips them."""
    return continued_lines(_tox_value_rows(lines, key))


def _tox_value_rows(lines: list[str], key) -> Iterator[tuple[int, str]]:
    for number in range(key.line, min(key.end_line, len(lines)) + 1):
        raw = lines[number - 1]
        row = (KEY_DELIMITER.split(raw, 1)[1:] or [""])[0].strip() if number == key.line else raw.strip()
        if row and not (number > key.line and row.startswith(COMMENT_PREFIXES)):
            yield number, row


def _nox(repo, sink: _Sink) -> None:
    """`session.run("pytest", ...)` and `session.install(...)` calls in the sessions of a noxfile, as
    the shell command they run (`pip install ...` for an install): string arguments are words, any
    other argument an `{expression}` word (`*session.posargs` -> `{posargs}`)."""
    for path in repo.glob(*NOX_FILES):
        module = repo.python.get(path)
        if module is None or not module.imports_any("nox"):
            continue
        sessions = [f for f in module.functions if any(_is_nox_session(module, d) for d in f.decorators)]
        collect = _Collector(sink, path, "nox")
        for call in module.calls:
            holder, _, method = call.name.rpartition(".")
            session = next((f for f in sessions if f.line <= call.line <= (f.end_line or f.line)), None)
            if session is None or not holder or method not in NOX_RUNS + NOX_INSTALLS:
                continue
            words = [_nox_word(a) for a in call.args]
            if method in NOX_INSTALLS:
                words = ["conda" if method == "conda_install" else "pip", "install", *words]
            if not words:
                continue
            collect.script(_shell_join(words), call.line, rows=False, job=session.name)


def _is_nox_session(module, decorator: str) -> bool:
    resolved = module.resolve(decorator)
    return resolved.split(".", 1)[0].startswith("nox") and resolved.rsplit(".", 1)[-1] == "session"


def _nox_word(source: str) -> str:
    literal = _string_literal(source)
    if literal is not None:
        return literal
    expression = source.strip().lstrip("*")
    return "{" + ("posargs" if expression.endswith("posargs") else expression) + "}"


def _pre_commit(repo, sink: _Sink) -> None:
    for path in repo.glob(".pre-commit-config.yaml", ".pre-commit-config.yml"):
        data = repo.yaml(path).data
        text = repo.text(path).text or ""
        collect = _Collector(sink, path, "pre-commit")
        for entry_repo in (data.get("repos") or []) if isinstance(data, dict) else []:
            for hook in (entry_repo.get("hooks") or []) if isinstance(entry_repo, dict) else []:
                if isinstance(hook, dict) and isinstance(hook.get("entry"), str):
                    line = next((n for n, t in enumerate(text.splitlines(), 1) if hook["entry"][:40] in t), None)
                    args = hook.get("args") if isinstance(hook.get("args"), list) else []
                    collect.script(" ".join([hook["entry"], *map(str, args)]), line, job=str(hook.get("id") or "") or None)


def _scripts(repo, sink: _Sink) -> None:
    for path in repo.glob(*SCRIPT_FILES, *WINDOWS_SCRIPT_FILES):
        text = repo.text(path).text
        if text is None:
            continue
        collect = _Collector(sink, path, "script")
        dialect = dialect_of(path)
        if dialect is None:
            collect.script(text, 1)
            continue
        read = read_windows_script(text, dialect)
        sink.notes.extend(Note(path, line, f"{path}:{line}: {why}") for line, why in read.refused)
        for line, simple in read.commands:
            collect.add(simple, line)


def _project_scripts(repo, sink: _Sink) -> None:
    for entry in repo.entry_points.found:
        sink.all.append(Command(entry.path, entry.line, "project-script", "run", entry.name, (entry.target,),
                                f"{entry.name} = {entry.target}"))


# --- documentation ------------------------------------------------------------------------------
def _docs(repo, sink: _Sink) -> None:
    for path in repo.glob(*DOC_FILES):
        text = repo.text(path).text
        if text is None:
            continue
        collect = _Collector(sink, path, "docs", "documented")
        for start, block in fenced_shell_blocks(text):
            collect.script(block, start)


def fenced_shell_blocks(text: str) -> Iterator[tuple[int, str]]:
    """(first line, body with prompts stripped) of every fenced block tagged as shell or untagged,
    its fences as CommonMark reads them (auditor.report.fences)."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opened = fences.opening(lines[index])
        if opened is None:
            index += 1
            continue
        fence, language = opened
        end = next((j for j in range(index + 1, len(lines)) if fences.closes(lines[j], fence)), len(lines))
        if language in SHELL_FENCES:
            body = [PROMPT.sub("", line) for line in lines[index + 1:end]]
            yield index + 2, "\n".join(body)
        index = end + 1


READERS = {"workflow": _workflows, "cloudbuild": _cloudbuild, "dockerfile": _dockerfiles, "makefile": _makefiles,
           "just": _justfiles, "tasks": _tasks, "tox": _tox, "nox": _nox, "pre-commit": _pre_commit, "script": _scripts,
           "project-script": _project_scripts,
           "docs": _docs}
