"""The UI text: en.json is generated from strings.json and every language has every key."""

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.translations_sync import EN, INTEGRATION, rendered_en


def _keys(node: Any, prefix: str = "") -> set[str]:
    if isinstance(node, dict):
        return {k for key, v in node.items() for k in _keys(v, f"{prefix}/{key}")}
    return {prefix}


def test_en_json_is_generated_from_strings_json() -> None:
    assert EN.read_text(encoding="utf-8") == rendered_en(), "run scripts/translations"


@pytest.mark.parametrize(
    "path", sorted((INTEGRATION / "translations").glob("*.json")), ids=lambda p: p.name
)
def test_every_translation_has_every_string(path: Path) -> None:
    english = _keys(json.loads(EN.read_text(encoding="utf-8")))
    assert _keys(json.loads(path.read_text(encoding="utf-8"))) == english
