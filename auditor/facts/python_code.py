"""What the Python source says, read with tree-sitter (never imported, never run)."""

from __future__ import annotations

from functools import lru_cache

from tree_sitter import Node, Parser, Query, QueryCursor

from auditor.facts.grammars import grammar
from auditor.record import field, record

# The nodes a module's facts come from, found by tree-sitter itself, one capture name per kind of
# fact, so that Python touches only these nodes, not every token, and asks no node for its kind or
# its parent (tree-sitter finds a parent from the root down). A string that is a statement of its
# own (a docstring) is captured a second time, as `statement_string`, to be left out.
COLLECTED_KINDS = """
(call) @call
(string) @string
(expression_statement (string) @statement_string)
(assignment) @assignment
[(import_statement) (import_from_statement)] @import
(decorator) @decorator
[(class_definition) (function_definition)] @definition
(assert_statement) @assert
"""


@lru_cache(maxsize=1)
def python_parsing() -> tuple[Parser, QueryCursor]:
    """The Python parser and the query of the collected nodes, made when a file is first parsed
    (~3 ms): the one-audit command parses in its side-work child (auditor.side_work); a class
    run makes them once, before its workers are forked."""
    language = grammar("tree_sitter_python")
    return Parser(language), QueryCursor(Query(language, COLLECTED_KINDS))


@record(frozen=True)
class Call:
    name: str          # dotted callee as written, e.g. "wandb.init", "self.log", "Trainer"
    line: int
    keywords: dict[str, str]  # keyword argument -> source text of its value
    args: tuple[str, ...] = ()


@record(frozen=True)
class Function:
    name: str
    line: int
    typed: bool        # return annotation or an annotated parameter
    documented: bool   # a docstring
    trivial: bool      # body is only pass / ... / docstring / raise NotImplementedError
    decorators: tuple[str, ...]
    is_method: bool
    enclosing_function: bool  # nested inside another function
    end_line: int = 0
    class_name: str | None = None


@record(frozen=True)
class ClassDef:
    name: str
    line: int
    bases: tuple[str, ...]


@record
class PythonModule:
    """The facts of one Python file."""

    path: str
    imports: list[tuple[str, int]] = field(default_factory=list)   # ("torch.nn", line)
    calls: list[Call] = field(default_factory=list)
    decorators: list[tuple[str, int]] = field(default_factory=list)
    classes: list[ClassDef] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    assigns: list[tuple[str, str, int]] = field(default_factory=list)   # (target, value text, line)
    strings: list[tuple[str, int]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)          # local name -> dotted origin
    assert_lines: list[int] = field(default_factory=list)   # assert statements and assert-like calls
    has_syntax_errors: bool = False
    lines: int = 0
    _resolved: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # resolve()'s answers

    def imported_modules(self) -> set[str]:
        return {name for name, _ in self.imports}

    def resolve(self, dotted: str) -> str:
        """`pl.Trainer` -> `pytorch_lightning.Trainer` through this module's import aliases
        (asked for each call by many rules: answered once per name)."""
        resolved = self._resolved.get(dotted)
        if resolved is None:
            head, _, rest = dotted.partition(".")
            origin = self.aliases.get(head)
            resolved = dotted if origin is None else f"{origin}.{rest}" if rest else origin
            self._resolved[dotted] = resolved
        return resolved

    def imports_any(self, *prefixes: str) -> tuple[str, int] | None:
        """The first import of one of the modules or of something inside one (`torch` finds `torch.nn`)."""
        inside = tuple(f"{prefix}." for prefix in prefixes)
        for name, line in self.imports:
            if name in prefixes or name.startswith(inside):
                return name, line
        return None


def parse_python(path: str, text: str) -> PythonModule:
    source = text.encode("utf-8", "replace")
    tree = python_parsing()[0].parse(source)
    module = PythonModule(path=path, has_syntax_errors=tree.root_node.has_error, lines=text.count("\n") + 1)
    _Collector(module).visit(tree.root_node)
    return module


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _captured_in_order(captured: dict[str, list[Node]]) -> dict[str, list[Node]]:
    """Each capture's nodes in document order, as a depth-first walk meets them (a node before the
    nodes inside it): tree-sitter hands captures on in the order its patterns finish."""
    return {name: sorted(nodes, key=_walk_order) for name, nodes in captured.items()}


def _walk_order(node: Node) -> tuple[int, int]:
    return node.start_byte, -node.end_byte


