"""The scans that refuse a body before it is parsed: bracket depth and unpaired surrogate escapes."""

from __future__ import annotations

import json

import pytest

from api.http.body_limits import has_unpaired_surrogate, json_depth


@pytest.mark.parametrize(
    ("body", "depth"),
    [(b"", 0), (b"1", 0), (b"[]", 1), (b'{"a": [1, {"b": []}]}', 4), (b'"[[[["', 0), (b'["\\"[", [[]]]', 3),
     (b'{"a": "\\\\"}', 1)],
)
def test_json_depth_counts_brackets_outside_strings(body: bytes, depth: int) -> None:
    assert json_depth(body) == depth


@pytest.mark.parametrize(
    ("body", "unpaired"),
    [(b'"plain"', False), (b'"\\ud83d\\ude00"', False), (b'"\\uD83D\\uDE00"', False), (b'"\\\\ud800"', False),
     (b'"\\u00e9"', False), (b'"\\ud800"', True), (b'"\\ude00"', True), (b'"\\ud83d x \\ude00"', True),
     (b'"\\\\\\ud800"', True), (b'"\\ud83d\\ud83d\\ude00"', True)],
)
def test_unpaired_surrogates_are_found_in_escapes(body: bytes, unpaired: bool) -> None:
    assert has_unpaired_surrogate(body) is unpaired


def test_a_full_batch_with_brackets_and_escapes_in_its_texts_is_scanned_right() -> None:
    item = {"observation_id": "x" * 36, "kind": "household.registered", "data": {"members": [{"name": "陈某😀"}] * 5,
            "note": "[{\\\"\\\\" * 20}}
    body = json.dumps({"observations": [item] * 5000}).encode()
    assert json_depth(body) == 6 and not has_unpaired_surrogate(body)
