"""What the answers say was, or was not, done: "we used DVC", "Hydra was omitted".

A sentence is cut into clauses (at `;`, `but`, `, which` ...); a clause that names an
item (statement_terms) is a statement about it. Negated clauses ("did not", "never",
"omitted", "instead of") say it was not done, of the terms the negation governs: its verb's
objects ("did not use X or Y"), or the subject it negates ("X was not used"); a term after a
coordinated part that starts anything else ("did not use it, and docs/ holds the X site") or
an exception ("never set up Y, only X") gets no claim. Hypothetical clauses ("would",
"could", "if") say nothing. Per item, one affirmative statement is enough for `used`; only negations
give `not used`; nothing said gives no claim. Within one answer, a negation outweighs
impersonal mentions ("we did not use DVC. DVC lets teams ..."): there only first-person
mentions ("we", "our") still count; a negation of the item's family ("we did not implement
monitoring") does not outweigh what the answer says of the item itself.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from auditor.lazy_pattern import LazyPattern
from auditor.record import fields, record
from auditor.regex_programs import compiled
from auditor.report.anchors import (
    folded, holds_words, may_match, required_words, search_if_possible, words_needed,
)
from auditor.report.answers import Answers, Question
from auditor.report.numbers import sentences
from auditor.report.statement_terms import Term, Terms, all_terms

WHITESPACE = LazyPattern(r"\s+")
CLAUSE_BREAK = LazyPattern(
    r"\s*[;:]\s+|\s*\(\s*|\s*\)\s*|\s+[-–—]+\s+"
    r"|\s*,\s*(?=(?:we|they|which|so|but|however|while|whereas|although|though|since|because|instead|hence|thus"
    r"|therefore)\b)"
    r"|\s+(?=(?:but|however|whereas|while|although|though|instead|except|hence|thus|therefore|when|whenever|where|unless|because"
    r"|if|as\s+(?:it|they|we)|every\s+time|in\s+order\s+to|so\s+that|such\s+that)\b)"
    r"|\s+and\s+(?=(?:we|they|then|also|instead|used|use|using)\b)"
    r"|\s+and\s+(?=(?:(?:did|do|does|could|can|have|has|had|was|were|is|are|will|would)(?:\s+not|n[’']t)|never)\b)",
    re.IGNORECASE,
)
AND_PAST_TENSE = LazyPattern(   # "and implemented ...": a predicate of its own, unless a negation before governs it
    r"\s+and\s+(?=(?:implemented|created|built|deployed|wrote|added|configured|integrated|stored|hosted|served"
    r"|automated|adopted|applied|developed|relied|opted|chose|decided|skipped|omitted|dropped)\b)",
    re.IGNORECASE,
)
AND_NEW_SUBJECT = LazyPattern(   # "and Hydra was used": a subject of its own with its own passive predicate
    r"\s+and\s+(?=(?:the\s+|our\s+|an?\s+)?[\w.-]+(?:\s+[\w.-]+){0,2}\s+(?:was|were|is|are|has\s+been|have\s+been)"
    r"\s+(?:also\s+)?(?:\w+ed|used|built|written|run|done|set\s+up|made|kept|held)\b)",
    re.IGNORECASE,
)
PERSONAL_SUBJECT = LazyPattern(r"\b(we|they|i)\b", re.IGNORECASE)
PARTICIPLE_NEGATION = LazyPattern(   # a negation whose verb a past participle after "and" continues: "have not trained and deployed"
    r"\b(?:(?:have|has|had|was|were|is|are|been|be)(?:\s+not|n[’']t)|never|not\s+been)\b", re.IGNORECASE
)
NEGATION = LazyPattern(
    r"\b(not|never|no|neither|nor|without|none)\b|n[’']t\b"
    r"|\b(omit\w*|skip(ped)?|unable|fail(ed)? to|decided against|instead of|lack(ed|ing)?|absence of"
    r"|nothing)\b",
    re.IGNORECASE,
)
NOT_A_NEGATION = LazyPattern(
    r"\bnot\s+(only|just|always|very|too|so|that|entirely|completely|fully|necessarily|much|many|all|as|quite|easy|"
    r"trivial|really|perfect|straightforward|simple|obvious|sure|overly|excessively|the\s+(only|best|most)|"
    r"mean|guarantee|imply|ensure)\b"
    r"|\bno\s+(problems?|issues?|errors?|need|doubt|matter|longer|more\s+than|less)\b"
    r"|\bwithout\s+(any\s+)?(problems?|issues?|errors?|hassle|having|needing|the\s+need)\b"
    r"|\bn[’']t\s+(only|just|always|too|very)\b|n[’']t\s+(mean|guarantee|imply|ensure)\b",
    re.IGNORECASE,
)
NO_CLAIM = LazyPattern(
    r"\b(otherwise|if|consider(ed|ing)?|makes?\s+sense|recommend\w*|it\s+is\s+(a\s+)?(good|important|useful|beneficial)"
    r"|allows?\s+(you|one|users?|us)\s+to|you\s+can|one\s+can|an?\s+(\w+\s+)?(framework|tool|library|service|package|solution)\s+(like|such\s+as)|faced\s+(\w+\s+)?(difficult\w+|challenges?|problems?|issues?)|struggl\w+"
    r"|in\s+(larger|bigger|big|large)\s+(\w+\s+)?(projects?|teams?|code\s*bases?|organi[sz]ations?|companies))\b",
    re.IGNORECASE,
)
INDIVIDUAL = LazyPattern(
    r"\b(one|some|two|several|a)\s+(of\s+(us|the\s+(team|group)(\s+members)?)|(team|group)\s+members?|members?)\b|\bs\d{6}\b",
    re.IGNORECASE,
)
RELATIVE_NEGATION = LazyPattern(
    r"\b(that|which|who)\s+(does|do|did|is|are|was|were|has|have|had|can|will)\s*(not|n[’']t)\b"
    r"|\b(that|which|who)\s+(doesn|don|didn|isn|aren|wasn|weren|hasn|haven|can|won)[’']t\b",
    re.IGNORECASE,
)
FAILURE = LazyPattern(
    r"\b(could\s*not|couldn[’']t|was\s+not\s+able|were\s+not\s+able|weren[’']t\s+able|wasn[’']t\s+able|unable)\b",
    re.I,
)
HYPOTHETICAL = LazyPattern(
    r"\b(would|could|should|might|if|plan(ned)?\s+to|in\s+the\s+future|future\s+work|want(ed)?\s+to|hope)\b|\bwouldn|\bcouldn",
    re.IGNORECASE,
)
ONLY_MORE_DENIED = LazyPattern(   # "could not provide a more extensive monitoring", "no other monitoring": some was done
    r"(\bnot|n[’']t|\bunable\s+to|\bno\s+time\s+(to|for))\s+(\w+\s+){0,4}?(a\s+|any\s+)?"
    r"(more|further|additional|extra|other|full|complete|comprehensive|extensive|thorough|exhaustive|proper)\s+"
    r"(?!than\b)",
    re.IGNORECASE,
)
ONLY_LITTLE_DONE = LazyPattern(   # "we did not spend all that much time profiling it": a little was done
    r"(\bnot|n[’']t)\s+(spend|spent|put|invest(ed)?)\s+(all\s+that\s+|that\s+|too\s+|very\s+|so\s+)?much\s+"
    r"(time|effort|work)\b",
    re.IGNORECASE,
)
FRONTED_WITHOUT = LazyPattern(   # "for example, without proper typing, debugging can waste hours": a conditional
    r"^((for\s+(example|instance)|e\.\s?g\.|also|and|but|however|otherwise)\W+)?without\b[^,.;]{1,80},\s*\S",
    re.IGNORECASE,
)
PREDICATE_NEGATION = LazyPattern(
    r"\b(not|never|neither|nor|omit\w*|skip(ped)?|unable|fail(ed)?\s+to)\b|n[’']t\b", re.IGNORECASE
)
COORDINATOR = LazyPattern(r",|\b(?:and|or|nor|as\s+well\s+as|plus)\b", re.IGNORECASE)
TOTALITY = LazyPattern(r"(?<!\bat\s)\b(all|every)\b", re.IGNORECASE)   # "did not run all training in X": some was
EXCEPTION = LazyPattern(r"\b(only|except|apart\s+from|other\s+than|besides|rather|instead|but|save\s+for)\b",
                        re.IGNORECASE)
SUBJECT = LazyPattern(r"\b(we|they|i|it|he|she|you)\b", re.IGNORECASE)
VERB = LazyPattern(
    r"(use|utili[sz]e|implement|set|up|create|build|built|deploy|write|wrote|written|add|apply|try|tried|test"
    r"|integrate|include|configure|train|run|ran|make|made|do|did|done|have|had|need|manage|get|got|track"
    r"|version|perform|adopt|explore|develop|profile|monitor|automate|push|store|host|serve|publish|document"
    r"|to|of|with|on|actually|really|even|properly|explicitly|yet)(s|d|ed|ing)?",
    re.IGNORECASE,
)
AUXILIARY = LazyPattern(
    r"\b(is|are|was|were|be|been|being|has|have|had|do|does|did|will|can|shall|may|must|get|got)\b", re.IGNORECASE
)
NEGATED_AUXILIARIES = LazyPattern(   # what stands between a subject and its negation: "has", "was also"
    r"(\s+(is|are|was|were|be|been|has|have|had|do|does|did|will|can|shall|may|must|also|still|yet|really"
    r"|actually|even))*\s*$",
    re.IGNORECASE,
)
RELATIVE = LazyPattern(r"\b(that|which|who|whose|whom|where)\b", re.IGNORECASE)
PLACE_PREPOSITIONS = frozenset({"in", "inside", "within", "on", "onto", "into", "from", "through", "via", "at", "under"})
LEADING_CONTROL = frozenset(   # what stands before the negated verb proper: "manage to", "be able to", "have time to"
    {"manage", "managed", "to", "be", "been", "able", "try", "tried", "get", "got", "have", "had", "time", "bother",
     "really", "actually", "even", "yet", "properly", "explicitly", "also", "fully", "successfully", "quite"}
)
ACTIVE_AUXILIARIES = frozenset({"do", "does", "did", "can", "could", "will", "would", "may", "might", "must", "should"})
NOT_DONE_BUT_THERE = LazyPattern(   # "our FastAPI server has not been tested": it exists, untested
    r"\s+((been|be|yet|fully|properly|really|thoroughly|entirely|completely|extensively)\s+)*"
    r"(test|cover|document|validat|verif|check|benchmark|optimi[sz]|evaluat|finish|complet|polish|updat|maintain"
    r"|merg|review)\w*",
    re.IGNORECASE,
)
DEGREE_AFTER = LazyPattern(   # "did not manage to implement monitoring completely": done in part, not denied
    r"\s*(\w+\s+){0,2}?(completely|fully|entirely|in\s+full|to\s+the\s+full(est)?|all\s+the\s+way"
    r"|as\s+(we\s+)?(planned|intended|hoped|wanted)|a\s+lot|(that\s+|very\s+)?much|extensively|heavily"
    r"|to\s+(its|the|their|our)\s+full(est)?\s+(potential|extent))\b",
    re.IGNORECASE,
)
WORD = LazyPattern(r"\w+(?:[’']\w+)?")
TAKEN_UP = LazyPattern(r"(?:\s+\w+){0,4}\s+(it|them|this|that|any|one|those)\W*$", re.IGNORECASE)
DETERMINERS = frozenset(
    {"the", "a", "an", "any", "our", "their", "its", "some", "either", "neither", "both", "also"}
)
CONNECTIVES = frozenset(
    {"however", "but", "and", "so", "yet", "still", "then", "also", "moreover", "furthermore", "additionally",
     "finally", "unfortunately", "sadly", "therefore", "thus", "hence", "overall", "currently", "though"}
)
QUOTE_MARKS = LazyPattern(r"[>*_`\s]+")
MIN_QUOTED_WORDS = 4  # fewer words ("We did not.") may be the group's own, whatever the template says
ATTEMPT = LazyPattern(
    r"\b(experiment(ed|ing)|tried|attempt(ed|ing)?|explored|played\s+around)\b", re.IGNORECASE
)
FAILED = (   # the predicate that says a thing was tried and did not succeed
    r"(failed|kept\s+failing|did(\s+not|n[’']t)\s+work|never\s+(worked|succeeded)"
    r"|(was|were)(\s+not|n[’']t)\s+(working|successful|able\s+to)|(was|were)\s+(unsuccessful|unable\s+to))\b"
)
FAILED_AFTER_SUBJECT = LazyPattern(r"^(?P<between>[^,;]{0,60}?)\s" + FAILED, re.IGNORECASE)   # "quantization (of the model) failed"
FAILED_AFTER_ATTEMPT = LazyPattern(   # "we tried X, but it did not work": the attempt's outcome in the next clause
    r"^\W*(but|however|unfortunately|yet|though|sadly|and)\W+(\w+\W+){0,3}?"
    r"((it|this|that|they|these|those)\s+" + FAILED
    + r"|(we\s+)?(could(\s+not|n[’']t)|were(\s+not|n[’']t)\s+able\s+to|were\s+unable\s+to|failed\s+to"
    r"|did(\s+not|n[’']t)\s+manage\s+to)\s+(get|make)\s+(it|this|them)\s+(to\s+)?work)"
    r"|\b(without\s+success|to\s+no\s+avail|unsuccessfully|in\s+vain)\b",
    re.IGNORECASE,
)
FAILED_BEFORE_TERM = LazyPattern(
    r"^(?P<subject>[^,;]{1,60}?)\s" + FAILED + r"\s+(with|for|on|in|during|when|together\s+with)\b", re.IGNORECASE
)
FAILED_IN_CLAUSE = LazyPattern(r"\band\s+(it|this|that|they|these|those)\s+" + FAILED, re.IGNORECASE)   # "tried X and it failed"
IN_VAIN = LazyPattern(r"\b(without\s+success|to\s+no\s+avail|unsuccessfully|in\s+vain)\b", re.IGNORECASE)
PERSON = LazyPattern(r"\b(we|they|i|you|us|team|group|members?)\b", re.IGNORECASE)
RECOVERED = LazyPattern(   # "the test failed at first, then we fixed it": a setback, not the outcome
    r"\b(at\s+first|initially|first|until|then|later|eventually|finally|fix(ed|es)?|solv(ed|es)?|resolv(ed|es)?"
    r"|in\s+the\s+end|now|afterwards|after|again|sometimes|occasionally|often|whenever|when|if|once)\b",
    re.IGNORECASE,
)
OUTCOME_ITEMS = frozenset(   # items whose thing passes or fails by design: "the tests failed" says they ran
    {"tests-data", "tests-model", "coverage", "ci", "ci-cache-matrix", "ci-lint", "pre-commit", "pep8", "typing-docs",
     "api-tests-ci", "load-test", "workflow-data-change", "workflow-model-registry", "docker-build-trigger"}
)
TOPIC_ONLY = LazyPattern(   # "For load testing", "Regarding the API's tests": a topic with no verb of its own
    r"(for|regarding|concerning|as\s+for|as\s+to|when\s+it\s+comes\s+to|in\s+terms\s+of|with\s+regards?\s+to)"
    r"(\s+[\w.'’-]+){1,5}?,?",
    re.IGNORECASE,
)
GENERAL = LazyPattern(   # a concession or a frame that speaks of tools in general, not of what the group did
    r"^(although|though|even\s+though|whereas)\s+([\w.&-]+\s+){1,4}?(provides?|offers?|allows?|enables?|supports?"
    r"|is|are|has|have|can|may|might|would|could|brings?|gives?|makes?|adds?)\b|^in\s+general\b"
    r"|\bin\s+(larger|large|bigger|big|real[- ]world|industry|production|professional)\s+"
    r"(projects?|settings?|teams?|code\s*bases?|environments?|organi[sz]ations?)\b",
    re.IGNORECASE,
)
HOW_IT_WOULD_BE_DONE = LazyPattern(r"\bif\s+not,?\s+(explain|describe)\s+how\b", re.IGNORECASE)
ABILITY = LazyPattern(   # "we can use Locust": under "if not, explain how", a plan; "we added X we can use" is not
    r"^(?:(?!\b(?:we|one|you)\b).)*\b(we|one|you)\s+(can|could)\b", re.IGNORECASE
)
FIRST_PERSON = LazyPattern(r"\b(we|our|us|ours|i|my)\b", re.IGNORECASE)
LINK_OR_IMAGE = LazyPattern(r"!?\[([^\]]{0,500})\]\([^)]{0,1000}\)")
TAG_OR_URL = LazyPattern(r"<[^>]{1,300}>|https?://\S+")
EMPHASIS = LazyPattern(r"[*_`]+")


@record(frozen=True)
class Statement:
    """One clause of an answer that says an item was (or was not) done."""

    item_id: str
    used: bool
    question: int
    line: int
    quote: str
    broad: bool = False
    attempt: bool = False   # with used=False: tried, and it failed ("quantization failed", "we tried X but it did not work")


STATEMENT_FIELDS = fields(Statement)


def statements_to_plain(said: dict[str, list[Statement]]) -> dict[str, list[tuple]]:
    """Statements as plain values (to send them between processes)."""
    return {item_id: [tuple(getattr(s, f.name) for f in STATEMENT_FIELDS) for s in found]
            for item_id, found in said.items()}


def statements_from_plain(plain: dict[str, list[tuple]]) -> dict[str, list[Statement]]:
    """The statements `statements_to_plain` gave; TypeError or ValueError on anything else."""
    if not isinstance(plain, dict):
        raise TypeError("not a mapping of statements")
    return {_text(item_id): [_statement(values) for values in found] for item_id, found in plain.items()}


def _statement(values: tuple) -> Statement:
    if not isinstance(values, tuple) or len(values) != len(STATEMENT_FIELDS):
        raise ValueError("not a statement")
    return Statement(*values)


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value


def clauses(sentence: str) -> list[str]:
    sentence = WHITESPACE.sub(" ", sentence)  # single spaces keep CLAUSE_BREAK's \s* linear
    parts = [c.strip() for c in CLAUSE_BREAK.split(sentence) if c and c.strip()]
    parts = [piece for part in parts for piece in _split_at_new_subject(part)]
    return _topics_joined([piece for part in parts for piece in _split_at_past_tense(part)])


def _split_at_new_subject(part: str) -> list[str]:
    """'We did not use DVC and Hydra was used for configs': after a clause with its own subject,
    "and" before another subject with its own predicate starts a clause. Without a subject before
    ("DVC and Hydra were not used") the "and" joins two subjects: kept whole."""
    match = AND_NEW_SUBJECT.search(part)
    if match is None or not PERSONAL_SUBJECT.search(part[:match.start()]):
        return [part]
    return [part[:match.start()].strip(), *_split_at_new_subject(part[match.end():].strip())]


def _split_at_past_tense(part: str) -> list[str]:
    """'We did not use DVC and implemented the configs with Hydra': the past tense after "and"
    cannot continue "did not use", so it starts a predicate of its own. After a perfect, passive
    or "never" ("we have not trained and deployed it") it may continue the negated verb: kept whole."""
    pieces = AND_PAST_TENSE.split(part)
    if len(pieces) == 1:
        return [part]
    kept = [pieces[0]]
    for piece in pieces[1:]:
        left = kept[-1]
        negations = list(NEGATION.finditer(left))
        if negations and PARTICIPLE_NEGATION.search(left[max(0, negations[-1].start() - 12):negations[-1].end()]):
            kept[-1] = f"{left} and {piece}"
        else:
            kept.append(piece)
    return [piece.strip() for piece in kept if piece.strip()]


def _topics_joined(parts: list[str]) -> list[str]:
    """A fronted topic ("For load testing, we would have used Locust") has no predicate of its
    own: it belongs to the clause after it, which says what was done about it."""
    joined: list[str] = []
    for part in parts:
        if joined and TOPIC_ONLY.fullmatch(joined[-1]):
            joined[-1] = f"{joined[-1]}, {part}"
        else:
            joined.append(part)
    return joined


def polarity(clause: str) -> bool | None:
    """True: affirmative; False: negated; None: hypothetical, general, or about one member (says nothing)."""
    if NO_CLAIM.search(clause):
        return None
    general = GENERAL.search(clause)
    if general and not FIRST_PERSON.search(clause.split(",", 1)[0] if general.start() == 0 else clause):
        return None   # "In larger projects pre-commit hooks are helpful", "Although DVC provides more tracking, ..."
    negated = bool(NEGATION.search(clause))
    if negated and (ONLY_MORE_DENIED.search(clause) or ONLY_LITTLE_DONE.search(clause)):
        return None
    if FRONTED_WITHOUT.match(clause):
        return None
    if search_if_possible(FAILURE, clause):
        return None if INDIVIDUAL.search(clause) else False
    if HYPOTHETICAL.search(clause):
        return None
    if not negated:
        return True
    kept = _without_non_negations(clause)
    if not NEGATION.search(kept):
        return True
    if not NEGATION.search(RELATIVE_NEGATION.sub(" ", kept)):
        return None   # "a workflow that does not use caching": a thing described, not what the group did
    return None if INDIVIDUAL.search(clause) else False


def _without_non_negations(clause: str) -> str:
    """The clause with "not only", "no problem" ... blanked out. Asked only of a clause that holds a
    negation: blanking creates none (each blanked phrase starts and ends a word, so a space in its
    place neither joins words nor ends one), and the pattern is compiled only when needed."""
    return NOT_A_NEGATION.sub(" ", clause)


def statements(answers: Answers, terms: dict[str, Terms] | None = None) -> dict[str, list[Statement]]:
    """Every statement of the answers, per item id, in report order."""
    probes = _probes(all_terms() if terms is None else terms)
    vocabulary = _vocabulary(probes)
    found: dict[str, list[Statement]] = {}
    for question in answers.questions:
        if not question.filled:
            continue
        said = _said(question)
        text = "\n".join(sentence for _, sentence, _ in said)
        present = _words_in(vocabulary, "\n".join(lowered for _, _, lowered in said))
        per_sentence = [_words_in(present, lowered) for _, _, lowered in said]
        for probe in probes:
            if not _mentioned(probe, present, text):
                continue
            local = list(_statements_in(question, said, per_sentence, probe))
            found.setdefault(probe.item_id, []).extend(_weigh(local))
    return {k: v for k, v in found.items() if v}


def answer_claim(found: list[Statement]) -> Statement | None:
    """The statement that decides an item: the first affirmative one, else the first negation."""
    return next((s for s in found if s.used), None) or next((s for s in found if not s.used), None)


@record(frozen=True)
class _Candidate:
    """A term with the literal words its parts need (word groups: one word of each group)."""

    parts: tuple[LazyPattern, ...]
    broad: bool

    @cached_property
    def needs(self) -> tuple[tuple[str, ...], ...]:
        """Read from the sources on first use: most terms are never near a sentence that names them."""
        return tuple(group for part in self.parts for group in words_needed(part.pattern, part.flags))


@record(frozen=True)
class _Probe:
    """One item's terms, read once per run: its quick words and its candidate terms."""

    item_id: str
    terms: Terms
    words: frozenset[str] | None
    specific: tuple[_Candidate, ...]
    contextual: tuple[_Candidate, ...]
    broad: tuple[_Candidate, ...]


