"""The repository's DVC set-up: its config and remotes, the files DVC tracks, its pipelines.

DVC's config is INI-like (`['remote "storage"']` sections with `url = gs://...`); it is read
line by line, commented lines skipped, so nothing of it is run or resolved.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditor.lazy_pattern import LazyPattern
from auditor.record import record

if TYPE_CHECKING:
    from auditor.facts.repository import Repository

CONFIG = ".dvc/config"
CONFIG_FILES = (".dvc/config", "**/.dvc/config", ".dvc/config.local", "**/.dvc/config.local")
SECTION = LazyPattern(r"""^\s*\[\s*['"]?remote\s+"([^"]+)"['"]?\s*\]""")
URL = LazyPattern(r"^\s*url\s*=\s*(\S+)")
DEFAULT = LazyPattern(r"^\s*remote\s*=\s*(\S+)")


@record(frozen=True)
class DvcRemote:
    path: str       # the config file that declares it
    line: int       # its `url = ...` line
    name: str
    url: str
    default: bool   # the config's `remote = <name>`


@record(frozen=True)
class Dvc:
    config: str | None           # the top-level .dvc/config (else a project folder's), when committed
    folder: list[str]            # files under that .dvc/ folder
    tracked: list[str]           # *.dvc files
    pipelines: list[str]         # dvc.yaml / dvc.lock
    remotes: list[DvcRemote]     # from every DVC config (nested projects and config.local too)


def read_dvc(repo: Repository) -> Dvc:
    remotes = [r for path in repo.glob(*CONFIG_FILES) for r in remotes_in(path, repo.text(path).text or "")]
    root = _dvc_root(repo)
    return Dvc(
        config=f"{root}{CONFIG}" if repo.exists(f"{root}{CONFIG}") else None,
        folder=repo.glob(f"{root}.dvc/**"),
        tracked=repo.glob("**/*.dvc"),
        pipelines=repo.glob("**/dvc.yaml", "**/dvc.lock"),
        remotes=remotes,
    )


def _dvc_root(repo: Repository) -> str:
    """Where DVC was initialised: the repository's root, else the one project folder the template
    was rendered into that has a `.dvc/` folder (`proj/.dvc/config`)."""
    return repo.project_home(lambda folder: bool(repo.glob(f"{folder}.dvc/**"))) or ""


def remotes_in(path: str, text: str) -> list[DvcRemote]:
    """The remotes a DVC config at `path` declares, with the line of each `url`."""
    lines = text.splitlines()
    default = next((m.group(1).strip("'\"") for m in map(DEFAULT.match, lines) if m), None)
    section = None
    found = []
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(("#", ";")):
            continue
        header = SECTION.match(line)
        if header:
            section = header.group(1)
        elif line.lstrip().startswith("["):
            section = None
        elif section:
            url = URL.match(line)
            if url:
                found.append(DvcRemote(path, number, section, url.group(1), section == default))
    return found
