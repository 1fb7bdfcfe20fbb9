"""Python modules parsed when first asked for: the other branches' view holds many changed files
that most re-run rules never look at, so parsing them all up front would cost more than the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from auditor.facts.python_code import PythonModule, parse_python


class ModulesOnDemand(Mapping):
    """path -> PythonModule, in the order of `texts`; each module parsed once, on first access,
    and shared with every subset taken from it."""

    def __init__(self, texts: dict[str, str], parsed: dict[str, PythonModule] | None = None,
                 squeezed: dict[str, str] | None = None):
        self._texts = texts
        self._parsed = {} if parsed is None else parsed
        self._squeezed = {} if squeezed is None else squeezed

    def __getitem__(self, path: str) -> PythonModule:
        module = self._parsed.get(path)
        if module is None:
            module = self._parsed[path] = parse_python(path, self._texts[path])
        return module

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def subset(self, keep: Callable[[str], bool]) -> ModulesOnDemand:
        return ModulesOnDemand({p: t for p, t in self._texts.items() if keep(p)}, self._parsed, self._squeezed)

    def mentioning(self, names: list[str]) -> ModulesOnDemand:
        """The modules that can import, call or subclass one of these dotted names: those whose text
        holds every part of the name (a resolved name is made of the import's and the call's parts).
        The parser's names are the source's text (calls with spaces and line breaks taken out), so the
        text is searched with all whitespace taken out (a part without whitespace found before is found after)."""
        wanted = [tuple(name.split(".")) for name in names]
        if not wanted or any(not part or any(c.isspace() for c in part) for parts in wanted for part in parts):
            return self
        return self.subset(lambda path: self._mentions_any(path, wanted))

    def with_text(self, keep: Callable[[str], object]) -> ModulesOnDemand:
        """The modules whose text `keep` accepts."""
        return self.subset(lambda path: bool(keep(self._texts[path])))

    def _mentions_any(self, path: str, wanted: list[tuple[str, ...]]) -> bool:
        text = self._squeezed_text(path)
        return any(all(map(text.__contains__, parts)) for parts in wanted)

    def _squeezed_text(self, path: str) -> str:
        text = self._squeezed.get(path)
        if text is None:
            text = self._squeezed[path] = "".join(self._texts[path].split())
        return text


def modules_mentioning(modules: Mapping[str, PythonModule], names) -> Mapping[str, PythonModule]:
    """The modules that can import, call or subclass one of these dotted names: all of a parsed
    dict, the possible ones of modules parsed on demand."""
    return modules.mentioning(list(names)) if isinstance(modules, ModulesOnDemand) else modules


def modules_with_text(modules: Mapping[str, PythonModule], keep: Callable[[str], object]) -> Mapping[str, PythonModule]:
    """The modules whose text `keep` accepts: all of a parsed dict, those of modules parsed on demand
    (a rule passes a test that the text of every module it could report on passes)."""
    return modules.with_text(keep) if isinstance(modules, ModulesOnDemand) else modules


def modules_matching(modules: Mapping[str, PythonModule], pattern) -> Mapping[str, PythonModule]:
    """The modules whose text `pattern` finds something in (see modules_with_text)."""
    return modules_with_text(modules, lambda text: pattern.search(text))   # a LazyPattern compiles when used