def _probes(terms: dict[str, Terms]) -> list[_Probe]:
    return [_probe(item_id, item_terms) for item_id, item_terms in terms.items()]


def _probe(item_id: str, terms: Terms) -> _Probe:
    words = _mention_words(terms)
    return _Probe(item_id, terms, None if words is None else frozenset(words),
                  _candidates(terms.specific, False), _candidates(terms.in_context, False),
                  _candidates(terms.broad, True))


@lru_cache(maxsize=1024)
def _candidates(terms: tuple[Term, ...], broad: bool) -> tuple[_Candidate, ...]:
    return tuple(_candidate(term, broad) for term in terms)


def _candidate(term: Term, broad: bool) -> _Candidate:
    return _Candidate(term if isinstance(term, tuple) else (term,), broad)


def _vocabulary(probes: list[_Probe]) -> frozenset[str]:
    """Every quick word of every item: searched once per answer, not once per item."""
    return frozenset(word for probe in probes if probe.words is not None for word in probe.words)


def _words_in(words: frozenset[str], lowered: str) -> frozenset[str]:
    return frozenset(filter(lowered.__contains__, words))   # `word in lowered`, without a generator


@lru_cache(maxsize=256)
def _mention_words(terms: Terms) -> tuple[str, ...] | None:
    """Literal words one of which any statement about the item contains (when every term
    has them): a quick test that needs no pattern compiled."""
    words = [_anchors(p) for p in _first_parts(terms)]
    return None if None in words else tuple(w for group in words for w in group)


