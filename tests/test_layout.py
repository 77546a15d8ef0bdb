"""Repository promises: the DashScope client is independent of Home Assistant."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re

from awesomeversion import AwesomeVersion
from homeassistant.const import __version__ as ha_version

CLIENT = Path(__file__).parent.parent / "custom_components" / "qwen_tts" / "dashscope"


def test_client_package_never_imports_homeassistant() -> None:
    offenders = []
    for path in sorted(CLIENT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "homeassistant"]
    assert list(CLIENT.rglob("*.py")), "client package missing"
    assert offenders == []


ROOT = CLIENT.parent.parent.parent
# The keys hassfest accepts in a custom integration's manifest (Home Assistant 2026.11 adds
# categories and connectivity), and HACS in hacs.json.
MANIFEST_KEYS = {
    "domain", "name", "integration_type", "config_flow", "mqtt", "zeroconf", "ssdp",
    "bluetooth", "homekit", "dhcp", "usb", "documentation", "issue_tracker", "quality_scale",
    "requirements", "dependencies", "after_dependencies", "codeowners", "loggers", "disabled",
    "iot_class", "single_config_entry", "import_executor", "version", "categories",
    "connectivity",
}  # fmt: skip
HACS_KEYS = {
    "name", "content_in_root", "zip_release", "filename", "hide_default_branch", "country",
    "homeassistant", "render_readme", "hacs", "persistent_directory",
}  # fmt: skip


def test_manifest_has_what_hassfest_requires_and_nothing_else() -> None:
    manifest = json.loads((CLIENT.parent / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) <= MANIFEST_KEYS
    assert manifest["domain"] == "qwen_tts"
    assert manifest["name"] == "Qwen TTS"
    assert AwesomeVersion(manifest["version"]).valid
    # hassfest's order: domain and name first, then the other keys sorted.
    assert list(manifest)[:2] == ["domain", "name"]
    assert list(manifest)[2:] == sorted(list(manifest)[2:])


def test_manifest_files_the_integration_where_core_speech_services_are() -> None:
    """Home Assistant 2026.11 lists ElevenLabs, Fish Audio, ... under AI & voice > Speech,
    reached over the internet; ``loggers`` names third-party libraries, never our package."""
    manifest = json.loads((CLIENT.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["categories"] == ["ai_voice.speech"]
    assert manifest["connectivity"] == ["cloud"]
    assert not [
        logger
        for logger in manifest.get("loggers", [])
        if logger.split(".")[0] in ("custom_components", "qwen_tts")
    ]


def test_license_is_the_one_pyproject_declares() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "Apache-2.0"' in pyproject
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text


def test_requirements_are_exact_pins_the_tests_install() -> None:
    """What Home Assistant installs for the integration is what the tests run with."""
    manifest = json.loads((CLIENT.parent / "manifest.json").read_text(encoding="utf-8"))
    pins = (ROOT / "requirements_test.txt").read_text(encoding="utf-8").splitlines()
    assert all(re.fullmatch(r"[a-z0-9-]+==[0-9.]+", r) for r in manifest["requirements"])
    assert manifest["requirements"]
    assert set(manifest["requirements"]) <= set(pins)


def test_hacs_manifest_names_a_minimum_home_assistant() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert set(hacs) <= HACS_KEYS
    assert hacs["name"] == "Qwen TTS"
    assert AwesomeVersion(hacs["homeassistant"]) <= AwesomeVersion(ha_version)
