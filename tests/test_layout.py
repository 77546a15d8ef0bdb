"""Repository promises: the DashScope client is independent of Home Assistant."""

from __future__ import annotations

import ast
from pathlib import Path

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
