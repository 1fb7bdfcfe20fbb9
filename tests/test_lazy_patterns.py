"""Patterns compiled only when a run needs them, and string tests that stand in for a regex: each
gives exactly the answers of the pattern it spares."""

from __future__ import annotations

import ast
import copy
import importlib
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.catalog import rules_dir
from auditor.facts.dependencies import _mention_pattern, _mentions
from auditor.facts.repository import Repository
from auditor.lazy_pattern import LazyPattern
from auditor.report.anchors import may_search

rules_dir()  # registers the package auditor.rules


def _rule(name: str):
    return importlib.import_module(f"auditor.rules.{name}")


def test_a_lazy_pattern_offers_every_method_of_the_compiled_one_and_compiles_once():
    lazy = LazyPattern(r"a(b)", re.IGNORECASE)
    assert "compiled" not in vars(lazy)
    assert lazy.sub("-", "ab AB") == "- -" and lazy.findall("xAb") == ["b"] and lazy.groups == 1
    assert lazy.search is lazy.search and lazy.compiled == re.compile(r"a(b)", re.IGNORECASE)
    assert lazy == LazyPattern(r"a(b)", re.IGNORECASE) and hash(lazy) == hash(LazyPattern(r"a(b)", re.IGNORECASE))


def test_a_lazy_pattern_is_copied_and_pickled_as_its_source():
    lazy = LazyPattern(r"x+", re.MULTILINE)
    lazy.search("xx")
    for twin in (pickle.loads(pickle.dumps(lazy)), copy.deepcopy(lazy)):
        assert twin == lazy and set(vars(twin)) == {"pattern", "flags"} and twin.match("xx")


@pytest.mark.parametrize("line", [
    " torch==2.1", " Torch>=2", "  - torch", ' "torch[cuda]"', " conda-forge::torch", " torchvision",
    " pytorch", " torch", " torch ", " xtorch", " 'torch'", " torch;python_version<'3.12'", " torch@ git+x",
    " TORCH~=2", " torch-cpu", " torch\x1c", " ::torch", ":torch", " é torch", " ſ", " teſt==1", " test==1",
    " Kornia", " \u212aornia", " kornia<1", "",
])
@pytest.mark.parametrize("name", ["torch", "test", "kornia", "s", "a.b_c-d"])
def test_a_requirement_line_is_found_as_the_regex_finds_it(line, name):
    assert _mentions(line, name, name.lower()) == bool(_mention_pattern(name).search(line))


@pytest.mark.parametrize(("text", "found"), [
    ("run: gcloud run deploy api\n", True),
    ("run: GCLOUD RUN DEPLOY api\n", True),
    ("run: gcloud builds submit\n", False),       # no `deploy`: ruled out before the pattern compiles
    ("run: echo nothing\n", False),
    ("# gcloud run deploy ✓\n", True),           # beyond ASCII: the pattern itself decides
])
def test_grep_skips_a_file_without_the_words_every_match_needs(tmp_path, text, found):
    (tmp_path / "deploy.sh").write_text(text, encoding="utf-8")
    lazy = LazyPattern(r"\bgcloud\s+run\s+deploy\b", re.IGNORECASE)
    hits = Repository(tmp_path).grep(lazy, "*.sh")
    assert bool(hits) == found
    assert hits == Repository(tmp_path).grep(re.compile(lazy.pattern, lazy.flags), "*.sh")
    assert ("compiled" in vars(lazy)) == (found or not text.isascii())


