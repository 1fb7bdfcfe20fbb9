"""The `python` fact made in another process: the same modules and texts as made here, and the
parent's own reading whenever the other process cannot make it."""

from __future__ import annotations

import os

import pytest

from auditor.facts import Repository
from auditor.facts.files import FileText
from auditor.facts.python_code import PythonModule, parse_python
from auditor.facts.python_read import PythonFile, python_file_from_plain, python_file_to_plain, python_read_of
from auditor.record import fields
from auditor.side_work import forking_allowed
from conftest import FIXTURES, make_git_repo

EVERY_KIND_OF_FACT = '''
import torch.nn as nn
from hydra import main as entry

@entry(config_path="conf")
class Model(nn.Module, metaclass=Meta):
    """A model."""
    def forward(self, x: int) -> int:
        def inner():
            pass
        return x

size = compute("a", retries=3)
assert size > 0
label = "string" + f"{size}"
'''


def test_a_file_travels_as_plain_values_and_comes_back_the_same():
    module = parse_python("src/model.py", EVERY_KIND_OF_FACT)
    assert module.calls and module.classes and module.functions and module.decorators and module.aliases
    files = [PythonFile(FileText(EVERY_KIND_OF_FACT), module), PythonFile(FileText(None, "is binary, not text"), None)]
    back = [python_file_from_plain(python_file_to_plain(file)) for file in files]
    assert back == files
    assert back[0].module.resolve("nn.Linear") == "torch.nn.Linear"
    read = python_read_of(["src/model.py", "src/broken.py"], back)
    assert list(read.texts) == ["src/model.py", "src/broken.py"] and list(read.modules) == ["src/model.py"]


def test_a_module_is_rebuilt_from_its_fields_in_declaration_order():
    """The plain form is the tuple of the compared fields, rebuilt positionally: they must lead."""
    declared = fields(PythonModule)
    compared = [spec.name for spec in declared if spec.compare]
    assert [spec.name for spec in declared[:len(compared)]] == compared


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork: the fact is always made here")
@pytest.mark.parametrize("files, remove", [
    ({"src/app.py": "import fastapi\napp = fastapi.FastAPI()\n", "src/bad.py": b"\0binary"}, None),
    ({"src/app.py": "import fastapi\n", "src/gone.py": "import wandb\nwandb.init()\n"}, "src/gone.py"),
], ids=["on disk", "tracked file missing from the work tree (read from git, which only the parent may run)"])
def test_an_audit_says_the_same_whichever_process_parsed_the_python(tmp_path, monkeypatch, files, remove):
    from auditor.audit import audit
    from auditor.render.json_report import dumps

    report = (FIXTURES / "example-repo" / "reports" / "README.md").read_text(encoding="utf-8")
    root = make_git_repo(tmp_path / "repo", {**files, "reports/README.md": report})
    if remove:
        (root / remove).unlink()
    alone = dumps(audit(root))
    parent, read_here = os.getpid(), []
    read_python_file = Repository.read_python_file

    def noted(repo, rel):
        if os.getpid() == parent:   # the child's calls are its own: only the parent's are seen here
            read_here.append(rel)
        return read_python_file(repo, rel)

    monkeypatch.setattr(Repository, "read_python_file", noted)
    with forking_allowed():
        beside = dumps(audit(root))
    assert beside == alone
    assert set(read_here) <= set(files) and len(read_here) == len(set(read_here)), "each file parsed here at most once"
    if remove:
        assert remove in read_here, "the file only git can give is read here, since the child cannot run git"
    assert ("src/gone.py" in alone) == bool(remove), "a file missing from the disk is still read, from git"


def test_rules_that_read_no_python_run_first_and_outcomes_keep_the_catalogue_s_order(monkeypatch):
    from auditor.catalog import load_catalog
    from auditor.engine import run

    ran = []
    run_rule = run.run_rule
    monkeypatch.setattr(run, "run_rule", lambda spec, repo: ran.append(spec) or run_rule(spec, repo))
    outcomes = run.run_all(Repository(FIXTURES / "example-repo"))
    assert list(outcomes) == [spec.id for spec in load_catalog()]
    first = [run.reads_no_python(spec) for spec in ran[:len(load_catalog())]]
    assert any(first) and first == sorted(first, reverse=True)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork: the fact is always made here")
def test_a_commit_s_tree_is_parsed_here_since_only_this_process_reads_git(tmp_path, monkeypatch):
    from auditor.audit import audit_target
    from auditor.render.json_report import dumps

    report = (FIXTURES / "example-repo" / "reports" / "README.md").read_text(encoding="utf-8")
    root = make_git_repo(tmp_path / "repo", {"src/app.py": "import fastapi\n", "reports/README.md": report})
    alone = dumps(audit_target(str(root), at="HEAD"))
    readers = tmp_path / "readers"   # a file, so that a child's reading shows too
    read_python = Repository.read_python

    def noted(repo):
        with readers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return read_python(repo)

    monkeypatch.setattr(Repository, "read_python", noted)
    with forking_allowed():
        beside = dumps(audit_target(str(root), at="HEAD"))
    assert beside == alone and readers.read_text().split() == [str(os.getpid())]
