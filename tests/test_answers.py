"""The free-text answers: parsing every template, the numbers, links and statements they hold,
and the checks against mini-repositories (fixtures/reports/ holds the synthetic reports)."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from conftest import FIXTURES, git, make_git_repo, write_tree
from rich.console import Console

from auditor.answers.course import course_checks
from auditor.audit import audit
from auditor.render import json_report, terminal
from auditor.report.answers import Answers, Question, parse_answers
from auditor.report.links import github_path, images, links, relative_path
from auditor.report.numbers import coverage_claimed
from auditor.report.numbers import tests_claimed as claimed_tests
from auditor.report.statements import answer_claim, statements

REPORT_2025 = (FIXTURES / "reports" / "answers_2025.md").read_text(encoding="utf-8")
REPORT_2023 = (FIXTURES / "reports" / "answers_2023_no_checklist.md").read_text(encoding="utf-8")
REMOTE = "https://github.com/acme/project.git"


def one_answer(text: str, heading: str = "A question") -> Answers:
    return parse_answers(f"### Question 1\n> **{heading}**\n>\n> Answer:\n\n{text}\n")


# --- parsing -------------------------------------------------------------------------------
def test_every_question_of_both_templates_is_read():
    new, old = parse_answers(REPORT_2025), parse_answers(REPORT_2023)
    assert [q.number for q in new.questions] == list(range(1, 32))
    assert [q.number for q in old.questions] == list(range(1, 28))
    assert new.template.startswith("31") and old.template.startswith("27")
    tests = new.asking("how many tests")
    assert tests.number == 7 and tests.heading.startswith("How many tests did you implement")
    assert old.asking("architecture").number == 25 and new.asking("architecture").number == 29


def test_an_answer_keeps_its_lines_and_unfilled_answers_are_listed():
    answers = parse_answers(REPORT_2025)
    q7 = answers.number(7)
    lines = REPORT_2025.splitlines()
    assert lines[q7.answer_start - 1].startswith("In total we have implemented 5 tests")
    assert lines[q7.start - 1] == "### Question 7" and q7.end > q7.answer_start
    assert 3 in answers.unanswered and 21 in answers.unanswered and 7 not in answers.unanswered
    assert answers.number(8).stated_length == (100, 200)


@pytest.mark.parametrize(
    ("text", "answer", "filled"),
    [
        ("### Question 1\n> **Q?**\n>\n> Answer: 41\n", "41", True),  # inline answer
        (
            "### Question 1\n> **Q?**\n>\n> Answer\n\nWe used DVC.\n",
            "We used DVC.",
            True,
        ),  # label without colon
        ("### Question 1\n> **Q?**\n\nWe used DVC.\n", "We used DVC.", True),  # no label at all
        (
            "### Question 1\n> **Q?**\n> Answer:\n\n--- question 1 fill here ---\n",
            "--- question 1 fill here ---",
            False,
        ),
        (
            "### Question 1\n> **Q?**\n> Answer:\n\nDone.\n\n--- question 1 fill here ---\n",
            None,
            True,
        ),  # placeholder left
        ("### Question 1\r\n> **Q?**\r\n> Answer:\r\n\r\nCRLF answer\r\n", "CRLF answer", True),
        ("### Question 1\n> **Q?**\n> Answer:\n\n```bash\n# not a heading\n```\nafter\n", None, True),
    ],
)
def test_answer_variants(text, answer, filled):
    question = parse_answers(text).questions[0]
    if answer is not None:
        assert question.answer == answer
    assert question.filled is filled
    assert "after" in question.answer or "```" not in question.answer


def test_code_blocks_and_tables_are_marked():
    question = one_answer("text\n```\ncode line\n```\n| a | b |\n|---|---|")
    kinds = {line.text: (line.in_code, line.in_table) for line in question.questions[0].lines}
    assert (
        kinds["code line"] == (True, False)
        and kinds["| a | b |"] == (False, True)
        and kinds["text"] == (False, False)
    )


def test_no_report_text_has_no_questions():
    assert parse_answers(None).questions == [] and parse_answers("# just a title\n").questions == []


# --- numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("We implemented two tests: one for the model and one for the data.", 2),
        ("In total, we made 5 files. Within these files, 16 tests were made.", 16),
        (
            "We have implemented in total 9 unit tests. There are also 2 integration tests for the API. "
            "Finally, we have 1 performance test.",
            12,
        ),
        ("We have implemented 7 tests across three modules. For the data module we have 3 tests.", 7),
        ("In total we have implemented 41 tests across 3 main test files.", 41),
        ("We wrote tests for the data and the model.", None),
        ("--- question 7 fill here ---", None),
    ],
)
def test_tests_claimed(text, expected):
    stated = claimed_tests(one_answer(text, "How many tests did you implement?").questions[0])
    assert (stated.value if stated else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The total code coverage of code is 93%, which includes all our source code.", 93),
        ("In the end, we achieved a total code coverage of $70\\%$.", 70),
        ("The total code coverage of our code is approximately 35-40%.", 35),
        (
            "Our total coverage is 68% for the 4 largest files. "
            "If we take all of our source code we have 41% coverage.",
            41,
        ),
        ("Code coverage tells you little, we have a code coverage of 51%, with most API code run.", 51),
        (
            "Even with 100% code coverage the code would not be error free. "
            "The model tests reach 100% coverage, "
            "the data tests 90%, and the API tests 40%.",
            None,
        ),
        ("We did not compute coverage.", None),
    ],
)
def test_coverage_claimed(text, expected):
    stated = coverage_claimed(one_answer(text, "What is the total code coverage?").questions[0])
    assert (stated.value if stated else None) == expected


# --- links and images ------------------------------------------------------------------------
def test_links_and_images_are_found_with_their_lines():
    answers = parse_answers(REPORT_2025)
    shown = {i.target: i.shown for i in images(answers)}
    assert shown["figures/wandb.png"] and shown["figures/my%20sweep.png"] and not shown["figures/in_code.png"]
    targets = [link.target for link in links(answers)]
    assert "../tests/" in targets and "https://github.com/other/repo/blob/main/README.md" in targets
    assert not any("wandb.png" in t for t in targets)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://github.com/acme/project/blob/main/src/a%20b.py",
            ("acme", "project", "main", "src/a b.py", False),
        ),
        ("https://github.com/acme/project/tree/dev/configs/", ("acme", "project", "dev", "configs", True)),
        ("https://github.com/acme/project.git", ("acme", "project", None, "", True)),
        (
            "https://raw.githubusercontent.com/acme/project/main/reports/figures/x.png",
            ("acme", "project", "main", "reports/figures/x.png", False),
        ),
        ("https://example.com/acme/project", None),
    ],
)
def test_github_path(url, expected):
    place = github_path(url)
    assert (
        None if place is None else (place.owner, place.repo, place.ref, place.path, place.directory)
    ) == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("figures/a%20b.png", "reports/figures/a b.png"),
        ("../src/train.py#L10", "src/train.py"),
        ("./figures/x.png", "reports/figures/x.png"),
        ("../../outside.txt", None),
        ("https://example.com/x", None),
        ("#anchor", None),
        ("mailto:someone@example.com", None),
    ],
)
def test_relative_path(href, expected):
    assert relative_path(href, "reports/README.md") == expected


# --- statements ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We used DVC to version our data.", {"data-versioning": True}),
        ("We did not use DVC.", {"data-versioning": False}),
        (
            "For training configuration W&B was enough, hence hydra was omitted from this project.",
            {"hydra": False},
        ),
        ("We would like to use Hydra in the future.", {"hydra": None}),
        ("DVC was not easy to set up, but it helped us a lot.", {"data-versioning": True}),
        (
            "We did not manage to implement monitoring.",
            {"alerts": False, "api-metrics": False, "drift-api": False},
        ),
        ("We implemented monitoring of our model.", {"alerts": None, "api-metrics": None}),
        # a negation of the degree ("not ... completely") says it was done in part: no denial
        ("In this project, we did not manage to implement monitoring completely.", {"alerts": None}),
        ("We did not set up DVC fully as we planned.", {"data-versioning": None}),
        ("We did not implement monitoring, completely out of time.", {"alerts": False}),
        (
            "We set up automatic alerting in order to get a message "
            "every time the app is not behaving as expected.",
            {"alerts": True},
        ),
        ("One team member could not build docker images locally.", {"docker-build-local": None}),
        (
            "In this project we did not utilize the Compute engine and used Vertex AI instead.",
            {"cloud-training": True},
        ),
        ("We did not use DVC. DVC lets teams version their data.", {"data-versioning": False}),
        (
            "We use flake8 and isort in our GitHub Actions workflows.",
            {"ci-lint": True, "pep8": True, "ci": True},
        ),
        ("We use flake8 locally.", {"ci-lint": None, "pep8": True}),
        ("The logs of the training are written locally by the python logger.", {"logging": True}),
        ("We used wandb for logging the training loss.", {"logging": None, "wandb": True}),
        ("We also considered using locust for load testing.", {"load-test": None}),
        # a condition inside a description is not a hypothesis about the whole sentence
        ("We set a counter where an alert is fired if the function is invoked twice.", {"alerts": True}),
        # the family's negation does not outweigh what the answer says of the item itself
        ("We set a counter where an alert is fired. Overall we did not prioritize monitoring.",
         {"alerts": True, "api-metrics": False}),
        # the subject of "as it seems ... monitoring" is not the group
        ("Overall we did not prioritize this topic as it seems Google Cloud does a lot of monitoring.",
         {"api-metrics": None, "alerts": None}),
        ("Each prediction is logged to GCS with the input image and the predicted class.", {"io-collection": True}),
        ("Our bucket stores the prediction logs.", {"io-collection": True}),
        ("We log the training loss to a file.", {"io-collection": None}),
        ("We found logging the performance using hydra to be sufficient.", {"logging": True}),
        ("We used the hydra logger for our runs.", {"logging": True}),
        ("To test the API another python script was written which streams webcam images.", {"api-tests-ci": None}),
        ("We wrote tests for the API that run in our workflow.", {"api-tests-ci": True}),
        ("We use pytest with the FastAPI TestClient to call the API endpoints.", {"api-tests-ci": True}),
        ("We used hydra for the configs and wandb for logging.", {"logging": None}),
        # a negation inside a relative clause describes a thing, not what the group did
        ("We did not use DVC, which is a tool that doesn't need a server.", {"data-versioning": False}),
        # a negation before "therefore" is the reason, not a denial of what follows
        ("Managing dependencies is hard without proper setup - therefore we use tasks.py and invoke.", {"cli": True}),
        ("We did not use invoke, therefore tasks.py is empty.", {"cli": False}),
    ],
)
def test_statements(text, expected):
    found = statements(one_answer(text))
    for item_id, used in expected.items():
        decided = answer_claim(found.get(item_id, []))
        assert (decided.used if decided else None) is used, (item_id, found.get(item_id))


@pytest.mark.parametrize(("text", "used"), [
    ("As we do not have platform dependent code, we did not run the pipeline over multiple systems.", False),
    ("The tests run on windows, macos and ubuntu.", True),
    ("We run the tests with pytest.", None),
    # a negation inside a relative clause describes one workflow, not what the group did
    ("Another is a per-PR Docker build workflow that does not use caching between runs on different VMs.", None),
    ("We did not use caching in our workflows, which are quick.", False),
])
def test_the_ci_answer_speaks_of_the_matrix(text, used):
    found = statements(one_answer(text, "Discuss your continuous integration setup."))
    decided = answer_claim(found.get("ci-cache-matrix", []))
    assert (decided.used if decided else None) is used


@pytest.mark.parametrize(("text", "expected"), [
    # "and" before a predicate of its own (a negated auxiliary, a past tense of the items' verbs) starts a clause
    ("We used DVC for our data and did not use Cloud Build for the Docker images.",
     {"data-versioning": True, "docker-build-trigger": False}),
    ("We kept the data under DVC and never set up Hydra.", {"data-versioning": True, "hydra": False}),
    ("We did not use DVC and implemented the configs with Hydra.", {"data-versioning": False, "hydra": True}),
    ("Hydra was used for configs and wasn't used for logging.", {"hydra": True}),
    # "and" inside a list of objects or subjects is no clause break: the negation covers both
    ("We did not use DVC and Hydra.", {"data-versioning": False, "hydra": False}),
    ("DVC and Hydra were not used.", {"data-versioning": False, "hydra": False}),
    ("We did not use DVC and not Hydra either.", {"data-versioning": False}),
    # a new subject with its own predicate after a clause that has one starts a clause; a list of subjects does not
    ("We did not use DVC and Hydra was used for the configs.", {"data-versioning": False, "hydra": True}),
    ("We used Hydra and the experiments were tracked with W&B.", {"hydra": True, "wandb": True}),
    ("DVC and Hydra were never used.", {"data-versioning": False, "hydra": False}),
    # a past participle after a perfect, passive or "never" continues the negated verb
    ("We have not trained and deployed the model on Cloud Run.", {"cloud-deploy": False}),
    ("We never trained and deployed the model on Cloud Run.", {"cloud-deploy": False}),
    ("We did not use DVC and deployed the model on Cloud Run.", {"data-versioning": False, "cloud-deploy": True}),
])
def test_clauses_joined_by_and_have_their_own_polarity(text, expected):
    found = statements(one_answer(text))
    for item_id, used in expected.items():
        decided = answer_claim(found.get(item_id, []))
        assert (decided.used if decided else None) is used, (item_id, found.get(item_id))


@pytest.mark.parametrize(("text", "expected"), [
    # a coordinated part that starts a new predicate is outside the negation's scope
    ("We did not use notebooks, and docs/ holds the MkDocs site.", {"documentation": None}),
    ("We removed notebooks/, as we did not use it and docs/ for the MkDocs site.", {"documentation": None}),
    ("We used MkDocs and notebooks were not used.", {"documentation": None}),
    ("We used Hydra so we did not need DVC.", {"hydra": None, "data-versioning": False}),
    # a list of objects, or of verbs before the object, shares the negation
    ("We did not use DVC or Hydra.", {"data-versioning": False, "hydra": False}),
    ("We did not use DVC, Hydra, and MkDocs.", {"data-versioning": False, "hydra": False, "documentation": False}),
    ("We did not use or implement any profiling of the codebase.", {"profiling": False}),
    ("We didn't use MkDocs.", {"documentation": False}),
    ("MkDocs and DVC were not used.", {"documentation": False, "data-versioning": False}),
    ("For what concerns the profiling we didn't try to implement it.", {"profiling": False}),
    ("Neither DVC nor Hydra was used.", {"data-versioning": False, "hydra": False}),
    ("We used neither DVC nor Hydra.", {"data-versioning": False, "hydra": False}),
    # an exception is outside the negation
    ("We never set up MkDocs, only a README.", {"documentation": False}),
    ("We never set up notebooks, only MkDocs.", {"documentation": None}),
    ("We did not manage to use DVC; instead we used Hydra.", {"data-versioning": False, "hydra": True}),
    ("We used not only DVC but also Hydra.", {"data-versioning": True, "hydra": True}),
    # a negation of something else in the sentence denies nothing of the item
    ("We log inputs and predictions to a database without affecting API latency.", {"io-collection": None}),
    ("While we used Ruff for our linting it was not integrated to a wide enough extent.", {"pep8": None}),
    ("To not overly warn people by alerts we only send meaningful ones.", {"alerts": True}),
    # a fronted "without X," is a conditional about why X matters, not what the group did
    ("For example, without proper formatting or typing, debugging a simple error like passing a string instead of "
     "an integer can waste hours.", {"typing-docs": None}),
    ("Without much time left, we did not use DVC.", {"data-versioning": False}),
    ("We trained the model without Hydra.", {"hydra": False}),
    # denying only much of something says a little of it was done
    ("But we did not spend all that much time profiling it either.", {"profiling": None}),
    ("We did not spend time on profiling.", {"profiling": False}),
    # denying only more of something says some of it was done
    ("Due to time constraints we could not provide a more extensive profiling of our code.", {"profiling": None}),
    ("We did not have time to add further DVC remotes.", {"data-versioning": None}),
    ("We could not set up DVC, not even more than a local cache.", {"data-versioning": False}),
    ("We did not use DVC.", {"data-versioning": False}),
    # "does not mean" qualifies what was done, it denies nothing of it
    ("However, this code coverage does not mean that the code is error-free.", {"coverage": True}),
    ("A high coverage doesn't guarantee correct code.", {"coverage": True}),
    ("We did not measure the code coverage.", {"coverage": False}),
    # what matters in larger projects is advice, not what the group did
    ("In larger projects typing and documentation are not optional.", {"typing-docs": None}),
    ("We did not add typing or documentation.", {"typing-docs": False}),
    # a negated degree ("a lot", "to its full potential") or a negated kind ("comprehensive", "a full set")
    # says some of it was done
    ("We did not use type hints a lot.", {"typing-docs": None}),
    ("We did not use type hints.", {"typing-docs": False}),
    ("We did not exploit Vertex AI to its full potential.", {"cloud-training": None}),
    ("We did not write comprehensive unit tests of the API.", {"api-tests-ci": None}),
    ("We did not write unit tests of the API.", {"api-tests-ci": False}),
    ("We did not run a full set of hyperparameter sweeps.", {"sweep": None}),
    ("Our data was not big enough to run all training in the cloud.", {"cloud-training": None}),
    ("It was not necessary to run the training on Vertex AI.", {"cloud-training": False}),
    # a limitation of something used: the term is where another action failed, not its object
    ("Sadly we were unable to group the traces in the Cloud Monitoring console.",
     {"cloud-monitoring": None, "alerts": None}),
    ("We could not sort the requests in our monitoring dashboard.", {"cloud-monitoring": None, "alerts": None}),
    ("We could not set up a monitoring dashboard.", {"cloud-monitoring": False}),
    ("We did not deploy the model on Cloud Run.", {"cloud-deploy": False}),
    ("We did not rely on DVC.", {"data-versioning": False}),
    # a concession about a tool or a frame about projects in general says nothing of what the group did
    ("In larger projects pre-commit hooks are very helpful.", {"pre-commit": None}),
    ("Although DVC provides more tracking, our plain folder was sufficient.", {"data-versioning": None}),
    ("Although we used DVC, our data lives in a plain folder.", {"data-versioning": True}),
    ("We used pre-commit hooks, which in larger projects keep the code clean.", {"pre-commit": True}),
    # a fronted topic belongs to the clause after it
    ("For load testing, we would have used Locust.", {"load-test": None}),
    ("For load testing, we used Locust against the deployed API.", {"load-test": True}),
    # a dash or ", therefore" starts a clause of its own
    ("Packaging is hard without a lockfile - therefore we keep our commands in tasks.py.", {"cli": True}),
    ("Packaging is hard without a lockfile, therefore we keep our commands in tasks.py.", {"cli": True}),
    # "no other monitoring" says some was done; what "a framework like X" can do is advice, no claim
    ("Apart from the metrics endpoint, we did not implement any other monitoring.", {"cloud-monitoring": None}),
    ("We did not implement any monitoring.", {"cloud-monitoring": False}),
    ("A framework like opentelemetry can help to monitor the number of requests.", {"api-metrics": None}),
    ("We used opentelemetry to monitor the number of requests.", {"api-metrics": True}),
    # a list of branches names unit tests and the API apart: no API tests
    ("We made branches for the unit tests (to include them), another for creating the Fast API.", {"api-tests-ci": None}),
    ("We wrote unit tests that call the API with TestClient.", {"api-tests-ci": True}),
])
def test_a_negation_denies_only_what_it_governs(text, expected):
    found = statements(one_answer(text))
    for item_id, used in expected.items():
        decided = answer_claim(found.get(item_id, []))
        assert (decided.used if decided else None) is used, (item_id, found.get(item_id))


@pytest.mark.parametrize(("text", "expected"), [
    # a term inside the subject of a negated passive or perfect predicate is denied
    ("The coverage is 53%, however, testing for the training and prediction code has not been conducted.",
     {"tests-model": False}),
    ("Testing for the training has not been conducted.", {"tests-model": False}),
    ("The unit tests of the model and the data loader were never written.", {"tests-model": False}),
    ("Unit tests of the API were never written.", {"api-tests-ci": False}),
    ("No tests for the model were made.", {"tests-model": False}),
    ("We tested the data, but testing of the training has not been done.", {"tests-data": True, "tests-model": False}),
    # a relative clause, another subject, or a predicate before the negated one: no claim
    ("The API, which has not been tested, serves the model.", {"api-tests-ci": None, "fastapi": None}),
    ("Tests of the model and the data we have not written yet.", {"tests-model": None}),
    ("Tests for the model were written and the API was not tested.", {"tests-model": None}),
    ("We wrote tests for the model and data loading was not tested.", {"tests-model": None}),
    ("Other pre-commits that check uv.lock and print a file for anyone not wanting uv are in the config.",
     {"pre-commit": None}),
    ("The sweep was made on Vertex AI to not use local resources.", {"sweep": None}),
    ("The FastAPI app is a simple API that returns whether the text is hateful or not.", {"fastapi": None}),
    # "without" negates no predicate: no claim
    ("The unit tests for the model run without a GPU.", {"tests-model": None}),
    # a thing not tested, covered or completed exists: its item is not denied
    ("However, our FastAPI server and its database have not been tested.", {"fastapi": None}),
    ("Notably, the training loop and prediction were not covered.", {"model-train": None}),
    ("Our W&B sweeping functionality was not tested with pytest.", {"wandb": None}),
    ("Our code coverage is 40%, though coverage is not complete.", {"coverage": True}),
    # what the thing cannot do says it is there
    ("Of course a high coverage does not prove that the code has no bugs.", {"coverage": None}),
    ("Our FastAPI app does not accept batches of images.", {"fastapi": None}),
    ("FastAPI was not used.", {"fastapi": False}),
    ("Hydra did not get used in the end.", {"hydra": False}),
])
def test_a_negated_predicate_denies_the_terms_of_its_subject(text, expected):
    found = statements(one_answer(text))
    for item_id, used in expected.items():
        decided = answer_claim(found.get(item_id, []))
        assert (decided.used if decided else None) is used, (item_id, found.get(item_id))


MONITORING_QUESTION = (
    "### Question 27\n> **Did you manage to implement monitoring of your deployed model? If yes, explain how it**\n"
    "> **works.**\n>\n> Example:\n> *We did not manage to implement monitoring. We would like to have it.*\n"
    ">\n> Answer:\n\n"
)


@pytest.mark.parametrize(("answer", "used"), [
    ("> *We did not manage to implement monitoring.*\n\nWe set up alerts that email us.", True),
    ("> *We did not manage to implement monitoring.*", None),
    # the example's words written plainly are the group's own answer
    ("We did not manage to implement monitoring.", False),
])
def test_a_denial_quoted_from_the_template_is_not_the_groups(answer, used):
    found = statements(parse_answers(MONITORING_QUESTION + answer + "\n"))
    decided = answer_claim(found.get("alerts", []))
    assert (decided.used if decided else None) is used, found.get("alerts")


LOAD_TEST_QUESTION = "Did you perform any load testing of your API? If not, explain how you would do it."


@pytest.mark.parametrize(("text", "heading", "used"), [
    # under "if not, explain how", what the group can do is a plan
    ("For load testing we can use Locust against the API.", LOAD_TEST_QUESTION, None),
    ("We used Locust against the API.", LOAD_TEST_QUESTION, True),
    ("We added a Locust file we can use to load test the API.", LOAD_TEST_QUESTION, True),
    ("With Locust we can load test the API.", "Did you perform any load testing of your API?", True),
])
def test_what_the_group_can_do_under_if_not_explain_how_is_a_plan(text, heading, used):
    decided = answer_claim(statements(one_answer(text, heading)).get("load-test", []))
    assert (decided.used if decided else None) is used


@pytest.mark.parametrize(("text", "expected"), [
    # a hard-wrapped sentence reads as one: its negation or hypothetical governs the next line too
    ("We did not set up\nDVC for our data.", {"data-versioning": False}),
    ("If we had time, we would deploy the API as a\nserverless service on Cloud Run.", {"cloud-deploy": None}),
    # a blank line, a list item or a bare `---` starts a new paragraph
    ("We did not use Hydra.\n\nWe used DVC for our data.", {"hydra": False, "data-versioning": True}),
    ("We did not use Hydra:\n- DVC tracks our data.", {"hydra": False, "data-versioning": True}),
    ("---\nWe used DVC for our data.\n---", {"data-versioning": True}),
])
def test_a_paragraph_is_read_as_sentences_across_its_lines(text, expected):
    found = statements(one_answer(text))
    for item_id, used in expected.items():
        decided = answer_claim(found.get(item_id, []))
        assert (decided.used if decided else None) is used, (item_id, found.get(item_id))


def test_a_sentence_keeps_the_line_it_starts_on():
    from auditor.report.numbers import sentences

    question = one_answer("We used DVC\nfor our data. Hydra holds\nthe configs.\n\nWe used W&B.").questions[0]
    first = question.lines[0].number
    said = sentences(question)
    assert [(line - first, text) for line, text in said] == [
        (0, "We used DVC for our data."), (1, "Hydra holds the configs."), (4, "We used W&B.")]


def test_a_linter_in_the_ci_answer_runs_in_ci():
    found = statements(
        one_answer("One workflow runs flake8, one runs isort.", "Discuss your continuous integration setup.")
    )
    assert answer_claim(found["ci-lint"]).used is True


# --- checks against mini-repositories ------------------------------------------------------
def repo_2025(tree, extra: dict[str, str] | None = None, remote: str | None = REMOTE):
    files = {
        "reports/README.md": REPORT_2025,
        "reports/figures/wandb.png": "png",
        "reports/figures/my sweep.png": "png",
        "reports/figures/registry.png": "png",
        "reports/figures/overview.png": "png",
        ".github/workflows/tests.yaml": "on: push\njobs: {}\n",
        "dockerfiles/train.dockerfile": "FROM python:3.11\n",
        "tests/test_data.py": "import pytest\n\ndef test_a():\n    assert 1\n\n"
        "@pytest.mark.parametrize('x', [1, 2, 3])\n"
        "def test_b(x):\n    assert x\n\n@pytest.fixture\ndef test_fixture():\n    return 1\n",
        "src/project/data.py": "def load():\n    return []\n",
        **(extra or {}),
    }
    root = tree(files, as_git=True)
    if remote:
        git(root, "remote", "add", "origin", remote)
    return root


def checks_of(result, check: str) -> dict[str, object]:
    return {a.claim: a for a in result.answers if a.check == check}


def test_tests_claimed_against_the_collected_test_functions(tree):
    result = audit(repo_2025(tree))
    tests = checks_of(result, "tests")["7 tests"]
    assert tests.question == 7 and tests.verdict == "weak"
    assert tests.found.startswith("2 test functions pytest would collect (4 cases")
    assert any("test_fixture is not collected: it is a pytest fixture" in f.message for f in tests.findings)


@pytest.mark.parametrize(("claimed", "verdict"), [(2, "corroborated"), (4, "corroborated"), (5, "weak")])
def test_tests_claimed_up_to_the_parametrized_cases_are_corroborated(tree, claimed, verdict):
    report = REPORT_2025.replace("There are also 2 integration tests for the API.", "")
    report = report.replace("implemented 5 tests", f"implemented {claimed} tests")
    result = audit(repo_2025(tree, {"reports/README.md": report}))
    assert checks_of(result, "tests")[f"{claimed} tests"].verdict == verdict


def test_no_collected_tests_leaves_the_claim_unsupported(tree):
    result = audit(repo_2025(tree, {"tests/test_data.py": "def helper():\n    pass\n"}))
    assert checks_of(result, "tests")["7 tests"].verdict == "unsupported"


def test_figures_exist_under_reports(tree):
    figures = checks_of(audit(repo_2025(tree)), "figure")
    assert figures["figure figures/wandb.png"].verdict == "corroborated"
    assert figures["figure figures/my%20sweep.png"].verdict == "corroborated"  # URL-decoded name
    assert figures["figure figures/bucket.png"].verdict == "unsupported"
    assert "reports/figures/bucket.png" in figures["figure figures/bucket.png"].found
    assert figures["figure figures/Registry.PNG"].verdict == "weak"  # the file is registry.png
    assert "figure figures/in_code.png" not in figures  # inside a code block: not shown


def test_links_into_this_repository_resolve(tree):
    links_ = checks_of(audit(repo_2025(tree)), "link")
    base = "link https://github.com/acme/project/blob/main/"
    assert links_[base + ".github/workflows/tests.yaml"].verdict == "corroborated"
    assert links_["link ../tests/"].verdict == "corroborated"
    assert links_[base + "docs/linting.md"].verdict == "unsupported"
    dockerfile = links_[base + "dockerfiles/train.dockerfile%20"]
    assert dockerfile.verdict == "weak" and "dockerfiles/train.dockerfile does" in dockerfile.found
    assert not any("other/repo" in claim for claim in links_)  # another repository
    assert links_["link ../../../etc/passwd"].verdict == "unverifiable"  # leaves the repository


def test_a_link_to_another_branch_resolves_there(tree):
    report = REPORT_2025.replace("blob/main/docs/linting.md", "blob/feature/docs/linting.md")
    root = repo_2025(tree, {"reports/README.md": report})
    git(root, "checkout", "-q", "-b", "feature")
    write_tree(root, {"docs/linting.md": "flake8\n"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "docs")
    git(root, "checkout", "-q", "main")
    link = checks_of(audit(root), "link")["link https://github.com/acme/project/blob/feature/docs/linting.md"]
    assert link.verdict == "corroborated" and "feature" in link.found


@pytest.mark.parametrize(("target", "verdict", "found"), [
    # Windows separators: the file exists from the repository root, the link is only written badly
    ("src\\project\\data.py", "weak", "src/project/data.py does"),
    ("src\\project\\missing.py", "unsupported", "does not exist"),
    # an address outside the repository written without https:// is not a path into it
    ("europe-west3-docker.pkg.dev/acme/registry/api@sha256:0123abcd", None, None),
    ("www.example.com/docs", None, None),
    ("dockerfiles.d/train.dockerfile", "unsupported", "does not exist"),  # a dotted folder stays a path
])
def test_a_badly_written_link_is_read_as_the_group_meant_it(tree, target, verdict, found):
    link = "https://github.com/acme/project/blob/main/docs/linting.md"
    links_ = checks_of(audit(repo_2025(tree, {"reports/README.md": REPORT_2025.replace(link, target)})), "link")
    check = links_.get(f"link {target}")
    assert (check.verdict if check else None) == verdict
    assert found is None or found in check.found


FIGURE_URL = "https://github.com/acme/project/blob"


@pytest.mark.parametrize(("target", "verdict"), [
    (f"{FIGURE_URL}/main/reports/figures/wandb.png", "corroborated"),  # the group's own repository
    ("https://raw.githubusercontent.com/acme/project/refs/heads/main/reports/figures/wandb.png", "corroborated"),
    (f"{FIGURE_URL}/main/reports/figures/none.png", "unsupported"),
    (f"{FIGURE_URL}/main/reports/../../../etc/passwd.png", None),  # climbs out: not followed
    (f"{FIGURE_URL}/main/reports/%2E%2E/figures/wandb.png", None),
    ("../../../figures/wandb.png", None),
    ("https://github.com/other/project/blob/main/reports/figures/wandb.png", None),  # another repository
    ("https://github.com/acme/project2/blob/main/reports/figures/none.png", None),
])
def test_a_figure_in_the_answers_is_resolved_as_the_rules_resolve_images(tree, target, verdict):
    report = REPORT_2025.replace("![training loss](figures/wandb.png)", f"![training loss]({target})")
    figures = checks_of(audit(repo_2025(tree, {"reports/README.md": report})), "figure")
    assert (figures[f"figure {target}"].verdict if f"figure {target}" in figures else None) == verdict


def test_a_figure_linked_on_a_branch_whose_name_holds_a_slash_is_found_there(tree):
    target = f"{FIGURE_URL}/feature/report/reports/figures/loss.png"
    report = REPORT_2025.replace("![training loss](figures/wandb.png)", f"![training loss]({target})")
    root = repo_2025(tree, {"reports/README.md": report})
    git(root, "checkout", "-q", "-b", "feature/report")
    write_tree(root, {"reports/figures/loss.png": "png"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "figure")
    git(root, "checkout", "-q", "main")
    figure = checks_of(audit(root), "figure")[f"figure {target}"]
    assert figure.verdict == "corroborated" and figure.found == (
        "reports/figures/loss.png exists on feature/report, not at the audited commit")


def test_without_a_remote_the_folder_name_identifies_the_repository(tree):
    links_ = checks_of(audit(repo_2025(tree, remote=None)), "link")
    assert not any("acme/project" in claim for claim in links_)  # the folder is called "repo", not "project"
    assert links_["link ../tests/"].verdict == "corroborated"


def test_coverage_claimed_without_coverage_computed(tree):
    coverage = checks_of(audit(repo_2025(tree)), "coverage")["48% coverage"]
    assert coverage.verdict == "unsupported" and coverage.question == 8


def test_team_size_against_commit_authors(tree):
    root = repo_2025(tree)
    result = audit(root)
    team = checks_of(result, "team")["3 members (s123456, s234567, s345678)"]
    assert team.verdict == "weak" and team.found == "1 distinct commit authors"
    for name in ("Bob", "Carol"):
        write_tree(root, {f"{name}.txt": name})
        git(root, "add", "-A")
        git(
            root,
            "-c",
            f"user.name={name}",
            "-c",
            f"user.email={name.lower()}@example.invalid",
            "commit",
            "-q",
            "-m",
            name,
        )
    team = checks_of(audit(root), "team")["3 members (s123456, s234567, s345678)"]
    assert team.verdict == "corroborated"


def test_team_claim_lists_the_numbers_the_authors_are_matched_with(tree):
    """One reading of Question 2: "234567" (the s forgotten) is the member s234567 in the claim too."""
    report = REPORT_2025.replace("s123456, s234567, s345678", "s345678, 234567, s123456")
    team = next(a for a in audit(repo_2025(tree, {"reports/README.md": report})).answers if a.check == "team")
    assert team.claim == "3 members (s123456, s234567, s345678)"
    assert all("234567," not in f.message for f in team.findings)


def test_team_size_without_history_is_unverifiable(tree):
    root = tree({"reports/README.md": REPORT_2025})
    assert checks_of(audit(root), "team")["3 members (s123456, s234567, s345678)"].verdict == "unverifiable"


def test_ticked_but_the_answer_says_not_done_is_a_contradiction(tree):
    result = audit(repo_2025(tree))
    said = {a.item: a for a in result.answers if a.check == "statement"}
    assert said["hydra"].verdict == "contradicted"
    assert any(
        "ticked 'Hydra loads configs'" in f.message or "ticked" in f.message for f in said["hydra"].findings
    )
    assert said["profiling"].verdict == "contradicted"
    assert said["data-versioning"].verdict == "corroborated"  # not ticked, and the answer agrees
    hydra = next(i for i in result.items if i.id == "hydra")
    assert hydra.claimed is True and hydra.claim_source == "checklist"  # the tick stays the claim


def test_the_answer_denies_what_the_repository_shows(tree):
    result = audit(
        repo_2025(
            tree,
            {
                "src/project/train.py": "import hydra\n\n@hydra.main(config_path='c')\ndef main(cfg):\n"
                "    pass\n"
            },
        )
    )
    hydra = next(a for a in result.answers if a.item == "hydra")
    assert hydra.verdict == "contradicted"


@pytest.mark.parametrize(("sentence", "verdict"), [
    ("We did not use notebooks, and configs/ holds the Hydra configs.", None),
    ("We did not use notebooks or Hydra.", "contradicted"),
])
def test_a_contradiction_needs_the_negation_to_govern_the_item(tree, sentence, verdict):
    report = REPORT_2025.replace("We did not use Hydra; our configuration is a plain YAML file.", sentence)
    hydra_code = "import hydra\n\n@hydra.main(config_path='c')\ndef main(cfg):\n    pass\n"
    result = audit(repo_2025(tree, {"reports/README.md": report, "src/project/train.py": hydra_code}))
    hydra = next((a for a in result.answers if a.item == "hydra"), None)
    assert (hydra.verdict if hydra else None) == verdict


def test_without_a_checklist_the_answers_give_the_claims(tree):
    root = make_git_repo(tree({}), {"reports/README.md": REPORT_2023, "reports/figures/overview.png": "png"})
    result = audit(root)
    items = {i.id: i for i in result.items}
    assert result.report.message == "the report has no checklist"
    assert (items["data-versioning"].claimed, items["data-versioning"].claim_source) == (True, "answers")
    assert items["gcp-bucket-dvc"].claimed is True and items["environment"].claimed is True
    assert items["hydra"].claimed is False and items["profiling"].claimed is False
    assert items["alerts"].claimed is False and items["architecture-diagram"].claimed is True
    assert items["frontend"].claimed is None and items["team-understanding"].claimed is None
    assert (
        items["hydra"].line
        == REPORT_2023.splitlines().index("Hydra was omitted; we used argparse instead.") + 1
    )
    assert checks_of(result, "tests")["2 tests"].verdict == "unsupported"


# --- the course's own check ------------------------------------------------------------------
def test_course_checks_for_the_2025_template():
    checks = {(c.question, c.rule): c for c in course_checks(parse_answers(REPORT_2025))}
    assert checks[(3, "answered")].passed is False
    assert checks[(7, "words")].expected == "50-100 words" and checks[(7, "words")].passed is False
    assert checks[(14, "images")].actual == "3 images" and checks[(14, "images")].passed
    assert checks[(20, "images")].actual == "1 images"  # the course counts code blocks too
    assert checks[(21, "images")].passed is False and checks[(29, "images")].passed
    assert checks[(3, "words")].expected == "0-200 words"  # the range the question states


def test_course_checks_for_the_2023_template_and_a_changed_one():
    checks = {(c.question, c.rule): c for c in course_checks(parse_answers(REPORT_2023))}
    assert checks[(7, "words")].expected == "50-100 words" and checks[(20, "images")].expected == "1-1 images"
    assert checks[(25, "images")].passed
    changed = parse_answers(REPORT_2023.split("### Question 27")[0])
    first = course_checks(changed)[0]
    assert (first.rule, first.passed, first.actual) == ("questions", False, "26 questions")


# --- output ----------------------------------------------------------------------------------
def test_json_document_with_answers_follows_the_schema(tree):
    document = json.loads(json_report.dumps(audit(repo_2025(tree))))
    jsonschema.validate(document, json_report.schema())
    assert document["questions"]["count"] == 31 and 21 in document["questions"]["unanswered"]
    verdicts = {a["verdict"] for a in document["answers"]}
    assert {"corroborated", "weak", "unsupported", "contradicted"} <= verdicts
    assert any(c["rule"] == "words" and not c["passed"] for c in document["course_checks"])


def test_json_without_a_report_has_no_answers(tree):
    document = json.loads(json_report.dumps(audit(tree({"src/a.py": "x = 1\n"}))))
    jsonschema.validate(document, json_report.schema())
    assert document["answers"] == [] and document["questions"] is None


def test_terminal_shows_the_answers_after_the_checklist(tree):
    console = Console(record=True, width=160)
    terminal.render(audit(repo_2025(tree)), console)
    text = console.export_text()
    assert text.index("Week 1") < text.index("Claims in the answers")
    assert "figures/bucket.png" in text and "contradicted" in text and "Course report check" in text


def test_hostile_answers_do_not_break_the_reader():
    text = (
        "### Question 1\n> **Q**\n> Answer:\n\n"
        + "![x](" * 2000
        + "\n"
        + "[" * 5000
        + "\n\ufffd\x00 https://github.com/\n"
    )
    answers = parse_answers(text)
    assert answers.questions[0].filled
    images(answers), links(answers), statements(answers), course_checks(answers)
    assert isinstance(answers.questions[0], Question)


def test_collected_tests_skip_fixtures_and_count_long_parametrize_lists():
    from auditor.facts.python_code import parse_python
    from auditor.facts.test_suite import test_functions as collect

    source = (
        "import pytest\n\n\n@pytest.mark.parametrize(\n    'a, b',\n    [\n        (1, 2),  # first\n"
        "        (3, 4),  # second\n    ],\n)\n@pytest.mark.parametrize('c', [5, 6])\n"
        "def test_pairs(a, b, c):\n"
        "    assert a < b\n\n\n@pytest.fixture\ndef test_data():\n    return 1\n"
    )
    found = {t.name: t for t in collect(parse_python("tests/test_x.py", source))}
    assert found["test_pairs"].collected and found["test_pairs"].parametrized_cases == 4
    assert not found["test_data"].collected and found["test_data"].why_not == "it is a pytest fixture"


def test_the_quick_word_test_never_rules_out_a_match():
    """Every sentence a term's pattern matches holds one of the words the quick test looks for."""
    from auditor.report.anchors import folded, may_match
    from auditor.report.statement_terms import all_terms
    from auditor.report.statements import _anchors

    samples = [s for report in (REPORT_2025, REPORT_2023) for s in report.splitlines()] + [
        "We used W&B and weights and biases, a CI matrix on windows and ubuntu, k6, VMs and Vertex AI.",
        "configs/train.yaml holds the hyperparameters; python-fire, arg parser; train_model.py, model.py",
    ]
    for item_id, terms in all_terms().items():
        for term in (*terms.specific, *terms.in_context, *terms.broad):
            for pattern in term if isinstance(term, tuple) else (term,):
                words = _anchors(pattern)
                for sample in samples:
                    if words is not None and pattern.search(sample):
                        assert any(w in sample.lower() for w in words), (item_id, pattern.pattern, sample)
                    if pattern.search(sample):
                        assert may_match(pattern.pattern, folded(sample), pattern.flags), (item_id, pattern.pattern)


