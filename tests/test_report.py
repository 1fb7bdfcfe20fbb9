"""Reading the checklist: every report-format variant students produce."""

from __future__ import annotations

import pytest

from auditor.catalog import load_catalog
from auditor.report.checklist import mark_to_claim, parse_checklist, read_heading
from auditor.report.reader import claims_from_text, study_numbers
from conftest import FIXTURES

REPORTS = FIXTURES / "reports"


def claims_of(name: str):
    return claims_from_text((REPORTS / name).read_bytes().decode("utf-8"), f"fixtures/{name}", load_catalog())


@pytest.mark.parametrize(
    ("mark", "claimed"),
    [
        ("x", True), ("X", True), ("(X)", True), ("(x)", True), ("✅", True), ("✓", True), ("ok", True), (" x ", True),
        ("**x**", True), ("", False), (" ", False), ("-", False), ("–", False), ("❌", False), ("✗", False), ("n/a", False), ("~", "partial"), ("50%", "partial"),
        ("%", "partial"), ("started", "partial"),
    ],
)
def test_marks(mark, claimed):
    assert mark_to_claim(mark) == claimed


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("## Checklist", (2, "Checklist")), ("   ### Question 3 ###  ", (3, "Question 3")), ("#", (1, "")),
        ("#   ##  ", (1, "")), ("# C#", (1, "C")), ("# a # # ", (1, "a #")), ("####### seven", (6, "# seven")),
        ("#\tTitle\u00a0", (1, "Title")), ("# a" + " " * 5000 + "x", (1, "a" + " " * 5000 + "x")),
        ("    # indented code", None), ("text # not a heading", None), ("", None),
    ],
)
def test_headings(line, heading):
    found = read_heading(line)
    assert (found and (found.level, found.text)) == heading


def test_2025_template_maps_every_line_to_a_distinct_id():
    report = claims_of("template_2025.md")
    ids = [i for line in report.checklist_lines for i in line.item_ids]
    assert len(report.checklist_lines) == 53
    assert not report.unmatched
    assert len(ids) == len(set(ids)) == 53
    assert set(ids) == {s.id for s in load_catalog()} - {"torchserve"}
    assert report.template.startswith("2025")


def test_2023_template_maps_by_meaning():
    report = claims_of("template_2023.md")
    by_id = {i: line for line in report.checklist_lines for i in line.item_ids}
    assert len(report.checklist_lines) == 36
    assert not report.unmatched
    assert report.template == "2023-2024"
    wandb_line = by_id["wandb"]
    assert by_id["sweep"] is wandb_line, "the W&B line of 2023 also claims the sweep"
    assert "system telemetry" in by_id["cloud-monitoring"].text
    assert "performance of your deployed model" in by_id["drift-api"].text
    assert "torchserve" in by_id["torchserve"].text
    assert "make_dataset" in by_id["data-py"].text
    for missing in ("cli", "logging", "ci-lint", "pre-commit", "frontend", "io-collection"):
        assert missing not in by_id
        assert report.claim(missing) == (None, None)


@pytest.mark.parametrize(
    ("item", "claimed", "line"),
    [
        ("git-repo", True, 7),                 # "-" bullet, [X]
        ("team-write-access", True, 8),        # [(X)] and bold text
        ("environment", True, 9),              # [✅] with an HTML comment after it
        ("cookiecutter", "partial", 10),       # [~]
        ("data-py", "partial", 11),            # [50%]
        ("model-train", "partial", 12),        # [%]
        ("requirements", True, 13),            # wrapped over two lines
        ("pep8", False, 15),                   # [-]
        ("typing-docs", False, 16),            # []
        ("data-versioning", False, 17),        # italic text
        ("cli", True, 18),                     # a note after the item
        ("dockerfiles", True, 20),             # duplicated: claimed if either copy is
        ("hydra", True, 21),                   # wrapped without the module on the first line
        ("wandb", True, 26),
    ],
)
def test_odd_formats(item, claimed, line):
    report = claims_of("odd_formats.md")
    got_claimed, got_line = report.claim(item)
    assert got_claimed == claimed
    assert got_line.line == line


def test_odd_formats_keeps_unmatched_and_ignores_comments_and_answers():
    report = claims_of("odd_formats.md")
    assert [u.text for u in report.unmatched] == ["Our own extra: we wrote a poem about MLOps"]
    assert report.unmatched[0].claimed is True
    assert report.claim("profiling") == (None, None), "an item inside an HTML comment is not a claim"
    assert report.claim("fastapi") == (None, None), "boxes in the answers are not checklist items"