def test_grep_still_finds_what_only_unicode_case_folding_matches(tmp_path):
    """`ſ` (long s) matches `s` under IGNORECASE, though "ſtreamlit".lower() holds no "streamlit"."""
    (tmp_path / "app.sh").write_text("ſtreamlit run app.py\n", encoding="utf-8")
    (tmp_path / "inline.sh").write_text("STREAMLIT run app.py\n", encoding="utf-8")
    repo = Repository(tmp_path)
    assert [h.path for h in repo.grep(LazyPattern(r"streamlit\s+run", re.IGNORECASE), "app.sh")] == ["app.sh"]
    assert [h.path for h in repo.grep(r"streamlit\s+run", "app.sh")] == ["app.sh"]
    assert [h.path for h in repo.grep(LazyPattern(r"(?i)streamlit\s+run"), "inline.sh")] == ["inline.sh"]


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    (LazyPattern(r"\bgcloud\s+compute\s+ssh\b", re.IGNORECASE), "GCLOUD compute ssh vm", True),
    (LazyPattern(r"\bgcloud\s+compute\s+ssh\b", re.IGNORECASE), "gcloud run deploy", False),
    (LazyPattern(r"\bgcloud\s+compute\s+ssh\b", re.IGNORECASE), "gcloud compute ſſh", True),
    (LazyPattern(r"Foo|bar"), "FOO baz", True),         # a case-sensitive word is looked for lowered: a maybe
    (LazyPattern(r"Foo|bar"), "baz", False),
    (LazyPattern(r"(?x) f o o"), "foo", True),
    (re.compile(r"deploy"), "Deploy", True),          # case-sensitive: lowered text still holds the word
])
def test_a_text_is_ruled_out_only_when_no_match_can_hold_it(pattern, text, expected):
    assert may_search(pattern, text) == expected
    if pattern.search(text):
        assert may_search(pattern, text)


@pytest.mark.parametrize(("helper", "name", "expected"), [
    (("api_metrics", "_metric_call"), "prometheus_client.Counter", True),
    (("api_metrics", "_metric_call"), "opentelemetry.instrumentation.fastapi.FastAPIInstrumentor", True),
    (("api_metrics", "_metric_call"), "starlette_exporter.PrometheusMiddleware", True),
    (("api_metrics", "_metric_call"), "torch.nn.Linear", False),
    (("api_metrics", "_metric_call"), "my.prometheus_client.Counter", False),
    (("wandb", "_logging_call"), "wandb.log", True),
    (("wandb", "_logging_call"), "pytorch_lightning.loggers.WandbLogger", True),
    (("wandb", "_logging_call"), "wandb.login", False),
    (("wandb", "_logging_call"), "mlflow.log_metric", False),
])
def test_a_name_without_the_literal_start_of_every_match_is_no_call(helper, name, expected):
    module, function = helper
    assert getattr(_rule(module), function)(name) is expected


@pytest.mark.parametrize(("module", "pattern", "prefixes"), [
    ("api_metrics", "METRIC_CALL", "METRIC_PREFIXES"),
    ("distributed_training", "LIBRARY_CALL", "LIBRARY_PREFIXES"),
    ("cloud_monitoring", "SDK", "SDK_PREFIXES"),
    ("ci_lint", "LINT_ACTIONS", "LINT_ACTION_PREFIXES"),
])
def test_every_alternative_of_a_prefixed_pattern_starts_with_one_of_its_prefixes(module, pattern, prefixes):
    """Read from the source `^(a|b\\.c|...)$`: each top-level alternative's literal start, up to its
    first regex syntax, begins with a listed prefix, so a name without one cannot match."""
    rule = _rule(module)
    source, starts = getattr(rule, pattern).pattern, getattr(rule, prefixes)
    inner = source[source.index("(") + 1:]
    depth, branch, branches = 0, "", []
    for char in inner:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        if char == "|" and depth == 0:
            branches.append(branch)
            branch = ""
        else:
            branch += char
    branches.append(branch)
    for branch in branches:
        literal = re.match(r"(?:[\w/-]|\\\.)*", branch).group(0).replace("\\.", ".")
        assert any(literal.startswith(p) for p in starts), branch


