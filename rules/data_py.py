"""A data module (data.py, make_dataset.py, dataset.py, a Dataset class, ...) that does real work;
one that is still the template's placeholder is weak."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._code import does_work, is_template_stub, unreadable_python, working_calls

DATA_FILE = LazyPattern(
    r"(^|/)(data|datasets?|make_dataset|data_?module|data_?loaders?|load_data|prepare_data|process_data|"
    r"preprocess(ing)?|download(_data)?|data_?utils|build_features)\.py$",
    re.IGNORECASE,
)
DATA_LIKE_FILE = LazyPattern(r"(^|/)[^/]*(data|preprocess|download|ingest)[^/]*\.py$", re.IGNORECASE)
NOT_A_DATA_MODULE = LazyPattern(r"statistic|stats|drift|visuali[sz]|monitor|validat|check|__init__", re.IGNORECASE)
DATA_LOADING = LazyPattern(r"^(pandas\.read_\w+|datasets\.load_dataset|torchvision\.datasets\.\w+|torch\.utils\.data\.DataLoader"
                           r"|kaggle\.\w+|kagglehub\.\w+|urllib\.request\.urlretrieve|numpy\.load|torch\.load|gdown\.\w+)$")
DATA_FOLDER = LazyPattern(r"(^|/)(data|datasets)/[^/]+\.py$", re.IGNORECASE)
DATASET_BASE = LazyPattern(r"(^|\.)(Dataset|IterableDataset|LightningDataModule)$")
PLAIN_NAME = LazyPattern(r"^[A-Za-z_][\w.]*$")
WORK_THRESHOLD = 3  # working calls that separate a data module from a placeholder (the template stub has 2)


def _data_module_rank(path, module) -> int | None:
    """0 for the canonical names (data.py, make_dataset.py ...), 1 for other data-like modules, None otherwise."""
    if DATA_FILE.search(path) or (DATA_FOLDER.search(path) and not path.endswith("__init__.py")):
        return 0
    if DATA_LIKE_FILE.search(path) and not NOT_A_DATA_MODULE.search(path.rsplit("/", 1)[-1]):
        return 1
    if any(DATASET_BASE.search(module.resolve(base)) for cls in module.classes for base in cls.bases):
        return 1
    return None


def _work(module):
    """(working calls, the function doing most of them)."""
    per_function = [(f, working_calls(module, f)) for f in module.functions if not is_template_stub(f)]
    if not module.functions:  # a script without functions: its top-level calls are the work
        return [c for c in module.calls if does_work(c)], None
    calls = [call for _, found in per_function for call in found]
    busiest = max(per_function, key=lambda pair: len(pair[1]), default=(None, []))[0]
    return calls, busiest


def _label(fn) -> str:
    return f"{fn.class_name}.{fn.name}" if fn.class_name else fn.name


def _strong(path, calls, busiest) -> Finding:
    names = [c.name for c in calls if PLAIN_NAME.match(c.name) and len(c.name) < 40]
    examples = ", ".join(f"`{name}`" for name in list(dict.fromkeys(names))[:4])
    where = f", most in `{_label(busiest)}`" if busiest else ""
    line = busiest.line if busiest else calls[0].line
    return Finding(path, line, f"{path} does data work: {len(calls)} calls{where} (e.g. {examples})")


def _weak(path, module, calls) -> Finding:
    stubs = [f for f in module.functions if is_template_stub(f)]
    if stubs:
        return Finding(path, stubs[0].line, f"{path} is still the template stub: `{stubs[0].class_name}` "
                                            f"methods hold only a docstring ({len(calls)} working call(s) elsewhere)", "weak")
    return Finding(path, None, f"{path} is a data module with almost no code ({len(calls)} working call(s))", "weak")


def probe(repo, source):
    strong, weak = [], []
    for path, module in source.items():
        rank = _data_module_rank(path, module)
        if rank is None:
            continue
        calls, busiest = _work(module)
        if len(calls) >= WORK_THRESHOLD:
            strong.append((rank, -len(calls), _strong(path, calls, busiest)))
        else:
            weak.append(_weak(path, module, calls))
    strong.sort(key=lambda entry: entry[:2])
    yield from (finding for _, _, finding in strong[:3])
    if strong:
        return
    yield from weak[:2]
    yield from unreadable_python(repo, DATA_FILE)
    if not weak:
        yield from _data_loaded_elsewhere(source)


def _data_loaded_elsewhere(source):
    """No data module, but data is read somewhere: worth a look, not an accusation."""
    for path, module in source.items():
        call = next((c for c in module.calls if DATA_LOADING.match(module.resolve(c.name))), None)
        if call:
            yield Finding(path, call.line, f"data is loaded with `{call.name}(...)` in {path}:{call.line}, "
                                           "but there is no data module", "weak")
            return