@pytest.mark.parametrize(
    "source, needed",
    [
        (r"\bcloud\s+training\b", (("cloud",), ("training",))),
        (r"\bmodels?\b", (("model",),)),
        (r"\b(data|dataset)\s+(unit\s+)?tests?\b", (("test",), ("data", "dataset"))),
        (r"\bdvc\b|\bgit[\s-]lfs\b", (("dvc", "git"),)),
        (r"\bw\s*&\s*b\b", ()),
        (r"\bab{0,3}c", ()),  # `b` may be absent, and `a`, `c` alone are too short to be words
        (r"(?!foo)bar(baz)?", (("bar",),)),
        (r"\x41bcdef", ()),  # the hex digits of an escape are no literal text ("Abcdef" matches)
        (r"\u00e9tude", (("tude",),)),
        (r"(ab)\1xyz", (("xyz",), ("ab",))),  # a back reference's digit is blanked, the run after it is not hex
        (r"\N{LATIN SMALL LETTER E WITH ACUTE}cole", (("cole",),)),
        (r"[\]ab]cd", (("cd",),)),
    ],
)
def test_the_words_every_match_needs_are_read_from_the_source(source, needed):
    from auditor.report.anchors import all_required_words

    assert all_required_words(source) == needed


def test_a_pattern_is_compiled_only_when_the_text_holds_the_words_it_needs():
    from auditor.lazy_pattern import LazyPattern
    from auditor.report.anchors import may_match

    pattern = LazyPattern(r"\bcloud\s+training\b", re.IGNORECASE)
    assert not may_match(pattern.pattern, "we trained on the cloud") and "compiled" not in vars(pattern)
    assert may_match(pattern.pattern, "cloud training was used") and pattern.search("Cloud Training was used")