@lru_cache(maxsize=256)
def _mention_pattern(terms: Terms) -> re.Pattern[str]:
    """One pattern any statement about the item matches: for items without quick words."""
    return compiled("|".join(f"(?:{p.pattern})" for p in _first_parts(terms)) or "(?!)", re.IGNORECASE)


def _first_parts(terms: Terms) -> list[LazyPattern]:
    return [t[0] if isinstance(t, tuple) else t for t in (*terms.specific, *terms.in_context, *terms.broad)]


@lru_cache(maxsize=1024)
def _anchors(pattern: LazyPattern) -> tuple[str, ...] | None:
    """Lowercase words one of which every match of the pattern contains; None when the
    pattern guarantees none (a quick substring test can then not rule a sentence out)."""
    return required_words(pattern.pattern)


def _mentioned(probe: _Probe, present: frozenset[str], text: str) -> bool:
    if probe.words is not None:
        return not probe.words.isdisjoint(present)
    return bool(_mention_pattern(probe.terms).search(text))


def _said(question: Question) -> list[tuple[int, str, str]]:
    """Sentences as read (link targets and URLs dropped, emphasis marks removed), with their folded
    text: every word test on it (quick words, words a term needs) sees what the term's pattern sees."""
    plain = [(line, _plain(text)) for line, text in sentences(question)]
    return [(line, text, folded(text)) for line, text in plain]


