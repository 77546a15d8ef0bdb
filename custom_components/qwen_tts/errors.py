"""DashScope failures as translated Home Assistant errors a user can act on.

Building an error has no side effect: a caller that wants the account to hear of a failure
(its status, reauthentication) calls ``report_failure`` itself.
"""

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from . import dashscope as ds
from .const import DOMAIN
from .coordinator import QwenTTSConfigEntry, refused_key_translation_key
from .dashscope import friendly_name

# Most specific first: StalledStreamError is a DashScopeTimeoutError, which is a
# DashScopeConnectionError; IncompleteAudioError and AudioLimitError are ProtocolErrors.
_TRANSLATION_KEYS: tuple[tuple[type[ds.DashScopeError], str], ...] = (
    (ds.AuthError, "auth_failed"),
    (ds.AccountError, "account_problem"),
    (ds.RateLimitError, "rate_limited"),
    (ds.ContentFilterError, "content_rejected"),
    (ds.VoiceNotFoundError, "voice_not_found"),
    (ds.SampleError, "sample_rejected"),
    (ds.ModelNotFoundError, "model_not_found"),
    (ds.InvalidRequestError, "invalid_request"),
    (ds.ServiceError, "service_error"),
    (ds.IncompleteAudioError, "incomplete_audio"),
    (ds.AudioLimitError, "too_much_audio"),
    (ds.ProtocolError, "unexpected_answer"),
    (ds.StalledStreamError, "audio_stalled"),
    (ds.DashScopeTimeoutError, "timeout"),
    (ds.DashScopeConnectionError, "cannot_connect"),
)


def translation_key_for(err: ds.DashScopeError) -> str:
    """The ``exceptions`` translation key describing a DashScope failure."""
    for error_type, key in _TRANSLATION_KEYS:
        if isinstance(err, error_type):
            return key
    return "unknown_error"


def to_ha_error(
    err: ds.DashScopeError, entry: QwenTTSConfigEntry | None = None
) -> HomeAssistantError:
    """The translated error telling ``err`` (the service's message, code and request id);
    ``entry`` words a refused key for the account's endpoint."""
    if isinstance(err, ds.VoiceNotFoundError) and err.voice:
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
            refused_key_translation_key(entry, "auth_failed")
            if isinstance(err, ds.AuthError)
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
