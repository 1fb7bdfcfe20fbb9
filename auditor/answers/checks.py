"""The answers' claims checked against the repository, each with a verdict and evidence.

Verdicts (ANSWER_VERDICTS): `corroborated` the repository backs the claim; `weak` partly
(a count a little off, a broken link whose file exists under another path); `unsupported`
nothing backs it (a missing figure, a dead link, coverage never computed); `contradicted`
the report says both (ticked but the answer says it was not done, or the answer denies what
the repository clearly shows); `unclaimed` the answer says it was done but the checklist
does not tick it; `unverifiable` the repository cannot tell (no history, unknown branch).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from auditor.catalog import RuleSpec, by_id
from auditor.facts import Repository
from auditor.lazy_pattern import LazyPattern
from auditor.model import AnswerCheck, Finding, ItemResult
from auditor.record import record
from auditor.report.answers import Answers
from auditor.report.links import EXTERNAL, ImageSource, Reference, image_source, relative_path
from auditor.report.numbers import coverage_claimed, tests_claimed
from auditor.report.parsed import ParsedReport
from auditor.report.statements import Statement, answer_claim

TEST_FILE = LazyPattern(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$)")
ANSWER_VERDICTS = ("corroborated", "weak", "unsupported", "contradicted", "unclaimed", "unverifiable")
TESTS_QUESTION = LazyPattern(r"how many tests", re.IGNORECASE)
COVERAGE_QUESTION = LazyPattern(r"code coverage", re.IGNORECASE)
STUDY_QUESTION = LazyPattern(r"study number", re.IGNORECASE)
STRAY_DOTS = (LazyPattern(r"^(\.{3,}/)+"), LazyPattern(r"^[^/]+/\.{3,}/"))  # `.../x`, `reports/.../x`
NOT_PATH_CHARACTER = LazyPattern(r"[^a-z0-9/.]")
# `europe-west3-docker.pkg.dev/project/image`, `www.example.com/page`: an address outside the
# repository written without its `https://`, not a path into it
SCHEMELESS_ADDRESS = LazyPattern(
    r"^(www\.[^/\s]+|[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|io|dev|app|ai|eu|dk|cloud|site|page))(/|$)", re.IGNORECASE)
EVIDENCE_VERDICT = {"strong": "corroborated", "weak": "weak", "none": "unsupported", "n/a": "unverifiable"}


@record
class Context:
    """What every check needs: the parsed report, the repository, the judged items, and names."""

    report: ParsedReport
    repo: Repository
    items: dict[str, ItemResult]
    report_path: str
    slug: tuple[str | None, str | None]
    said: dict[str, list[Statement]]

    @property
    def answers(self) -> Answers:
        return self.report.answers

    def at(self, line: int | None, message: str) -> Finding:
        """A finding that points into the report."""
        return Finding(self.report_path, line, message, "info")


def check_answers(
    report: ParsedReport,
    repo: Repository,
    items: list[ItemResult],
    report_path: str,
    slug: tuple[str | None, str | None],
    said: dict[str, list[Statement]],
) -> list[AnswerCheck]:
    ctx = Context(report, repo, {i.id: i for i in items}, report_path, slug, said)
    found: list[AnswerCheck] = []
    for check in (tests_count, coverage_percent, team_size):
        result = check(ctx)
        if result is not None:
            found.append(result)
    found += figures(ctx)
    found += repository_links(ctx)
    found += tool_statements(ctx)
    return found


# --- numbers -----------------------------------------------------------------------------
def tests_count(ctx: Context) -> AnswerCheck | None:
    """ "We implemented N tests" against the test functions pytest would collect."""
    question = ctx.answers.asking(TESTS_QUESTION)
    stated = tests_claimed(question)
    if stated is None:
        return None
    collected = [t for t in ctx.repo.test_functions if t.collected]
    functions, cases = len(collected), sum(t.parametrized_cases for t in collected)
    skipped = [t for t in ctx.repo.test_functions if not t.collected]
    found = f"{functions} test functions pytest would collect" + (
        f" ({cases} cases with parametrization)" if cases != functions else ""
    )
    claimed = stated.value
    if claimed <= max(functions, cases):
        verdict = "corroborated"
        compared = "functions" if claimed <= functions else "parametrized cases"
        note = f"{claimed} claimed, {functions if compared == 'functions' else cases} {compared} found"
    else:
        verdict = "weak" if functions else "unsupported"
        note = f"{claimed} claimed but only {functions} test functions ({cases} cases) found"
    findings = [ctx.at(stated.line, f'Q{question.number}: "{stated.quote}" -> {note}')]
    findings += _test_files(collected)
    findings += [
        Finding(t.path, t.line, f"{t.name} is not collected: {t.why_not}", "weak") for t in skipped[:5]
    ]
    return AnswerCheck("tests", question.number, stated.line, f"{claimed} tests", found, verdict, findings)


def _test_files(collected) -> list[Finding]:
    per_file: dict[str, list] = {}
    for test in collected:
        per_file.setdefault(test.path, []).append(test)
    return [
        Finding(path, tests[0].line, f"{len(tests)} test functions in {path}", "strong")
        for path, tests in sorted(per_file.items())
    ]


def coverage_percent(ctx: Context) -> AnswerCheck | None:
    """ "Coverage is X%" against whether coverage is computed anywhere (the coverage item)."""
    question = ctx.answers.asking(COVERAGE_QUESTION)
    stated = coverage_claimed(question)
    if stated is None:
        return None
    item = ctx.items.get("coverage")
    evidence = item.evidence if item else "n/a"
    verdict = EVIDENCE_VERDICT[evidence]
    found = {
        "strong": "coverage is computed",
        "weak": "coverage is only partly set up",
        "none": "coverage is never computed (no coverage run, --cov, config or upload)",
        "n/a": "cannot tell",
    }[evidence]
    findings = [ctx.at(stated.line, f'Q{question.number}: "{stated.quote}"')]
    findings += item.findings[:3] if item else []
    return AnswerCheck(
        "coverage", question.number, stated.line, f"{stated.value}% coverage", found, verdict, findings
    )


def team_size(ctx: Context) -> AnswerCheck | None:
    """The members the group question lists against the people who committed."""
    members, line = ctx.repo.study_numbers  # the numbers the team's authors were matched with
    if not members:
        return None
    question = ctx.answers.asking(STUDY_QUESTION)
    number = question.number if question else None
    claim = f"{len(members)} members ({', '.join(members)})"
    team = ctx.repo.team
    if team is None:
        return AnswerCheck(
            "team",
            number,
            line,
            claim,
            "no commit history to compare with",
            "unverifiable",
            [ctx.at(line, "the repository has no readable git history")],
        )
    authors = team.authors
    found = f"{len(authors)} distinct commit authors"
    findings = [ctx.at(line, f"Q{number or 2} lists {len(members)} members")]
    findings += [
        Finding(None, None, f"author {a.display}: {a.commits} commits", "strong") for a in authors[:10]
    ]
    if len(authors) >= len(members) or team.all_members_found:
        verdict = "corroborated"
    else:
        verdict = "weak"
        missing = ", ".join(team.members_without_commits) or "some members"
        findings.append(ctx.at(line, f"fewer commit authors than members; no commits found for {missing}"))
    return AnswerCheck("team", number, line, claim, found, verdict, findings)


# --- figures and links -------------------------------------------------------------------
def figures(ctx: Context) -> list[AnswerCheck]:
    """Every image the answers show exists under the report's folder (URL-decoded names)."""
    checks = []
    seen: set[str] = set()
    for image in ctx.report.answer_images:
        if not image.shown or image.target in seen:
            continue
        seen.add(image.target)
        place = _place(image.target, ctx, folders=False)
        if place is None:
            continue
        checks.append(_resolve(ctx, image, place, "figure"))
    return checks