def _denies(clause: str, where: tuple[int, int], line: int, sentence: str, question: Question) -> bool:
    """A negated clause denies the term when its negation governs it and the group, not the
    template, wrote it."""
    return negation_governs(clause, where) and not _quotes_template(line, sentence, question)


def _quotes_template(line: int, sentence: str, question: Question) -> bool:
    """A sentence of the template's question or example pasted into the answer as the template
    shows it (in italics or bold): the template speaks there, not the group. The same words
    written plainly are the group's own: groups often answer in the example's words ("We did
    not manage to implement monitoring.")."""
    quoted = _squashed(sentence)
    if len(quoted.split()) < MIN_QUOTED_WORDS or quoted not in _squashed(question.prompt):
        return False
    written = next((a.text for a in question.lines if a.number == line), "")
    return written.lstrip().startswith(("*", "_"))


def _squashed(text: str) -> str:
    return QUOTE_MARKS.sub(" ", text).strip().lower()


def _plain(text: str) -> str:
    text = LINK_OR_IMAGE.sub(r"\1", text)
    text = TAG_OR_URL.sub(" ", text)
    return EMPHASIS.sub("", text)


def _statements_in(question: Question, said: list[tuple[int, str, str]], per_sentence: list[frozenset[str]],
                   probe: _Probe):
    terms = probe.terms
    in_context = terms.context is not None and _occurs(terms.context, question.heading)
    candidates = (*probe.specific, *(probe.contextual if in_context else ()), *probe.broad)
    asks_how_it_could_be = _occurs(HOW_IT_WOULD_BE_DONE, question.heading)
    for (line, sentence, lowered), words in zip(said, per_sentence):
        if probe.words is not None and probe.words.isdisjoint(words):
            continue
        if terms.exclude is not None and _occurs(terms.exclude, sentence, lowered):  # about something else
            continue
        for candidate in candidates:
            found = _clause_of(candidate, sentence, lowered)
            if found is None:
                continue
            clause, where = found
            used = None if asks_how_it_could_be and ABILITY.search(clause) else _polarity(clause)
            if used is not None and not candidate.broad and failed_attempt(probe.item_id, clause, where, sentence):
                yield Statement(probe.item_id, False, question.number, line, clause[:200], attempt=True)
                break
            if used is False and not _denies(clause, where, line, sentence, question):
                used = None
            if used is None or (candidate.broad and used):
                continue
            yield Statement(probe.item_id, used, question.number, line, clause[:200], candidate.broad)
            break