def test_an_attempt_that_was_dropped_is_not_a_claim():
    text = "We experimented with the torch profiler. Therefore we ended up not merging the profiling setup."
    assert answer_claim(statements(one_answer(text))["profiling"]).used is False
    assert answer_claim(
        statements(one_answer("We tried profiling the code, but it was hard."))["profiling"]
    ).used


@pytest.mark.parametrize(("text", "item_id", "expected"), [
    # the thing is the subject of a failure, or an attempt at it is followed by its failure: a failed attempt
    ("Quantization of the model failed.", "quantization", "attempt"),
    ("We tried quantization, but it did not work.", "quantization", "attempt"),
    ("We tried to version the data with DVC, but unfortunately it did not work.", "data-versioning", "attempt"),
    ("DVC did not work for us, so the data lives in a plain folder.", "data-versioning", "attempt"),
    ("We attempted pruning the model without success.", "quantization", "attempt"),
    ("Our Hydra setup did not work with the sweeps.", "sweep", "attempt"),
    ("Deploying to Cloud Run failed because of the memory limit.", "cloud-deploy", "attempt"),
    ("We tried DVC for the data and it failed.", "data-versioning", "attempt"),
    ("We tried DVC for the data and it worked.", "data-versioning", True),
    # a setback that was overcome, a thing that fails by design, one member's trouble, a success: no failed attempt
    ("The quantization failed at first, but then we fixed it.", "quantization", True),
    ("The unit tests of the model failed on the CI.", "tests-model", True),
    ("One member tried DVC but it failed.", "data-versioning", True),
    ("We tried profiling and it worked well.", "profiling", True),
    # a person's "did not work with" and a plain denial stay denials
    ("We did not work with sweeps.", "sweep", False),
    ("We did not use DVC.", "data-versioning", False),
])
def test_an_attempt_the_answer_says_failed_is_read_as_such(text, item_id, expected):
    decided = answer_claim(statements(one_answer(text)).get(item_id, []))
    assert decided is not None, text
    read = "attempt" if decided.attempt else decided.used
    assert read == expected, (text, decided)