def repository_links(ctx: Context) -> list[AnswerCheck]:
    """Every link into this repository resolves to a file or folder (at its ref or the audited commit)."""
    checks = []
    seen: set[str] = set()
    for link in ctx.report.links:
        if link.target in seen:
            continue
        seen.add(link.target)
        place = _place(link.target, ctx, folders=True)
        if place is None and _leaves(link.target, ctx):
            checks.append(
                AnswerCheck(
                    "link",
                    link.question,
                    link.line,
                    f"link {link.target}",
                    "points outside the repository; not followed",
                    "unverifiable",
                    [ctx.at(link.line, f"{link.target} leaves the repository")],
                )
            )
        if place is None or (place.paths == ("",) and place.folder):
            continue
        checks.append(_resolve(ctx, link, place, "link"))
    return checks


def _leaves(target: str, ctx: Context) -> bool:
    """A relative link that climbs out of the repository (`../../elsewhere`)."""
    return (
        not EXTERNAL.match(target)
        and target.startswith("..")
        and relative_path(target, ctx.report_path) is None
    )


def _place(target: str, ctx: Context, folders: bool) -> ImageSource | None:
    """Where a link or image points in this repository, resolved as the rules resolve the report's
    images (a URL's branch may hold `/`; a path that climbs out is not followed); None for anything
    outside it."""
    if SCHEMELESS_ADDRESS.match(target):
        return None
    place = image_source(target, ctx.report_path, ctx.slug, folders)
    return place if place.paths else None


