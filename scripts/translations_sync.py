"""Derive translations/en.json from strings.json, resolving [%key:...%] references as Home
Assistant core does (``scripts/translations`` writes it; tests check it is in sync).

``[%key:common::...%]`` reads Home Assistant's own common strings (``homeassistant/strings.json``
of the installed release), so a reference to a key core does not have fails here with KeyError.
"""

from importlib.resources import files
import json
from pathlib import Path
import re
import sys
from typing import Any

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "qwen_tts"
STRINGS = INTEGRATION / "strings.json"
EN = INTEGRATION / "translations" / "en.json"
_REF = re.compile(r"\[%key:([a-z0-9_:]+)%\]")


def _lookup(strings: dict[str, Any], core: dict[str, Any], key: str) -> str:
    if key.startswith("component::"):
        node: Any = strings
        parts = key.split("::")[2:]
    else:
        node = core
        parts = key.split("::")
    for part in parts:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, str):
        raise KeyError(f"[%key:{key}%] names no string")
    return node


def _resolve(node: Any, strings: dict[str, Any], core: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {k: _resolve(v, strings, core) for k, v in node.items()}
    if isinstance(node, str):
        return _REF.sub(lambda m: _lookup(strings, core, m.group(1)), node)
    return node


def rendered_en() -> str:
    """The en.json that strings.json produces."""
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    core = json.loads((files("homeassistant") / "strings.json").read_text(encoding="utf-8"))
    return json.dumps(_resolve(strings, strings, core), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if "--write" in sys.argv:
        EN.write_text(rendered_en(), encoding="utf-8")
    else:
        sys.stdout.write(rendered_en())
