"""Links and images in the answers, as written (resolving them is the checks' job)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from auditor.lazy_pattern import LazyPattern
from auditor.record import record
from auditor.report.answers import Answers

MD_IMAGE = LazyPattern(
    r"!\[(?P<alt>[^\]\n]{0,500})\]\(\s*(?P<src><[^>\n]{1,1000}>|[^)\s]{1,1000}(?:\s+[^)\s\"']{1,200}){0,5})(?:\s+[\"'][^\"'\n]{0,300}[\"'])?\s*\)"
)
HTML_IMAGE = LazyPattern(r"<img\b[^>]{0,500}?\bsrc\s*=\s*[\"'](?P<src>[^\"']{1,1000})[\"']", re.IGNORECASE)
MD_LINK = LazyPattern(r"(?<!!)\[(?P<text>[^\]\n]{0,500})\]\(\s*<?(?P<href>[^)\s>]{1,1000})>?(?:\s+[\"'][^\"']{0,300}[\"'])?\s*\)")
HTML_LINK = LazyPattern(r"<a\b[^>]{0,500}?\bhref\s*=\s*[\"'](?P<href>[^\"']{1,1000})[\"']", re.IGNORECASE)
BARE_URL = LazyPattern(r"(?<![(<\"'=\w/])https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?*_`'\""
GITHUB_FILE = LazyPattern(
    r"^https?://(?:www\.)?github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?"
    r"(?:/(?P<kind>blob|tree|raw)/(?P<rest>[^?#]+))?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
RAW_FILE = LazyPattern(
    r"^https?://raw\.githubusercontent\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/(?P<rest>[^?#]+)",
    re.IGNORECASE,
)
EXTERNAL = LazyPattern(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


@record(frozen=True)
class Reference:
    """A link or image of an answer: where it is and what it points at."""

    question: int
    line: int
    target: str  # as written
    shown: bool  # rendered (False inside a code block)


def images(answers: Answers) -> list[Reference]:
    """Every image the answers include (Markdown and HTML), also those inside code blocks."""
    found = []
    for question in answers.questions:
        for line in question.lines:
            for pattern in (MD_IMAGE, HTML_IMAGE):
                for match in pattern.finditer(line.text):
                    found.append(
                        Reference(
                            question.number,
                            line.number,
                            match.group("src").strip().strip("<>"),
                            not line.in_code,
                        )
                    )
    return found


def links(answers: Answers) -> list[Reference]:
    """Every link of the answers' prose: Markdown, HTML and bare URLs (images excluded)."""
    found = []
    for question in answers.questions:
        for line in question.lines:
            if line.in_code:
                continue
            text = MD_IMAGE.sub(" ", line.text)
            hrefs = [m.group("href") for m in MD_LINK.finditer(text)] + [
                m.group("href") for m in HTML_LINK.finditer(text)
            ]
            hrefs += [m.group(0).rstrip(TRAILING) for m in BARE_URL.finditer(MD_LINK.sub(" ", text))]
            found += [Reference(question.number, line.number, href, True) for href in hrefs if href]
    return found


@record(frozen=True)
class RepoPath:
    """A link resolved to a place in some GitHub repository (or in this one, when relative)."""

    owner: str | None
    repo: str | None
    ref: str | None
    path: str  # URL-decoded, relative to the repository root; "" for the root
    directory: bool


def github_path(url: str) -> RepoPath | None:
    """`github.com/<owner>/<repo>/blob|tree/<ref>/<path>` (or raw.githubusercontent.com) as a path."""
    match = GITHUB_FILE.match(url)
    if match:
        kind, rest = match.group("kind"), match.group("rest")
        if kind is None:
            return RepoPath(match.group("owner"), match.group("repo"), None, "", True)
        ref, _, path = rest.partition("/")
        return RepoPath(
            match.group("owner"),
            match.group("repo"),
            unquote(ref),
            unquote(path).rstrip("/") if kind == "tree" else unquote(path),
            kind == "tree",
        )
    match = RAW_FILE.match(url)
    if match:
        ref, _, path = match.group("rest").partition("/")
        return RepoPath(match.group("owner"), match.group("repo"), unquote(ref), unquote(path), False)
    return None


def relative_path(href: str, base: str) -> str | None:
    """A relative link of a file at `base` (e.g. reports/README.md) as a repository path;
    None for external links, anchors, and links that leave the repository."""
    if EXTERNAL.match(href):
        return None
    target = unquote(href.split("#", 1)[0].split("?", 1)[0])
    if not target:
        return None
    parts = [] if target.startswith("/") else base.split("/")[:-1]
    for part in target.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def markdown_links(text: str) -> list[str]:
    """The targets of every Markdown or HTML link of a whole document that name a `.md` file."""
    hrefs = [m.group("href") for m in MD_LINK.finditer(text)] + [m.group("href") for m in HTML_LINK.finditer(text)]
    return [href for href in hrefs if href.split("#", 1)[0].split("?", 1)[0].lower().endswith(".md")]


