"""Facts about one repository, gathered once and shared by every rule.

Each fact is computed on first use and cached, so a rule that needs the workflows does not
pay for parsing Python, and no file is parsed twice.
"""

from __future__ import annotations

import re
import subprocess
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from auditor.facts import dependencies as deps
from auditor.facts.commands import Commands, read_commands
from auditor.facts.entry_points import EntryPoints, read_entry_points
from auditor.facts.ini import INI_CONFIG_FILES, IniFile, read_ini
from auditor.facts import workflow_lines
from auditor.facts.lfs import LfsPattern, read_lfs_patterns
from auditor.facts.docker import COMPOSE_FILES, Dockerfile, is_dockerfile, read_dockerfile
from auditor.facts.dvc import Dvc, read_dvc
from auditor.facts.vendored import VendoredFolders, vendored_note
from auditor.facts.word_lines import WordLines
from auditor.facts.files import FileText, Unreadable, decode_text, is_generated
from auditor.facts.path_index import PathIndex
from auditor.facts.source import FolderSource, Source
from auditor.facts.gitinfo import GitInfo, Ref, branch_names, read_git_info, read_refs, start_refs
from auditor.facts.python_code import PythonModule, SetupPy, parse_python, read_setup_py
from auditor.facts.python_read import PythonFile, PythonRead, python_read_of
from auditor.facts.structured import Parsed, parse_json, parse_toml, parse_yaml
from auditor.facts.history import History, HistoryRead
from auditor.facts.team import Team, build_team
from auditor.facts.branches import Branch, BranchLog, BranchView, branch_layers, other_branches
from auditor.facts.gitcmd import CatFile, GitError, GitRun
from auditor.facts.template import (Scaffold, is_template_shaped, leftover_reason, project_folders, read_scaffold,
                                    section_leftover_reason)
from auditor.facts.test_suite import PYTEST_FILE as TEST_FILE, TestFunction, test_functions
from auditor.facts.git_paths import path_at_ref
from auditor.facts.modules_on_demand import ModulesOnDemand
from auditor.digests import git_blob_id
from auditor.lazy_pattern import LazyPattern
from auditor.record import record
from auditor.regex_programs import compiled
from auditor.report.anchors import may_hold, words_needed
from auditor.report.links import GitHubMention, github_mentions, github_slug
from auditor.report.parsed import ParsedReport

HEX_REF = LazyPattern(r"[0-9a-fA-F]{7,40}")
MAX_GREP_LINE = 4000  # longer lines (minified files, hostile input) are matched on their start only
MAX_LOWERED_CHARS = 16_000_000  # lowered copies kept for grep's word test; beyond, files are searched untested
NON_SOURCE_DIRS = ("tests/", "test/", "docs/", "reports/", "report/", "notebooks/", "examples/", "scripts/legacy/")
VENDORED = LazyPattern(r"(^|/)(\.?venv|env|site-packages|node_modules|build|dist|third_party|vendor|migrations)/")
# The cookiecutter template's own machinery committed along (its generation hooks, an un-rendered
# `{{cookiecutter.project_name}}/` tree): the template's code, not the group's.
TEMPLATE_SCAFFOLD = LazyPattern(r"(^|/)hooks/(pre|post)_gen_project\.py$|\{\{\s*cookiecutter\.")


@record(frozen=True)
class Problem:
    """A file the auditor could not read or parse."""

    path: str
    message: str