@pytest.mark.parametrize(("sentence", "ticked", "code", "verdict"), [
    # a failed attempt is never a contradiction: ticked it needs a human look, not ticked it agrees
    ("We tried DVC for the data, but it did not work.", True, True, "weak"),
    ("We tried DVC for the data, but it did not work.", True, False, "weak"),
    ("We tried DVC for the data, but it did not work.", False, True, "corroborated"),
    ("We tried DVC for the data, but it did not work.", False, False, "corroborated"),
    # a plain denial against the evidence still is one
    ("We did not use DVC for the data.", False, True, "contradicted"),
])
def test_a_failed_attempt_is_no_contradiction(tree, sentence, ticked, code, verdict):
    report = REPORT_2025.replace("We did not use DVC in this project; the data set is small and static.", sentence)
    if ticked:
        report = report.replace("* [ ] Setup version control for your data", "* [x] Setup version control for your data")
    extra = {"reports/README.md": report}
    if code:
        extra.update({"data.dvc": "outs:\n- md5: 0123\n  path: data\n", ".dvc/config": "[core]\n    remote = r\n"})
    result = audit(repo_2025(tree, extra))
    check = next(a for a in result.answers if a.item == "data-versioning" and a.check == "statement")
    assert check.verdict == verdict, check


API_TESTS = (
    "from fastapi.testclient import TestClient\nfrom project.api import app\n\nclient = TestClient(app)\n\n\n"
    "def test_model_info():\n    assert client.get('/model_info').status_code == 200\n\n\n"
    "def test_predict():\n    assert client.post('/predict', json={}).status_code == 200\n"
)
MODEL_TESTS = (
    "import torch\nfrom project.model import Net\n\n\n"
    "def test_model_output_shape():\n    assert Net()(torch.zeros(1, 2)).shape == (1, 1)\n"
)
API_TICKED = "* [x] Write API tests for your application and setup continues integration for these (M24)\n"