def failed_attempt(item_id: str, clause: str, where: tuple[int, int], sentence: str) -> bool:
    """The clause says the term's thing was tried and did not succeed: the thing is the subject of a
    failure ("quantization of the model failed", "DVC did not work for us"; not for items whose
    thing fails by design, like tests), or an attempt at it is followed by its failure ("we tried
    X, but it did not work"). A setback that was overcome ("failed at first, then ...") or one
    member's trouble is none."""
    sentence = WHITESPACE.sub(" ", sentence)
    if search_if_possible(RECOVERED, sentence) or INDIVIDUAL.search(clause):
        return False
    start, end = where
    if item_id not in OUTCOME_ITEMS and (_failed_as_subject(clause, start, end) or _failed_with(clause, start)):
        return True
    if not ATTEMPT.search(clause[:start]):
        return False
    if search_if_possible(IN_VAIN, clause[end:]) or FAILED_IN_CLAUSE.search(clause[end:]):
        return True
    at = sentence.find(clause)
    return at >= 0 and bool(FAILED_AFTER_ATTEMPT.search(sentence[at + len(clause):]))


def _failed_as_subject(clause: str, start: int, end: int) -> bool:
    """'Quantization of the model failed': the term's thing is the subject of the failure."""
    if SUBJECT.search(clause[:start]):
        return False
    failure = FAILED_AFTER_SUBJECT.match(clause[end:])
    return bool(failure) and not SUBJECT.search(failure.group("between"))


