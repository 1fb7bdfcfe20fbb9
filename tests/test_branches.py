"""Evidence that exists only on another branch: weak, naming the branch; ignored when the branch
was made after the deadline; never read when the audited commit already shows the work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.audit import audit
from auditor.engine.run import run_all
from auditor.facts import Repository
from auditor.facts.gitinfo import read_git_info
from auditor.facts.gitsource import GitTreeSource
from auditor.record import replace
from conftest import git, make_git_repo, write_tree

PROFILER = 'import cProfile\n\ncProfile.run("print(1)")\n'


def _dated(when: str) -> dict:
    return {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}


def _repo_with_branch(root: Path, branch_files: dict, when: str = "2026-01-10T12:00:00+00:00") -> Path:
    make_git_repo(root, {"src/proj/train.py": "print('hi')\n"})
    git(root, "checkout", "-q", "-b", "profiling")
    write_tree(root, branch_files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "branch work", env=_dated(when))
    git(root, "checkout", "-q", "main")
    return root


def _outcome(root: Path, item: str, deadline: str | None = None):
    info = read_git_info(root.resolve())
    if deadline:
        info = replace(info, deadline=deadline)
    return run_all(Repository(root, git=info), only={item})[item]


def test_work_only_on_another_branch_is_weak_and_names_the_branch(tmp_path):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/profile_train.py": PROFILER})
    outcome = _outcome(root, "profiling")
    assert outcome.evidence == "weak"
    [finding] = outcome.findings
    assert "branch `profiling`" in finding.message and "2026-01-10" in finding.message
    assert finding.where() == "src/proj/profile_train.py:3"


def test_a_branch_without_the_work_adds_nothing(tmp_path):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/other.py": "print('nothing')\n"})
    assert _outcome(root, "profiling").evidence == "none"


def _second_branch(root: Path, name: str, files: dict, when: str) -> None:
    git(root, "checkout", "-q", "-b", name, "main")
    write_tree(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"{name} work", env=_dated(when))
    git(root, "checkout", "-q", "main")


TICKED_PROFILING = "* [x] Use profiling to optimize your code (M12)\n"


def _audited_item(root: Path, item: str, report: str = TICKED_PROFILING):
    write_tree(root, {"reports/README.md": report})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "report")
    return next(i for i in audit(root).items if i.id == item)


@pytest.mark.parametrize("later", [{"src/proj/train.py": "print('tuned')\n"}, {"src/proj/train.py": PROFILER}])
def test_a_claim_whose_work_is_in_a_file_a_later_branch_also_changed_is_still_found(tmp_path, later):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/train.py": PROFILER})
    _second_branch(root, "tuning", later, "2026-01-12T12:00:00+00:00")
    item = _audited_item(root, "profiling")
    assert (item.evidence, item.verdict) == ("weak", "weak")
    [finding] = item.findings
    assert finding.where() == "src/proj/train.py:3"
    assert "branch `profiling`" in finding.message or "branch `tuning`" in finding.message


def test_older_versions_on_branches_are_read_only_for_a_claim_still_unsupported(tmp_path):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/train.py": PROFILER})
    _second_branch(root, "tuning", {"src/proj/train.py": "print('tuned')\n"}, "2026-01-12T12:00:00+00:00")
    item = _audited_item(root, "profiling", TICKED_PROFILING.replace("[x]", "[ ]"))
    assert (item.evidence, item.verdict) == ("none", "not-claimed")


def test_no_branch_holds_the_work_in_any_version_of_a_shared_file(tmp_path):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/train.py": "print('first')\n"})
    _second_branch(root, "tuning", {"src/proj/train.py": "print('second')\n"}, "2026-01-12T12:00:00+00:00")
    item = _audited_item(root, "profiling")
    assert (item.evidence, item.verdict) == ("none", "unsupported")


def test_work_at_the_audited_commit_stays_strong_and_does_not_mention_branches(tmp_path):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/profile_train.py": PROFILER})
    write_tree(root, {"src/proj/prof_main.py": PROFILER})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "profiling on main")
    outcome = _outcome(root, "profiling")
    assert outcome.evidence == "strong"
    assert not any("branch" in f.message for f in outcome.findings)


@pytest.mark.parametrize(("deadline", "expected"), [
    ("2026-01-05T00:00:00+00:00", "none"),    # the branch's only commit came after the deadline
    ("2026-01-20T00:00:00+00:00", "weak"),
])
def test_a_branch_committed_after_the_deadline_is_ignored(tmp_path, deadline, expected):
    root = make_git_repo(tmp_path / "r", {"src/proj/train.py": "print('hi')\n"})
    git(root, "commit", "-q", "--amend", "--no-edit", "--date=2026-01-01T00:00:00+00:00",
        env=_dated("2026-01-01T00:00:00+00:00"))
    git(root, "checkout", "-q", "-b", "profiling")
    write_tree(root, {"src/proj/profile_train.py": PROFILER})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "late", env=_dated("2026-01-10T12:00:00+00:00"))
    git(root, "checkout", "-q", "main")
    assert _outcome(root, "profiling", deadline).evidence == expected


def test_a_plain_folder_has_no_branches(tmp_path):
    write_tree(tmp_path / "r", {"src/proj/train.py": "print('hi')\n"})
    assert _outcome(tmp_path / "r", "profiling").evidence == "none"


def test_auditing_an_older_commit_does_not_count_later_work_as_another_branch(tmp_path):
    root = make_git_repo(tmp_path / "r", {"src/proj/train.py": "print('hi')\n"})
    git(root, "commit", "-q", "--amend", "--no-edit", "--date=2026-01-01T00:00:00+00:00",
        env=_dated("2026-01-01T00:00:00+00:00"))
    old = git(root, "rev-parse", "HEAD").strip()
    write_tree(root, {"src/proj/profile_train.py": PROFILER})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "later", env=_dated("2026-01-10T12:00:00+00:00"))
    info = replace(read_git_info(root.resolve()), commit=old, committed_at="2026-01-01T00:00:00+00:00", at=old)
    at_old = Repository(root, source=GitTreeSource(root, old, root), git=info)
    assert run_all(at_old, only={"profiling"})["profiling"].evidence == "none"


@pytest.mark.parametrize(("merge_it", "merged_names", "every_branch_merged"), [
    (True, ["main", "profiling"], True),    # the branch's tip is in the audited history
    (False, ["main"], False),               # the branch holds a commit of its own
])
def test_one_listing_of_the_branches_tells_merged_from_unmerged(tmp_path, merge_it, merged_names, every_branch_merged):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/other.py": "print('nothing')\n"})
    if merge_it:
        git(root, "merge", "-q", "--ff-only", "profiling")
    repo = Repository(root)
    assert repo.branches == ["main", "profiling"]
    assert repo.history.branches == merged_names
    assert repo.every_branch_merged is every_branch_merged


def test_no_branch_log_is_run_when_every_branch_is_merged(tmp_path, monkeypatch):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/profile_train.py": PROFILER})
    git(root, "merge", "-q", "--ff-only", "profiling")
    git(root, "reset", "-q", "--hard", "HEAD~1")
    git(root, "branch", "-q", "-f", "profiling", "main")
    monkeypatch.setattr("auditor.facts.repository.other_branches", lambda git: pytest.fail("branch log run"))
    assert Repository(root).branches_view is None


def test_the_other_branches_view_shares_the_history_read_for_the_audited_commit(tmp_path):
    root = _repo_with_branch(tmp_path / "r", {"src/proj/profile_train.py": PROFILER})
    repo = Repository(root)
    _, view = repo.branches_view
    assert view.history is repo.history
    assert view.refs is repo.refs
    assert view.template_scaffold is repo.template_scaffold


def test_a_merged_branch_is_not_read_again(tmp_path):
    """Its tip is an ancestor of the audited commit: work removed after the merge is not on a branch."""
    root = _repo_with_branch(tmp_path / "r", {"src/proj/profile_train.py": PROFILER})
    git(root, "merge", "-q", "--no-ff", "-m", "merge profiling", "profiling")
    git(root, "rm", "-q", "src/proj/profile_train.py")
    git(root, "commit", "-q", "-m", "drop the profiler")
    repo = Repository(root)
    assert repo.branches_view is None
    assert _outcome(root, "profiling").evidence == "none"



def test_the_branch_log_started_with_the_audit_gives_the_same_view(tmp_path):
    from auditor.facts.repository import GitReads
    from auditor.facts.source import FolderSource

    root = _repo_with_branch(tmp_path / "r", {"src/proj/profile_train.py": PROFILER})
    info = read_git_info(root.resolve())
    started = GitReads.start(FolderSource(root, info.is_repo), info)
    owners, _ = Repository(root, git=info, started=started).branches_view
    started.cancel_branch_log()   # already read: nothing left to stop
    assert {p: b.name for p, b in owners.items()} == {p: b.name for p, b in Repository(root).branches_view[0].items()}
    assert set(owners) == {"src/proj/profile_train.py"}


def test_an_unread_branch_log_is_cancelled(tmp_path):
    from auditor.facts.branches import BranchLog

    root = _repo_with_branch(tmp_path / "r", {"src/proj/profile_train.py": PROFILER})
    log = BranchLog.start(read_git_info(root.resolve()))
    log.cancel()
    with pytest.raises(Exception, match="already read or cancelled"):
        log.text()


API_WITH_STORE = ('from fastapi import FastAPI\nfrom google.cloud import storage\napp = FastAPI()\n\n'
                  '@app.post("/predict")\ndef predict(text: str):\n    prediction = model(text)\n'
                  '    storage.Client().bucket("b").blob("x").upload_from_string(f"{text},{prediction}")\n'
                  '    return prediction\n')
# Branch-only work for each rule whose probe parses only the changed modules that could hold it:
# the item is weak on the branch, as if every module were parsed.
BRANCH_ONLY = [
    ("sweep", {"src/proj/tune.py": "import wandb\n\nsweep_id = wandb.sweep({'method': 'grid'})\n"}),
    ("drift-robustness", {"src/proj/drift.py": "from evidently.report import Report\n\nReport(metrics=[]).run()\n"}),
    ("drift-api", {"src/proj/api.py": 'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/drift")\n'
                                      'def drift():\n    return {}\n'}),
    ("io-collection", {"src/proj/api.py": API_WITH_STORE}),
    ("io-collection", {"src/proj/api.py": API_WITH_STORE.replace("@app.post", "@app \\\n    .post")}),
    ("api-metrics", {"src/proj/api.py": "from fastapi import FastAPI\nfrom prometheus_client import Counter\n"
                                        "app = FastAPI()\nREQUESTS = Counter('requests', 'n')\n"}),
    ("distributed-data", {"src/proj/data.py": "from torch.utils.data import DataLoader\n\n"
                                              "loader = DataLoader(dataset, num_workers=4)\n"}),
    ("distributed-training", {"src/proj/ddp.py": "from torch.nn.parallel import DistributedDataParallel as DDP\n\n"
                                                 "model = DDP(model)\n"}),
    ("frontend", {"src/proj/ui.py": "import requests\nimport streamlit as st\n\nst.title('x')\n"
                                    "requests.post('http://api/predict')\n"}),
    ("workflow-model-registry", {
        ".github/workflows/deploy.yaml": "on: workflow_dispatch\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
                                         "    steps:\n      - run: gcloud run deploy api --source .\n",
        "src/proj/serve.py": "import wandb\n\nrun = wandb.init()\nmodel = run.use_artifact('model:latest')\n"}),
    ("profiling", {"src/proj/prof.py": "from torch.profiler import profile\n\nwith profile() as p:\n    pass\n"}),
    ("profiling", {"src/proj/train.py": "import lightning as L\n\ntrainer = L.Trainer(profiler='simple')\n"}),
    ("onnx-bentoml", {"src/proj/export.py": "import torch\n\ntorch.onnx.export(model, x, 'model.onnx')\n"}),
    ("onnx-bentoml", {"src/proj/service.py": "import bentoml\n\n@bentoml.service\nclass Service:\n    pass\n"}),
    ("cloud-training", {"src/proj/job.py": "from google.cloud import aiplatform\n\n"
                                           "job = aiplatform.CustomContainerTrainingJob(display_name='t')\n"}),
    ("load-test", {"tests/locustfile.py": "from locust import HttpUser, task\n\nclass ApiUser(HttpUser):\n"
                                          "    @task\n    def predict(self):\n        self.client.get('/')\n"}),
    ("logging", {"src/proj/log_utils.py": "import logging\n\nlogger = logging.getLogger(__name__)\nlogger.info('a')\n"}),
    ("cloud-deploy", {"functions/main.py": "import functions_framework\n\n@functions_framework.http\n"
                                           "def predict(request):\n    return 'ok'\n"}),
    ("api-tests-ci", {"tests/test_api.py": "from fastapi.testclient import TestClient\nfrom proj.api import app\n\n"
                                           "def test_root():\n    client = TestClient(app)\n"
                                           "    assert client.get('/').status_code == 200\n"}),
]


@pytest.mark.parametrize(("item", "files"), BRANCH_ONLY)
def test_branch_only_work_is_found_through_the_modules_that_can_hold_it(tmp_path, item, files):
    root = _repo_with_branch(tmp_path / "r", {**files, "src/proj/unrelated.py": "x = {}.get('a')\n"})
    outcome = _outcome(root, item)
    assert outcome.evidence == "weak"
    assert "branch `profiling`" in outcome.findings[0].message


def test_the_branch_view_parses_only_the_modules_a_rerun_rule_could_report_on(tmp_path):
    unrelated = "@staticmethod\ndef f(d):\n    return d.get('a')\n"
    root = _repo_with_branch(tmp_path / "r", {"src/proj/tune.py": "import wandb\n\nwandb.sweep({})\n",
                                              "src/proj/unrelated.py": unrelated, "src/proj/main.py": unrelated})
    repo = Repository(root, git=read_git_info(root.resolve()))
    run_all(repo, only={"sweep", "io-collection", "drift-api", "api-metrics", "distributed-data", "frontend",
                        "profiling", "onnx-bentoml", "cloud-training", "load-test", "logging", "cloud-deploy"})
    assert not {"src/proj/unrelated.py", "src/proj/main.py"} & set(repo.branches_view[1].python._parsed)


PROFILING_ANSWER = ("# Exam\n\n### Question 16\n> **How did you debug your code? Did you try to profile it?**\n>\n"
                    "> Answer:\n\nWe profiled the training loop:\n\n![profile]({url})\n")


def _screenshot_on_branch(root: Path, url_ref: str, branch: str = "dev", when: str = "2026-01-10T12:00:00+00:00"):
    url = f"https://github.com/acme/proj/blob/{url_ref}/reports/figures/profile.png"
    make_git_repo(root, {"src/proj/train.py": "print('hi')\n",
                         "reports/README.md": PROFILING_ANSWER.format(url=url)})
    git(root, "commit", "-q", "--amend", "--no-edit", env=_dated("2026-01-01T00:00:00+00:00"))
    git(root, "remote", "add", "origin", "https://github.com/acme/proj.git")
    git(root, "checkout", "-q", "-b", branch)
    write_tree(root, {"reports/figures/profile.png": "png"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "profiling figure", env=_dated(when))
    git(root, "checkout", "-q", "main")
    if branch.startswith("origin/"):  # only remote-tracking, as in a fresh clone
        git(root, "update-ref", f"refs/remotes/{branch}", branch)
        git(root, "branch", "-q", "-D", branch)
    return root


def _profiling(root: Path, deadline: str | None = None):
    info = read_git_info(root.resolve())
    if deadline:
        info = replace(info, deadline=deadline)
    repo = Repository(root, git=info, report_path="reports/README.md")
    return run_all(repo, only={"profiling"})["profiling"]


@pytest.mark.parametrize(("url_ref", "branch", "deadline", "evidence"), [
    ("dev", "dev", None, "weak"),                        # the URL's branch holds the screenshot
    ("refs/heads/dev", "dev", None, "weak"),
    ("feature/report", "feature/report", None, "weak"),  # a branch name holding `/`
    ("dev", "origin/dev", None, "weak"),                 # the remote's branch of that name
    ("report", "feature/report", None, "none"),          # a local branch's last segment is not its name
    ("main", "dev", None, "none"),                       # the URL names the audited branch: the file is not there
    ("other", "dev", None, "none"),                      # another branch holds it, not the one the URL names
    ("dev", "dev", "2026-01-05T00:00:00+00:00", "none"),  # the branch's commit came after the deadline
])
def test_a_screenshot_linked_on_an_unmerged_branch_is_weak_and_names_it(tmp_path, url_ref, branch, deadline, evidence):
    outcome = _profiling(_screenshot_on_branch(tmp_path / "r", url_ref, branch), deadline)
    assert outcome.evidence == evidence
    if evidence == "weak":
        [finding] = outcome.findings
        assert f"only on branch `{branch}` (last commit 2026-01-10)" in finding.message
        assert finding.where() == "reports/README.md:10" and "reports/figures/profile.png" in finding.message


def test_an_architecture_figure_linked_on_an_unmerged_branch_names_the_branch(tmp_path):
    root = _screenshot_on_branch(tmp_path / "r", "dev")
    report = PROFILING_ANSWER.replace("How did you debug your code? Did you try to profile it?",
                                      "Include a figure of the overall architecture of your system")
    write_tree(root, {"reports/README.md": report.format(
        url="https://github.com/acme/proj/blob/dev/reports/figures/profile.png")})
    git(root, "commit", "-q", "-am", "architecture question")
    repo = Repository(root, git=read_git_info(root.resolve()), report_path="reports/README.md")
    outcome = run_all(repo, only={"architecture-diagram"})["architecture-diagram"]
    [finding] = outcome.findings
    assert outcome.evidence == "weak" and finding.where() == "reports/README.md:10"
    assert "only on branch `dev` (last commit 2026-01-10)" in finding.message


TEXTS_FOR_FILTERED_PROBES = {
    "a/prof.py": "import cProfile as cp\n\ncp.run('main()')\n",
    "a/light.py": "from lightning.pytorch import Trainer\n\nTrainer(profiler='advanced')\n",
    "a/stats.py": "import pstats\n",
    "a/tasks.py": "from invoke import task\n\n@task\ndef prof(c):\n    c.run('python -m cProfile -o out.prof x.py')\n",
    "a/bench_speed.py": "import time\n\nstart = time.perf_counter()\n",
    "a/onnx_export.py": "from torch import onnx as ox\n\nox.export(model, x, 'm.onnx')\n",
    "a/ort.py": "import onnxruntime as ort\n\nsession = ort.InferenceSession('m.onnx')\n",
    "a/bento.py": "import bentoml\n\nbentoml.pytorch.save_model('m', model)\n",
    "a/job.py": "from google.cloud import aiplatform as ai\n\nai.CustomJob(worker_pool_specs=[])\n",
    "a/spec.py": "SPEC = 'workerPoolSpecs: []'\n",
    "a/locustfile.py": "import locust\n\nclass U(locust.HttpUser):\n    tasks = [f]\n",
    "a/log.py": "import logging\n\nlogger = logging.getLogger()\nlogger.info('x')\nlogger.warning('y')\n",
    "a/uses.py": "from proj.utils import logger\n\nlogger.info('a')\nlogger.error('b')\n",
    "a/unrelated.py": "def f(d):\n    return d.get('a')\n",
}


def test_the_filtered_probes_find_in_modules_parsed_on_demand_what_they_find_in_every_parsed_module():
    import importlib

    from auditor.catalog import rules_dir
    from auditor.facts.modules_on_demand import ModulesOnDemand
    from auditor.facts.python_code import parse_python

    rules_dir()
    every = {path: parse_python(path, text) for path, text in TEXTS_FOR_FILTERED_PROBES.items()}
    probes = [("profiling", "_in_code"), ("profiling", "_task_strings"), ("onnx_bentoml", "_calls"),
              ("cloud_training", "_python_pool_specs"), ("cloud_training", "_sdk_jobs"), ("load_test", "_locustfiles"),
              ("logging_calls", "probe")]
    for module_name, function in probes:
        probe = getattr(importlib.import_module(f"auditor.rules.{module_name}"), function)
        on_demand = ModulesOnDemand(dict(TEXTS_FOR_FILTERED_PROBES))
        expected = list(probe(every))
        assert list(probe(on_demand)) == expected and expected, function
        assert "a/unrelated.py" not in on_demand._parsed, function
