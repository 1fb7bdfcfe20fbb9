"""Template leftovers: files that came with the cookiecutter scaffold and were never changed.

A file the group never touched after generating the project is evidence that the template
was used, not that the group did the thing, so it counts at most weak. Two ways to know:

- history: the *scaffold commit* (the first commit that adds at least four signature paths
  of a known template at once) added or rewrote the file, its content is still the same,
  and either that commit is the generated template (almost nothing but template files in
  it) or the content is what the template ships. A file the group wrote themselves, even in
  a big first commit, and never needed to touch again is their work;
- content: the file is what a known template (SkafteNicki/mlops_template,
  drivendata/cookiecutter-data-science; any version) ships, compared through fingerprints of
  its normalized lines (template_prints.json, made by scripts/template_fingerprints.py).
  Lines holding `{{ cookiecutter.* }}` placeholders may differ; every other line must match.

A template committed un-rendered (placeholders in the scaffold commit) and rendered later
is still unchanged where only the placeholder lines changed. In a structured file the group
edited elsewhere, a section (TOML table with its sub-tables, top-level YAML key, workflow
job) that came with a pure scaffold and is unchanged since is a leftover too: the
template's `[tool.ruff]` kept in a pyproject.toml whose dependencies the group wrote.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from auditor.digests import sha256
from auditor.facts.gitcmd import CatFile, GitError, git_bytes
from auditor.facts.history import Commit, History
from auditor.lazy_pattern import LazyPattern
from auditor.record import record

class PathShape:
    """A path where `*` stands for one folder name (`src/*/data.py`), tested with string
    comparisons; a path holding a newline (where `$` may match before it) or a shape with
    several `*` goes through the equivalent regex, compiled only then."""

    def __init__(self, path: str):
        self.path = path
        self.head, star, self.tail = path.partition("*")
        self.starred = bool(star)

    def match(self, rel: str) -> bool:
        if "\n" in rel or "*" in self.tail:
            return bool(_path_regex(self.path).match(rel))
        if not self.starred:
            return rel == self.path
        head, tail = self.head, self.tail
        return (len(rel) > len(head) + len(tail) and rel.startswith(head) and rel.endswith(tail)
                and "/" not in rel[len(head):len(rel) - len(tail)])


@lru_cache(maxsize=None)
def _path_regex(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(path).replace(r"\*", "[^/]+") + "$")


class Signature:
    """A path that signs a template's layout: one of `shapes` (a `PathShape`, or a folder when it
    ends with `/`: anything in it), never under the folder `not_under`."""

    def __init__(self, *shapes: str, not_under: str | None = None):
        self.folders = tuple(s for s in shapes if s.endswith("/"))
        self.files = tuple(PathShape(s) for s in shapes if not s.endswith("/"))
        self.not_under = f"{not_under}/" if not_under else None

    def search(self, path: str) -> bool:
        if self.not_under and path.startswith(self.not_under):
            return False
        return path.startswith(self.folders) or any(shape.match(path) for shape in self.files)

    def keys(self) -> list[str | None]:
        """What a path with this signature has: one of the folders as its start, or the basename
        of one of the files (None: a basename with `*`, every path may have it)."""
        names = [shape.path.rpartition("/")[2] for shape in self.files]
        return [*self.folders, *(None if "*" in name else name for name in names)]


SIGNATURES: dict[str, dict[str, Signature]] = {
    # label shown to people -> the paths that sign a template's layout
    "mlops_template": {
        "src/<pkg>/data.py": Signature("src/*/data.py"),
        "src/<pkg>/model.py": Signature("src/*/model.py", "src/*/models.py"),
        "src/<pkg>/train.py": Signature("src/*/train.py"),
        "tests/": Signature("tests/"),
        "configs/": Signature("configs/"),
        "dockerfiles/": Signature("dockerfiles/"),
        "reports/": Signature("reports/"),
        "tasks.py": Signature("tasks.py"),
    },
    "mlops_template (2023 layout)": {  # before the template moved to src/ (December 2024)
        "<pkg>/data/make_dataset.py": Signature("*/data/make_dataset.py", not_under="src"),
        "<pkg>/models/model.py": Signature("*/models/model.py", not_under="src"),
        "<pkg>/train_model.py": Signature("*/train_model.py", not_under="src"),
        "<pkg>/predict_model.py": Signature("*/predict_model.py", not_under="src"),
        "<pkg>/visualizations/visualize.py": Signature("*/visualizations/visualize.py", not_under="src"),
        "tests/": Signature("tests/"),
        "dockerfiles/": Signature("dockerfiles/"),
        "reports/": Signature("reports/"),
        "docs/mkdocs.yaml": Signature("docs/mkdocs.yaml", "docs/mkdocs.yml"),
    },
    "cookiecutter-data-science": {
        "src/data/make_dataset.py": Signature("*/data/make_dataset.py"),
        "src/models/train_model.py": Signature("*/models/train_model.py"),
        "src/features/build_features.py": Signature("*/features/build_features.py"),
        "src/visualization/visualize.py": Signature("*/visualization/visualize.py"),
        "references/": Signature("references/"),
        "Makefile": Signature("Makefile"),
        "test_environment.py": Signature("test_environment.py"),
        "tox.ini": Signature("tox.ini"),
        "docs/conf.py": Signature("docs/conf.py", "docs/source/conf.py"),
        "data/{raw,processed}": Signature("data/raw/", "data/interim/", "data/processed/", "data/external/"),
    },
}
MIN_SIGNATURES = 4
# a folder holding one of these directly is a project root the template may have been rendered into
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "Makefile", "tasks.py", "requirements.txt")
MAX_PROJECT_FOLDERS = 8


def project_folders(files) -> list[str]:
    """Top-level folders holding a project marker directly (`proj/pyproject.toml`): where a group
    rendered the template (`<repo>/<project>/`) instead of at the repository's root."""
    folders: dict[str, None] = {}
    for path in files:
        top, _, rest = path.partition("/")
        if rest in PROJECT_MARKERS and not top.startswith("."):
            folders[f"{top}/"] = None
            if len(folders) == MAX_PROJECT_FOLDERS:
                break
    return list(folders)


