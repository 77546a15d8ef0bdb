"""The rules hassfest (Home Assistant's integration validator, run by HACS) applies to our
strings, translations and services.yaml, restated from ``script/hassfest/translations.py``.
"""

from collections.abc import Iterator
import json
from pathlib import Path
import re
import string
from typing import Any

from homeassistant.helpers import config_validation as cv
import pytest
import voluptuous as vol
import yaml

from scripts.translations_sync import INTEGRATION, STRINGS

LANGUAGE_FILES = [STRINGS, *sorted((INTEGRATION / "translations").glob("*.json"))]
# hassfest's own patterns.
RE_URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
RE_TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
RE_COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
RE_PLACEHOLDER_IN_SINGLE_QUOTES = re.compile(r"'{\w+}'")


def _texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}" if path else key)
    else:
        yield path, node


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda p: p.name)
def test_every_string_passes_hassfests_value_rules(path: Path) -> None:
    """No URLs (they go in description placeholders), no HTML, no quoted or invalid
    placeholders, no surrounding spaces, no combined references."""
    problems = []
    for where, text in _texts(_load(path)):
        if not isinstance(text, str):
            problems.append(f"{where}: not a string")
            continue
        if RE_URL.search(text):
            problems.append(f"{where}: URL")
        try:
            cv.string_with_no_html(text)
        except vol.Invalid:
            problems.append(f"{where}: HTML")
        if RE_PLACEHOLDER_IN_SINGLE_QUOTES.search(text):
            problems.append(f"{where}: quoted placeholder")
        if RE_COMBINED_REFERENCE.search(text):
            problems.append(f"{where}: combined reference")
        if text != text.strip():
            problems.append(f"{where}: surrounding spaces")
        for _, field, _, _ in string.Formatter().parse(text):
            if field and not field.isidentifier():
                problems.append(f"{where}: placeholder {field}")
    assert problems == []


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda p: p.name)
def test_keys_are_translation_keys_where_hassfest_requires_them(path: Path) -> None:
    strings = _load(path)
    keys = [
        *(
            f"selector.{s}.options.{o}"
            for s, v in strings["selector"].items()
            for o in v["options"]
        ),
        *(f"services.{s}.fields.{f}" for s, v in strings["services"].items() for f in v["fields"]),
        *(f"services.{s}" for s in strings["services"]),
        *(f"entity.{p}.{e}" for p, v in strings.get("entity", {}).items() for e in v),
    ]
    assert keys
    assert [k for k in keys if not RE_TRANSLATION_KEY.match(k.rsplit(".", 1)[1])] == []


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda p: p.name)
def test_flows_have_what_hassfest_requires(path: Path) -> None:
    """Every data_description names a field of its step; subentry types have their label
    and their Add button."""
    strings = _load(path)
    flows = [
        ("config", strings["config"]),
        *((f"config_subentries.{k}", v) for k, v in strings["config_subentries"].items()),
        *(
            (f"issues.{k}.fix_flow", v["fix_flow"])
            for k, v in strings["issues"].items()
            if "fix_flow" in v  # a repair without a fix has a title and a description
        ),
    ]
    problems = []
    for where, flow in flows:
        for step_id, step in flow["step"].items():
            extra = set(step.get("data_description", {})) - set(step.get("data", {}))
            problems += [f"{where}.step.{step_id}.data_description.{k}" for k in sorted(extra)]
    for kind, flow in strings["config_subentries"].items():
        if not flow.get("entry_type") or not flow.get("initiate_flow", {}).get("user"):
            problems.append(f"config_subentries.{kind}: entry_type / initiate_flow.user")
    assert problems == []


def test_services_yaml_selectors_name_translated_options() -> None:
    """A select with a ``translation_key`` has a label for each of its options, and every
    field has a name and description in strings.json."""
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))
    strings = _load(STRINGS)
    problems = []
    for service, spec in services.items():
        texts = strings["services"].get(service)
        if texts is None:
            problems.append(f"services.{service}")
            continue
        for field, field_spec in (spec.get("fields") or {}).items():
            if field not in texts["fields"]:
                problems.append(f"services.{service}.fields.{field}")
            select = (field_spec.get("selector") or {}).get("select") or {}
            if key := select.get("translation_key"):
                options = {str(o) for o in select["options"]}
                missing = options - set(strings["selector"][key]["options"])
                problems += [f"selector.{key}.options.{o}" for o in sorted(missing)]
            elif "select" in (field_spec.get("selector") or {}):
                problems.append(f"{service}.{field}: select without translation_key")
    assert problems == []
