"""Registry search keys: case- and accent-insensitive, one pattern per word, LIKE wildcards escaped."""

import pytest
from credentials.public.registry import name_patterns, search_key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Zoë  Núñez", "zoe nunez"),
        ("ÁNGEL Ñandú-López", "angel nandu-lopez"),
        ("Straße", "strasse"),
        ("山田 太郎", "山田 太郎"),
        ("\uff3a\uff4f\uff45", "zoe"),  # full-width letters fold too (NFKD)
        ("  ", ""),
    ],
)
def test_names_are_keyed_without_case_accents_or_extra_spaces(written: str, key: str) -> None:
    assert search_key(written) == key


def test_a_query_becomes_one_escaped_pattern_per_word() -> None:
    assert name_patterns("Núñez  ZOË") == ["%nunez%", "%zoe%"]
    assert name_patterns("100%_\\") == ["%100\\%\\_\\\\%"]
    assert name_patterns(None) == [] and name_patterns("   ") == []