def signature_paths(paths: list[str]) -> dict[str, dict[str, str]]:
    """For each known template, the labels of its signatures found among `paths`, each with the
    first path that has it. A path is tested only against the signatures not found yet that its
    start or its basename may give (every signature for a path holding a newline)."""
    folders, names, unkeyed = _signature_keys()
    first: dict[Signature, str] = {}
    open_folders = tuple(folders)
    for path in paths:
        if "\n" in path:
            candidates = _all_signatures()
        elif unkeyed or path.startswith(open_folders) or path.rpartition("/")[2] in names:
            candidates = [*unkeyed, *names.get(path.rpartition("/")[2], ()),
                          *(sig for folder in open_folders if path.startswith(folder) for sig in folders[folder])]
        else:
            continue
        for signature in candidates:
            if signature not in first and signature.search(path):
                first[signature] = path
                open_folders = tuple(f for f in open_folders if any(sig not in first for sig in folders[f]))
    return {name: {label: first[sig] for label, sig in signed.items() if sig in first}
            for name, signed in SIGNATURES.items()}


@lru_cache(maxsize=1)
def _signature_keys() -> tuple[dict[str, list[Signature]], dict[str, list[Signature]], list[Signature]]:
    """Signatures by the folder a path starts with, by basename, and those with no key."""
    folders: dict[str, list[Signature]] = {}
    names: dict[str, list[Signature]] = {}
    unkeyed: list[Signature] = []
    for signature in _all_signatures():
        for key in signature.keys():
            if key is None:
                unkeyed.append(signature)
            else:
                (folders if key.endswith("/") else names).setdefault(key, []).append(signature)
    return folders, names, unkeyed


def _all_signatures() -> list[Signature]:
    return [signature for signed in SIGNATURES.values() for signature in signed.values()]