class _Collector:
    def __init__(self, module: PythonModule):
        self.m = module

    def visit(self, root: Node) -> None:
        found = _captured_in_order(python_parsing()[1].captures(root))
        for node in found.get("import", ()):
            if node.type == "import_statement":
                self._import(node)
            else:
                self._import_from(node)
        for node in found.get("call", ()):
            self._call(node)
        docstrings = {node.start_byte for node in found.get("statement_string", ())}
        for node in found.get("string", ()):
            if node.start_byte not in docstrings:
                self._string(node)
        for node in found.get("assignment", ()):
            self._assignment(node)
        for node in found.get("decorator", ()):
            self.m.decorators.append((_decorator_name(node), _line(node)))
        self.m.assert_lines += map(_line, found.get("assert", ()))
        self.m.assert_lines.sort()   # assert statements and assert-like calls, in the order they are written
        self._definitions(found.get("definition", ()))

    def _definitions(self, nodes: list[Node]) -> None:
        # The definitions enclosing the current one, each with what it gives those inside it (the
        # class they are methods of, whether a function encloses them): definitions come in document
        # order, so one is left once a definition starts at or after its end.
        enclosing: list[tuple[int, str | None, bool]] = []
        for node in nodes:
            while enclosing and node.start_byte >= enclosing[-1][0]:
                enclosing.pop()
            in_class, in_function = (enclosing[-1][1], enclosing[-1][2]) if enclosing else (None, False)
            if node.type == "class_definition":
                self._class(node)
                enclosing.append((node.end_byte, _text(node.child_by_field_name("name")), False))
            else:
                self._function(node, in_class, in_function)
                enclosing.append((node.end_byte, None, True))

    def _string(self, node: Node) -> None:
        content = _text(node)
        if len(content) < 400:
            self.m.strings.append((content.strip("'\"bfrBFRuU"), _line(node)))

    def _assignment(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is not None and right is not None:
            self.m.assigns.append((_text(left), _text(right)[:200], _line(node)))

    def _import(self, node: Node) -> None:
        for child in node.named_children:
            target = child.child_by_field_name("name") if child.type == "aliased_import" else child
            if target is not None and target.type == "dotted_name":
                name = _text(target)
                self.m.imports.append((name, _line(node)))
                if child.type == "aliased_import":
                    self.m.aliases[_text(child.child_by_field_name("alias"))] = name
                else:
                    self.m.aliases.setdefault(name.split(".")[0], name.split(".")[0])

    def _import_from(self, node: Node) -> None:
        module = node.child_by_field_name("module_name")
        base = _text(module)
        if base.startswith("."):
            return
        names = [c for c in node.children_by_field_name("name")]
        self.m.imports.append((base, _line(node)))
        for name in names:
            target = name.child_by_field_name("name") if name.type == "aliased_import" else name
            full = f"{base}.{_text(target)}"
            self.m.imports.append((full, _line(node)))
            local = name.child_by_field_name("alias") if name.type == "aliased_import" else target
            self.m.aliases[_text(local)] = full

    def _call(self, node: Node) -> None:
        func = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        keywords: dict[str, str] = {}
        args: list[str] = []
        if arguments is not None:
            for arg in arguments.named_children:
                if arg.type == "keyword_argument":
                    key = arg.child_by_field_name("name")
                    value = arg.child_by_field_name("value")
                    keywords[_text(key)] = _text(value)[:200]
                elif arg.type != "comment":
                    args.append(_text(arg)[:200])
        name = _dotted_name(func)
        self.m.calls.append(Call(name, _line(node), keywords, tuple(args)))
        tail = name.rsplit(".", 1)[-1]
        if tail.startswith("assert") or tail in ("raises", "approx", "allclose", "assert_close", "fail"):
            self.m.assert_lines.append(_line(node))

    def _class(self, node: Node) -> None:
        bases = node.child_by_field_name("superclasses")
        names = tuple(_text(b) for b in bases.named_children if b.type != "keyword_argument") if bases else ()
        self.m.classes.append(ClassDef(_text(node.child_by_field_name("name")), _line(node), names))

    def _function(self, node: Node, in_class: str | None, in_function: bool) -> None:
        params = node.child_by_field_name("parameters")
        typed = node.child_by_field_name("return_type") is not None or any(
            p.type in ("typed_parameter", "typed_default_parameter") for p in (params.named_children if params else [])
        )
        body = node.child_by_field_name("body")
        statements = [c for c in (body.named_children if body else []) if c.type != "comment"]
        documented = bool(statements) and _is_docstring(statements[0])
        decorators = ()
        if node.parent is not None and node.parent.type == "decorated_definition":
            decorators = tuple(_decorator_name(d) for d in node.parent.children if d.type == "decorator")
        self.m.functions.append(Function(
            name=_text(node.child_by_field_name("name")),
            line=_line(node),
            typed=typed,
            documented=documented,
            trivial=all(_is_trivial(s) for s in statements),
            decorators=decorators,
            is_method=in_class is not None,
            enclosing_function=in_function,
            end_line=node.end_point[0] + 1,
            class_name=in_class,
        ))


def _decorator_name(node: Node) -> str:
    expr = node.named_children[0] if node.named_children else None
    if expr is not None and expr.type == "call":
        expr = expr.child_by_field_name("function")
    return _dotted_name(expr)


def _dotted_name(node: Node | None) -> str:
    """A called or decorating expression as one name: `torch .compile` split over lines, with tabs
    or a backslash continuation, reads `torch.compile`."""
    return "".join(_text(node).split()).replace("\\", "")


def _is_docstring(stmt: Node) -> bool:
    return stmt.type == "expression_statement" and bool(stmt.named_children) and stmt.named_children[0].type == "string"


def _is_trivial(stmt: Node) -> bool:
    if stmt.type == "pass_statement" or _is_docstring(stmt):
        return True
    if stmt.type == "expression_statement" and stmt.named_children and stmt.named_children[0].type == "ellipsis":
        return True
    if stmt.type == "raise_statement" and "NotImplementedError" in _text(stmt):
        return True
    return stmt.type == "return_statement" and len(stmt.named_children) == 0


# --- setup.py's declared requirements --------------------------------------------------------
SETUP_GROUPS = {"install_requires": "main", "extras_require": "extra", "tests_require": "dev"}
MAX_VALUE_DEPTH = 8  # `a + b + ...` and names bound to names: followed this far, no further


@record(frozen=True)
class SetupRequirement:
    """One requirement string a `setup(...)` call declares, with its line and its group:
    `main` (install_requires), `extra` (an extras_require group, named in `extra`), `dev` (tests_require)."""

    requirement: str
    line: int
    group: str
    extra: str | None = None


MAX_SETUP_VALUE = 20_000  # characters of one setup() keyword value handed on (a hostile one is cut)


@record(frozen=True)
class SetupPy:
    """What the `setup(...)` / `setuptools.setup(...)` calls of a setup.py declare, from one parse
    of its syntax tree (never run)."""

    requirements: tuple[SetupRequirement, ...]
    # (keyword, line of its setup() call, source text of its value): whole, where a call's
    # recorded keywords keep only their first 200 characters, cut at MAX_SETUP_VALUE
    keywords: tuple[tuple[str, int, str], ...]

    def keyword_values(self, keyword: str) -> list[tuple[int, str]]:
        return [(line, source) for name, line, source in self.keywords if name == keyword]


def read_setup_py(text: str) -> SetupPy:
    """Requirements are read as literal lists and dicts, also through a module-level name bound to
    one (`install_requires=REQUIRED`); a list built at run time (read from a file) is not followed."""
    root = python_parsing()[0].parse(text.encode("utf-8", "replace")).root_node
    bindings = _module_bindings(root)
    requirements: list[SetupRequirement] = []
    keywords: list[tuple[str, int, str]] = []
    for call in _setup_calls(root):
        arguments = call.child_by_field_name("arguments")
        for arg in arguments.named_children if arguments is not None else []:
            if arg.type != "keyword_argument":
                continue
            name, value = _text(arg.child_by_field_name("name")), arg.child_by_field_name("value")
            keywords.append((name, _line(call), _text(value)[:MAX_SETUP_VALUE]))
            if name in SETUP_GROUPS:
                requirements += _requirements_in(value, SETUP_GROUPS[name], bindings)
    return SetupPy(tuple(requirements), tuple(keywords))


def _setup_calls(root: Node) -> list[Node]:
    calls, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.type == "call" and _text(node.child_by_field_name("function")).rsplit(".", 1)[-1] == "setup":
            calls.append(node)
        stack.extend(reversed(node.named_children))
    return calls


def _module_bindings(root: Node) -> dict[str, Node]:
    """`NAME = value` at the module's top level (the last binding of a name wins)."""
    bound = {}
    for statement in root.named_children:
        assignment = statement.named_children[0] if statement.type == "expression_statement" and statement.named_children else None
        if assignment is not None and assignment.type == "assignment":
            left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
            if left is not None and left.type == "identifier" and right is not None:
                bound[_text(left)] = right
    return bound


def _requirements_in(value: Node | None, group: str, bindings: dict[str, Node], extra: str | None = None,
                     depth: int = 0) -> list[SetupRequirement]:
    if value is None or depth > MAX_VALUE_DEPTH:
        return []
    if value.type == "identifier" and _text(value) in bindings:
        return _requirements_in(bindings[_text(value)], group, bindings, extra, depth + 1)
    if value.type in ("list", "tuple", "set"):
        return [SetupRequirement(_string_value(item), _line(item), group, extra)
                for item in value.named_children if item.type == "string" and _string_value(item)]
    if value.type == "binary_operator":
        return [*_requirements_in(value.child_by_field_name("left"), group, bindings, extra, depth + 1),
                *_requirements_in(value.child_by_field_name("right"), group, bindings, extra, depth + 1)]
    if value.type == "dictionary" and group == "extra":
        found = []
        for pair in value.named_children:
            if pair.type == "pair" and pair.child_by_field_name("key").type == "string":
                name = _string_value(pair.child_by_field_name("key"))
                found += _requirements_in(pair.child_by_field_name("value"), group, bindings, name, depth + 1)
        return found
    return []


def _string_value(node: Node) -> str:
    """The content of a plain string literal (no f-string interpolation, no concatenation)."""
    parts = [c for c in node.named_children if c.type == "string_content"]
    if any(c.type == "interpolation" for c in node.named_children):
        return ""
    return "".join(_text(p) for p in parts).strip()
