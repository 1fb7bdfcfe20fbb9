"""Where the claims come from: the checklist wherever the group kept it, the answers for the
items it lacks, and a tick that only another item's combined line carries."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import FIXTURES, git, make_git_repo
from rich.console import Console

from auditor.audit import audit
from auditor.render import json_report, terminal

TEMPLATE_2023 = (FIXTURES / "reports" / "template_2023.md").read_text(encoding="utf-8")
TEMPLATE_2025 = (FIXTURES / "reports" / "template_2025.md").read_text(encoding="utf-8")


def checklist_of(template: str, ticked: bool = True) -> str:
    """The template's checklist section alone, every box ticked (or left empty)."""
    section = template[template.index("## Overall project checklist") : template.index("## Group information")]
    return section.replace("[ ]", "[x]") if ticked else section


def questions_of(template: str) -> str:
    return template[template.index("## Group information") :]


def answer(number: int, text: str) -> str:
    return f"\n### Question {number}\n> **A question about the project**\n>\n> Answer:\n\n{text}\n"


REPORT_WITHOUT_CHECKLIST = "# Exam report\n\n" + questions_of(TEMPLATE_2023)
TODO_LIST = "# Our project\n\n## TODO\n\n- [x] Create a git repository\n- [ ] write the docs\n- [x] fix the bug\n"


def run(tmp_path, files: dict[str, str]):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    result = audit(tmp_path)
    return result, {item.id: item for item in result.items}


# --- the checklist wherever the group kept it -----------------------------------------------
@pytest.mark.parametrize("place", ["CHECKLIST.md", "README.md", "reports/checklist.md"])
def test_a_report_without_checklist_takes_the_one_the_group_kept_elsewhere(tmp_path, place):
    kept = "# Project\n\nSome text.\n\n" + checklist_of(TEMPLATE_2023)
    result, items = run(tmp_path, {"reports/README.md": REPORT_WITHOUT_CHECKLIST, place: kept})
    assert result.report.checklist_path == place and len(result.report.checklist_lines) == 36
    assert result.report.template == "2023-2024"
    assert (items["git-repo"].claimed, items["git-repo"].claim_source) == (True, "checklist")
    assert kept.splitlines()[items["git-repo"].line - 1].endswith("Create a git repository")
    document = json_report.to_document(result)
    jsonschema.validate(document, json_report.schema())
    assert document["report"]["checklist_path"] == place
    shown = _terminal(result)
    assert f"found in {place}" in shown


@pytest.mark.parametrize(
    ("files", "expected_path"),
    [
        ({"README.md": TODO_LIST}, None),  # a to-do list is not the course's checklist
        ({"CHECKLIST.md": "# Checklist\n\nNothing ticked yet.\n"}, None),
        # the report's own checklist comes first
        ({"README.md": checklist_of(TEMPLATE_2023)}, "reports/README.md"),
    ],
)
def test_a_checkbox_list_elsewhere_is_not_taken_for_the_checklist(tmp_path, files, expected_path):
    report = REPORT_WITHOUT_CHECKLIST if expected_path is None else checklist_of(TEMPLATE_2023, False) + questions_of(TEMPLATE_2023)
    result, items = run(tmp_path, {"reports/README.md": report, **files})
    assert result.report.checklist_path == expected_path
    if expected_path is None:
        assert not result.report.checklist_lines
    else:
        assert items["git-repo"].claimed is False


# --- claims from the answers for items the checklist lacks ---------------------------------
LOGGING_ANSWER = answer(30, "We used the logging module with a logger in every script to record important events.")


@pytest.mark.parametrize(
    ("checklist", "claimed", "source"),
    [
        (checklist_of(TEMPLATE_2023, False), True, "answers"),  # 2023: no logging line, the answer claims it
        (checklist_of(TEMPLATE_2025, False), False, "checklist"),  # 2025: its own unticked line decides
    ],
)
def test_an_item_the_checklist_lacks_is_claimed_by_the_answers(tmp_path, checklist, claimed, source):
    report = checklist + questions_of(TEMPLATE_2023) + LOGGING_ANSWER
    result, items = run(tmp_path, {"reports/README.md": report})
    logging = items["logging"]
    assert (logging.claimed, logging.claim_source) == (claimed, source)
    if source == "answers":
        assert report.splitlines()[logging.line - 1].startswith("We used the logging module")
        assert json_report.to_document(result)["items"][[i.id for i in result.items].index("logging")][
            "claim_source"] == "answers"
        assert "the answers say it was done" in _terminal(result)

