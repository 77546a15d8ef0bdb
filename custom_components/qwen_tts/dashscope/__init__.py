"""An asyncio client for Alibaba Cloud DashScope Qwen-TTS. Independent of Home Assistant."""

from .client import DashScopeClient
from .endpoint import Endpoint, Region
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

__all__ = [
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
]