def _failed_with(clause: str, start: int) -> bool:
    """'Our Hydra setup did not work with the sweeps': the term follows a thing's failure, so it was
    part of the attempt. A person's 'did not work with' ('we did not work with sweeps') is a denial."""
    failure = FAILED_BEFORE_TERM.search(clause[:start])
    return bool(failure) and not PERSON.search(failure.group("subject"))


def _occurs(pattern: LazyPattern, text: str, lowered: str | None = None) -> bool:
    """Whether the pattern matches, compiled and searched only when the text (folded) holds the words it needs."""
    lowered = folded(text) if lowered is None else lowered
    return may_match(pattern.pattern, lowered, pattern.flags) and bool(pattern.search(text))


def _clause_of(candidate: _Candidate, sentence: str, lowered: str) -> tuple[str, tuple[int, int]] | None:
    """The clause holding the term's (first) match and where in it the match is, when the whole
    term occurs in the sentence."""
    if not holds_words(candidate.needs, lowered):
        return None
    parts = candidate.parts
    if not all(p.search(sentence) for p in parts):
        return None
    for clause in _clauses(sentence):
        match = parts[0].search(clause)
        if match:
            return clause, match.span()
    return sentence, parts[0].search(sentence).span()


def negation_governs(clause: str, where: tuple[int, int]) -> bool:
    """Whether the clause's negation denies the term at `where`: the nearest negation before it,
    with nothing between them but the negated verb and a list of objects ("did not use X or Y",
    "neither X nor Y"), or a negated predicate after it whose subject the term is ("X and Y were
    not used"). A coordinated part that starts anything else ("did not use it, and docs/ holds
    the X site", "never set up docs, only X") is outside the negation's scope: no claim."""
    start, end = where
    spans = _negations(clause)
    if any(s < end and e > start for s, e, _ in spans):
        return True  # the term names its own negation
    before = [span for span in spans if span[1] <= start]
    if before and _object_of(clause[before[-1][1]:start]):
        return not DEGREE_AFTER.match(clause[end:])
    after = next((span for span in spans if span[0] >= end), None)
    return (after is not None and after[2]
            and _subject_of(clause[:start], clause[end:after[0]], clause[after[1]:]))


