"""`@record` behaves like the `@dataclass` it replaces for everything the auditor relies on."""

from __future__ import annotations

import dataclasses
import pickle
import re
from pathlib import Path

import pytest

from auditor.model import Finding
from auditor.record import FrozenInstanceError, field, fields, record, replace

ROOT = Path(__file__).resolve().parent.parent


def _finding_class(decorate, field):
    @decorate
    class Finding:
        path: str | None
        line: int | None
        message: str
        strength: str = "strong"
        notes: list = field(default_factory=list, compare=False, repr=False)
        seen: frozenset = field(default=frozenset(), hash=False)

    return Finding


FrozenRecord = _finding_class(record(frozen=True), field)
FrozenDataclass = _finding_class(dataclasses.dataclass(frozen=True), dataclasses.field)
PlainRecord = _finding_class(record, field)
PlainDataclass = _finding_class(dataclasses.dataclass, dataclasses.field)

SAMPLES = [
    (("a.py", 3, "seen"), {}),
    ((None, None, "nothing"), {"strength": "weak"}),
    (("b.py", 1, "x"), {"notes": [1], "seen": frozenset({"k"})}),
]


@pytest.mark.parametrize("args, kwargs", SAMPLES)
@pytest.mark.parametrize("ours, theirs", [(FrozenRecord, FrozenDataclass), (PlainRecord, PlainDataclass)])
def test_same_fields_repr_and_equality_as_dataclass(ours, theirs, args, kwargs):
    mine, reference = ours(*args, **kwargs), theirs(*args, **kwargs)
    assert vars(mine) == vars(reference)
    assert repr(mine) == repr(reference)
    assert (mine == ours(*args, **kwargs)) == (reference == theirs(*args, **kwargs))


@pytest.mark.parametrize("args, kwargs", SAMPLES)
def test_frozen_hash_is_the_dataclass_hash(args, kwargs):
    assert hash(FrozenRecord(*args, **kwargs)) == hash(FrozenDataclass(*args, **kwargs))


def test_plain_records_are_mutable_and_unhashable():
    finding = PlainRecord("a.py", 3, "seen")
    finding.line = 4
    assert finding.line == 4
    with pytest.raises(TypeError):
        hash(finding)


@pytest.mark.parametrize("change", [
    lambda finding: setattr(finding, "line", 4),
    lambda finding: setattr(finding, "new", 1),
    lambda finding: delattr(finding, "line"),
])
def test_frozen_records_refuse_assignment(change):
    finding = FrozenRecord("a.py", 3, "seen")
    with pytest.raises(FrozenInstanceError):
        change(finding)
    assert finding.line == 3


def test_defaults_and_fresh_default_factories():
    first, second = FrozenRecord("a.py", 3, "seen"), FrozenRecord("a.py", 3, "seen")
    assert first.strength == "strong" and first.seen == frozenset()
    assert first.notes == [] and first.notes is not second.notes
    assert FrozenRecord.strength == "strong" and "notes" not in FrozenRecord.__dict__


def test_fields_left_out_of_compare_and_hash():
    base = FrozenRecord("a.py", 3, "seen")
    assert base == FrozenRecord("a.py", 3, "seen", notes=[1])
    assert hash(base) == hash(FrozenRecord("a.py", 3, "seen", seen=frozenset({"k"})))
    assert base != FrozenRecord("a.py", 3, "seen", seen=frozenset({"k"}))
    assert base != FrozenDataclass("a.py", 3, "seen")   # another class is never equal


def test_frozen_instance_error_is_an_attribute_error_as_in_dataclasses():
    assert issubclass(FrozenInstanceError, AttributeError)
    assert issubclass(dataclasses.FrozenInstanceError, AttributeError)


def test_replace_and_fields_work_as_dataclasses_ones():
    finding = FrozenRecord("a.py", 3, "seen", notes=[1])
    moved = replace(finding, line=9)
    assert (moved.line, moved.path, moved.notes) == (9, "a.py", [1])
    reference = dataclasses.replace(FrozenDataclass("a.py", 3, "seen", notes=[1]), line=9)
    assert vars(moved) == vars(reference)
    names = ["path", "line", "message", "strength", "notes", "seen"]
    assert [f.name for f in fields(FrozenRecord)] == [f.name for f in fields(finding)] == names
    assert [f.name for f in dataclasses.fields(FrozenDataclass)] == names
    flags = [(f.name, f.repr, f.hash, f.compare, f.default_factory is list) for f in fields(FrozenRecord)]
    assert flags == [(f.name, f.repr, f.hash, f.compare, f.default_factory is list)
                     for f in dataclasses.fields(FrozenDataclass)]


def test_replace_refuses_unknown_fields_and_fields_refuses_non_records():
    with pytest.raises(TypeError):
        replace(FrozenRecord("a.py", 3, "seen"), colour="red")
    with pytest.raises(TypeError):
        fields(object())


def test_pickles_like_a_dataclass():   # batch workers send records between processes
    finding = Finding("a.py", 3, "seen", "weak")
    assert pickle.loads(pickle.dumps(finding)) == finding


def test_missing_and_unexpected_arguments_raise_type_error():
    with pytest.raises(TypeError):
        FrozenRecord("a.py", 3)
    with pytest.raises(TypeError):
        FrozenRecord("a.py", 3, "seen", colour="red")


def _mutable_default():
    @record
    class Bad:
        items: list = []


def _default_before_required():
    @record
    class Bad:
        first: int = 0
        second: int


def _inherits_a_record():
    @record
    class Child(PlainRecord):
        extra: int = 0


def _init_false():
    @record
    class Bad:
        computed: int = field(default=0, init=False)


@pytest.mark.parametrize("declare, error", [
    (_mutable_default, ValueError),
    (_default_before_required, TypeError),
    (_inherits_a_record, TypeError),
    (_init_false, TypeError),
])
def test_unsupported_declarations_are_refused(declare, error):
    with pytest.raises(error):
        declare()


def test_the_package_uses_record_not_dataclass():
    """`@dataclass` costs ~0.5 ms per class at every start (see auditor/record.py)."""
    sources = [*ROOT.joinpath("auditor").rglob("*.py"), *ROOT.joinpath("rules").glob("*.py")]
    offenders = [str(path.relative_to(ROOT)) for path in sources
                 if re.search(r"^\s*@(dataclasses\.)?dataclass\b", path.read_text(), re.MULTILINE)]
    assert offenders == [], "use `from auditor.record import record` and `@record` instead"