@pytest.mark.parametrize(("test_files", "verdict"), [
    # the only model "tests" are API tests the group claims: whether they test the model needs a human look
    ({"tests/test_api.py": API_TESTS}, "unverifiable"),
    # a test file of the model's own contradicts the denial
    ({"tests/test_api.py": API_TESTS, "tests/test_model.py": MODEL_TESTS}, "contradicted"),
])
def test_a_denial_against_tests_that_are_another_claimed_items_is_unverifiable(tree, test_files, verdict):
    report = REPORT_2025.replace(
        "In total we have implemented 5 tests for the data and the model.",
        "We did not write unit tests for the model, only for the data.",
    ).replace("* [x] Create a git repository (M5)\n", "* [x] Create a git repository (M5)\n" + API_TICKED)
    workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest tests\n"
    extra = {"reports/README.md": report, ".github/workflows/tests.yaml": workflow,
             "src/project/api.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
             "src/project/model.py": "import torch\n\n\nclass Net(torch.nn.Module):\n    pass\n", **test_files}
    result = audit(repo_2025(tree, extra))
    items = {i.id: i for i in result.items}
    assert items["api-tests-ci"].evidence == "strong" and items["tests-model"].evidence == "strong"
    check = next(a for a in result.answers if a.item == "tests-model" and a.check == "statement")
    assert check.verdict == verdict, check


