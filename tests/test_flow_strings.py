"""Every abort reason, error and step a flow can show is translated in every language.

The reasons are read from the flows' source (AST), so a new ``async_abort(reason=...)``,
``errors["base"] = ...`` or step without its string fails here instead of showing a raw key.
"""

import ast
from dataclasses import dataclass, field
import json
from pathlib import Path
from typing import Any

import pytest

from scripts.translations_sync import INTEGRATION, STRINGS

LANGUAGE_FILES = [STRINGS, *sorted((INTEGRATION / "translations").glob("*.json"))]
MODULES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in INTEGRATION.glob("*.py")}
FLOW_BASES = {"ConfigFlow", "ConfigSubentryFlow", "OptionsFlow", "RepairsFlow"}
# The abort reasons Home Assistant's helpers use when the flow names none.
HELPER_ABORTS = {
    "_async_abort_entries_match": "already_configured",
    "_abort_if_unique_id_configured": "already_configured",
    "_abort_if_unique_id_mismatch": "unique_id_mismatch",
}
UPDATE_AND_ABORT = {"async_update_and_abort", "async_update_reload_and_abort"}


@dataclass
class FlowKeys:
    """What one flow class can show."""

    base: str
    aborts: set[str] = field(default_factory=set)
    errors: set[str] = field(default_factory=set)
    steps: set[str] = field(default_factory=set)


def _constants() -> dict[str, str]:
    """Module-level string constants of the package (``NAME: Final = "value"``)."""
    found: dict[str, str] = {}
    for tree in MODULES.values():
        for node in tree.body:
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            value = getattr(node, "value", None)
            if (
                isinstance(target, ast.Name)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                found[target.id] = value.value
    return found


CONSTANTS = _constants()


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return CONSTANTS.get(node.id)
    return None


def _choices(node: ast.AST) -> set[str]:
    """The strings an expression can be: a constant, or either side of ``a if c else b``."""
    if isinstance(node, ast.IfExp):
        return _choices(node.body) | _choices(node.orelse)
    return {_string(node) or "?"}


def _error_key_functions() -> dict[str, set[str]]:
    """Functions that return an error key (``-> str | None``): name -> the keys they return."""
    found: dict[str, set[str]] = {}
    for tree in MODULES.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and node.returns:
                if ast.unparse(node.returns) != "str | None":
                    continue
                keys = {
                    key
                    for ret in ast.walk(node)
                    if isinstance(ret, ast.Return) and ret.value is not None
                    for key in _choices(ret.value) - {"?"}
                }
                if keys:
                    found[node.name] = keys
    return found


def _called_names(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def _scan_class(cls: ast.ClassDef, base: str, error_functions: dict[str, set[str]]) -> FlowKeys:
    keys = FlowKeys(base)
    methods = {n.name for n in cls.body if isinstance(n, ast.AsyncFunctionDef | ast.FunctionDef)}
    # Error-key helpers reached through the class's own methods or module functions it calls.
    reached = _called_names(cls)
    for name in list(reached):
        for tree in MODULES.values():
            for node in tree.body:
                if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and node.name == name:
                    reached |= _called_names(node)
    for name in reached & set(error_functions):
        keys.errors |= error_functions[name]
    for node in ast.walk(cls):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            kwargs = {kw.arg: kw.value for kw in node.keywords}
            if name == "async_abort":
                keys.aborts.add(_string(kwargs.get("reason")) or "?")
            elif name in HELPER_ABORTS:
                keys.aborts.add(_string(kwargs.get("reason")) or HELPER_ABORTS[name])
            elif name in UPDATE_AND_ABORT:
                if reason := _string(kwargs.get("reason")):
                    keys.aborts.add(reason)
                elif base == "ConfigFlow":
                    # Home Assistant's default depends on the flow's source.
                    if "async_step_reauth" in methods:
                        keys.aborts.add("reauth_successful")
                    if "async_step_reconfigure" in methods:
                        keys.aborts.add("reconfigure_successful")
                else:
                    keys.aborts.add("reconfigure_successful")
            if "step_id" in kwargs:
                keys.steps |= _choices(kwargs["step_id"])
            if isinstance(errors := kwargs.get("errors"), ast.Dict):
                keys.errors |= {v for v in map(_string, errors.values) if v}
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if _string(key) == "base" and (error := _string(value)):
                    keys.errors.add(error)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "errors"
                    and (error := _string(node.value))
                ):
                    keys.errors.add(error)
    return keys


def _subentry_types() -> dict[str, str]:
    """Flow class name -> subentry type, from ``async_get_supported_subentry_types``."""
    types: dict[str, str] = {}
    for tree in MODULES.values():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
                and node.name == "async_get_supported_subentry_types"
            ):
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Dict):
                        for key, value in zip(ret.keys, ret.values, strict=True):
                            if isinstance(value, ast.Name) and (kind := _string(key)):
                                types[value.id] = kind
    return types