# Rules' patterns that most audits never match: searched through search_if_possible / match_if_possible.
GUARDED = [
    ("_api", "INFERENCE", "match", ["predict", "model.forward", "softmax", "_predict_image", "load", "run", "PREDICT",
                                     "ſoftmax", "claſſify", "forward\n", "get_data"]),
    ("_api", "NOT_MODEL", "match", ["os", "subprocess", "OS", "model", "ꜱubprocess", "app", "routerx"]),
    ("_api", "LOADERS", "match", ["torch.load", "joblib.load", "load_model", "torch.save", "Torch.load", ""]),
    ("_api", "MODEL_OBJECT", "search", ["model", "self_net", "classifiers", "ſelf", "Model", "get", "pipe"]),
    ("io_collection", "STORE_CALL", "search", ["blob.upload_from_filename", "writer.writerow", "redis.lpush",
                                                "db.collection('x').add", "print", "upload_blob\n"]),
    ("io_collection", "STORE_HELPER", "search", ["save_prediction", "log_request", "SAVE_PRED", "ſave_pred",
                                                  "save", "predict", "store_input_data"]),
    ("frontend", "PAGE_CALL", "search", ["fetch('/predict')", "axios.post(url)", "xhr.open('POST', u)", "<p>hi</p>",
                                          "FETCH('/x')", ""]),
    ("workflow_data_change", "DATA_CHECK", "search", ["python data_validation.py", "great_expectations run", "gx",
                                                       "DATASET-STATS", "pytest", "daſet"]),
    ("workflow_model_registry", "REGISTRY_USE", "search", ["wandb artifact get x", "run.use_artifact('m')",
                                                            "mlflow models serve", "pytest", "models:/m/1"]),
    ("_testing", "TRIVIAL_ASSERT", "match", ["    assert True", "assert 1 == 1", "assert(True)  # x", "assert x",
                                              "ASSERT True", "assert True is True, 'ok'"]),
    ("sweep", "HYDRA_SWEEPER", "search", ["defaults:\n  - override hydra/sweeper: optuna\n", "sweeper:\n",
                                           "hydra:\n  mode: MULTIRUN\n", "mode: train\n", "SWEEPER: x"]),
    ("gh_pages", "DEPLOY_STEP", "search", ["mkdocs gh-deploy --force", "uses: actions/deploy-pages@v4", "mkdocs build",
                                            "MKDOCS GH-DEPLOY"]),
]


@pytest.mark.parametrize(("module", "name", "method", "texts"), GUARDED, ids=[g[1] for g in GUARDED])
def test_a_guarded_rule_pattern_answers_as_its_regex_and_compiles_only_for_a_text_that_may_match(
        module, name, method, texts):
    from auditor.report.anchors import match_if_possible, search_if_possible

    guarded = {"search": search_if_possible, "match": match_if_possible}[method]
    lazy = getattr(_rule(module), name)
    regex = re.compile(lazy.pattern, lazy.flags)
    assert isinstance(lazy, LazyPattern)
    for text in texts:
        fresh = LazyPattern(lazy.pattern, lazy.flags)
        found, expected = guarded(fresh, text), getattr(regex, method)(text)
        assert (found and found.group(0)) == (expected and expected.group(0)), text
        if not may_search(regex, text):
            assert "compiled" not in vars(fresh) and not expected, text
    assert any(getattr(regex, method)(t) for t in texts) and not all(getattr(regex, method)(t) for t in texts)


@pytest.mark.parametrize("line", [
    "# From https://github.com/huggingface/pytorch-image-models", '"""Adapted from: <https://github.com/a/b.c>',
    "// copied from https://www.github.com/x/y", "# SOURCE: HTTPS://GITHUB.COM/A/B", "import torch",
    "# see https://github.com/a/b", "# from the paper", "# ſource: https://github.com/a/b", "",
    "# taken from https://gıthub.com/a/b", "# originally from: https://github.com/o/r\n",
])
def test_a_header_line_names_its_origin_as_the_regex_reads_it_and_compiles_it_only_when_it_may(line):
    from auditor.facts import vendored
    from auditor.report.anchors import match_if_possible

    fresh = LazyPattern(vendored.ORIGIN.pattern, vendored.ORIGIN.flags)
    found, expected = match_if_possible(fresh, line), re.compile(fresh.pattern, fresh.flags).match(line)
    assert (found and found.group(1)) == (expected and expected.group(1))
    if line.isascii() and ("github" not in line.lower() or "from" not in line.lower() and "source" not in line.lower()):
        assert "compiled" not in vars(fresh)


