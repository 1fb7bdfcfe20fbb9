"""An architecture diagram: the image the report's architecture question shows exists in the
repository (or a diagram file lives with the docs and figures). A referenced image that is
missing, hosted elsewhere, or the course's own example figure is weak."""

import re

from auditor.digests import git_blob_id
from auditor.facts.files import Unreadable
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._artefacts import branch_named, on_named_branch

QUESTIONS = (LazyPattern(r"overall architecture of your system", re.IGNORECASE),
             LazyPattern(r"architectur(e|al) (diagram|figure|overview)", re.IGNORECASE))
MERMAID = LazyPattern(r"^\s*(```|~~~)\s*mermaid", re.IGNORECASE)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp", ".pdf")
DIAGRAM_FILES = (".drawio", ".excalidraw", ".puml", ".mmd")
DIAGRAM_NAME = LazyPattern(r"architect|pipeline|overview|diagram|flowchart|drawio|excalidraw|scheme|infrastructure|mlops",
                           re.IGNORECASE)
DIAGRAM_FOLDERS = LazyPattern(r"^(reports|docs|doc|figures|images|assets|img)/|/(figures|images|assets|img|diagrams)/", re.IGNORECASE)
# The course's example architecture figure (reports/figures/overview.png of the report template): its git blob
# id, and its size, so that an image of another size is never hashed (a photo of several MB takes ms).
COURSE_EXAMPLES = {"2541ccd65a81134f9aaf7dd1ca3f0d70f06ae2a1": 107_110}


def probe(repo, report):
    referenced = list(_report_images(repo, report))
    yield from referenced
    if not any(f.strength == "strong" for f in referenced):
        yield from _diagram_files(repo, {f.path for f in referenced})


def _report_images(repo, report):
    """The answer's first figure (a shown image, or a mermaid block) judged; the template's own
    prompt and example figure are not the answer."""
    question = next((q for pattern in QUESTIONS if (q := report.asking(pattern)) is not None), None)
    question = question or next((q for pattern in QUESTIONS if (q := report.passage_after(pattern)) is not None), None)
    if question is None:
        return
    image = next((i for i in report.images_under(question) if i.shown and not _placeholder(i.target)), None)
    mermaid = next((line.number for line in question.lines if line.in_code and MERMAID.match(line.text)), None)
    if mermaid is not None and (image is None or mermaid < image.line):
        yield Finding(report.path, mermaid, f"a mermaid diagram in the architecture answer in {report.path}:{mermaid}")
    elif image is not None:
        yield _judge(repo, report, image.line, image.target)


def _placeholder(target: str) -> bool:
    return not target or "<image>" in target or "<extension>" in target


def _judge(repo, report, line: int, ref: str) -> Finding:
    where = f"{report.path}:{line}"
    source = report.image_source(ref)
    if not source.paths and (source.external or source.uploaded):
        hosted = f"the architecture figure at {where} is hosted outside the repository ({ref[:80]})"
        return Finding(report.path, line, hosted, "weak")
    path = next((p for p in source.paths if repo.exists(p)), None)
    if path is None and (on_branch := on_named_branch(repo, source)):
        branch, path = on_branch
        message = f"the architecture figure {path} referenced at {where} (linked by its GitHub URL) is only on"
        return Finding(report.path, line, f"{message} {branch_named(branch)}", "weak")
    if path is None:
        missing = source.paths[0] if source.paths else ref[:80]
        linked = f" (linked by its GitHub URL, ref `{source.ref}`)" if source.by_url else ""
        message = f"the architecture figure {ref[:200]} referenced at {where}{linked} is missing"
        return Finding(report.path, line, f"{message}: no {missing} in the repository", "weak")
    if _is_course_example(repo, path):
        return Finding(path, None, f"the figure in {path} (referenced at {where}) is the course's example figure, not the group's own diagram", "weak")
    return Finding(path, None, f"architecture diagram in {path}, referenced at {where}")


def _diagram_files(repo, already: set):
    for path in repo.files:
        name = path.rsplit("/", 1)[-1]
        lower = name.lower()
        if path in already or not (DIAGRAM_FOLDERS.search(path) or lower.endswith(DIAGRAM_FILES)):
            continue
        if lower.endswith(DIAGRAM_FILES) or (lower.endswith(IMAGE_SUFFIXES) and DIAGRAM_NAME.search(name)):
            if _is_course_example(repo, path):
                continue
            yield Finding(path, None, f"diagram file in {path}" + ("" if repo.report_path else " (no report to reference it)"))
            return


def _is_course_example(repo, path: str) -> bool:
    try:
        data = repo.file_source.read_bytes(path)
    except Unreadable:
        return False
    return len(data) in COURSE_EXAMPLES.values() and git_blob_id(data) in COURSE_EXAMPLES
