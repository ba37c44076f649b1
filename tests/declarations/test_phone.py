"""Phone numbers typed in national form skip the parser: the result must be the parser's."""

from hypothesis import given, settings
from hypothesis import strategies as st

from declarations.normalize import _parsed_phone, normalize_phone


# No deadline: the parser's first call loads its metadata, which on a busy machine can take
# longer than hypothesis's 200 ms and fail the test for nothing.
@settings(deadline=None)
@given(st.from_regex(r"0[0-9]{9}", fullmatch=True))
def test_a_national_number_reads_as_the_parser_reads_it(digits):
    assert normalize_phone(digits) == _parsed_phone(digits)


def test_digits_of_other_scripts_still_go_through_the_parser():
    assert normalize_phone("٠٩١٢٣٤٥٦٧٨") == "0912345678"  # Arabic-Indic digits