def _resolve(ctx: Context, ref: Reference, place: ImageSource, check: str) -> AnswerCheck:
    what = "figure" if check == "figure" else "link"
    claim = f"{what} {ref.target}"
    if not place.by_url and not ctx.repo.exists(ctx.report_path):
        return AnswerCheck(
            check,
            ref.question,
            ref.line,
            claim,
            "the report is not a file of the repository",
            "unverifiable",
            [ctx.at(ref.line, f"{ref.target} is relative to a report outside the repository; not resolved")],
        )
    path = next((p for p in place.paths if _exists(ctx.repo, p)), None)
    if path is not None:
        return AnswerCheck(
            check,
            ref.question,
            ref.line,
            claim,
            f"{path or '.'} exists",
            "corroborated",
            [Finding(path, None, f"{path} exists", "strong")],
        )
    path = place.paths[0]
    if place.by_url and not _is_audited_ref(place.ref, ctx):
        at_ref = _at_named_ref(ctx, place)
        if at_ref:
            path, named = at_ref
            return AnswerCheck(
                check,
                ref.question,
                ref.line,
                claim,
                f"{path} exists on {named}, not at the audited commit",
                "corroborated",
                [ctx.at(ref.line, f"{path} is in {named} but not in the audited commit")],
            )
        if at_ref is None:
            return AnswerCheck(
                check,
                ref.question,
                ref.line,
                claim,
                f"{path} is not at the audited commit; {place.ref} is not in the history",
                "unverifiable",
                [ctx.at(ref.line, f"{place.ref} cannot be read from this clone")],
            )
    meant = _meant(ctx.repo, path)
    shown = path if path.strip() == path else repr(path)
    if meant:
        return AnswerCheck(
            check,
            ref.question,
            ref.line,
            claim,
            f"{shown} does not exist; {meant} does",
            "weak",
            [
                ctx.at(
                    ref.line, f"the {what} points at {shown}, which does not exist; it probably means {meant}"
                )
            ],
        )
    return AnswerCheck(
        check,
        ref.question,
        ref.line,
        claim,
        f"{shown} does not exist",
        "unsupported",
        [ctx.at(ref.line, f"the {what} points at {shown}, which is not in the repository")],
    )


def _exists(repo: Repository, path: str) -> bool:
    if not path:
        return True
    return repo.exists(path) or repo.is_folder(path)