# Configuration and tooling a template ships: unchanged since the scaffold = not the group's work.
# Kept as pattern text: TEMPLATE_SHAPED compiles both at once; each alone is needed only for a pure scaffold.
CONFIG_FILES = (
    r"^(pyproject\.toml|setup\.py|setup\.cfg|tox\.ini|Makefile|tasks\.py|test_environment\.py|"
    r"requirements(_dev|_tests?)?\.txt|README\.md|LICENSE|\.gitignore|\.env|\.python-version|AGENTS\.md|"
    r"\.pre-commit-config\.ya?ml|docker-compose\.ya?ml|"
    r"\.github/workflows/(tests|linting|pre-commit-update)\.ya?ml|\.github/dependabot\.ya?ml|"
    r"\.devcontainer/[^/]+|dockerfiles/[^/]+\.dockerfile|"
    r"docs/(mkdocs\.ya?ml|README\.md|source/index\.md|Makefile|make\.bat|conf\.py|index\.rst|"
    r"getting-started\.rst|commands\.rst))$"
)
# Code stubs a template ships: the group usually fills them in.
CODE_STUBS = (
    r"^(src/[^/]+/(data|models?|train|api|evaluate|visualize|inference|__init__)\.py|"
    r"(src|[^/]+)/(data/make_dataset|models/(model|train_model|predict_model)|train_model|predict_model|"
    r"features/build_features|visualizations?/visualize)\.py|"
    r"tests/(__init__|test_(data|model|api))\.py)$"
)
# TEMPLATE_SHAPED's paths as sets and segment tests: the pattern (~0.7 ms to compile) is not needed
# to ask every tracked file. tests/test_lazy_patterns.py proves both give the same answers.
TEMPLATE_SHAPED = CONFIG_FILES + "|" + CODE_STUBS + r"|(^|/)\.gitkeep$|(^|/)__init__\.py$"
_YAML = (".yaml", ".yml")
SHIPPED_PATHS = frozenset({
    "pyproject.toml", "setup.py", "setup.cfg", "tox.ini", "Makefile", "tasks.py", "test_environment.py",
    "requirements.txt", "requirements_dev.txt", "requirements_test.txt", "requirements_tests.txt",
    "README.md", "LICENSE", ".gitignore", ".env", ".python-version", "AGENTS.md",
    *(f"{name}{ext}" for ext in _YAML for name in (
        ".pre-commit-config", "docker-compose", ".github/workflows/tests", ".github/workflows/linting",
        ".github/workflows/pre-commit-update", ".github/dependabot", "docs/mkdocs")),
    *(f"docs/{name}" for name in ("README.md", "source/index.md", "Makefile", "make.bat", "conf.py",
                                  "index.rst", "getting-started.rst", "commands.rst")),
    "tests/__init__.py", "tests/test_data.py", "tests/test_model.py", "tests/test_api.py",
})
SRC_PACKAGE_STUBS = frozenset(f"{name}.py" for name in (
    "data", "model", "models", "train", "api", "evaluate", "visualize", "inference", "__init__"))
PACKAGE_STUBS = frozenset(f"{name}.py" for name in (
    "data/make_dataset", "models/model", "models/train_model", "models/predict_model", "train_model",
    "predict_model", "features/build_features", "visualization/visualize", "visualizations/visualize"))
PURE_SCAFFOLD = 0.8
PLACEHOLDER = LazyPattern(r"\{\{-?\s*cookiecutter\.|\{%")
MAX_OPTIONAL = 3