BUCKET_TICKED = ("* [x] Create a data storage in GCP Bucket for your data and link this with your data version "
                 "control setup (M21)\n")
BUCKET_IN_CODE = "from google.cloud import storage\n\nBUCKET = 'gs://acme-data'\nclient = storage.Client()\n"
DVC_ON_BUCKET = "[core]\n    remote = storage\n['remote \"storage\"']\n    url = gs://acme-data\n"


@pytest.mark.parametrize(("sentence", "extra", "verdict"), [
    # denying only DVC under the combined item: the tick may stand for the bucket
    ("Instead of DVC, we read the data straight from the GCP bucket.", {"src/project/train.py": BUCKET_IN_CODE},
     "unverifiable"),
    # a DVC remote on the bucket contradicts the denial of DVC
    ("Instead of DVC, we read the data straight from the GCP bucket.", {".dvc/config": DVC_ON_BUCKET}, "contradicted"),
])
def test_a_denial_of_dvc_under_the_bucket_item_leaves_the_bucket_part(tree, sentence, extra, verdict):
    report = REPORT_2025.replace("We did not use DVC in this project; the data set is small and static.", sentence)
    report = report.replace("* [x] Create a git repository (M5)\n", "* [x] Create a git repository (M5)\n" + BUCKET_TICKED)
    result = audit(repo_2025(tree, {"reports/README.md": report, **extra}))
    check = next(a for a in result.answers if a.item == "gcp-bucket-dvc" and a.check == "statement")
    assert check.verdict == verdict, check