@pytest.mark.parametrize("clause", [
    "we used docker", "we did not use docker", "not only docker but also podman", "no problems with docker",
    "we didn't use docker", "we didn’t only use docker", "without any issues", "without docker",
    "not only that, we skipped it", "no need, we never did", "instead of docker we used podman",
    "we failed to build", "notonly", "no-problems", "not  only", "NOT ONLY docker", "ſkipped it", "nothing",
    "decided not only against", "a -not only- b", "we omitted nothing", "n't only", "",
])
def test_a_clause_without_a_negation_is_affirmative_before_non_negations_are_blanked(clause):
    """polarity() asks NOT_A_NEGATION only of a clause that holds a negation: blanking a non-negation
    never creates one, so the answers are those of blanking every clause first."""
    from auditor.report import statements

    negation = re.compile(statements.NEGATION.pattern, statements.NEGATION.flags)
    not_a_negation = re.compile(statements.NOT_A_NEGATION.pattern, statements.NOT_A_NEGATION.flags)
    blanked_first = not negation.search(not_a_negation.sub(" ", clause))
    assert (not negation.search(clause) or not negation.search(statements._without_non_negations(clause))) \
        == blanked_first
    if not negation.search(clause):
        assert blanked_first


def _template_paths() -> list[str]:
    from auditor.facts import template

    seeds = [*template.SHIPPED_PATHS, *(f"src/pkg/{m}" for m in template.SRC_PACKAGE_STUBS),
             *(f"proj/{m}" for m in template.PACKAGE_STUBS), *(f"src/{m}" for m in template.PACKAGE_STUBS),
             ".devcontainer/devcontainer.json", ".devcontainer/", ".devcontainer/a/b", "dockerfiles/api.dockerfile",
             "dockerfiles/.dockerfile", "dockerfiles/x/api.dockerfile", ".gitkeep", "data/.gitkeep", "x.gitkeep",
             "__init__.py", "pkg/__init__.py", "pkg/my__init__.py", "src//data.py", "src/data.py", "/train_model.py",
             "train_model.py", "src/pkg/sub/data.py", "", "\n", "README.md\n\n", "README.mdx", "readme.md",
             "ſetup.py", "requirements_dev.txt", "requirements_devs.txt", "docs/mkdocs.yml", "docs/x/mkdocs.yml",
             ".devcontainer/models/model.py", "dockerfiles/train_model.py", "src/train_model.py",
             "src/models/model.py", ".devcontainer/__init__.py", "dockerfiles/a.dockerfile\n"]
    variants = {seed for seed in seeds}
    for seed in seeds:
        variants |= {f"{seed}\n", f"x/{seed}", f"{seed}x", f"{seed}/", seed.upper(), seed.replace("/", "\n"),
                     f"{seed}\n\n", f"\n{seed}"}
    return sorted(variants)


def test_a_path_is_template_shaped_exactly_when_the_pattern_matches_it():
    from auditor.facts import template

    regex = re.compile(template.TEMPLATE_SHAPED)
    paths = _template_paths()
    for path in paths:
        assert template._shaped_as_shipped(path) == bool(regex.search(path)), repr(path)
    assert 50 < sum(template._shaped_as_shipped(p) for p in paths) < len(paths) - 50


# The characters beyond ASCII an IGNORECASE `i`, `s` or `k` matches: lowering alone hides them.
CASE_TWINS = {"i": ("\u0130", "\u0131"), "s": ("\u017f",), "k": ("\u212a",)}


