"""DashScope failures as translated Home Assistant errors a user can act on."""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import CONF_REGION, DOMAIN
from .dashscope import (
    AccountError,
    AudioLimitError,
    AuthError,
    ContentFilterError,
    DashScopeConnectionError,
    DashScopeError,
    DashScopeTimeoutError,
    IncompleteAudioError,
    InvalidRequestError,
    ModelNotFoundError,
    ProtocolError,
    RateLimitError,
    SampleError,
    ServiceError,
    StalledStreamError,
    VoiceNotFoundError,
)
from .dashscope.endpoint import Region
from .dashscope.enrollment import friendly_name

# Most specific first: StalledStreamError is a DashScopeTimeoutError, which is a
# DashScopeConnectionError; IncompleteAudioError and AudioLimitError are ProtocolErrors.
_TRANSLATION_KEYS: tuple[tuple[type[DashScopeError], str], ...] = (
    (AuthError, "auth_failed"),
    (AccountError, "account_problem"),
    (RateLimitError, "rate_limited"),
    (ContentFilterError, "content_rejected"),
    (VoiceNotFoundError, "voice_not_found"),
    (SampleError, "sample_rejected"),
    (ModelNotFoundError, "model_not_found"),
    (InvalidRequestError, "invalid_request"),
    (ServiceError, "service_error"),
    (IncompleteAudioError, "incomplete_audio"),
    (AudioLimitError, "too_much_audio"),
    (ProtocolError, "unexpected_answer"),
    (StalledStreamError, "audio_stalled"),
    (DashScopeTimeoutError, "timeout"),
    (DashScopeConnectionError, "cannot_connect"),
)


def translation_key_for(err: DashScopeError) -> str:
    """The ``exceptions`` translation key describing a DashScope failure."""
    for error_type, key in _TRANSLATION_KEYS:
        if isinstance(err, error_type):
            return key
    return "unknown_error"


def refused_key_key(entry: ConfigEntry | None, key: str) -> str:
    """``key`` for a refused API key, or its ``_endpoint`` variant for an account on a custom
    endpoint, which has no region to point at."""
    if entry is not None and entry.data.get(CONF_REGION) == Region.CUSTOM:
        return f"{key}_endpoint"
    return key


def report_failure(hass: HomeAssistant, entry: ConfigEntry, err: DashScopeError) -> None:
    """Show a failure in the account's status; a refused key starts reauthentication, a
    refused voice reloads the account's voices."""
    if (runtime := getattr(entry, "runtime_data", None)) is not None:
        runtime.status.report(err)
        if isinstance(err, VoiceNotFoundError):
            # The voice may be gone: reload the voices now, so that the profiles and
            # voice assistants using it get their repair at once.
            entry.async_create_task(hass, runtime.voices.async_request_refresh())
    if isinstance(err, AuthError):
        entry.async_start_reauth(hass)


def report_success(entry: ConfigEntry) -> None:
    """Show in the account's status that the service answered."""
    if (runtime := getattr(entry, "runtime_data", None)) is not None:
        runtime.status.report()


def to_ha_error(
    err: DashScopeError,
    hass: HomeAssistant | None = None,
    entry: ConfigEntry | None = None,
) -> HomeAssistantError:
    """Translate a DashScope error; with the account, also report it (its status, and a
    refused key starts reauthentication)."""
    if hass is not None and entry is not None:
        report_failure(hass, entry, err)
    if isinstance(err, VoiceNotFoundError) and err.voice:
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="voice_gone",
            translation_placeholders={
                "voice": friendly_name(err.voice),
                "message": err.message,
                "code": err.code or "-",
                "request_id": err.request_id or "-",
            },
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=(
            refused_key_key(entry, "auth_failed")
            if isinstance(err, AuthError)
            else translation_key_for(err)
        ),
        translation_placeholders={
            "message": err.message,
            "code": err.code or "-",
            "request_id": err.request_id or "-",
        },
    )


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """A translated refusal of a call's input (keys under ``exceptions`` in strings.json)."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )
