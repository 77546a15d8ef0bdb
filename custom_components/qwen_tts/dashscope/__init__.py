"""An asyncio client for Alibaba Cloud DashScope Qwen-TTS. Independent of Home Assistant."""

from .client import DashScopeClient
from .endpoint import Endpoint, Region
from .enrollment import (
    CLONED_PREFIX,
    DESIGN_MODEL,
    DESIGNED_PREFIX,
    ENROLLMENT_MODEL,
    friendly_name,
)
from .errors import (
    AccountError,
    AuthError,
    ContentFilterError,
    DashScopeConnectionError,
    DashScopeError,
    DashScopeTimeoutError,
    InvalidRequestError,
    ModelNotFoundError,
    ProtocolError,
    RateLimitError,
    SampleError,
    ServiceError,
    VoiceNotFoundError,
    error_class_for,
    map_error,
    map_error_body,
)
from .models import (
    AccountVoice,
    DesignedVoice,
    RealtimeSettings,
    SynthesisRequest,
    SynthesisResult,
    VoiceKind,
)
from .realtime import RealtimeSession
from .wav import LeadingHeaderStripper, WavFormatError, pcm_to_wav, repair_wav

__all__ = [
    "CLONED_PREFIX",
    "DESIGNED_PREFIX",
    "DESIGN_MODEL",
    "ENROLLMENT_MODEL",
    "AccountError",
    "AccountVoice",
    "AuthError",
    "ContentFilterError",
    "DashScopeClient",
    "DashScopeConnectionError",
    "DashScopeError",
    "DashScopeTimeoutError",
    "DesignedVoice",
    "Endpoint",
    "InvalidRequestError",
    "LeadingHeaderStripper",
    "ModelNotFoundError",
    "ProtocolError",
    "RateLimitError",
    "RealtimeSession",
    "RealtimeSettings",
    "Region",
    "SampleError",
    "ServiceError",
    "SynthesisRequest",
    "SynthesisResult",
    "VoiceKind",
    "VoiceNotFoundError",
    "WavFormatError",
    "error_class_for",
    "friendly_name",
    "map_error",
    "map_error_body",
    "pcm_to_wav",
    "repair_wav",
]