def _with_case_twins(text: str) -> list[str]:
    """The text with every `i`, `s`, `k` written as each of its twins beyond ASCII, one twin at a time."""
    return [text.replace(letter, twin).replace(letter.upper(), twin)
            for letter, twins in CASE_TWINS.items() for twin in twins if letter in text.lower()]


@pytest.mark.parametrize(("source", "text"), [
    (r"\bprofil(e|ing)\b", "we used prof\u0130ling"),
    (r"\bprofil(e|ing)\b", "we used prof\u0131ling"),
    (r"\bunit\s+tests?\b", "unit te\u017fts"),
    (r"\bdocker\b", "DOC\u212aER"),
    (r"\bcloud\s+training\b", "CLOUD TRA\u0130N\u0130NG"),
    (r"\bkubernetes\b", "\u212aUBERNETE\u017f"),
])
def test_a_statement_term_is_not_ruled_out_where_its_regex_matches_beyond_ascii(source, text):
    from auditor.report.anchors import folded, may_match

    assert re.search(source, text, re.IGNORECASE)
    assert may_match(source, folded(text), re.IGNORECASE)
    assert not may_match(source, folded("nothing of the kind here"), re.IGNORECASE)


def test_every_statement_term_answers_as_its_regex_with_case_twins_beyond_ascii():
    """The quick words, the words a term needs and may_match: none says no where the term's regex says yes."""
    from auditor.report.anchors import folded, holds_words, may_match
    from auditor.report.statement_terms import all_terms
    from auditor.report.statements import _anchors, _candidate

    plain = ["We used DVC, docker and a kubernetes cluster; unit tests ran in GitHub Actions.",
             "Profiling with cProfile, sweeps in W&B, pre-commit hooks, cloud training on Vertex AI.",
             "Our API is served by FastAPI, monitored with Prometheus; data drift with Evidently, ONNX and BentoML."]
    samples = [variant for text in plain for variant in (text, *_with_case_twins(text))]
    checked = 0
    for terms in all_terms().values():
        for term in (*terms.specific, *terms.in_context, *terms.broad):
            candidate = _candidate(term, False)
            for sample in samples:
                lowered = folded(sample)
                if all(part.search(sample) for part in candidate.parts):
                    checked += 1
                    assert holds_words(candidate.needs, lowered), (term, sample)
                    first = candidate.parts[0]
                    assert may_match(first.pattern, lowered, first.flags), (first.pattern, sample)
                    words = _anchors(first)
                    assert words is None or any(w in lowered for w in words), (first.pattern, sample)
    assert checked > 20


@pytest.mark.parametrize("text", [
    "We used profiling with cProfile to find the slow data loader.",
    "We used DVC with a GCS bucket as remote storage.",
    "Our unit tests run in GitHub Actions on every push.",
])
def test_a_statement_written_with_case_twins_beyond_ascii_is_read_as_written_plainly(text):
    from auditor.report.answers import parse_answers
    from auditor.report.statements import statements

    def claimed(answer: str) -> dict[str, bool]:
        found = statements(parse_answers(f"### Question 1\n> **A question**\n>\n> Answer:\n\n{answer}\n"))
        return {item: [s.used for s in said] for item, said in found.items()}

    expected = claimed(text)
    assert expected
    for variant in _with_case_twins(text):
        assert claimed(variant) == expected, variant


PURE_READER_CHECK = """
import json, re, sys
import auditor.facts.structured as structured
import yaml, yaml.reader
lazy = yaml.reader.Reader.NON_PRINTABLE
texts = ["plain", "tab\\tand\\nnewline", "bell\\x07", "nel\\x85", "\\ud7ff\\ue000", "\\ufffe", "\\U0001f600", "\\x7f"]
answers = [[m.start() if (m := lazy.search(t)) else None for t in texts],
           [m.start() if (m := re.compile(structured.PURE_READER_PRINTABLE).search(t)) else None for t in texts]]
try:
    yaml.load("key: \\x07", Loader=yaml.SafeLoader)
    refusal = None
except yaml.YAMLError as exc:
    refusal = type(exc).__name__
print(json.dumps({"lazy": type(lazy).__name__, "restored": re.compile.__module__, "answers": answers,
                  "refusal": refusal, "same_source": lazy.pattern == structured.PURE_READER_PRINTABLE}))
"""


