"""The repository's Python files as read and parsed, and the same as plain values (lists, tuples,
dicts, strings, numbers), the form in which another process can send them (auditor.side_work)."""

from __future__ import annotations

from typing import Any

from auditor.facts.files import FileText
from auditor.facts.python_code import Call, ClassDef, Function, PythonModule
from auditor.record import fields, record


@record(frozen=True)
class PythonRead:
    """Every Python file read for the `python` fact (a text, or why it could not be read), and the
    readable ones parsed, both in listing order."""

    texts: dict[str, FileText]
    modules: dict[str, PythonModule]


@record(frozen=True)
class PythonFile:
    """One Python file read (a text, or why it could not be read), and parsed when it could be."""

    text: FileText
    module: PythonModule | None


def python_read_of(paths: list[str], files: list[PythonFile]) -> PythonRead:
    """The read of these files, in this order."""
    return PythonRead({rel: file.text for rel, file in zip(paths, files)},
                      {rel: file.module for rel, file in zip(paths, files) if file.module is not None})


def python_file_to_plain(file: PythonFile) -> tuple:
    module = _module_to_plain(file.module) if file.module is not None else None
    return file.text.text, file.text.error, module


def python_file_from_plain(plain: Any) -> PythonFile:
    text, error, module = plain
    return PythonFile(FileText(text, error), _module_from_plain(module) if module is not None else None)


def _compared(cls) -> tuple[str, ...]:
    """The fields that make a record what it is, in declaration order (a cache like
    PythonModule's resolved names is not one of them, and starts empty)."""
    return tuple(spec.name for spec in fields(cls) if spec.compare)


# Each record travels as the tuple of these fields' values; a field added to a record travels too.
_MODULE, _CALL, _CLASS, _FUNCTION = (_compared(cls) for cls in (PythonModule, Call, ClassDef, Function))
_NESTED = {"calls": (_CALL, Call), "classes": (_CLASS, ClassDef), "functions": (_FUNCTION, Function)}


def _module_to_plain(module: PythonModule) -> tuple:
    return tuple([_values(item, _NESTED[name][0]) for item in value] if name in _NESTED else value
                 for name, value in zip(_MODULE, _values(module, _MODULE)))


def _module_from_plain(plain: tuple) -> PythonModule:
    return PythonModule(*([_NESTED[name][1](*item) for item in value] if name in _NESTED else value
                          for name, value in zip(_MODULE, plain)))


def _values(item, names: tuple[str, ...]) -> tuple:
    return tuple(getattr(item, name) for name in names)