@record(frozen=True)
class Workflow:
    path: str
    text: str
    data: Any
    error: str | None

    def line_of(self, needle: str | re.Pattern[str]) -> int | None:
        return find_line(self.text, needle)

    @cached_property
    def _lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def commented_lines(self) -> tuple[tuple[int, str], ...]:
        """(line, stripped text) of every commented-out line: steps switched off by hand."""
        return workflow_lines.commented(self._lines)

    def mention(self, pattern: re.Pattern[str]) -> tuple[int, str] | None:
        """(line, matched text) of the first mention of `pattern`: what a workflow that does not
        parse can still show."""
        for number, line in enumerate(self._lines, 1):
            found = pattern.search(line)
            if found:
                return number, found.group(0)
        return None

    @cached_property
    def trigger_line(self) -> int | None:
        """The line of the top-level `on:`."""
        return workflow_lines.top_key_line(self._lines, "on")

    @cached_property
    def jobs_line(self) -> int | None:
        """The line of the top-level `jobs:`."""
        return workflow_lines.top_key_line(self._lines, "jobs")

    def job_line(self, job: str) -> int | None:
        """The line of the job's key under `jobs:`."""
        span = workflow_lines.job_span(self._lines, job)
        return span[0] if span else None

    def job_key_line(self, job: str, key: str) -> int | None:
        """The line of the first `key:` inside the job's block (`matrix` of its strategy, `steps` ...)."""
        span = workflow_lines.job_span(self._lines, job)
        return workflow_lines.key_line_in(self._lines, span, key) if span else None

    @property
    def valid(self) -> bool:
        return self.error is None and isinstance(self.data, dict)

    def triggers(self) -> dict[str, Any]:
        """The `on:` block as a dict (a bare event name or list becomes {event: None})."""
        on = self.data.get("on") if self.valid else None
        if isinstance(on, str):
            return {on: None}
        if isinstance(on, list):
            return {str(e): None for e in on}
        return on if isinstance(on, dict) else {}

    def jobs(self) -> dict[str, dict]:
        jobs = self.data.get("jobs") if self.valid else None
        return {str(k): v for k, v in jobs.items() if isinstance(v, dict)} if isinstance(jobs, dict) else {}

    def steps(self) -> Iterator[tuple[str, dict]]:
        for name, job in self.jobs().items():
            for step in job.get("steps") or []:
                if isinstance(step, dict):
                    yield name, step

    def step_line(self, step: dict) -> int | None:
        """Best-effort line of a step: its `run` first line, its `uses`, or its name."""
        for key in ("run", "uses", "name"):
            value = step.get(key)
            if isinstance(value, str) and value.strip():
                line = self.line_of(value.strip().splitlines()[0][:60])
                if line:
                    return line
        return None


@record(frozen=True)
class Match:
    path: str
    line: int
    text: str


def _anchored(source: str) -> bool:
    """Whether the pattern may hold `^` or `$`, the only syntax MULTILINE changes."""
    return "^" in source or "$" in source


def find_line(text: str, needle: str | re.Pattern[str]) -> int | None:
    """The 1-based line where `needle` (a substring or a compiled pattern) first occurs."""
    for number, line in enumerate(text.splitlines(), 1):
        if (needle in line if isinstance(needle, str) else needle.search(line)):
            return number
    return None


MAX_SCAFFOLD_BYTES = 1_000_000


@record
class GitReads:
    """The git commands every audit of a commit needs (listing, history, branches), started before
    the report is read so that git works alongside; the Repository reads them on first use."""

    history: HistoryRead | None = None
    refs: GitRun | None = None
    source: Source | None = None
    branches: BranchLog | None = None

    @classmethod
    def start(cls, source: Source, git: GitInfo) -> GitReads:
        if isinstance(source, FolderSource):
            source.start_listing()
        if not git.is_repo or not git.commit:
            return cls(source=source)
        where = git.where or source.root
        return cls(HistoryRead.start(where, git.commit, git.shallow, git.commit_count), start_refs(where), source,
                   BranchLog.start(git))

    def cancel(self) -> None:
        """Stops what was started, when the audit ends before reading it."""
        self.cancel_branch_log()
        for started in (self.history, self.refs):
            if started is not None:
                started.cancel()
        if isinstance(self.source, FolderSource):
            self.source.cancel()

    def cancel_branch_log(self) -> None:
        """The other branches are read only when some item has nothing at the audited commit."""
        if self.branches is not None:
            self.branches.cancel()