def test_crlf_line_endings():
    report = claims_of("crlf.md")
    assert report.claim("git-repo")[0] is True
    assert report.claim("profiling")[0] is False
    assert report.claim("git-repo")[1].line == 7


def test_no_checklist():
    report = claims_of("no_checklist.md")
    assert report.template == "none"
    assert report.message == "the report has no checklist"
    assert all(report.claim(s.id) == (None, None) for s in load_catalog())


def test_study_numbers_of_question_2():
    numbers, line = study_numbers((REPORTS / "no_checklist.md").read_text())
    assert numbers == ["s183319", "s194345"]
    assert line == 17


def test_checklist_section_stops_at_the_first_question():
    text = "## Overall project checklist\n* [x] Create a git repository (M5)\n### Question 1\n* [x] Load test your application (M24)\n"
    checklist = parse_checklist(text)
    assert [line.text for line in checklist.lines] == ["Create a git repository (M5)"]


SYMBOL_MARKED = """## Overall project checklist
- [x] Add pre-commit hooks to your version control setup (M18)
- ❌ Add a continues workflow that triggers when data changes (M19)
- ✅ Load test your application (M24)
* [x] Create a FastAPI application that can do inference using your model (M22)
  - we used uvicorn behind it
- [x] Used Hydra to load the configurations
  and manage your hyperparameters (M11)
"""


@pytest.mark.parametrize(
    "line, mark, claimed, text",
    [
        (2, "x", True, "Add pre-commit hooks to your version control setup (M18)"),
        (3, "❌", False, "Add a continues workflow that triggers when data changes (M19)"),
        (4, "✅", True, "Load test your application (M24)"),
        (5, "x", True, "Create a FastAPI application that can do inference using your model (M22)"),
        (7, "x", True, "Used Hydra to load the configurations and manage your hyperparameters (M11)"),
    ],
)
def test_a_bullet_marked_by_a_bare_symbol_is_its_own_item(line, mark, claimed, text):
    """`- ❌ item` has no brackets: it is an item of its own, never the wrapped tail of the item above;
    a sub-bullet ends the item above it, a wrapped line continues it."""
    items = {item.line: item for item in parse_checklist(SYMBOL_MARKED).lines}
    assert (items[line].mark, items[line].claimed, items[line].text) == (mark, claimed, text)
    assert sorted(items) == [2, 3, 4, 5, 7]


CHECKLIST_WITH_SYMBOLS = """## Overall project checklist

- [x] Add pre-commit hooks to your version control setup (M18)
- ❌ Add a continues workflow that triggers when data changes (M19)
- ✅ Create a FastAPI application that can do inference using your model (M22)
✔️ Load test your application (M24)
- [x] Check how robust your model is towards data drifting (M27)
  wrapped onto a second line
"""


@pytest.mark.parametrize(
    ("item", "claimed", "line"),
    [
        ("pre-commit", True, 3),             # not merged with the next line's item
        ("workflow-data-change", False, 4),  # a cross instead of the box: not claimed
        ("fastapi", True, 5),
        ("load-test", True, 6),              # a bare symbol without a bullet
        ("drift-robustness", True, 7),       # a plain wrapped line still continues its item
    ],
)
def test_a_symbol_in_place_of_the_box_is_the_mark_of_its_own_line(item, claimed, line):
    report = claims_from_text(CHECKLIST_WITH_SYMBOLS, "reports/README.md", load_catalog())
    mark, where = report.claims[item]
    assert (mark, where.line) == (claimed, line)


@pytest.mark.parametrize(
    ("line", "claimed"),
    [
        ("* [x] Consider running a hyperparameter optimization sweep (M14) - Not applicable", False),
        ("* [x] If applicable, optimize the performance of your training pipeline by using distributed training (M30) (N/A)", False),
        ("* [x] Use PyTorch-lightning (if applicable) to reduce the amount of boilerplate in your code (M15)", True),
        ("* [x] If applicable, optimize the performance of your training pipeline by using distributed training (M30)", True),
        ("* [ ] Consider running a hyperparameter optimization sweep (M14) - not applicable", False),
    ],
)
def test_a_ticked_line_noted_not_applicable_is_no_claim(line, claimed):
    checklist = parse_checklist("## Overall project checklist\n\n" + line + "\n")
    assert checklist.lines[0].claimed is claimed
