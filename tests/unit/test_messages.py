"""Every stable code has a plain-words message in Spanish and English."""

from __future__ import annotations

import pytest

from vcred.errors import ErrorCode
from vcred.messages import message_for
from vcred.verify import Check


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_has_both_languages(code: ErrorCode) -> None:
    spanish, english = message_for(code)
    assert spanish.strip() and english.strip()
    assert spanish != english


@pytest.mark.parametrize("check", list(Check))
def test_every_passed_check_says_what_passed(check: Check) -> None:
    spanish, english = message_for(ErrorCode.OK, check=check.value)
    assert spanish != message_for(ErrorCode.OK)[0]
    assert english.strip()