def test_an_item_neither_the_checklist_nor_the_answers_speak_of_stays_out(tmp_path):
    report = checklist_of(TEMPLATE_2023, False) + questions_of(TEMPLATE_2023) + LOGGING_ANSWER
    _, items = run(tmp_path, {"reports/README.md": report})
    assert (items["alerts"].claimed, items["alerts"].verdict) == (None, "not-in-checklist")
    assert items["alerts"].claim_source == "checklist" and items["alerts"].line is None


# --- a tick carried by another item's combined line ----------------------------------------
@pytest.mark.parametrize(
    ("template", "via"),
    [
        (TEMPLATE_2023, "wandb"),  # "Use W&B ... Additionally, consider running a hyperparameter optimization sweep"
        (TEMPLATE_2025, None),  # the sweep has a line of its own
    ],
)
def test_a_tick_only_through_a_combined_line_says_so(tmp_path, template, via):
    result, items = run(tmp_path, {"reports/README.md": checklist_of(template) + questions_of(template)})
    assert items["sweep"].claimed is True and items["sweep"].claim_via == via
    assert items["wandb"].claimed is True and items["wandb"].claim_via is None
    document = json_report.to_document(result)
    jsonschema.validate(document, json_report.schema())
    sweep = next(i for i in document["items"] if i["id"] == "sweep")
    assert sweep["claim_via"] == via
    assert ("ticked only through the wandb line" in _terminal(result)) == (via is not None)


def test_the_own_line_of_an_item_beats_a_combined_line_with_the_same_mark(tmp_path):
    own_line = "* [x] Consider running a hyperparameter optimization sweep\n"
    report = checklist_of(TEMPLATE_2023).replace("### Week 2", own_line + "\n### Week 2") + questions_of(TEMPLATE_2023)
    _, items = run(tmp_path, {"reports/README.md": report})
    assert items["sweep"].claimed is True and items["sweep"].claim_via is None


def _terminal(result) -> str:
    console = Console(record=True, width=200)
    terminal.render(result, console, verbose=True)
    return console.export_text()


def test_dashboard_cells_carry_the_claim_source_and_the_combined_line(tmp_path):
    from auditor.batch.dashboard import _cell

    result, _ = run(tmp_path, {"reports/README.md": checklist_of(TEMPLATE_2023) + questions_of(TEMPLATE_2023)})
    document = json.loads(json_report.dumps(result))
    cells = {item["id"]: _cell(item) for item in document["items"]}
    assert (cells["sweep"]["s"], cells["sweep"]["w"]) == ("checklist", "wandb")
    assert cells["wandb"]["w"] is None


@pytest.mark.parametrize(("link", "remote", "found"), [
    ("[our checklist](../docs/progress.md)", None, True),
    ("[checklist](https://github.com/acme/project/blob/main/docs/progress.md)", "https://github.com/acme/project.git", True),
    ("[checklist](https://github.com/other/fork/blob/main/docs/progress.md)", "https://github.com/acme/project.git", False),
])
def test_a_checklist_in_a_file_the_report_links_to(tmp_path, link, remote, found):
    report = f"# Exam report\n\nThe checklist is kept in {link}.\n\n" + questions_of(TEMPLATE_2023)
    make_git_repo(tmp_path, {"reports/README.md": report, "docs/progress.md": checklist_of(TEMPLATE_2023)})
    if remote:
        git(tmp_path, "remote", "add", "origin", remote)
    result = audit(tmp_path)
    assert (result.report.checklist_path == "docs/progress.md") is found
    assert {i.id: i for i in result.items}["hydra"].claimed is (True if found else None)


