"""tox environment names and factors, as tox reads them (never run): `py{310,311}-lint` is two envs,
`py310-lint` has the factors `py310` and `lint`, and a line `lint: ruff check .` of a `commands` value
runs only in envs with the factor `lint` (`a,b:` either, `a-b:` both, `!a:` without a).
"""

from __future__ import annotations

import re

from auditor.lazy_pattern import LazyPattern

FACTOR_CONDITION = LazyPattern(r"^([\w{}.!,-]+):\s+(\S.*)$", re.DOTALL)   # `py{310,311}-lint: pytest`
BRACES = LazyPattern(r"\{([^{}]*)\}")
MAX_NAMES = 256   # env names one expression may expand to
BASE = "testenv"


def expand(expression: str) -> list[str]:
    """`py{310,311}-{a,b}` -> py310-a, py310-b, py311-a, py311-b (at most MAX_NAMES)."""
    names = [""]
    position = 0
    for match in BRACES.finditer(expression):
        literal = expression[position:match.start()]
        choices = [c.strip() for c in match.group(1).split(",")]
        names = [n + literal + c for n in names for c in choices][:MAX_NAMES]
        position = match.end()
    return [n + expression[position:] for n in names]


def env_names(value: str) -> list[str]:
    """The env names of an `envlist` or `-e` value: comma or newline separated, braces expanded."""
    names: list[str] = []
    for part in _top_level_split(value):
        names += [n for n in expand(part.strip()) if n and n not in names]
        if len(names) >= MAX_NAMES:
            break
    return names[:MAX_NAMES]


def _top_level_split(value: str) -> list[str]:
    parts, current, depth = [], [], 0
    for char in value:
        depth += (char == "{") - (char == "}")
        if char in ",\n" and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def split_condition(row: str) -> tuple[str | None, str]:
    """(factor condition, command) of one `commands` line; no condition for a plain command."""
    match = FACTOR_CONDITION.match(row)
    if not match or not re.search(r"[A-Za-z]", match.group(1)):
        return None, row
    return match.group(1), match.group(2)


def condition_holds(condition: str | None, factors: set[str]) -> bool:
    """Whether an env with `factors` runs a line under `condition`."""
    if condition is None:
        return True
    for alternative in (a for part in _top_level_split(condition) for a in expand(part.strip())):
        wanted = [f for f in alternative.split("-") if f]
        if wanted and all((f[1:] not in factors) if f.startswith("!") else (f in factors) for f in wanted):
            return True
    return False


def section_env(env: str, sections: list[str]) -> str:
    """The env label (`lint`, `py{310,311}`, or `testenv` for the base section) configuring `env`."""
    if env in sections:
        return env
    generated = next((s for s in sections if "{" in s and env in expand(s)), None)
    return generated or BASE


def factors_of(env: str) -> set[str]:
    return {f for f in env.split("-") if f}
