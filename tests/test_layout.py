"""Repository promises: the DashScope client is independent of Home Assistant."""

import ast
import json
from pathlib import Path
import re
import tomllib

from awesomeversion import AwesomeVersion
from homeassistant.const import __version__ as ha_version
import yaml

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


# Home Assistant 2026.11's quality scale rules (script/hassfest/quality_scale.py).
QUALITY_RULES = {
    "action-setup", "appropriate-polling", "brands", "common-modules", "config-flow",
    "config-flow-test-coverage", "dependency-transparency", "docs-actions", "docs-conditions",
    "docs-high-level-description", "docs-installation-instructions",
    "docs-removal-instructions", "docs-triggers", "entity-event-setup", "entity-unique-id",
    "has-entity-name", "runtime-data", "test-before-configure", "test-before-setup",
    "unique-config-entry", "action-exceptions", "config-entry-unloading",
    "docs-configuration-parameters", "docs-installation-parameters", "entity-unavailable",
    "integration-owner", "log-when-unavailable", "parallel-updates", "reauthentication-flow",
    "test-coverage", "devices", "diagnostics", "discovery", "discovery-update-info",
    "docs-data-update", "docs-examples", "docs-known-limitations", "docs-supported-devices",
    "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
    "entity-category", "entity-device-class", "entity-disabled-by-default",
    "entity-translations", "exception-translations", "icon-translations",
    "reconfiguration-flow", "repair-issues", "stale-devices", "async-dependency",
    "inject-websession", "strict-typing",
}  # fmt: skip


def test_quality_scale_judges_every_rule_and_says_why_one_is_exempt() -> None:
    rules = yaml.safe_load((CLIENT.parent / "quality_scale.yaml").read_text(encoding="utf-8"))[
        "rules"
    ]
    assert set(rules) == QUALITY_RULES
    for rule, judged in rules.items():
        status = judged if isinstance(judged, str) else judged["status"]
        assert status in ("done", "todo", "exempt"), rule
        if status == "exempt":
            assert judged["comment"].strip(), rule


def test_the_whole_integration_is_strictly_typed() -> None:
    """strict-typing: mypy strict over the package, with no module let off."""
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert mypy["strict"] is True
    assert mypy["files"] == ["custom_components/qwen_tts"]
    assert not [
        o for o in mypy.get("overrides", []) if o.get("strict") is False or o.get("ignore_errors")
    ]


def _github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to ``-``."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_readme_links_and_images_resolve() -> None:
    """Every ``#anchor`` in the README names one of its headings; every image is in the
    repository and small."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # Examples in code (fenced blocks, inline code) are not links.
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    readme = re.sub(r"`[^`\n]*`", "", prose)
    anchors = {_github_anchor(h) for h in re.findall(r"^#+ (.+)$", prose, flags=re.MULTILINE)}
    links = set(re.findall(r"\]\(#([^)]+)\)", readme))
    assert links
    assert sorted(links - anchors) == []
    images = re.findall(r'<img src="([^"]+)"', readme) + re.findall(
        r"!\[[^]]*\]\(([^)]+)\)", readme
    )
    assert images
    for image in images:
        assert (ROOT / image).stat().st_size < 150_000, image


PACKAGE = CLIENT.parent


def _module_name(path: Path) -> str:
    """``coordinator``, ``dashscope.client``, ``dashscope`` (for its ``__init__``)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_imports() -> dict[str, set[str]]:
    """{module: the package's modules it imports}, from relative imports anywhere in the
    file (type-only imports count: they tie the modules together all the same)."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        package = [part for part in package if part]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            base = package[: len(package) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                # ``from . import x`` / ``from .pkg import module`` name a module.
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if sub in modules else target)
        graph[name] = (found & set(modules)) - {name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (``[a, b, a]``), or ``None``."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph[module]):
            if (cycle := visit(imported)) is not None:
                return cycle
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        if (cycle := visit(module)) is not None:
            return cycle
    return None


def test_the_package_imports_one_way() -> None:
    """No module imports one that imports it back (directly or around a circle)."""
    graph = _package_imports()
    assert {"coordinator", "repairs", "errors", "dashscope.client"} <= set(graph)
    assert "coordinator" in graph["repairs"]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_a_cycle_is_found_and_told() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_readme_maps_every_module_of_the_package_once() -> None:
    """The README's "Where things live" has one row per module, and only modules that exist."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Where things live\n", 1)[1].split("\n#", 1)[0]
    listed = re.findall(r"^\| `([\w/]+\.py)` \|", section, flags=re.MULTILINE)
    modules = sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py"))
    assert sorted(listed) == modules
