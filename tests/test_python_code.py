"""The Python facts: which class a definition is a method of, what encloses it, document order."""

import time

import pytest

from auditor.facts.python_code import parse_python

NESTED = '''
def top():
    def inner():
        pass
    class Local:
        def method(self):
            def helper():
                pass
    return inner

class Outer:
    def method(self):
        pass
    class Inner:
        def deep(self):
            pass
    def after(self):
        pass

def last():
    pass
'''


@pytest.mark.parametrize("name, class_name, enclosed", [
    ("top", None, False),
    ("inner", None, True),
    ("method", "Local", False),      # a method of a class defined inside a function
    ("helper", None, True),
    ("deep", "Inner", False),
    ("after", "Outer", False),       # back in Outer once Inner has ended
    ("last", None, False),           # nothing encloses it once Outer has ended
])
def test_a_definition_knows_its_class_and_whether_a_function_encloses_it(name, class_name, enclosed):
    functions = [f for f in parse_python("m.py", NESTED).functions if f.name == name]
    found = functions[-1] if name == "method" and class_name == "Outer" else functions[0]
    assert (found.class_name, found.enclosing_function) == (class_name, enclosed)


def test_facts_come_in_document_order_nested_calls_outer_first():
    module = parse_python("m.py", "import os as o\nassert approx(g(1))\nx = o.path.join('a', h())\n")
    assert [c.name for c in module.calls] == ["approx", "g", "o.path.join", "h"]
    assert module.assert_lines == [2, 2]   # the assert statement, then the assert-like call in it
    assert module.resolve("o.path.join") == "os.path.join"


def test_deep_nesting_stays_linear():
    """Hostile input: 500 nested definitions (tree-sitter finds a node's parent from the root, so
    reading each definition's context through its parents would take seconds)."""
    text = "".join(" " * depth + "def f():\n" for depth in range(500)) + " " * 500 + "pass\n"
    started = time.process_time()
    module = parse_python("deep.py", text)
    assert len(module.functions) == 500 and all(f.enclosing_function for f in module.functions[1:])
    assert time.process_time() - started < 1.0
