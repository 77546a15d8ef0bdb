"""The account's options: the speech-to-text model, automatic language detection, context."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import (
    CONF_STT_AUTO_LANGUAGE,
    CONF_STT_CONTEXT,
    CONF_STT_MODEL,
)


def _suggested(result: dict, field: str) -> object:
    for key in result["data_schema"].schema:
        if key == field:
            return (key.description or {}).get("suggested_value")
    raise AssertionError(f"no field {field}")


async def test_the_form_starts_from_the_defaults(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(setup_integration.entry_id)

    assert result["type"] is FlowResultType.FORM
    assert _suggested(result, CONF_STT_MODEL) == "qwen3-asr-flash"
    assert _suggested(result, CONF_STT_AUTO_LANGUAGE) is False


@pytest.mark.parametrize(
    "model", ["qwen3-asr-flash-realtime", "qwen3-asr-flash-2026-02-10", "qwen3-asr-flash-us"]
)
async def test_saved_options_reload_the_account_with_them(
    hass: HomeAssistant, setup_integration: MockConfigEntry, model: str
) -> None:
    result = await hass.config_entries.options.async_init(setup_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_STT_MODEL: model, CONF_STT_AUTO_LANGUAGE: True, CONF_STT_CONTEXT: " 客厅, Kitchen "},
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert setup_integration.options == {
        CONF_STT_MODEL: model,
        CONF_STT_AUTO_LANGUAGE: True,
        CONF_STT_CONTEXT: "客厅, Kitchen",
    }
    assert setup_integration.state is ConfigEntryState.LOADED
    again = await hass.config_entries.options.async_init(setup_integration.entry_id)
    assert _suggested(again, CONF_STT_MODEL) == model
    assert _suggested(again, CONF_STT_CONTEXT) == "客厅, Kitchen"


@pytest.mark.parametrize(
    ("user_input", "field", "error"),
    [
        ({CONF_STT_MODEL: "paraformer-v2"}, CONF_STT_MODEL, "unsupported_stt_model"),
        ({CONF_STT_MODEL: "qwen3-tts-flash"}, CONF_STT_MODEL, "unsupported_stt_model"),
        ({CONF_STT_MODEL: "  "}, CONF_STT_MODEL, "unsupported_stt_model"),
        ({CONF_STT_CONTEXT: "x" * 10_001}, CONF_STT_CONTEXT, "context_too_long"),
    ],
)
async def test_bad_options_are_refused_with_their_error_and_kept_in_the_form(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    user_input: dict[str, str],
    field: str,
    error: str,
) -> None:
    result = await hass.config_entries.options.async_init(setup_integration.entry_id)
    data = {CONF_STT_MODEL: "qwen3-asr-flash", CONF_STT_AUTO_LANGUAGE: False, **user_input}
    result = await hass.config_entries.options.async_configure(result["flow_id"], data)

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert _suggested(result, field) == user_input[field]
    assert setup_integration.options == {}