def _at_named_ref(ctx: Context, place: ImageSource) -> tuple[str, str] | bool | None:
    """(path, ref) where a URL's file is at a ref it may name (its branch may hold `/`); False when
    the refs that can be read lack it, None when none of them can be read."""
    readable = False
    for path, at in zip(place.paths, place.refs):
        found = ctx.repo.exists_at(at, path)
        if found:
            return path, at
        readable = readable or found is not None
    return False if readable else None


def _is_audited_ref(ref: str, ctx: Context) -> bool:
    commit = ctx.repo.git.commit or ""
    return len(ref) >= 7 and commit.startswith(ref.lower())


def _meant(repo: Repository, path: str) -> str | None:
    """The file a broken link most likely means: stray spaces or dots, another case, a
    different separator, or the same path from the repository root."""
    slashed = path.replace("\\", "/")  # `src\pkg\api.py`, written with Windows separators
    candidates = [path.strip(), slashed, *(dots.sub("", path) for dots in STRAY_DOTS)]
    parts = PurePosixPath(slashed).parts
    if len(parts) > 1:
        candidates.append("/".join(parts[1:]))
    report_folder = repo.report_path.rpartition("/")[0] if repo.report_path else ""
    if report_folder and slashed.startswith(f"{report_folder}/"):   # `proj/reports/`: written from the root
        candidates.append(slashed[len(report_folder) + 1:])
    for candidate in candidates:
        if candidate and candidate != path and _exists(repo, candidate):
            return candidate
    wanted = _squash(path)
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    for existing in repo.files:
        if existing.rsplit("/", 1)[0] == folder and _squash(existing) == wanted:
            return existing
    return None


def _squash(path: str) -> str:
    return NOT_PATH_CHARACTER.sub("", path.lower())


# --- statements about tools --------------------------------------------------------------
def tool_statements(ctx: Context) -> list[AnswerCheck]:
    """What the answers say was (not) done, against the tick and the item's evidence."""
    checks = []
    for item_id, said in ctx.said.items():
        item = ctx.items.get(item_id)
        decided = answer_claim(said)
        if item is None or decided is None:
            continue
        checks.append(_statement_check(ctx, item, decided, said))
    return checks


def _statement_check(
    ctx: Context, item: ItemResult, decided: Statement, said: list[Statement]
) -> AnswerCheck:
    quote = f'Q{decided.question}: "{decided.quote}"'
    claim = ("used" if decided.used else "tried, did not succeed" if decided.attempt else "not used") + f" ({quote})"
    tick = item.claimed if item.claim_source == "checklist" else None
    best = item.findings[:1]
    found = f"evidence {item.evidence}" + (f": {best[0].message}" if best else "")
    findings = [ctx.at(s.line, f'Q{s.question}: "{s.quote}"') for s in said if s.used == decided.used][:3]
    if tick is not None:
        found = f"{'ticked' if tick in (True, 'partial') else 'not ticked'} in the checklist; " + found
    denial = _denial_against_evidence(by_id().get(item.id), decided, item) if not decided.used else None
    if decided.attempt:
        verdict, note = _failed_attempt_verdict(denial, decided, item, tick)
        findings.insert(0, ctx.at(item.line if tick in (True, "partial") else decided.line, note))
    elif denial is not None and denial[0] != "contradicted":  # a contradiction reads as before
        verdict, note = denial
        findings.insert(0, ctx.at(decided.line, note))
    elif tick in (True, "partial") and not decided.used:
        verdict = "contradicted"
        findings.insert(
            0, ctx.at(item.line, f"ticked '{item.title}' but Q{decided.question} says \"{decided.quote}\"")
        )
    elif tick is False and decided.used:
        verdict = "unclaimed"
        findings.insert(0, ctx.at(item.line, f'not ticked, but Q{decided.question} says "{decided.quote}"'))
    elif decided.used:
        verdict = EVIDENCE_VERDICT[item.evidence]
    elif item.evidence == "strong" and (shared := _evidence_of_another_claim(ctx, item)) is not None:
        verdict = "unverifiable"
        findings.insert(0, ctx.at(decided.line, f"Q{decided.question} denies it, and the only evidence, in "
                                                f"{shared[1]}, is that of '{shared[0].title}', which the group "
                                                "claims: whether it also does this needs a human look"))
    else:
        verdict = "contradicted" if item.evidence == "strong" else "corroborated"
    return AnswerCheck(
        "statement", decided.question, decided.line, claim, found, verdict, findings + best, item=item.id
    )