def test_unreadable_places_are_passed_over(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(checklist_of(TEMPLATE_2023), encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "reports").mkdir(parents=True)
    (repo / "reports" / "README.md").write_text(REPORT_WITHOUT_CHECKLIST, encoding="utf-8")
    (repo / "README.md").symlink_to(outside)  # leaves the repository
    (repo / "CHECKLIST.md").write_bytes(b"\0\1binary" + checklist_of(TEMPLATE_2023).encode())
    result = audit(repo)
    assert result.report.checklist_path is None and not result.report.checklist_lines


# --- no report file, the root README is the filled report -------------------------------------
def test_a_root_readme_holding_checklist_and_answers_is_the_report(tmp_path):
    answers = "".join(answer(number, "We did this and that.") for number in range(1, 29))
    architecture = ("\n### Question 29\n> **Include a figure that describes the overall architecture of your system**\n"
                    ">\n> Answer:\n\n![our pipeline](pipeline.png)\n")
    (tmp_path / "pipeline.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result, items = run(tmp_path, {"README.md": checklist_of(TEMPLATE_2025) + answers + architecture})
    assert result.report.path == "README.md" and result.report.checklist_path == "README.md"
    assert items["architecture-diagram"].verdict == "corroborated"
    assert "pipeline.png" in items["architecture-diagram"].findings[0].message
    assert result.report.answers is not None and len(result.report.answers.questions) >= 5
    assert "holds the checklist and the report's answers" in result.report.message
    jsonschema.validate(json_report.to_document(result), json_report.schema())


def test_a_root_readme_with_the_checklist_alone_is_not_taken_for_the_report(tmp_path):
    result, _ = run(tmp_path, {"README.md": "# Project\n\n" + checklist_of(TEMPLATE_2025)})
    assert result.report.checklist_path == "README.md"
    assert result.report.path is None and result.report.answers is None


def test_a_report_file_keeps_its_own_answers_when_the_checklist_is_elsewhere(tmp_path):
    result, _ = run(tmp_path, {"reports/README.md": REPORT_WITHOUT_CHECKLIST,
                               "README.md": checklist_of(TEMPLATE_2023) + questions_of(TEMPLATE_2023)})
    assert result.report.path == "reports/README.md" and result.report.checklist_path == "README.md"


# --- the report in a renamed folder -----------------------------------------------------------
def test_a_report_in_a_folder_named_report_is_the_report(tmp_path):
    filled = checklist_of(TEMPLATE_2023) + questions_of(TEMPLATE_2023)
    result, items = run(tmp_path, {"report/README.md": filled, "report/report.py": "import typer\n"})
    assert result.report.path == "report/README.md" and len(result.report.checklist_lines) == 36
    assert (items["git-repo"].claimed, items["git-repo"].claim_source) == (True, "checklist")
    assert "report/report.py" not in result.repository.source


def test_a_report_in_the_project_folder_the_template_was_rendered_into_is_the_report(tmp_path):
    filled = checklist_of(TEMPLATE_2025) + questions_of(TEMPLATE_2025)
    result, items = run(tmp_path, {"proj/pyproject.toml": "[project]\nname = 'proj'\n",
                                   "proj/reports/README.md": filled, "proj/reports/report.py": "import typer\n"})
    assert result.report.path == "proj/reports/README.md"
    assert (items["git-repo"].claimed, items["git-repo"].claim_source) == (True, "checklist")
    assert "proj/reports/report.py" not in result.repository.source


def test_a_report_in_a_folder_that_is_no_project_is_not_taken(tmp_path):
    result, _ = run(tmp_path, {"old/reports/README.md": checklist_of(TEMPLATE_2025)})
    assert result.report.checklist_lines == []


def test_two_project_folders_with_a_report_leave_the_report_unknown(tmp_path):
    filled = checklist_of(TEMPLATE_2025)
    result, _ = run(tmp_path, {"a/pyproject.toml": "[project]\n", "a/reports/README.md": filled,
                               "b/pyproject.toml": "[project]\n", "b/reports/README.md": filled})
    assert result.report.checklist_lines == []


def test_a_generated_folder_s_copy_of_the_project_is_not_a_second_project_folder(tmp_path):
    """A Hydra run that copied the project into outputs/, committed (a plain folder's listing leaves
    outputs/ out already), is not where the group rendered the template."""
    filled = checklist_of(TEMPLATE_2025)
    make_git_repo(tmp_path, {"proj/pyproject.toml": "[project]\n", "proj/reports/README.md": filled,
                             "outputs/pyproject.toml": "[project]\n", "outputs/reports/README.md": filled})
    result = audit(tmp_path)
    assert result.report.path == "proj/reports/README.md" and result.report.checklist_lines


def test_a_root_relative_link_of_a_report_in_a_project_folder_is_what_it_means(tmp_path):
    filled = checklist_of(TEMPLATE_2025) + answer(15, "Our dockerfile is [here](proj/dockerfiles/api.dockerfile).")
    result, _ = run(tmp_path, {"proj/pyproject.toml": "[project]\n", "proj/reports/README.md": filled,
                               "proj/dockerfiles/api.dockerfile": "FROM python:3.12\n"})
    link = next(a for a in result.answers if a.check == "link")
    assert link.verdict == "weak" and "proj/dockerfiles/api.dockerfile does" in link.found


def test_the_reports_folder_wins_over_a_folder_named_report(tmp_path):
    result, _ = run(tmp_path, {"reports/README.md": REPORT_WITHOUT_CHECKLIST,
                               "report/README.md": checklist_of(TEMPLATE_2023)})
    assert result.report.path == "reports/README.md"
