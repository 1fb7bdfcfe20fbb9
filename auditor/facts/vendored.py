"""Code copied into the project from elsewhere: a file whose header names the repository it came
from ("From https://github.com/huggingface/pytorch-image-models"). It is real code that runs, but a
teacher reading a finding wants to know that the group did not write it."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from auditor.facts.dependencies import normalize
from auditor.facts.files import DATA_DIRS
from auditor.lazy_pattern import LazyPattern
from auditor.report.anchors import match_if_possible

HEADER_LINES = 15
# Compiled only for a header line holding `github` and one of the words that say where code came from.
ORIGIN = LazyPattern(
    r"^\s*(?:#+|\"\"\"|'''|//|/?\*+)?\s*(?:code\s+)?(?:from|copied\s+from|adapted\s+from|taken\s+from|borrowed\s+from|"
    r"vendored\s+from|ported\s+from|source:|original(?:ly)?\s+from:?)\s*:?\s*<?(https?://(?:www\.)?github\.com/[\w.-]+/[\w.-]+)",
    re.IGNORECASE,
)


def origin_in_header(text: str | None) -> str | None:
    """The repository URL a file's first lines say it was copied from, else None."""
    if not text:
        return None
    for line in text.splitlines()[:HEADER_LINES]:
        found = match_if_possible(ORIGIN, line[:300])
        if found:
            return found.group(1).rstrip(".")
    return None


def vendored_origin(repo, rel: str) -> str | None:
    """Where the project file `rel` came from, when its header says it was copied (Python files only)."""
    if not rel.endswith(".py") or not repo.exists(rel):
        return None
    return origin_in_header(repo.text(rel).text)


def vendored_note(repo, rel: str) -> str | None:
    """Why the file `rel` is another project's code, as a finding says it ("its header says it is
    from https://github.com/...", "in third_party/, a folder for other projects' code"), else None."""
    origin = vendored_origin(repo, rel)
    if origin:
        return f"its header says it is from {origin}"
    folders = getattr(repo, "vendored_folders", None)
    return folders.reason_for(rel) if folders is not None else None


# Folders that by their name hold other projects' code; a path through one is vendored.
UPSTREAM_FOLDERS = frozenset({"third_party", "third-party", "thirdparty", "3rdparty", "vendor", "vendored",
                              "external", "extern"})
LICENSE_NAMES = ("license", "licence", "copying")
README_NAMES = ("readme",)
PACKAGING_FILES = ("setup.py", "pyproject.toml")
DOC_SUFFIXES = (".md", ".rst", ".txt")
MAX_DOCS_READ = 5
DOC_CHARS = 20_000
SETUP_NAME = LazyPattern(r"""\bname\s*=\s*['"]([\w.-]+)['"]""")
GITMODULE_PATH = LazyPattern(r"^\s*path\s*=\s*(\S.*?)\s*$", re.MULTILINE)
GITHUB_REPO = LazyPattern(r"github\.com/([\w.-]+)/([\w.-]+)", re.IGNORECASE)


def normalised(name: str) -> str:
    return normalize(name).replace("-", "_").removesuffix("_git")