# --- fingerprints of what the template ships ----------------------------------------------
def normalized_lines(text: str) -> list[str]:
    """Lines without trailing spaces, blank lines dropped, line endings unified."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.rstrip() for line in lines if line.strip()]


def digest(lines: Iterable[str]) -> str:
    return sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def template_fingerprint(text: str) -> dict | None:
    """The fingerprint of a template file: the hash of its fixed lines, the line count and
    which lines hold placeholders (`optional` ones may render to nothing). None when the file
    has too few fixed lines to say anything, or block-level Jinja logic."""
    lines = normalized_lines(text)
    variable = [i for i, line in enumerate(lines) if PLACEHOLDER.search(line)]
    optional = [i for i in variable if "{%" in lines[i]]
    if any(lines[i].count("{%") != 2 for i in optional) or len(optional) > MAX_OPTIONAL:
        return None
    fixed = [line for i, line in enumerate(lines) if i not in variable]
    if len(fixed) < 2:
        return None
    return {"hash": digest(fixed), "lines": len(lines), "variable": variable, "optional": optional}


def matches_fingerprint(lines: list[str], print_: dict) -> bool:
    variable, optional = set(print_["variable"]), print_["optional"]
    for absent_count in range(len(optional) + 1):
        for absent in itertools.combinations(optional, absent_count):
            present = [i for i in range(print_["lines"]) if i not in absent]
            if len(present) != len(lines):
                continue
            fixed = [line for line, i in zip(lines, present) if i not in variable]
            if digest(fixed) == print_["hash"]:
                return True
    return False


@lru_cache(maxsize=1)
def _template_prints() -> dict:
    """The fingerprints shipped with the package, read once (beside this module, also when installed)."""
    return json.loads(Path(__file__).with_name("template_prints.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _shipped() -> list[tuple[PathShape, str, str, list[dict]]]:
    """(path test, path, template, fingerprints) of every file a known template generates."""
    data = _template_prints()
    return [(PathShape(path), path, name, prints)
            for name, template in data["templates"].items() for path, prints in template["files"].items()]


def shipped_as(rel: str, text: str) -> str | None:
    """`template's path` when `text` is the content of one of a known template's files."""
    lines = None
    for regex, path, template, prints in _shipped():
        if regex.match(rel):
            lines = normalized_lines(text) if lines is None else lines
            if any(matches_fingerprint(lines, p) for p in prints):
                return f"{template}'s {path}"
    return None


def is_template_shaped(rel: str) -> bool:
    return _shaped_as_shipped(rel) or any(regex.match(rel) for regex, *_ in _shipped())


def _shaped_as_shipped(rel: str) -> bool:
    """Whether TEMPLATE_SHAPED matches: its `$` also matches before a final newline."""
    return _whole_path_shaped(rel) or (rel.endswith("\n") and _whole_path_shaped(rel[:-1]))


def _whole_path_shaped(rel: str) -> bool:
    if rel in SHIPPED_PATHS or rel in (".gitkeep", "__init__.py"):
        return True
    if rel.endswith(("/.gitkeep", "/__init__.py")):
        return True
    first, _, rest = rel.partition("/")
    if first == ".devcontainer" and rest != "" and "/" not in rest:
        return True
    if first == "dockerfiles" and rest.endswith(".dockerfile") and rest != ".dockerfile" and "/" not in rest:
        return True
    if first == "src":
        package, _, module = rest.partition("/")
        if package and module in SRC_PACKAGE_STUBS:
            return True
    return first != "" and rest in PACKAGE_STUBS


# --- the scaffold commit in the repository's own history -----------------------------------
@record(frozen=True)
class Scaffold:
    commit: Commit
    template: str
    pure: bool              # the commit holds (almost) nothing but the template
    blobs: dict[str, str]   # path -> blob id, for the files the scaffold commit added or rewrote

    def describe(self) -> str:
        return f"commit {self.commit.sha[:10]} of {self.commit.authored_iso[:10]}, \"{self.commit.subject[:60]}\""


def find_scaffold_commit(history: History) -> tuple[Commit, str, bool, tuple[str, ...]] | None:
    """The first commit that adds >= 4 signature paths of one known template at once (with the
    paths it changed)."""
    seen: set[str] = set()
    for commit, paths in history.changed_paths():
        added = [p for p in paths if p not in seen]
        seen.update(paths)
        if commit.is_merge or not added:
            continue
        found = signature_paths(added)
        hits, name = max((len(found[name]), name) for name in SIGNATURES)
        if hits >= MIN_SIGNATURES:
            shaped = sum(1 for p in added if is_template_shaped(p))
            return commit, name, shaped >= PURE_SCAFFOLD * len(added), paths
    return None