class Repository:
    """Read-only, lazily gathered facts about the audited repository."""

    def __init__(self, root: Path, source: Source | None = None, git: GitInfo | None = None,
                 report_path: str | None = None, study_numbers: tuple[list[str], int | None] = ([], None),
                 report: ParsedReport | None = None, started: GitReads | None = None,
                 history_of: Repository | None = None):
        self.root = root.resolve()
        self._started = started or GitReads()
        self._history_of = history_of   # a view of the same commit's other branches shares its history
        self.report_path = report_path
        self._report = report
        self.study_numbers = study_numbers
        self._texts: dict[str, FileText] = {}
        self._documents: dict[str, Parsed] = {}
        self._ini: dict[str, IniFile] = {}
        self._globs: dict[str, list[str]] = {}
        self._source = source
        self._git_override = git
        self._leftovers: dict[str, str | None] = {}
        self._scaffold_texts: dict[str, str | None] = {}
        self._searchable: dict[str, str | None] = {}
        self._lowered: dict[str, tuple[str, bool]] = {}
        self._lowered_left = MAX_LOWERED_CHARS
        self._word_index: dict[str, WordLines] = {}
        self._mentions: dict[str, tuple[GitHubMention, ...]] = {}
        self._vendored_notes: dict[str, str | None] = {}
        self._python_arriving: Callable[[], PythonRead] | None = None

    # --- the file list -------------------------------------------------------------------
    @cached_property
    def git(self) -> GitInfo:
        return self._git_override or read_git_info(self.root)

    @cached_property
    def history(self) -> History | None:
        """The audited commit and its ancestors (None for a plain folder)."""
        if self._history_of is not None:
            return self._history_of.history
        git = self.git
        if not git.is_repo:
            return None
        if not git.commit:
            return History(error=git.error or "the repository has no commits")
        started = self._started.history or HistoryRead.start(git.where or self.root, git.commit, git.shallow,
                                                            git.commit_count)
        return started.result(self.refs)

    @cached_property
    def team(self) -> Team | None:
        if self._history_of is not None:
            return self._history_of.team
        history = self.history
        if history is None or not history.available:
            return None
        return build_team(history, *self.study_numbers)

    @cached_property
    def branches(self) -> list[str]:
        """Branch names, local and remote-tracking (`origin/gh-pages`); empty for a plain folder."""
        return branch_names(self.refs)

    @cached_property
    def refs(self) -> list[Ref] | None:
        """The local and remote-tracking branches with their tips; None when git cannot list them."""
        if self._history_of is not None:
            return self._history_of.refs
        return read_refs(self.git.where or self.root, self._started.refs) if self.git.is_repo else []

    @cached_property
    def every_branch_merged(self) -> bool:
        """Every branch tip is in the audited history: no branch holds commits of its own."""
        history = self.history
        if self.refs is None or history is None or not history.available:
            return False
        return all(ref.tip in history.reachable for ref in self.refs)

    @cached_property
    def file_source(self) -> Source:
        return self._source or FolderSource(self.root, self.git.is_repo)

    @cached_property
    def files(self) -> list[str]:
        return [rel for rel in self.file_source.list_files() if not is_generated(rel)]

    @cached_property
    def project_folders(self) -> list[str]:
        """The top-level folders the template may have been rendered into (`proj/pyproject.toml`)."""
        return project_folders(self.files)

    def in_report_folder(self, rel: str) -> bool:
        """Whether `rel` is in `reports/` or in the folder of the report (`proj/reports/`): the
        report's own text and figures, not the project's code."""
        folder = self.report_path.rpartition("/")[0] if self.report_path else ""
        return rel.startswith("reports/") or bool(folder) and rel.startswith(f"{folder}/")

    @cached_property
    def other_branches(self) -> list[Branch]:
        """The branches with commits the audited commit lacks (newest first), with the files they
        changed; read once, and not at all when every branch is merged."""
        if self._history_of is not None:
            return self._history_of.other_branches
        if self.every_branch_merged:
            self._started.cancel_branch_log()
            return []
        return other_branches(self.git, self.cat_file, self._started.branches)

    @cached_property
    def branches_view(self) -> tuple[dict[str, Branch], Repository] | None:
        """The files other branches changed (a path two branches changed: the first branch's, the
        most recent) as one Repository, and which branch each file comes from."""
        layers = self._branch_layers
        return self._branch_view(layers[0]) if layers else None

    @cached_property
    def older_branch_views(self) -> list[tuple[dict[str, Branch], Repository]]:
        """The older versions of the files several branches changed, one view per version, read only
        when the newest versions (`branches_view`) hold nothing for an item."""
        if self.branches_view is None:
            return []
        return [self._branch_view(owners) for owners in self._branch_layers[1:]]

    @cached_property
    def _branch_layers(self) -> list[dict[str, Branch]]:
        return branch_layers(self.other_branches)

    def _branch_view(self, owners: dict[str, Branch]) -> tuple[dict[str, Branch], Repository]:
        entries = {path: branch.entries[path] for path, branch in owners.items()}
        source = BranchView(self.git, entries, self.root, self.cat_file)
        return owners, Repository(self.root, source=source, git=self.git, report_path=self.report_path,
                                  study_numbers=self.study_numbers, history_of=self)

    @cached_property
    def cat_file(self) -> CatFile:
        """The one `git cat-file` process that reads blobs for the scaffold, the branches and a commit's tree."""
        shared = getattr(self.file_source, "cat_file", None)
        return shared if isinstance(shared, CatFile) else CatFile.start(self.git.where or self.root)

    @cached_property
    def generated_files(self) -> list[str]:
        """Files in generated folders (run outputs, caches), left out of `files`: never read, only
        listed, for a rule that counts a committed run folder as a trace that a tool was run."""
        return [rel for rel in self.file_source.list_files() if is_generated(rel)]

    def vendored_note(self, rel: str) -> str | None:
        """Why the file `rel` is another project's code (facts.vendored), once per file: each rule's
        findings in it ask again."""
        if rel not in self._vendored_notes:
            self._vendored_notes[rel] = vendored_note(self, rel)
        return self._vendored_notes[rel]

    @cached_property
    def vendored_folders(self) -> VendoredFolders:
        """Which folders hold another project's code, decided for a folder when a finding cites it."""
        return VendoredFolders(self)

    @cached_property
    def _file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    @cached_property
    def _paths(self) -> PathIndex:
        return PathIndex(self.files)

    def exists(self, rel: str) -> bool:
        return rel in self._file_set

    def is_folder(self, rel: str) -> bool:
        """Whether a listed file lies under `rel`."""
        return self._paths.holds_folder(rel)

    def glob(self, *patterns: str) -> list[str]:
        """Files matching any of the globs, in listing order (each glob is matched once per audit)."""
        if len(patterns) == 1:
            return list(self._glob_one(patterns[0]))
        return self._paths.in_listing_order(set().union(*(self._paths.matching(p) for p in patterns)))

    def _glob_one(self, pattern: str) -> list[str]:
        if pattern not in self._globs:
            self._globs[pattern] = self._paths.in_listing_order(self._paths.matching(pattern))
        return self._globs[pattern]

    # --- reading -------------------------------------------------------------------------
    def text(self, rel: str) -> FileText:
        if rel not in self._texts:
            try:
                self._texts[rel] = decode_text(self.file_source.read_bytes(rel))
            except Unreadable as exc:
                self._texts[rel] = FileText(None, str(exc))
        return self._texts[rel]

    def document(self, rel: str) -> Parsed:
        """A YAML, JSON or TOML file parsed by its extension (other files: no data, no error)."""
        lowered = rel.lower()
        if lowered.endswith((".yaml", ".yml")):
            return self.yaml(rel)
        parser = parse_json if lowered.endswith(".json") else parse_toml if lowered.endswith(".toml") else None
        return Parsed(None) if parser is None else self._parsed(rel, parser)

    def yaml(self, rel: str) -> Parsed:
        return self._parsed(rel, parse_yaml)

    def toml(self, rel: str) -> Parsed:
        """A TOML file whatever its name (a Pipfile), parsed once."""
        return self._parsed(rel, parse_toml)

    def ini(self, rel: str) -> IniFile:
        """An INI file (setup.cfg, tox.ini, .coveragerc ...) parsed once, sections and keys with their lines."""
        if rel not in self._ini:
            content = self.text(rel)
            self._ini[rel] = read_ini(rel, content.text, content.error)
        return self._ini[rel]

    @cached_property
    def ini_files(self) -> dict[str, IniFile]:
        """The INI configuration files at the repository's root, by path (auditor.facts.ini)."""
        return {rel: self.ini(rel) for rel in INI_CONFIG_FILES if self.exists(rel)}

    def _parsed(self, rel: str, parser: Callable[[str], Parsed]) -> Parsed:
        if rel not in self._documents:
            content = self.text(rel)
            self._documents[rel] = Parsed(None, content.error) if content.error else parser(content.text or "")
        return self._documents[rel]

    @property
    def source_notes(self) -> list[str]:
        """What the reader of the files had to work around (an empty git index read from HEAD, a
        `.git` that would keep git waiting)."""
        return [note for _, note in self._source_notes]

    @property
    def _source_notes(self) -> list[tuple[str, str]]:
        return list(getattr(self._source, "notes", ()))

    @cached_property
    def problems(self) -> list[Problem]:
        """Every file that was read for a fact but could not be read or parsed."""
        seen = [Problem(p, t.error) for p, t in self._texts.items() if t.error]
        seen += [Problem(p, y.error) for p, y in self._documents.items() if y.error and not self._texts[p].error]
        seen += [Problem(p, i.error) for p, i in self._ini.items() if i.error and not self._texts[p].error]
        seen += [Problem(path, note) for path, note in self._source_notes]
        if "commands" in self.__dict__:   # only when a rule read the commands
            seen += [Problem(n.path, n.message) for n in self.commands.notes]
        return sorted(set(seen), key=lambda p: p.path)

    def grep(self, pattern: str | re.Pattern[str], *globs: str, limit: int = 20) -> list[Match]:
        """Lines matching `pattern` in the text files selected by `globs` (a pattern given as text, or a
        LazyPattern, is compiled only when a selected file holds the words every match needs)."""
        if isinstance(pattern, str):
            source, flags = pattern, re.IGNORECASE | re.MULTILINE
        else:
            source, flags = pattern.pattern, pattern.flags
        regex = whole_file = None
        found: list[Match] = []
        for rel in self.glob(*globs):
            if not self.may_hold_match(rel, source, flags):
                continue
            if regex is None or whole_file is None:
                regex = compiled(source, flags) if isinstance(pattern, str) else pattern
                whole_file = regex if flags & re.MULTILINE or not _anchored(source) else compiled(
                    source, flags | re.MULTILINE)
            if self._grep_file(rel, source, flags, regex, whole_file, found, limit):
                return found
        return found

    def _grep_file(self, rel: str, source: str, flags: int, regex, whole_file, found: list[Match],
                   limit: int) -> bool:
        """Adds the file's matching lines to `found` when the whole file matches too; whether `limit` is
        reached. Only the lines holding the words every match needs are searched, and the whole file
        only once one of them matches: a line lacking them cannot match, so the lines found are those
        every line's search finds."""
        needed = words_needed(source, flags)
        index = self._word_lines(rel) if needed else None
        if index is None:
            if not whole_file.search(self.searchable_text(rel)):
                return False
            lines = self.text(rel).text.splitlines()
            numbers = range(len(lines))
        else:
            numbers, lines = index.lines_holding(needed), index.lines
        whole_file_matched = index is None
        for number in numbers:
            line = lines[number]
            if not regex.search(line[:MAX_GREP_LINE]):
                continue
            if not whole_file_matched:
                if not whole_file.search(self.searchable_text(rel)):
                    return False
                whole_file_matched = True
            found.append(Match(rel, number + 1, line.strip()[:160]))
            if len(found) >= limit:
                return True
        return False

    def _word_lines(self, rel: str) -> WordLines | None:
        """The file's lines by the words they hold; None once MAX_LOWERED_CHARS are kept."""
        if rel not in self._word_index:
            text = self.text(rel).text or ""
            if len(text) > self._lowered_left:
                return None
            self._lowered_left -= len(text)
            self._word_index[rel] = WordLines(text)
        return self._word_index[rel]

    def may_hold_match(self, rel: str, source: str, flags: int) -> bool:
        """False when the file cannot hold a match: unreadable, or without a word every match needs
        (report.anchors). A file ruled out is never searched, so the pattern may never be compiled."""
        if self.searchable_text(rel) is None:
            return False
        if not words_needed(source, flags):
            return True
        lowered = self._lowered_text(rel)
        return lowered is None or may_hold(source, flags, *lowered)

    def _lowered_text(self, rel: str) -> tuple[str, bool] | None:
        """The searchable text lowered, and whether it is ASCII; None once MAX_LOWERED_CHARS are kept."""
        if rel not in self._lowered:
            text = self.searchable_text(rel) or ""
            if len(text) > self._lowered_left:
                return None
            self._lowered_left -= len(text)
            self._lowered[rel] = (text.lower(), text.isascii())
        return self._lowered[rel]

    def searchable_text(self, rel: str) -> str | None:
        """The file's text with every line cut to MAX_GREP_LINE characters: what a pattern may
        scan at once (on one huge line, `a.*b` backtracks for minutes). None when unreadable."""
        if rel not in self._searchable:
            text = self.text(rel).text
            if text is not None and len(text) > MAX_GREP_LINE and any(
                    len(line) > MAX_GREP_LINE for line in text.split("\n")):
                text = "\n".join(line[:MAX_GREP_LINE] for line in text.split("\n"))
            self._searchable[rel] = text
        return self._searchable[rel]

    # --- template leftovers ----------------------------------------------------------------
    @cached_property
    def template_scaffold(self) -> Scaffold | None:
        """The commit that brought the project template, found in the history."""
        if self._history_of is not None:
            return self._history_of.template_scaffold
        return read_scaffold(self.history, self.git.where or self.root, self.cat_file)

    def template_leftover(self, rel: str) -> str | None:
        """Why `rel` is a file the template generated and the group never changed, else None."""
        if rel not in self._leftovers:
            self._leftovers[rel] = self._leftover_of(rel) if rel in self._file_set else None
        return self._leftovers[rel]

    def _leftover_of(self, rel: str) -> str | None:
        if is_template_shaped(rel):
            return self._leftover(rel)
        inside = path_in_project_folder(rel, self.project_folders)
        if inside is None or not is_template_shaped(inside):
            return None
        # rendered into a project folder: compared with what the template ships at that path
        return leftover_reason(inside, None, None, self.text(rel).text)

    def _leftover(self, rel: str) -> str | None:
        content = self.text(rel)
        scaffold = self.template_scaffold
        current = None
        if scaffold is not None and rel in scaffold.blobs:
            tree_blob = getattr(self.file_source, "blob_id", None)
            current = tree_blob(rel) if tree_blob else self._blob_of(rel)
        generated = self._scaffold_text(rel) if current != (scaffold.blobs.get(rel) if scaffold else None) else None
        return leftover_reason(rel, scaffold, current, content.text, generated)

    def template_section_leftover(self, rel: str, line: int) -> str | None:
        """Why the section (TOML table, YAML key, workflow job) holding `rel:line` is a
        template leftover although the group edited the file elsewhere, else None."""
        scaffold = self.template_scaffold
        if scaffold is None or rel not in scaffold.blobs or rel not in self._file_set:
            return None
        return section_leftover_reason(rel, line, scaffold, self._scaffold_text(rel), self.text(rel).text)

    def _scaffold_text(self, rel: str) -> str | None:
        """The file as the scaffold commit brought it."""
        return self._scaffold_files.get(rel)

    @cached_property
    def _scaffold_files(self) -> dict[str, str | None]:
        """Every template-shaped file of the scaffold commit as it brought it (none larger than
        MAX_SCAFFOLD_BYTES), read through the repository's cat-file process."""
        if self._history_of is not None:
            return self._history_of._scaffold_files
        scaffold = self.template_scaffold
        if scaffold is None:
            return {}
        wanted = {rel: blob for rel, blob in scaffold.blobs.items() if is_template_shaped(rel)}
        try:
            sizes = self.cat_file.sizes(list(dict.fromkeys(wanted.values())))
            contents = {blob: self.cat_file.read(blob) for blob, size in sizes.items() if size <= MAX_SCAFFOLD_BYTES}
        except (GitError, OSError, ValueError, subprocess.SubprocessError):
            return {}
        return {rel: decode_text(contents[blob]).text if contents.get(blob) is not None else None
                for rel, blob in wanted.items()}

    def _blob_of(self, rel: str) -> str | None:
        try:
            return git_blob_id(self.file_source.read_bytes(rel))
        except Unreadable:
            return None

    # --- Python --------------------------------------------------------------------------
    @cached_property
    def python(self) -> dict[str, PythonModule] | ModulesOnDemand:
        """Every readable Python file parsed; in the other branches' view, each parsed when first asked for."""
        if self._history_of is not None:
            return ModulesOnDemand({rel: content.text for rel, content in self._python_texts().items()
                                    if content.text is not None})
        arriving, self._python_arriving = self._python_arriving, None
        read = arriving() if arriving is not None else self.read_python()
        for rel, content in read.texts.items():
            self._texts.setdefault(rel, content)
        return read.modules

    def read_python(self) -> PythonRead:
        """What the `python` fact is made of: the Python files read, and the readable ones parsed."""
        files = self.python_files()
        return python_read_of(files, [self.read_python_file(rel) for rel in files])

    def python_files(self) -> list[str]:
        """The Python files the `python` fact reads, in listing order."""
        return [rel for rel in self.files if rel.endswith(".py") and not VENDORED.search(rel)]

    def read_python_file(self, rel: str) -> PythonFile:
        """One Python file read, and parsed when it could be read."""
        content = self.text(rel)
        return PythonFile(content, parse_python(rel, content.text) if content.text is not None else None)

    def _python_texts(self) -> dict[str, FileText]:
        return {rel: self.text(rel) for rel in self.python_files()}

    def python_arriving(self, read: Callable[[], PythonRead]) -> None:
        """The `python` fact is being made elsewhere (another process, auditor.side_work): `read`
        gives it when a rule first asks for it, and the texts read for it join this Repository's."""
        if "python" not in self.__dict__:
            self._python_arriving = read

    @cached_property
    def source(self) -> dict[str, PythonModule] | ModulesOnDemand:
        """The project's own code: no tests, reports/report.py, docs or vendored folders."""
        folders = tuple(self.project_folders)
        return self._python_where(lambda rel: is_source_path(rel, folders))

    @cached_property
    def tests(self) -> dict[str, PythonModule] | ModulesOnDemand:
        return self._python_where(is_test_path)

    def _python_where(self, keep) -> dict[str, PythonModule] | ModulesOnDemand:
        if isinstance(self.python, ModulesOnDemand):
            return self.python.subset(keep)
        return {p: m for p, m in self.python.items() if keep(p)}

    @cached_property
    def test_functions(self) -> list[TestFunction]:
        return [t for module in self.tests.values() for t in test_functions(module)]

    def calls(self, modules: dict[str, PythonModule] | None = None) -> Iterator[tuple[PythonModule, Any]]:
        for module in (self.source if modules is None else modules).values():
            for call in module.calls:
                yield module, call

    # --- configuration files ---------------------------------------------------------------
    @cached_property
    def pyproject(self) -> Parsed:
        return self.document("pyproject.toml") if self.exists("pyproject.toml") else Parsed(None)

    @cached_property
    def declaring_pyproject(self) -> str | None:
        """The pyproject.toml that declares the project's dependencies: the root's, else the one
        of the single project folder the template was rendered into (`proj/pyproject.toml`)."""
        home = self.project_home(lambda folder: self.exists(f"{folder}pyproject.toml"))
        return None if home is None else f"{home}pyproject.toml"

    def project_home(self, holds: Callable[[str], bool]) -> str | None:
        """Where the project keeps something `holds` looks for: "" for the repository's root, else
        the single project folder the template was rendered into that holds it (`proj/`), else None
        (none holds it, or several do and the project's one is unknown)."""
        if holds(""):
            return ""
        inside = [folder for folder in self.project_folders if holds(folder)]
        return inside[0] if len(inside) == 1 else None

    @cached_property
    def setup_py(self) -> SetupPy | None:
        """What setup.py's setup() calls declare, parsed once (None without a readable setup.py)."""
        text = self.text("setup.py").text if self.exists("setup.py") else None
        return read_setup_py(text) if text is not None else None

    @cached_property
    def workflows(self) -> list[Workflow]:
        found = []
        for rel in self.glob(".github/workflows/*.yml", ".github/workflows/*.yaml"):
            content = self.text(rel)
            parsed = self.yaml(rel)
            found.append(Workflow(rel, content.text or "", parsed.data, parsed.error))
        return found

    @cached_property
    def commands(self) -> Commands:
        """Every command the project runs or documents, read as shell (auditor.facts.commands)."""
        return read_commands(self)

    @cached_property
    def dockerfiles(self) -> list[str]:
        return [f for f in self.files if is_dockerfile(f)]

    @cached_property
    def docker(self) -> list[Dockerfile]:
        """Every Dockerfile read into its instructions (an unreadable one says why)."""
        return [read_dockerfile(path, self.text(path)) for path in self.dockerfiles]

    @cached_property
    def compose_files(self) -> list[str]:
        return self.glob(*COMPOSE_FILES)

    @cached_property
    def dvc(self) -> Dvc:
        """DVC's config, remotes, tracked files and pipelines."""
        return read_dvc(self)

    @cached_property
    def dependencies(self) -> list[deps.Dependency]:
        return deps.collect(self)

    @cached_property
    def dependency_files(self) -> list[deps.DependencyFile]:
        """Every file read for the declarations, with why it could not be read (auditor.facts.dependencies)."""
        return deps.dependency_files(self)

    @cached_property
    def locked_dependencies(self) -> list[deps.Dependency]:
        """What uv.lock / poetry.lock pin; not declarations (lookups by name ignore them)."""
        return deps.collect_locked(self)

    @cached_property
    def dependency_names(self) -> set[str]:
        return {d.name for d in self.dependencies}

    def dependency(self, *names: str) -> deps.Dependency | None:
        wanted = {deps.normalize(n) for n in names}
        return next((d for d in self.dependencies if d.name in wanted), None)

    def declared(self, *names: str) -> deps.Dependency | None:
        """The first declaration of one of `names`, also in conda environments exported under other names."""
        return deps.declared(self, *names)

    @cached_property
    def report(self) -> ParsedReport:
        """The report as the audit parsed it (once): questions, answers, images, GitHub mentions;
        empty without a report in the repository."""
        slug = github_slug(self.git.remote, self.root.name)
        if not self.report_path or not self.exists(self.report_path):
            return ParsedReport(None, None, slug=slug)
        return self._report or ParsedReport(self.report_path, self.text(self.report_path).text, slug=slug)

    @property
    def report_text(self) -> str | None:
        """The report's text as the audit read it; None without a report in the repository."""
        return self.report.text

    def github_mentions(self, rel: str) -> tuple[GitHubMention, ...]:
        """The github.com repositories a Markdown file of the repository names (the report's from its fact)."""
        if rel == self.report.path:
            return self.report.github_mentions
        if rel not in self._mentions:
            self._mentions[rel] = tuple(github_mentions(self.text(rel).text or ""))
        return self._mentions[rel]

    @cached_property
    def entry_points(self) -> EntryPoints:
        """The console commands the package installs (pyproject scripts, setup.cfg / setup.py console_scripts)."""
        return read_entry_points(self)

    @cached_property
    def lfs_patterns(self) -> list[LfsPattern]:
        """The path patterns Git LFS tracks (`filter=lfs` lines of every .gitattributes)."""
        return read_lfs_patterns(self)

    def branch_holding(self, ref: str, rel: str) -> Branch | None:
        """The unmerged branch a URL's ref names (`dev`, `refs/heads/dev`, a remote's `dev`, a commit
        of its tip) when that branch added or changed `rel`; None otherwise."""
        holding = [branch for branch in self.other_branches if rel in branch.entries]
        if not holding:
            return None
        name = ref.removeprefix("refs/heads/")
        named = {r.short for r in self.refs or [] if r.name == f"refs/heads/{name}"
                 or (r.name.startswith("refs/remotes/") and r.name.split("/", 3)[3:] == [name])}
        commit = ref.lower() if len(ref) >= 7 and HEX_REF.fullmatch(ref) else None
        return next((b for b in holding if b.name in named or (commit and b.tip.startswith(commit))), None)

    def exists_at(self, ref: str, rel: str) -> bool | None:
        """Whether `rel` is a file or folder at `ref` of the history; None when git cannot say."""
        return path_at_ref(self.cat_file, ref, rel) if self.git.is_repo else None


def is_test_path(rel: str) -> bool:
    return rel.endswith(".py") and (rel.startswith(("tests/", "test/")) or "/tests/" in rel or bool(TEST_FILE.search(rel)))


def is_source_path(rel: str, project_folders: Iterable[str] = ()) -> bool:
    """The group's own code: not tests, docs, the report's folder ... at the root or in a project
    folder the template was rendered into (`proj/reports/report.py` is the template's script)."""
    if not rel.endswith(".py") or is_test_path(rel) or VENDORED.search(rel) or TEMPLATE_SCAFFOLD.search(rel):
        return False
    inside = path_in_project_folder(rel, project_folders) or rel
    return not rel.startswith(NON_SOURCE_DIRS) and not inside.startswith(NON_SOURCE_DIRS) \
        and inside not in ("setup.py", "noxfile.py")


def path_in_project_folder(rel: str, project_folders: Iterable[str]) -> str | None:
    """`rel` as the template names it when it lies in one of the project folders (`proj/tasks.py` ->
    `tasks.py`), else None."""
    return next((rel[len(folder):] for folder in project_folders if rel.startswith(folder)), None)