class VendoredFolders:
    """Which folders of a repository hold another project's code, each decided once from the
    listing and the first characters of a few of its files, and only for a folder a finding cites."""

    def __init__(self, repo) -> None:
        self.repo = repo
        self._reasons: dict[str, str | None] = {}

    def reason_for(self, rel: str) -> str | None:
        """Why the file `rel` lies in a vendored folder ("CNNDetection/ is named like the repository its
        howtouse.md links, PeterWang512/CNNDetection"), else None; the outermost such folder wins."""
        folders = rel.split("/")[:-1]
        for depth in range(1, len(folders) + 1):
            folder = "/".join(folders[:depth])
            if folder not in self._reasons:
                self._reasons[folder] = self._decide(folder)
            if self._reasons[folder]:
                return self._reasons[folder]
        return None

    def _decide(self, folder: str) -> str | None:
        name = folder.rpartition("/")[2]
        if folder in self._submodules:
            return f"{folder}/ is a git submodule (.gitmodules)"
        if name.lower() in UPSTREAM_FOLDERS and DATA_DIRS.isdisjoint(folder.lower().split("/")):
            return f"in {folder}/, a folder for other projects' code"
        if normalised(name) in self._own_names or self._holds_the_groups_work(folder):
            return None
        files = self._files_in(folder)
        return self._own_project(folder, files) or self._named_like_linked_repository(folder, files)

    def _own_project(self, folder: str, files: dict[str, str]) -> str | None:
        """A folder of code with its own LICENSE (not the root's), and its own README or packaging
        naming another project."""
        license_file = next((rel for n, rel in files.items() if n.lower().startswith(LICENSE_NAMES)), None)
        if not license_file or folder not in self._index.code_folders or self._same_license_as_root(license_file):
            return None
        other = self._other_project(files)
        if other:
            return f"{folder}/ is another project, `{other[0]}` (its own {other[1]} and {name_of(license_file)})"
        readme = next((rel for n, rel in files.items() if n.lower().startswith(README_NAMES)), None)
        if readme:
            return f"{folder}/ has its own {name_of(license_file)} and {name_of(readme)}"
        return None

    def _named_like_linked_repository(self, folder: str, files: dict[str, str]) -> str | None:
        """A folder named exactly like the GitHub repository one of its own documents links."""
        name = normalised(folder.rpartition("/")[2])
        docs = [rel for n, rel in sorted(files.items()) if n.lower().endswith(DOC_SUFFIXES)][:MAX_DOCS_READ]
        for doc in docs:
            text = (self.repo.text(doc).text or "")[:DOC_CHARS]
            for owner, linked in GITHUB_REPO.findall(text) if "github.com" in text.lower() else []:
                linked = linked.removesuffix(".git")
                if normalised(linked) == name and normalised(f"{owner}/{linked}") != self._own_remote \
                        and name not in self._dependencies:
                    return (f"{folder}/ is named like the repository its {name_of(doc)} links, "
                            f"{owner}/{linked}")
        return None

    def _other_project(self, files: dict[str, str]) -> tuple[str, str] | None:
        """The project name a folder's own setup.py/pyproject.toml declares, when it is not the group's."""
        for packaging in PACKAGING_FILES:
            if packaging in files:
                declared = project_name(self.repo, files[packaging])
                if declared and self._packaged_names and normalised(declared) not in self._own_names:
                    return declared, packaging
        return None

    def _same_license_as_root(self, license_file: str) -> bool:
        root = next((n for n in self.repo.files if "/" not in n and n.lower().startswith(LICENSE_NAMES)), None)
        return root is not None and self.repo.text(root).text == self.repo.text(license_file).text

    def _holds_the_groups_work(self, folder: str) -> bool:
        """The folder holds the report or the group's packaging (a project nested one folder down,
        or a copy of the project whose packaging declares the root's own project name)."""
        report = getattr(self.repo, "report_path", None)
        inside = f"{folder}/"
        packaging = [inside + p for p in PACKAGING_FILES if self.repo.exists(inside + p)]
        if not self._packaged_names:
            return bool(report and str(report).startswith(inside)) or bool(packaging)
        return bool(report and str(report).startswith(inside)) or any(
            normalised(project_name(self.repo, p) or "") in self._packaged_names for p in packaging)

    def _files_in(self, folder: str) -> dict[str, str]:
        """The files directly in `folder`, by name."""
        return {name_of(rel): rel for rel in self._index.direct_files.get(folder, [])}

    @cached_property
    def _index(self) -> FolderIndex:
        return FolderIndex(self.repo.files)

    @cached_property
    def _packaged_names(self) -> frozenset[str]:
        """The project names the root's setup.py / pyproject.toml declare, normalised."""
        names = {project_name(self.repo, p) for p in PACKAGING_FILES if self.repo.exists(p)}
        return frozenset(normalised(n) for n in names if n)

    @cached_property
    def _own_names(self) -> frozenset[str]:
        """The group's names, normalised: its projects, its src/ packages, the repository's own name."""
        names = set(self._packaged_names)
        names |= {folder.split("/")[1] for folder in self._index.direct_files if folder.startswith("src/")}
        names |= {Path(str(self.repo.root)).name}
        if self._own_remote:
            names.add(self._own_remote.rpartition("/")[2])
        return frozenset(normalised(n) for n in names if n)

    @cached_property
    def _dependencies(self) -> frozenset[str]:
        """The libraries the group declares: a folder named after one (locust/) is where it uses it."""
        return frozenset(normalised(n) for n in getattr(self.repo, "dependency_names", ()) or ())

    @cached_property
    def _own_remote(self) -> str | None:
        remote = getattr(getattr(self.repo, "git", None), "remote", None) or ""
        found = GITHUB_REPO.search(remote)
        return normalised(f"{found.group(1)}/{found.group(2).removesuffix('.git')}") if found else None

    @cached_property
    def _submodules(self) -> frozenset[str]:
        if not self.repo.exists(".gitmodules"):
            return frozenset()
        text = self.repo.text(".gitmodules").text or ""
        return frozenset(p.strip("/") for p in GITMODULE_PATH.findall(text))


class FolderIndex:
    """The listing by folder, built in one pass: each folder's own files, and the folders holding Python."""

    def __init__(self, files: list[str]) -> None:
        self.direct_files: dict[str, list[str]] = {}
        self.code_folders: set[str] = set()
        for rel in files:
            folder = rel.rpartition("/")[0]
            self.direct_files.setdefault(folder, []).append(rel)
            if rel.endswith(".py"):
                self._mark_code(folder)

    def _mark_code(self, folder: str) -> None:
        while folder and folder not in self.code_folders:
            self.code_folders.add(folder)
            folder = folder.rpartition("/")[0]


def name_of(rel: str) -> str:
    return rel.rpartition("/")[2]


def project_name(repo, rel: str) -> str | None:
    """The project name a pyproject.toml ([project] or [tool.poetry]) or a setup.py declares."""
    if rel.endswith(".toml"):
        data = repo.document(rel).data
        if not isinstance(data, dict):
            return None
        for table in (data.get("project"), (data.get("tool") or {}).get("poetry") if isinstance(data.get("tool"), dict) else None):
            if isinstance(table, dict) and isinstance(table.get("name"), str):
                return table["name"]
        return None
    found = SETUP_NAME.search(repo.text(rel).text or "")
    return found.group(1) if found else None