def read_scaffold(history: History | None, where, cat_file: CatFile | None = None) -> Scaffold | None:
    if history is None or not history.available or history.shallow or where is None:
        return None
    found = find_scaffold_commit(history)
    if found is None:
        return None
    commit, name, pure, paths = found
    try:
        blobs = _brought_blobs(where, commit.sha, paths, cat_file)
    except GitError:
        return None
    return Scaffold(commit, name, pure, blobs)


def _brought_blobs(where, commit: str, paths: tuple[str, ...], cat_file: CatFile | None) -> dict[str, str]:
    """path -> blob of what the scaffold commit added or rewrote (not what was there before it), in
    the commit's tree: asked of the repository's cat-file as `commit:path`, in one round trip, where
    every path can be written so (on one line, as git stored it); else read from `git ls-tree`."""
    brought = dict.fromkeys(paths)
    if cat_file is not None and not any("\n" in path or "\ufffd" in path for path in brought):
        asked = {f"{commit}:{path}": path for path in brought}
        ids = cat_file.blob_ids(list(asked))
        return {path: ids[name] for name, path in asked.items() if name in ids}
    listing = git_bytes(where, "ls-tree", "-r", "-z", "--full-tree", commit)
    blobs = {}
    for record in listing.split(b"\0"):
        meta, tab, raw = record.partition(b"\t")
        parts, path = meta.split(), raw.decode("utf-8", "replace")
        if tab and len(parts) == 3 and parts[1] == b"blob" and path in brought:
            blobs[path] = parts[2].decode()
    return blobs


def leftover_reason(rel: str, scaffold: Scaffold | None, current_blob: str | None, text: str | None,
                    scaffold_text: str | None = None) -> str | None:
    """Why `rel` is a template leftover, or None when it is the group's own work."""
    if not is_template_shaped(rel):
        return None
    shipped = shipped_as(rel, text) if text is not None else None
    unchanged = scaffold is not None and current_blob is not None and scaffold.blobs.get(rel) == current_blob
    if not unchanged and scaffold is not None and scaffold_text is not None and text is not None:
        unchanged = PLACEHOLDER.search(scaffold_text) is not None and same_as_generated(
            normalized_lines(scaffold_text), normalized_lines(text))  # committed un-rendered, rendered later
    if unchanged and (shipped or (scaffold.pure and (re.search(CONFIG_FILES, rel) or re.search(CODE_STUBS, rel)))):
        return f"unchanged since the {scaffold.template} scaffold ({scaffold.describe()})"
    if shipped:
        return f"identical to {shipped}"
    return None


# --- sections of a structured file ----------------------------------------------------------
# A group edits its pyproject.toml (dependencies, scripts) but may leave the template's
# `[tool.ruff]` table as it came: that table is still a leftover. A section is a TOML/INI
# table, a top-level YAML key, or one job of a GitHub workflow.
# no lazy part before optional spaces: a long line of spaces must not backtrack quadratically
TABLE_HEADER = LazyPattern(r"^[ \t]*\[\[?([^\]\n]+)\]\]?[ \t]*(#.*)?$")
YAML_KEY = LazyPattern(r"^(?P<key>[A-Za-z_\"'][^:#\n]*):(\s|$)")
YAML_CHILD = LazyPattern(r"^(?P<indent>[ \t]+)(?P<key>[A-Za-z_\"'][^:#\n]*):(\s|$)")
TABLE_FILES = LazyPattern(r"\.(toml|cfg|ini)$|(^|/)\.flake8$")
YAML_FILES = LazyPattern(r"\.ya?ml$")
WORKFLOW = LazyPattern(r"^\.github/workflows/[^/]+\.ya?ml$")


@record(frozen=True)
class Section:
    name: str
    start: int  # 1-based line of its header
    end: int    # 1-based last line
    lines: tuple[str, ...]  # normalized (no blank lines, no trailing spaces)


