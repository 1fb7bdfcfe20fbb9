"""The parsed report as a Repository fact: images tied to the question they sit under, GitHub mentions."""

from auditor.facts import Repository
from auditor.report.parsed import ParsedReport, ReportImage
from tests.conftest import write_tree

REPORT = """\
# Report
![logo](figures/logo.png)

### Question 1
> **Include a figure of your overall architecture.**
> Example: ![my_image](figures/<image>.<extension>)
>
> Answer:

Our pipeline: ![Architecture](<figures/pipeline one.png>) and <img src="figures/b.png">

```
![not rendered](figures/code.png)
```
<!-- ![commented out](figures/old.png) -->

### Question 2
> **Show your W&B dashboard.**
>
> Answer:

![wandb](figures/wandb.png "the dashboard")
Code at https://github.com/Owner/Project/blob/main/src/train.py
"""


def _report(text: str = REPORT) -> ParsedReport:
    return ParsedReport("reports/README.md", text)


def test_every_image_is_tied_to_the_question_it_sits_under():
    found = _report().images
    assert found[0] == ReportImage(2, "figures/logo.png", None, None, False, True)
    assert [(i.line, i.target, i.question, i.in_answer, i.shown) for i in found[1:]] == [
        (6, "figures/<image>.<extension>", 1, False, True),
        (10, "figures/pipeline one.png", 1, True, True),
        (10, "figures/b.png", 1, True, True),
        (13, "figures/code.png", 1, True, False),
        (22, "figures/wandb.png", 2, True, True),
    ]
    assert found[-1].asked == "Show your W&B dashboard."


def test_images_under_a_question_are_its_answer_images_only_unless_asked():
    report = _report()
    first = report.asking("architecture")
    assert [i.target for i in report.images_under(first)] == ["figures/pipeline one.png", "figures/b.png",
                                                              "figures/code.png"]
    assert report.images_under(first, answer_only=False)[0].target == "figures/<image>.<extension>"


def test_github_mentions_name_owner_repo_path_and_line():
    mention = _report().github_mentions[0]
    assert (mention.line, mention.owner, mention.repo, mention.path) == (23, "Owner", "Project", "src/train.py")


def test_a_mention_at_a_sentence_end_keeps_the_path_without_the_full_stop():
    mention = _report("See https://github.com/o/r/blob/main/src/train.py.\n").github_mentions[0]
    assert mention.path == "src/train.py"


def test_a_report_without_questions_or_text_is_empty():
    assert _report("no questions here\n").images == () and _report("").questions == []
    assert ParsedReport(None, None).github_mentions == ()


def test_the_repository_fact_reads_the_report_once_and_is_empty_without_one(tmp_path):
    root = write_tree(tmp_path, {"reports/README.md": REPORT})
    repo = Repository(root, report_path="reports/README.md")
    assert repo.report is repo.report and repo.report.images[1].question == 1
    assert repo.report_text == REPORT
    assert Repository(root, report_path="reports/missing.md").report.text is None
    given = ParsedReport("reports/README.md", "given\n")
    assert Repository(root, report_path="reports/README.md", report=given).report is given


def test_the_files_the_template_prompts_link_are_known_and_answers_links_are_not_among_them():
    text = REPORT.replace("> **Show your W&B dashboard.**", "> **Show your W&B dashboard, e.g. [this figure](figures/wandb.png).**")
    assert _report(text).prompt_links == {"reports/figures/wandb.png"}
    assert _report().prompt_links == frozenset()
    assert ParsedReport(None, None).prompt_links == frozenset()
    assert _report().repository_path("figures/x.png") == "reports/figures/x.png"


FENCED = """\
### Question 1
> **Include a figure of your overall architecture.**
>
> Answer:

```--- question 1 fill here ---```

![architecture](figures/overview.png)

````markdown
```
![inside a block](figures/quoted.png)
```
````
![after the block](figures/after.png)

## Week 2

Not part of question 1.
"""


def test_fences_are_read_as_commonmark_reads_them_in_the_answers():
    """The template's one-line ```--- question 1 fill here ---``` is inline code, and a shorter fence
    inside a longer one does not close it: neither hides what follows."""
    report = _report(FENCED)
    assert [(i.target, i.shown) for i in report.images] == [
        ("figures/overview.png", True), ("figures/quoted.png", False), ("figures/after.png", True)]
    [question] = report.answers.questions
    assert question.end < FENCED.splitlines().index("## Week 2") + 1 and "Not part" not in question.answer
