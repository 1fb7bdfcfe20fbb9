"""The test functions pytest would collect, read statically from the test modules."""

from __future__ import annotations

from auditor.facts.python_code import PythonModule
from auditor.lazy_pattern import LazyPattern
from auditor.record import record

PYTEST_FILE = LazyPattern(r"(^|/)(test_[^/]*|[^/]*_test)\.py$")
COMMENT = LazyPattern(r"#[^\n]*")


@record(frozen=True)
class TestFunction:
    path: str
    name: str
    line: int
    collected: bool
    why_not: str | None
    assertions: int
    parametrized_cases: int


def test_functions(module: PythonModule) -> list[TestFunction]:
    testcase_classes = {c.name for c in module.classes if any(b.endswith("TestCase") for b in c.bases)}
    file_collected = bool(PYTEST_FILE.search(module.path))
    found = []
    for fn in module.functions:
        if not fn.name.startswith("test"):
            continue
        why_not = None
        if not file_collected:
            why_not = "its file is not named test_*.py or *_test.py"
        elif any(d.endswith("fixture") for d in fn.decorators):
            why_not = "it is a pytest fixture"
        elif fn.enclosing_function:
            why_not = "it is nested inside another function"
        elif fn.class_name and not (fn.class_name.startswith("Test") or fn.class_name in testcase_classes):
            why_not = f"its class {fn.class_name} is not named Test*"
        asserts = sum(1 for line in module.assert_lines if fn.line <= line <= (fn.end_line or fn.line))
        found.append(TestFunction(module.path, fn.name, fn.line, why_not is None, why_not, asserts,
                                  _cases(module, fn.line, _decorated_from(module, fn))))
    return found


def _decorated_from(module: PythonModule, fn) -> int:
    """The first line the function's decorators can start on: after whatever code precedes it."""
    if not fn.decorators:
        return fn.line
    before = [f.end_line for f in module.functions if f.end_line and f.end_line < fn.line]
    return max(before, default=0) + 1


def _cases(module: PythonModule, line: int, first: int | None = None) -> int:
    """Cases of the @pytest.mark.parametrize decorators above the function (stacked ones
    multiply; 1 when not parametrized or when the values are not a literal list)."""
    first = line - 6 if first is None else min(first, line - 1)
    cases = 1
    for call in module.calls:
        if call.name.endswith("mark.parametrize") and first <= call.line < line and len(call.args) >= 2:
            values = call.args[1]
            if values.startswith(("[", "(")):
                cases *= max(1, _top_level_items(values[1:-1]))
    return cases


def _top_level_items(text: str) -> int:
    text = COMMENT.sub("", text)  # comments after the last comma are not a case
    depth, count, has_content = 0, 0, False
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            count += 1 if has_content else 0
            has_content = False
            continue
        if not ch.isspace():
            has_content = True
    return count + (1 if has_content else 0)