def test_pyyaml_s_pure_reader_class_is_compiled_on_first_use_and_answers_as_compiled_at_import():
    """The tests' own process imported yaml before the auditor: a fresh interpreter shows the auditor's import."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", PURE_READER_CHECK], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONPATH=str(root)), cwd=root)
    seen = json.loads(done.stdout)
    assert seen["lazy"] == "LazyPattern" and seen["same_source"] and seen["restored"] == "re"
    assert seen["answers"][0] == seen["answers"][1] and seen["answers"][0][0] is None
    assert seen["refusal"] == "ReaderError"   # the pure-Python loader still refuses control characters


PARSER_PATTERNS_CHECK = """
import json, re
import auditor.facts.structured as structured
from auditor import regex_programs
import yaml.resolver
tomllib = structured.import_parser("tomllib")
import tomllib._re as toml_re
seen = [p for p in (*vars(toml_re).values(), *(r for rs in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
                                             for _, r in rs)) if isinstance(p, re.Pattern)]
same = all(p == re.compile(p.pattern, p.flags & ~re.UNICODE) or p == re.compile(p.pattern, p.flags) for p in seen)
known = {key.split(":", 1)[1] for key in (*regex_programs.KEPT.learned, *regex_programs.KEPT.used)}
print(json.dumps({"patterns": len(seen), "same": same, "kept": all(p.pattern in known for p in seen),
                  "restored": re.compile is regex_programs.RE_COMPILE,
                  "toml": tomllib.loads("a = 1979-05-27T07:32:00Z")["a"].year,
                  "yaml": yaml.safe_load("when: 2001-12-14\\nratio: 1.5e+3\\nflag: yes")}, default=str))
"""


def test_parser_libraries_compile_their_patterns_from_kept_programs_and_read_as_before():
    """A fresh interpreter, so the auditor's import of PyYAML and tomllib is the one seen."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", PARSER_PATTERNS_CHECK], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONPATH=str(root)), cwd=root)
    seen = json.loads(done.stdout)
    assert seen["patterns"] > 5 and seen["same"] and seen["kept"] and seen["restored"]
    assert seen["toml"] == 1979 and seen["yaml"] == {"when": "2001-12-14", "ratio": 1500.0, "flag": True}


def _module_level_compiles(path: Path) -> list[str]:
    """`NAME = re.compile("literal" ...)` at a module's top level: a pattern every run compiles anew."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        for call in (n for n in ast.walk(value) if isinstance(n, ast.Call)) if value is not None else ():
            target = call.func
            if (isinstance(target, ast.Attribute) and target.attr == "compile" and isinstance(target.value, ast.Name)
                    and target.value.id == "re" and call.args and isinstance(call.args[0], ast.Constant)):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_auditor_s_constant_patterns_are_lazy_and_kept_across_runs():
    root = Path(__file__).resolve().parent.parent
    modules = [*(root / "auditor").rglob("*.py"), *(root / "rules").glob("*.py")]
    compiled_at_import = [place for path in modules for place in _module_level_compiles(path)]
    assert compiled_at_import == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Cloud Run", "cloud run"),
    ("Straße 🚀 naïve", "straße 🚀 naïve"),                 # beyond ASCII, nothing an ASCII letter matches
    ("İNSTALL ıt", "install it"), ("ſtreamlit", "streamlit"), ("\u212aubernetes", "kubernetes"),
])
def test_folded_text_reads_what_an_ignorecase_ascii_letter_matches_as_that_letter(text, expected):
    from auditor.report.anchors import folded
    assert folded(text) == expected
