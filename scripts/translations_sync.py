"""Derive translations/en.json from strings.json, resolving [%key:...%] references as Home
Assistant core does (``scripts/translations`` writes it; tests check it is in sync)."""

import json
from pathlib import Path
import re
import sys
from typing import Any

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "qwen_tts"
STRINGS = INTEGRATION / "strings.json"
EN = INTEGRATION / "translations" / "en.json"
_REF = re.compile(r"\[%key:([a-z0-9_:]+)%\]")

# Home Assistant's common strings referenced as [%key:common::...%].
COMMON = {
    "common::config_flow::data::api_key": "API key",
    "common::config_flow::error::cannot_connect": "Failed to connect",
    "common::config_flow::error::invalid_auth": "Invalid authentication",
    "common::config_flow::error::unknown": "Unexpected error",
    "common::config_flow::abort::already_configured_account": "Account is already configured",
    "common::config_flow::abort::already_configured_service": "Service is already configured",
    "common::config_flow::abort::reauth_successful": "Re-authentication was successful",
    "common::config_flow::abort::reconfigure_successful": "Re-configuration was successful",
    "common::config_flow::title::reauth": "Authentication expired for {name}",
    "common::generic::name": "Name",
    "common::generic::model": "Model",
}


def _lookup(strings: dict[str, Any], key: str) -> str:
    if key in COMMON:
        return COMMON[key]
    node: Any = strings
    for part in key.split("::")[2:] if key.startswith("component::") else key.split("::"):
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(key)
    return node


def _resolve(node: Any, strings: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {k: _resolve(v, strings) for k, v in node.items()}
    if isinstance(node, str):
        return _REF.sub(lambda m: _lookup(strings, m.group(1)), node)
    return node


def rendered_en() -> str:
    """The en.json that strings.json produces."""
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    return json.dumps(_resolve(strings, strings), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if "--write" in sys.argv:
        EN.write_text(rendered_en(), encoding="utf-8")
    else:
        sys.stdout.write(rendered_en())
