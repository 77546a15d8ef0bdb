"""The account's options: how its speech-to-text entity listens."""

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)
import probatio

from .const import CONF_STT_AUTO_LANGUAGE, CONF_STT_CONTEXT, CONF_STT_MODEL
from .stt_catalogue import DEFAULT_STT_MODEL, STT_MODEL_PREFIX, STT_MODELS

# The service reads at most 10,000 tokens of context; a character is at most one token.
MAX_CONTEXT_CHARS = 10_000

_MODEL_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=list(STT_MODELS),
        mode=SelectSelectorMode.DROPDOWN,
        custom_value=True,
        translation_key=CONF_STT_MODEL,
    )
)
_CONTEXT_SELECTOR = TextSelector(TextSelectorConfig(multiline=True))


class AccountOptionsFlow(OptionsFlow):
    """Speech-to-text model, automatic language detection and context text."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form; a model outside the qwen3-asr-flash family or a too long context is
        refused with its own error."""
        errors: dict[str, str] = {}
        if user_input is not None:
            model = user_input[CONF_STT_MODEL].strip()
            context = user_input.get(CONF_STT_CONTEXT, "").strip()
            if not model.startswith(STT_MODEL_PREFIX):
                errors[CONF_STT_MODEL] = "unsupported_stt_model"
            elif len(context) > MAX_CONTEXT_CHARS:
                errors[CONF_STT_CONTEXT] = "context_too_long"
            else:
                return self.async_create_entry(
                    data={
                        **self.config_entry.options,
                        CONF_STT_MODEL: model,
                        CONF_STT_AUTO_LANGUAGE: user_input[CONF_STT_AUTO_LANGUAGE],
                        CONF_STT_CONTEXT: context,
                    }
                )
        current = {
            CONF_STT_MODEL: DEFAULT_STT_MODEL,
            CONF_STT_AUTO_LANGUAGE: False,
            **self.config_entry.options,
            **(user_input or {}),
        }
        schema = probatio.Schema(
            {
                probatio.Required(CONF_STT_MODEL): _MODEL_SELECTOR,
                probatio.Required(CONF_STT_AUTO_LANGUAGE): BooleanSelector(),
                probatio.Optional(CONF_STT_CONTEXT): _CONTEXT_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, current),
            errors=errors,
        )
