"""The other branches' view parses Python on demand and, for import/call/base/decorator patterns,
only the modules whose text can hold a wanted name: the findings must be those of parsing all."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from auditor.engine.patterns import evaluate
from auditor.facts.modules_on_demand import ModulesOnDemand
from auditor.facts.python_code import parse_python

CASES = [
    ("import lightning as L\nL.Trainer()\n", {"calls": ["lightning.Trainer"]}, 1),
    ("from torch.ao.quantization import quantize_dynamic as qd\nqd(model)\n",
     {"calls": ["torch.ao.quantization.quantize_dynamic"]}, 1),
    ("import torch\nmodel = (torch\n    .compile(model))\n", {"calls": ["torch.compile"]}, 1),
    ("import torch\nmodel = torch . compile(model)\n", {"calls": ["torch.compile"]}, 1),
    ("import torch\r\nmodel = (torch\t.\r\n    compile(model))\r\n", {"calls": ["torch.compile"]}, 1),
    ("import torch\nmodel = torch \\\n    .compile(model)\n", {"calls": ["torch.compile"]}, 1),
    ("import pytorch_lightning as pl\nclass M(pl.LightningModule):\n    pass\n",
     {"bases": ["pytorch_lightning.LightningModule"]}, 1),
    ("from fastapi import FastAPI\napp = FastAPI()\n@app.get('/')\ndef root():\n    pass\n",
     {"decorators": ["app.get"]}, 1),
    ("from torch import quantization\n", {"imports": ["torch.quantization"]}, 1),
    ("import ts.torch_handler.base_handler\n", {"imports": ["ts.torch_handler"]}, 1),
    ("import torch\nmodel.compile()\n", {"calls": ["torch.compile"]}, 0),
    ("print('nothing to see')\n", {"calls": ["lightning.Trainer"]}, 0),
    ("import torchvision\n", {"imports": ["torch"]}, 0),
]


def _facts(modules):
    return SimpleNamespace(source=modules, tests={}, python=modules)


@pytest.mark.parametrize(("code", "pattern", "expected"), CASES)
def test_on_demand_modules_give_the_findings_of_parsing_every_module(code, pattern, expected):
    texts = {"src/proj/a.py": code, "src/proj/other.py": "x = 1\n"}
    parsed_all = {path: parse_python(path, text) for path, text in texts.items()}
    on_demand = ModulesOnDemand(texts)
    found = evaluate(pattern, _facts(on_demand))
    assert found == evaluate(pattern, _facts(parsed_all))
    assert len(found) == expected


def test_a_module_that_cannot_hold_the_name_is_never_parsed():
    on_demand = ModulesOnDemand({"a.py": "import lightning\nlightning.Trainer()\n", "b.py": "x = 1\n"})
    assert list(on_demand.mentioning(["lightning.Trainer"])) == ["a.py"]
    evaluate({"calls": ["lightning.Trainer"]}, _facts(on_demand))
    assert set(on_demand._parsed) == {"a.py"}


def test_subsets_share_the_parsed_modules():
    on_demand = ModulesOnDemand({"src/a.py": "x = 1\n", "tests/test_a.py": "y = 2\n"})
    source = on_demand.subset(lambda path: path.startswith("src/"))
    assert list(source) == ["src/a.py"] and len(source) == 1
    assert source["src/a.py"] is on_demand["src/a.py"]
