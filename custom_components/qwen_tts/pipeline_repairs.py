"""Repairs: a voice assistant (Assist pipeline) that speaks with an account voice that is gone.

A pipeline keeps the voice id it was given (``tts_voice``). When that cloned or designed voice
is deleted (here, in the Model Studio console, or by Alibaba Cloud after a year without use),
every answer of the assistant fails to speak. Home Assistant offers no way for an integration
to change a pipeline from a repair's fix flow that it would show for this, so the repair says
which assistant and which voice, and where to pick another one; it goes away by itself once
the assistant has another voice (checked whenever the account's voices are reloaded: at
startup, every 30 minutes, after a voice action, and at once when a synthesis is refused for
its voice).
"""

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .coordinator import AccountVoicesCoordinator, QwenTTSConfigEntry
from .dashscope import friendly_name, model_for_voice
from .entity import profile_entity_ids
from .repairs import account_issues

ISSUE_PIPELINE_VOICE = "pipeline_voice"
ASSIST_PIPELINE = "assist_pipeline"


@callback
def async_update_pipeline_issues(
    hass: HomeAssistant, entry: QwenTTSConfigEntry, voices: AccountVoicesCoordinator | None
) -> None:
    """Raise a repair issue for each voice assistant that speaks with one of ``entry``'s
    profiles and a cloned or designed voice the account no longer has; withdraw the others.
    ``voices`` ``None``: the account is unloaded, all its issues are withdrawn."""
    wanted: dict[str, dict[str, str]] = {}
    if voices is not None and ASSIST_PIPELINE in hass.config.components:
        # Imported only when Assist is set up: it is not a dependency of the integration.
        from homeassistant.components.assist_pipeline import (  # noqa: PLC0415
            async_get_pipelines,
        )

        engines = set(profile_entity_ids(hass, entry.entry_id))
        for pipeline in async_get_pipelines(hass):
            voice = pipeline.tts_voice
            if (
                pipeline.tts_engine in engines
                and voice
                and model_for_voice(voice) is not None
                and voices.find(voice) is None
            ):
                wanted[f"{ISSUE_PIPELINE_VOICE}_{pipeline.id}"] = {
                    "pipeline": pipeline.name,
                    "voice": friendly_name(voice),
                    "engine": str(pipeline.tts_engine),
                }
    for issue_id in account_issues(hass, entry.entry_id, ISSUE_PIPELINE_VOICE):
        if issue_id not in wanted:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    for issue_id, placeholders in wanted.items():
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            data={"entry_id": entry.entry_id},
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_PIPELINE_VOICE,
            translation_placeholders=placeholders,
        )
