"""`@record`: the part of `@dataclass` the auditor uses, built with one `exec` per class.

`dataclasses.dataclass` compiles every generated method (`__init__`, `__repr__`, `__eq__`,
`__hash__`, frozen `__setattr__` and `__delattr__`) in an `exec` of its own and builds a docstring
through `inspect.signature`: ~0.55 ms a class, ~38 ms of every start over the auditor's ~70 classes
on Python 3.11. `record` writes only `__init__` (compiled once and kept across runs,
auditor.kept_code), since it is called thousands of times an audit and a generic one would cost
~1 us more per call; `__repr__`, `__eq__` and `__hash__` are called a few hundred times at most, so
they are shared functions driven by the class's field names through `operator.attrgetter`. What the
code relies on is kept: the same equality and hash values (a tuple of the compared fields), the same
repr, defaults and `field(default_factory=...)`, `field(repr=, compare=, hash=)`, frozen instances
whose assignment raises `FrozenInstanceError` (an `AttributeError`, as dataclasses' is), and this
module's `fields()` and `replace()` in place of dataclasses'. The module does not import
`dataclasses` (~10 ms with the `inspect` it imports), so records are not dataclasses: use
`record.fields`/`record.replace`, not `dataclasses.fields`/`dataclasses.replace`. Refused with an
error rather than half supported: inheriting from a record, `ClassVar`/`InitVar` annotations,
`field(init=False)` and `kw_only`; and `__repr__` has no guard for a record that contains itself.
"""

from __future__ import annotations

from operator import attrgetter

from auditor.kept_code import function_from_source

__all__ = ["record", "field", "fields", "replace", "FrozenInstanceError", "Field", "MISSING"]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()  # "no default given", distinct from a default of None


class FrozenInstanceError(AttributeError):
    """Raised on assigning to or deleting an attribute of a frozen record."""


class Field:
    """One declared field: what `field()` returns, and what `fields()` lists."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "hash", "compare", "kw_only")

    def __init__(self, default, default_factory, init, repr, hash, compare, kw_only):
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = None
        self.type = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.kw_only = kw_only

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None, compare=True,
          kw_only=MISSING) -> Field:
    """Declare a field's default or factory and whether repr, eq and hash use it, as `dataclasses.field`."""
    return Field(default, default_factory, init, repr, hash, compare, kw_only)


def fields(record_or_class) -> tuple[Field, ...]:
    """The fields of a record (class or instance), in declaration order."""
    try:
        return tuple(record_or_class.__record_fields__.values())
    except AttributeError:
        raise TypeError("must be called with a record type or instance") from None


def replace(obj, /, **changes):
    """A new record like `obj` with `changes` applied, as `dataclasses.replace`."""
    for spec in fields(obj):
        if spec.name not in changes:
            changes[spec.name] = getattr(obj, spec.name)
    return obj.__class__(**changes)

_FACTORY = object()  # the __init__ default meaning "call this field's default_factory"


def record(cls=None, /, *, frozen: bool = False):
    """Decorate a class like `@dataclass` or `@dataclass(frozen=True)`."""
    if cls is None:
        return lambda cls: _build(cls, frozen)
    return _build(cls, frozen)


def _build(cls, frozen: bool):
    _refuse_record_bases(cls)
    fields = _collect_fields(cls)
    cls.__record_fields__ = {f.name: f for f in fields}
    cls.__match_args__ = tuple(f.name for f in fields)
    _set_if_absent(cls, "__init__", _make_init(cls, fields, frozen))
    _set_if_absent(cls, "__repr__", _make_repr(tuple(f.name for f in fields if f.repr)))
    compared = tuple(f.name for f in fields if f.compare)
    _set_if_absent(cls, "__eq__", _make_eq(_tuple_getter(compared)))
    _set_hash(cls, fields, frozen)
    if frozen:
        _set_frozen_guards(cls)
    return cls


def _refuse_record_bases(cls) -> None:
    for base in cls.__mro__[1:]:
        if "__record_fields__" in base.__dict__:
            raise TypeError(f"{cls.__qualname__}: record does not support inheriting from {base.__qualname__}")


def _collect_fields(cls) -> list[Field]:
    fields = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        fields.append(_make_field(cls, name, annotation))
    _check_default_order(cls, fields)
    return fields