@lru_cache(maxsize=16)   # each finding in a file asks for its sections, and for the scaffold's
def sections(rel: str, text: str) -> tuple[Section, ...]:
    """The sections of a structured file (empty for any other kind of file)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if TABLE_FILES.search(rel):
        starts = [(i, m.group(1).strip()) for i, line in enumerate(lines) if (m := TABLE_HEADER.match(line))]
    elif YAML_FILES.search(rel):
        starts = _yaml_starts(lines, split_jobs=bool(WORKFLOW.match(rel)))
    else:
        return ()
    bounds = [*starts, (len(lines), None)]
    return tuple(Section(name, start + 1, end, tuple(normalized_lines("\n".join(lines[start:end]))))
                 for (start, name), (end, _) in zip(bounds, bounds[1:]))


def _yaml_starts(lines: list[str], split_jobs: bool) -> list[tuple[int, str]]:
    starts, in_jobs, job_indent = [], False, None
    for index, line in enumerate(lines):
        top = YAML_KEY.match(line)
        if top:
            key = top.group("key").strip().strip("\"'")
            in_jobs, job_indent = split_jobs and key == "jobs", None
            starts.append((index, "" if split_jobs else key))  # a workflow's sections are its jobs
            continue
        child = YAML_CHILD.match(line) if in_jobs else None
        if child and (job_indent is None or child.group("indent") == job_indent):
            job_indent = child.group("indent")
            starts.append((index, "jobs." + child.group("key").strip().strip("\"'")))
    return starts


def section_at(rel: str, text: str, line: int) -> Section | None:
    return next((s for s in sections(rel, text) if s.start <= line <= s.end), None)


def same_as_generated(generated: Iterable[str], current: Iterable[str]) -> bool:
    """Current lines are the generated ones, placeholders (`{{ cookiecutter.* }}` committed
    un-rendered) rendered or not."""
    generated, current = list(generated), list(current)
    if len(generated) != len(current):
        return False
    return all(old == new or PLACEHOLDER.search(old) for old, new in zip(generated, current))


def _with_subtables(found: tuple[Section, ...], name: str) -> list[str]:
    """The lines of a section and its sub-tables (`[tool.ruff]` with `[tool.ruff.lint]`)."""
    return [line for s in found if s.name == name or s.name.startswith(name + ".") for line in s.lines]


def section_leftover_reason(rel: str, line: int, scaffold: Scaffold | None, scaffold_text: str | None,
                            text: str | None) -> str | None:
    """Why the section holding `line` is a template leftover in a file the group edited
    elsewhere: it came with the scaffold, is unchanged since, and either the scaffold is the
    pure template or the section is what the template ships (None otherwise)."""
    if scaffold is None or scaffold_text is None or text is None:
        return None
    current = section_at(rel, text, line)
    if current is None or not current.name:
        return None
    generated = _with_subtables(sections(rel, scaffold_text), current.name)
    lines = _with_subtables(sections(rel, text), current.name)
    if not generated or not same_as_generated(generated, lines):
        return None
    if not scaffold.pure and not section_shipped(rel, lines):
        return None
    return f"its section `{current.name}` is unchanged since the {scaffold.template} scaffold ({scaffold.describe()})"


def section_fingerprints(rel: str, text: str) -> list[str]:
    """Hashes of a template file's sections (with their sub-tables), placeholder-free ones only."""
    found = sections(rel, text)
    prints = []
    for section in found:
        lines = _with_subtables(found, section.name) if section.name else []
        if lines and not any(PLACEHOLDER.search(line) for line in lines):
            prints.append(digest(lines))
    return prints


@lru_cache(maxsize=1)
def _shipped_sections() -> list[tuple[PathShape, str, frozenset[str]]]:
    data = _template_prints()
    return [(PathShape(path), name, frozenset(prints))
            for name, template in data["templates"].items() for path, prints in template.get("sections", {}).items()]


def section_shipped(rel: str, lines: list[str]) -> str | None:
    """The template that ships this section (with its sub-tables) in a file at `rel`, or None."""
    print_ = digest(lines)
    return next((name for regex, name, prints in _shipped_sections() if regex.match(rel) and print_ in prints), None)