def test_relative_paths_of_a_report_outside_the_repository_are_not_resolved(tree, tmp_path):
    root = repo_2025(tree)
    outside = tmp_path / "elsewhere.md"
    outside.write_text(REPORT_2025, encoding="utf-8")
    result = audit(root, outside)
    assert checks_of(result, "figure")["figure figures/wandb.png"].verdict == "unverifiable"
    base = "link https://github.com/acme/project/blob/main/"
    assert checks_of(result, "link")[base + ".github/workflows/tests.yaml"].verdict == "corroborated"


def test_with_a_checklist_an_item_it_lacks_takes_its_claim_from_the_answers(tree):
    result = audit(repo_2025(tree))
    items = {i.id: i for i in result.items}
    said = {a.item for a in result.answers if a.check == "statement"}
    lacking = [i for i in said if items[i].claim_source != "checklist"]
    assert lacking, "the fixture's answers speak of items its checklist lacks"
    for item_id in lacking:
        assert items[item_id].claimed is not None and items[item_id].claim_source == "answers"
        assert items[item_id].verdict != "not-in-checklist"
    silent = [i for i in result.items if i.claim_source == "checklist" and i.line is None]
    assert silent and all(i.claimed is None and i.verdict == "not-in-checklist" for i in silent)


def _plain_characters(source: str) -> list[bool]:
    """Reference reading, one character at a time: whether each character is plain syntax (not
    escaped, not in a class, not a numeric escape's hex digits nor a `\\N{...}` name)."""
    plain_flags, in_class, escaped, in_name, hex_left = [], False, False, False, 0
    for index, char in enumerate(source):
        plain = False
        if in_name:
            in_name = char != "}"
        elif hex_left and char in "0123456789abcdefABCDEF":
            hex_left -= 1
        elif escaped:
            escaped = False
            hex_left = 8 if char in "xuU0123456789" else 0
            in_name = char == "N" and source[index + 1:index + 2] == "{"
        elif char == "\\":
            escaped, hex_left = True, 0
        elif in_class:
            hex_left, in_class = 0, char != "]"
        elif char == "[":
            hex_left, in_class = 0, True
        else:
            hex_left, plain = 0, True
        plain_flags.append(plain)
    return plain_flags


