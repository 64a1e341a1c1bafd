"""A value outside its list is refused naming the choices as a Chinese reader knows them (the vocabulary's
labels, `domain.labels`), never by their codes; the English keeps the codes the API's clients send."""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain import vocabulary
from domain.households.observations.checks import chinese_choices, one_of
from domain.households.observations.problems import Bad

ENUMERATIONS = {name: values for name, values in vars(vocabulary).items()
                if name.isupper() and isinstance(values, tuple) and values and all(isinstance(x, str) for x in values)}


@pytest.mark.parametrize("name", sorted(ENUMERATIONS))
def test_every_enumeration_is_listed_in_chinese_words(name: str) -> None:
    words = chinese_choices(ENUMERATIONS[name])
    assert not re.search(r"[A-Za-z_]", words), (name, words)
    assert len(words.split("、")) == len(ENUMERATIONS[name])


def test_the_refusal_names_the_labels_and_the_english_the_codes() -> None:
    with pytest.raises(Bad) as refused:
        one_of(vocabulary.CARE_LEVELS)("somewhat", date(2025, 8, 1))
    (problem,) = refused.value.problems
    assert problem.message_zh.startswith("必须是以下之一：能自理、部分失能、完全失能")
    assert "independent, partial, full" in problem.message