GITHUB_REMOTE = LazyPattern(r"github\.com[:/](?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$", re.IGNORECASE)


def github_slug(remote: str | None, folder_name: str | None = None) -> tuple[str | None, str | None]:
    """(owner, repo) of this repository on GitHub, lowercased; without a GitHub remote only
    the folder's name is known, as the repository name."""
    match = GITHUB_REMOTE.search(remote or "")
    if match:
        return match.group("owner").lower(), match.group("repo").lower()
    return None, (folder_name or "").lower() or None


def is_this_repository(owner: str | None, repo: str | None, slug: tuple[str | None, str | None]) -> bool:
    this_owner, this_repo = slug
    if not repo or not this_repo or repo.lower().removesuffix(".git") != this_repo:
        return False
    return this_owner is None or (owner or "").lower() == this_owner


UPLOADED = LazyPattern(
    r"^https?://(?:github\.com/user-attachments/(?:assets|files)/"
    r"|(?:private-)?user-images\.githubusercontent\.com/)",
    re.IGNORECASE,
)
LONGEST_URL = 2000  # a link longer than this is no one's figure: refused unread
BRANCH_PREFIX = ("refs/heads/", "refs/tags/")
REF_SEGMENTS = 4  # how many `/`-separated segments a branch name in a URL may take (`feature/report`)


@record(frozen=True)
class ImageSource:
    """Where an image of the report lives. `paths` are the repository files it may name, most
    literal first (a URL's branch may hold `/`, so several splits are possible); empty when
    the image is not a file of this repository."""

    paths: tuple[str, ...]
    by_url: bool = False  # a full github.com / raw.githubusercontent.com URL to this repository
    ref: str | None = None  # the branch or commit that URL names
    uploaded: bool = False  # dropped into GitHub's editor (user-attachments), not in any repository
    external: bool = False  # on some other host or in another repository
    refs: tuple[str, ...] = ()  # for a URL, the ref each of `paths` is read at
    folder: bool = False  # a link to a folder (a tree URL, a relative link ending in `/`)


def image_source(target: str, base: str | None, slug: tuple[str | None, str | None],
                 folders: bool = False) -> ImageSource:
    """An image's source (as written in the report at `base`) resolved to this repository's files;
    with `folders`, a link's target, which may also name a folder (the repository's root included)."""
    if len(target) > LONGEST_URL:
        return ImageSource((), external=True)
    if UPLOADED.match(target):
        return ImageSource((), uploaded=True)
    if EXTERNAL.match(target):
        return _own_url(target, slug, folders)
    path = relative_path(target, base) if base else None
    if path is None or not (path or folders):
        return ImageSource(())
    return ImageSource((path,), folder=folders and target.split("#")[0].endswith("/"))


def _own_url(url: str, slug: tuple[str | None, str | None], folders: bool) -> ImageSource:
    place = github_path(url)
    if place is None or (place.directory and not folders) or not is_this_repository(place.owner, place.repo, slug):
        return ImageSource((), external=True)
    segments = [place.ref or "", *place.path.split("/")]
    if any(s in ("..", "") or "\\" in s or not s.isprintable() for s in segments):
        return ImageSource((), external=True)  # climbs out, or is no plain path: not followed
    first = 3 if f"{segments[0]}/{segments[1]}/" in BRANCH_PREFIX else 1
    splits = range(first, min(first + REF_SEGMENTS, len(segments)))
    at_ref = {}
    for split in splits:
        path = "/".join(s for s in segments[split:] if s != ".")
        if path and path not in at_ref:
            at_ref[path] = "/".join(segments[:split])
    return ImageSource(tuple(at_ref), True, "/".join(segments[:first]), refs=tuple(at_ref.values()),
                       folder=place.directory)


GITHUB_MENTION = LazyPattern(
    r"github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?(?:/(?:blob|tree)/[^/\s)\]]+/([^\s)\]#?\"'>]+))?(?=[\s)\]#?\"'>/.,;:]|$)",
    re.IGNORECASE,
)


@record(frozen=True)
class GitHubMention:
    """A `github.com/<owner>/<repo>[/blob|tree/<ref>/<path>]` written anywhere in a document (link,
    bare URL or code), with the line it is on."""

    line: int
    owner: str
    repo: str
    path: str | None  # the file or folder a blob/tree URL names
    context: str  # the whole line, for what the sentence says about it


def github_mentions(text: str) -> list[GitHubMention]:
    """Every github.com repository a Markdown document names, line by line."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if "github.com" not in line.lower():
            continue
        for match in GITHUB_MENTION.finditer(line):
            path = match.group(3).rstrip(".,;:!?") if match.group(3) else None  # a sentence's end is not the path's
            found.append(GitHubMention(number, match.group(1), match.group(2), path or None, line))
    return found
