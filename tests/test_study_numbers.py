"""Question 2's study numbers: the group the commit authors are compared with."""

import pytest

from auditor.report.reader import study_numbers

Q2 = "### Question 2\n> **Enter the study number for each member in the group**\n>\n{answer}\n\n### Question 3\n> 42 123456\n"


@pytest.mark.parametrize(("answer", "numbers"), [
    ("> Answer: s123456, S654321", ["s123456", "s654321"]),
    ("s194237, 194246, s194247", ["s194237", "s194246", "s194247"]),  # an s forgotten
    ("12371375, 12590611", ["12371375", "12590611"]),                  # another university's ids
    ("> Answer: we are group 7", []),
    ("see https://example.com/123456789/x", []),
])
def test_question_2_numbers(answer, numbers):
    assert study_numbers(Q2.format(answer=answer))[0] == numbers


def test_question_2_numbers_keep_the_report_line_numbers():
    """Lines are counted as the checklist and the answers count them (a form feed or a Unicode line
    separator inside a line does not start a new one), and commented-out numbers do not count."""
    report = "# Report\fpage two\u2028\n" + Q2.format(answer="<!-- s111111 -->\ns123456\r\ns234567")
    assert study_numbers(report) == (["s123456", "s234567"], 6)