def _negations(clause: str) -> list[tuple[int, int, bool]]:
    """(start, end, negates a predicate) of every negation the clause holds, "not only", "no
    problem" and negations inside relative clauses left out (blanked, positions kept)."""
    blanked = _blank(RELATIVE_NEGATION, _blank(NOT_A_NEGATION, clause))
    return [
        (m.start(), m.end(), bool(PREDICATE_NEGATION.fullmatch(m.group()))) for m in NEGATION.finditer(blanked)
    ]


def _blank(pattern: LazyPattern, text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _object_of(between: str) -> bool:
    """The words from a negation to a term make the term one of the negated verb's objects: in a
    list of objects ("use X, Y or the Z"), or after a list of verbs ("use or implement any Z")."""
    if EXCEPTION.search(between) or TOTALITY.search(between) or _circumstance_of_other_verb(between):
        return False
    parts = COORDINATOR.split(between)
    return len(parts) == 1 or _only_determiners(parts[-1]) or all(_only_verbs(part) for part in parts)


def _circumstance_of_other_verb(between: str) -> bool:
    """The term names where another action was not done, after that action's own object ("could
    not filter those logs in the X dashboard"): a limitation of something used, not its denial.
    An item's own verb ("did not deploy the model on X") keeps the term in the negation."""
    words = [word.lower() for word in WORD.findall(between)]
    place = next((i for i, word in enumerate(words) if word in PLACE_PREPOSITIONS), None)
    if place is None:
        return False
    leading = words[:place]
    infinitive = max((i for i, word in enumerate(leading) if word == "to"), default=-1)   # "unable to group"
    action = [word for word in leading[infinitive + 1:] if word not in LEADING_CONTROL]
    if not action or VERB.fullmatch(action[0]):
        return False
    return any(word not in DETERMINERS for word in action[1:])


def _limitation_of_subject(between: str, after: str) -> bool:
    """An active negated predicate with a verb outside the items' vocabulary says what the term's
    thing cannot do ("the coverage does not mean ...", "the API does not support batches"): the
    thing is there."""
    auxiliary = WORD.findall(between)[-1:]
    verb = WORD.findall(after)[:1]
    if not auxiliary or auxiliary[0].lower() not in ACTIVE_AUXILIARIES or not verb:
        return False
    return not (VERB.fullmatch(verb[0]) or AUXILIARY.fullmatch(verb[0]))


def _subject_of(before: str, between: str, after: str) -> bool:
    """The term heads the clause (possibly in a list) whose predicate the following negation
    negates ("X and Y were not used"), or is its topic, taken up again by a pronoun ("as for X,
    we did not try to implement it")."""
    if EXCEPTION.search(between):
        return False
    if SUBJECT.search(between):
        return not FIRST_PERSON.search(before) and bool(TAKEN_UP.match(after))
    if _limitation_of_subject(between, after):
        return False
    rest = between[:NEGATED_AUXILIARIES.search(between).start()]
    if AUXILIARY.search(rest) or NOT_DONE_BUT_THERE.match(after):
        return False  # "tests for X were written and the API was not tested": another predicate first
    if not COORDINATOR.search(rest):
        return True
    return _only_determiners(before) or (not RELATIVE.search(rest) and _heads_subject(before))


def _heads_subject(before: str) -> bool:
    """The words before a term are the start of the subject it is part of ("however, testing for
    X and Y has not been done", "the unit tests of X and Y were never written"), not a predicate
    that takes the term as its object ("we wrote tests for X and Y was not tested")."""
    return all(word.lower() in DETERMINERS or word.lower() in CONNECTIVES or not _predicate_word(word)
               for word in WORD.findall(before))


def _predicate_word(word: str) -> bool:
    """A word that may be, or belong to, a predicate: a pronoun subject, an auxiliary, a verb of the
    items' vocabulary, or a form in -ed / -ing (kept out when unsure: no claim is the safe side)."""
    return bool(SUBJECT.fullmatch(word) or FIRST_PERSON.fullmatch(word) or AUXILIARY.fullmatch(word)
                or VERB.fullmatch(word) or word.lower().endswith(("ed", "ing")))


def _only_determiners(words: str) -> bool:
    return all(word.lower() in DETERMINERS for word in words.split())


def _only_verbs(words: str) -> bool:
    return all(word.lower() in DETERMINERS or VERB.fullmatch(word) for word in words.split())


@lru_cache(maxsize=1024)
def _clauses(sentence: str) -> tuple[str, ...]:
    """clauses(), once per sentence however many items it names."""
    return tuple(clauses(sentence))


@lru_cache(maxsize=1024)
def _polarity(clause: str) -> bool | None:
    return polarity(clause)


def _weigh(local: list[Statement]) -> list[Statement]:
    """Within one answer, a negation outweighs impersonal mentions and attempts ("we
    experimented with X ... we ended up not merging X")."""
    if any(not s.used and not s.broad for s in local) and any(s.used for s in local):
        return [s for s in local if not s.used or _owned_and_done(s.quote)]
    return local


def _owned_and_done(quote: str) -> bool:
    return bool(FIRST_PERSON.search(quote)) and not search_if_possible(ATTEMPT, quote)