def _make_field(cls, name: str, annotation) -> Field:
    if "ClassVar" in str(annotation) or "InitVar" in str(annotation):
        raise TypeError(f"{cls.__qualname__}.{name}: record does not support ClassVar or InitVar")
    default = cls.__dict__.get(name, MISSING)
    spec = default if isinstance(default, Field) else field(default=default)
    if not spec.init or spec.kw_only is True:
        raise TypeError(f"{cls.__qualname__}.{name}: record does not support init=False or kw_only")
    if spec.default is not MISSING and type(spec.default).__hash__ is None:
        raise ValueError(f"{cls.__qualname__}.{name}: mutable default {type(spec.default).__name__}, use default_factory")
    spec.name = name
    spec.type = annotation
    _set_class_default(cls, name, spec)
    return spec


def _set_class_default(cls, name: str, spec: Field) -> None:
    """Like dataclasses: the class attribute is the plain default, or absent."""
    if spec.default is not MISSING:
        setattr(cls, name, spec.default)
    elif name in cls.__dict__:
        delattr(cls, name)


def _check_default_order(cls, fields: list[Field]) -> None:
    seen_default = False
    for spec in fields:
        has_default = spec.default is not MISSING or spec.default_factory is not MISSING
        if seen_default and not has_default:
            raise TypeError(f"{cls.__qualname__}: non-default field {spec.name!r} follows a default one")
        seen_default = seen_default or has_default


def _make_init(cls, fields: list[Field], frozen: bool):
    if any(spec.name == "self" for spec in fields):
        raise TypeError(f"{cls.__qualname__}: record does not support a field named 'self'")
    namespace = {"_FACTORY": _FACTORY}
    values = {spec.name: _init_value(spec, namespace) for spec in fields}
    source = f"def __init__(self, {', '.join(values)}):\n {_init_body(values, frozen)}"
    init = function_from_source(source, "__init__", namespace)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__defaults__ = _init_defaults(fields) or None
    return init


def _init_value(spec: Field, namespace: dict) -> str:
    if spec.default_factory is MISSING:
        return spec.name
    namespace[f"_factory_{spec.name}"] = spec.default_factory
    return f"_factory_{spec.name}() if {spec.name} is _FACTORY else {spec.name}"


def _init_body(values: dict[str, str], frozen: bool) -> str:
    """A frozen record fills its `__dict__` in one update: quicker to compile and to run than a
    `object.__setattr__` per field, and it never goes through the refusing `__setattr__`."""
    if not values:
        return "pass"
    if frozen:
        return "self.__dict__.update({" + ", ".join(f"{name!r}: {value}" for name, value in values.items()) + "})"
    return "\n ".join(f"self.{name} = {value}" for name, value in values.items())


def _init_defaults(fields: list[Field]) -> tuple:
    defaults = []
    for spec in fields:
        if spec.default is not MISSING:
            defaults.append(spec.default)
        elif spec.default_factory is not MISSING:
            defaults.append(_FACTORY)
    return tuple(defaults)


def _tuple_getter(names: tuple[str, ...]):
    """attrgetter that returns a tuple for any number of names (it returns a bare value for one)."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


def _make_repr(names: tuple[str, ...]):
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _make_eq(key):
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _set_hash(cls, fields: list[Field], frozen: bool) -> None:
    """dataclass's rule for eq=True: hash the hashed fields when frozen, else unhashable."""
    if "__hash__" in cls.__dict__ and cls.__dict__["__hash__"] is not None:
        return  # written by hand: kept, as dataclasses keeps it
    if not frozen:
        cls.__hash__ = None
        return
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
    key = _tuple_getter(hashed)
    cls.__hash__ = lambda self: hash(key(self))


def _set_frozen_guards(cls) -> None:
    for name in ("__setattr__", "__delattr__"):
        if name in cls.__dict__:
            raise TypeError(f"{cls.__qualname__}: a frozen record cannot define {name}")
    cls.__setattr__ = _frozen_setattr
    cls.__delattr__ = _frozen_delattr


def _frozen_setattr(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _set_if_absent(cls, name: str, value) -> None:
    if name not in cls.__dict__:
        setattr(cls, name, value)
