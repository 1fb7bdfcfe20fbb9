"""Indented JSON text, byte for byte what `json.dumps(doc, indent=..., ensure_ascii=...)` writes.

With `indent` set CPython falls back to its pure-Python encoder, a generator per container;
this writer walks the document once, encodes every leaf with json's C functions and joins
one list of pieces at the end.
"""
from __future__ import annotations

from json import encoder as _json_encoder

_FLOAT_REPR = float.__repr__
_INT_REPR = int.__repr__
_INFINITY = float("inf")


class Written:
    """A value already written by dumps_indented (with the same indent, at the depth where it goes),
    put in place as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def dumps_indented(document, indent: int = 2, ensure_ascii: bool = True, depth: int = 0) -> str:
    """The document as `json.dumps(document, indent=indent, ensure_ascii=ensure_ascii)` writes it;
    at `depth`, as it is written nested that deep in another document (its first line unindented)."""
    encode_string = _json_encoder.encode_basestring_ascii if ensure_ascii else _json_encoder.encode_basestring
    pieces: list[str] = []
    _write(document, pieces, encode_string, " " * indent, "\n" + " " * (indent * depth))
    return "".join(pieces)


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return _FLOAT_REPR(value)


def _leaf_text(value, encode_string) -> str | None:
    """A scalar's JSON text, or None when the value is a container (or not JSON at all)."""
    if isinstance(value, str):
        return encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return _INT_REPR(value)
    if isinstance(value, float):
        return _float_text(value)
    return None


def _key_text(key, encode_string) -> str:
    """A dict key as json writes it: strings encoded, numbers, booleans and None as their text."""
    if isinstance(key, str):
        return encode_string(key)
    if isinstance(key, (int, float)) or key is None:
        return encode_string(_leaf_text(key, encode_string))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _write(value, pieces: list[str], encode_string, step: str, newline: str) -> None:
    leaf = _leaf_text(value, encode_string)
    if leaf is None:
        _write_container(value, pieces, encode_string, step, newline)
    else:
        pieces.append(leaf)


def _write_container(value, pieces: list[str], encode_string, step: str, newline: str) -> None:
    """A value that is not a leaf: a dict or a list (tuple), else not JSON."""
    if isinstance(value, dict):
        _write_dict(value, pieces, encode_string, step, newline)
    elif isinstance(value, (list, tuple)):
        _write_list(value, pieces, encode_string, step, newline)
    elif isinstance(value, Written):
        pieces.append(value.text)
    else:
        raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _write_list(values, pieces: list[str], encode_string, step: str, newline: str) -> None:
    if not values:
        pieces.append("[]")
        return
    inner = newline + step
    separator = "," + inner
    pieces.append("[" + inner)
    first = True
    for value in values:
        if not first:
            pieces.append(separator)
        first = False
        leaf = _leaf_text(value, encode_string)
        if leaf is None:
            _write_container(value, pieces, encode_string, step, inner)
        else:
            pieces.append(leaf)
    pieces.append(newline + "]")


def _write_dict(mapping: dict, pieces: list[str], encode_string, step: str, newline: str) -> None:
    if not mapping:
        pieces.append("{}")
        return
    inner = newline + step
    separator = "," + inner
    pieces.append("{" + inner)
    first = True
    for key, value in mapping.items():
        if not first:
            pieces.append(separator)
        first = False
        key_text = encode_string(key) if key.__class__ is str else _key_text(key, encode_string)
        leaf = _leaf_text(value, encode_string)
        if leaf is None:
            pieces.append(key_text + ": ")
            _write_container(value, pieces, encode_string, step, inner)
        else:
            pieces.append(key_text + ": " + leaf)
    pieces.append(newline + "}")