def flows() -> dict[str, FlowKeys]:
    """Every flow class of the package and what it can show."""
    error_functions = _error_key_functions()
    found = {}
    for tree in MODULES.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if base := next(iter(bases & FLOW_BASES), None):
                    found[node.name] = _scan_class(node, base, error_functions)
    return found


FLOWS = flows()
SUBENTRY_TYPES = _subentry_types()


def _sections(strings: dict[str, Any], name: str, keys: FlowKeys) -> list[tuple[str, Any]]:
    """Where a flow's strings live: config, config_subentries.<type>, options, or the fix
    flow of every repair issue."""
    if keys.base == "ConfigFlow":
        return [("config", strings.get("config", {}))]
    if keys.base == "OptionsFlow":
        return [("options", strings.get("options", {}))]
    if keys.base == "ConfigSubentryFlow":
        kind = SUBENTRY_TYPES[name]
        return [(f"config_subentries.{kind}", strings["config_subentries"].get(kind, {}))]
    return [
        (f"issues.{issue}.fix_flow", value["fix_flow"])
        for issue, value in strings.get("issues", {}).items()
        if "fix_flow" in value
    ]


def test_the_scan_finds_what_the_flows_are_known_to_show() -> None:
    """The scanner is not vacuous: known reasons of each flow are found."""
    account = next(k for k in FLOWS.values() if k.base == "ConfigFlow")
    assert {"reauth_successful", "reconfigure_successful", "already_configured"} <= account.aborts
    assert {
        "invalid_auth",
        "invalid_auth_endpoint",
        "cannot_connect",
        "unknown",
        "invalid_url",
        "url_has_credentials",
    } <= account.errors
    assert {"user", "endpoint", "reauth_confirm", "reconfigure"} <= account.steps
    profile = FLOWS[next(name for name, kind in SUBENTRY_TYPES.items() if kind == "tts")]
    assert {"reconfigure_successful", "entry_not_loaded"} <= profile.aborts
    assert {"user", "voice"} <= profile.steps
    repair = next(k for k in FLOWS.values() if k.base == "RepairsFlow")
    assert {"profile_removed", "no_voices"} <= repair.aborts
    assert "?" not in {*account.aborts, *account.steps, *profile.aborts, *repair.steps}


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_every_reason_error_and_step_is_translated(path: Path, flow: str) -> None:
    strings = json.loads(path.read_text(encoding="utf-8"))
    keys = FLOWS[flow]
    missing = []
    for where, section in _sections(strings, flow, keys):
        missing += [
            f"{where}.abort.{r}" for r in sorted(keys.aborts - set(section.get("abort", {})))
        ]
        missing += [
            f"{where}.error.{e}" for e in sorted(keys.errors - set(section.get("error", {})))
        ]
        missing += [f"{where}.step.{s}" for s in sorted(keys.steps - set(section.get("step", {})))]
    assert missing == []