def test_the_scanner_cuts_a_pattern_where_a_character_by_character_reading_does():
    import random

    from auditor.report.anchors import PIECE

    pick = random.Random(2476)
    alphabet = [*"ab(|)?*{}[]^\\xuUN019,:!=<.+e é\n", "\\b", "\\x41", "(?:", "{2,3}", "\\N{"]
    sources = [r"[\]ab]cd", r"\N{LATIN SMALL LETTER E}x", r"(ab)\1xyz", r"[^]]a", r"\x41bcdefghi", "a\\"]
    sources += ["".join(pick.choice(alphabet) for _ in range(pick.randint(0, 30))) for _ in range(3000)]
    for source in sources:
        pieces = PIECE.findall(source)
        assert "".join(other or syntax or text for other, syntax, text in pieces) == source
        flags = [not other for other, syntax, text in pieces for _ in (other or syntax or text)]
        assert flags == _plain_characters(source), source


COMPILED_MODEL = "import torch\n\nmodel = torch.compile(torch.nn.Linear(2, 2))\n"
QUANTIZED_MODEL = "import torch\n\nq = torch.quantization.quantize_dynamic(torch.nn.Linear(2, 2))\n"
QUANTIZATION_FAILED = "torch.quantization was not able to do dynamic quantization on our model checkpoint."
QUANTIZATION_TICKED = "* [x] Play around with quantization, compilation and pruning for your trained models (M31)\n"


@pytest.mark.parametrize(("sentence", "code", "ticked", "verdict"), [
    (QUANTIZATION_FAILED, COMPILED_MODEL, True, "corroborated"),
    (QUANTIZATION_FAILED, COMPILED_MODEL, False, "corroborated"),
    (QUANTIZATION_FAILED, QUANTIZED_MODEL, True, "weak"),   # a failed attempt: the code may be there and not work
    ("We did not try quantization of the model.", QUANTIZED_MODEL, True, "contradicted"),
    (QUANTIZATION_FAILED, None, True, "unverifiable"),
    ("We did not compile the model.", COMPILED_MODEL, True, "contradicted"),
    ("We did not compile the model.", COMPILED_MODEL, False, "contradicted"),
    ("We did not do quantization, compilation or pruning.", COMPILED_MODEL, True, "contradicted"),
    ("We did not do quantization, compilation or pruning.", COMPILED_MODEL, False, "contradicted"),
])
def test_a_denial_of_one_part_of_a_combined_item_is_weighed_against_that_part(tree, sentence, code, ticked, verdict):
    report = REPORT_2025.replace("We did not use Hydra; our configuration is a plain YAML file.", sentence)
    if ticked:
        report = report.replace("* [x] Create a git repository (M5)\n", "* [x] Create a git repository (M5)\n"
                                + QUANTIZATION_TICKED)
    extra = {"reports/README.md": report, **({"src/project/model.py": code} if code else {})}
    result = audit(repo_2025(tree, extra))
    quantization = next(a for a in result.answers if a.item == "quantization")
    assert quantization.verdict == verdict