def _evidence_of_another_claim(ctx: Context, item: ItemResult) -> tuple[ItemResult, str] | None:
    """Another claimed item whose strong evidence lies in every test file the item's strong
    evidence does: a test file read by its names for several topics (API tests of a `/model_info`
    endpoint read as model tests) may hold only the other item's tests, so a denial of this one
    cannot be called false without a human look."""
    paths = {f.path for f in item.findings if f.strength == "strong"}
    if not paths or not all(TEST_FILE.search(path) for path in paths):
        return None
    for other in ctx.items.values():
        if other.id == item.id or other.claimed not in (True, "partial") or other.evidence != "strong":
            continue
        if paths <= {f.path for f in other.findings if f.strength == "strong"}:
            return other, ", ".join(sorted(paths))
    return None


def _failed_attempt_verdict(
    denial: tuple[str, str] | None, decided: Statement, item: ItemResult, tick: bool | str | None
) -> tuple[str, str]:
    """An attempt the answer says failed is never a contradiction: the code may well be there and not
    work. Ticked, it needs a human look (`weak`: the tick may stand for the attempt); not ticked,
    the answer agrees with the repository whatever it holds. A combined item is weighed per part
    as a denial is, a contradiction there read as `weak`."""
    said = f'Q{decided.question} says the attempt failed: "{decided.quote}"'
    if denial is not None and denial[0] != "contradicted":
        return denial
    if denial is not None:
        return "weak", f"{said}; {denial[1]}"
    if tick in (True, "partial"):
        return "weak", f"ticked '{item.title}' but {said}"
    shown = {"strong": "the repository shows the attempt", "weak": "the repository shows part of it"}
    return "corroborated", f"{said}; {shown.get(item.evidence, 'the repository shows nothing of it')}"


def _denial_against_evidence(
    spec: RuleSpec | None, decided: Statement, item: ItemResult
) -> tuple[str, str] | None:
    """A denial of some parts of a combined item ('quantization failed' under 'quantization,
    compilation and pruning') against the evidence for those parts only: contradicted by a strong
    finding for a denied part, unverifiable when a strong finding's part cannot be told, else
    corroborated (unverifiable with no strong evidence). None when the item has no parts or the
    denial names all of them or none."""
    if spec is None or not spec.parts:
        return None
    denied = [name for name, (said, _) in spec.parts.items() if said.search(decided.quote)]
    if not denied or len(denied) == len(spec.parts):
        return None
    named = " and ".join(denied)
    strong = [f for f in item.findings if f.strength == "strong"]
    for finding in strong:
        if any(spec.parts[name][1].search(finding.message) for name in denied):
            return "contradicted", f"the answer denies {named}, but {finding.message}"
    others = [name for name in spec.parts if name not in denied]
    for finding in strong:
        if not any(spec.parts[name][1].search(finding.message) for name in others):
            return "unverifiable", f"the answer denies {named}; which part {finding.message} is cannot be told"
    if strong:
        shown = [name for name in others if any(spec.parts[name][1].search(f.message) for f in strong)]
        return "corroborated", f"the answer denies only {named}; the evidence is for {' and '.join(shown)}"
    return "unverifiable", f"the answer denies only {named}; the tick may stand for another part"
