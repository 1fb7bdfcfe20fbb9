"""Shared reading of the test suite for the tests-data and tests-model rules."""

import re

from auditor.model import Finding


def probe_topic(tests, test_functions, topic: re.Pattern, label: str):
    """Findings for tests that exercise `topic` (matched on file, function name or imports)."""
    relevant = []
    for fn in test_functions:
        module = tests[fn.path]
        imports = " ".join(name for name, _ in module.imports)
        if topic.search(fn.path.rsplit("/", 1)[-1]) or topic.search(fn.name) or topic.search(imports):
            relevant.append(fn)
    good = [f for f in relevant if f.collected and f.assertions > 0]
    if good:
        files = sorted({f.path for f in good})
        for path in files[:3]:
            in_file = [f for f in good if f.path == path]
            yield Finding(path, in_file[0].line,
                          f"{len(in_file)} {label} test(s) with assertions in {path}, e.g. `{in_file[0].name}`")
        return
    for fn in relevant[:3]:
        reason = f"pytest would not collect it: {fn.why_not}" if not fn.collected else "it asserts nothing"
        yield Finding(fn.path, fn.line, f"`{fn.name}` in {fn.path}:{fn.line} tests {label} code, but {reason}", "weak")
