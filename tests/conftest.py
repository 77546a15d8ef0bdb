"""Shared fixtures: Home Assistant's test harness with this custom integration enabled."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let the harness load custom_components/qwen_tts."""
