"""An asyncio client for Alibaba Cloud DashScope Qwen-TTS and Qwen-ASR. Independent of Home
Assistant.

The public surface: the client and its endpoint and bounds, the typed requests and results,
the exceptions, and the few helpers a caller of the client needs: WAV framing of the PCM
it yields and reading a WAV's header (a voice sample), and the names of account voices.
"""

from .bounds import StreamBounds
from .client import DashScopeClient
from .endpoint import REGION_BASE_URLS, Endpoint, Region, URLCredentialsError
from .enrollment import friendly_name, model_for_voice
from .errors import (
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
from .models import (
    DEFAULT_SAMPLE_RATE,
    RECOGNITION_SAMPLE_RATE,
    AccountVoice,
    DesignedVoice,
    RecognitionRequest,
    SpeechSettings,
    Transcript,
    TranscriptionSettings,
    TranscriptUpdate,
    Usage,
    VoiceKind,
)
from .wav import (
    LeadingHeaderStripper,
    WavFormatError,
    WavLayout,
    is_riff,
    parse_wav,
    pcm_to_wav,
    wav_header,
)

__all__ = [
    "DEFAULT_SAMPLE_RATE",
    "RECOGNITION_SAMPLE_RATE",
    "REGION_BASE_URLS",
    "AccountError",
    "AccountVoice",
    "AudioLimitError",
    "AuthError",
    "ContentFilterError",
    "DashScopeClient",
    "DashScopeConnectionError",
    "DashScopeError",
    "DashScopeTimeoutError",
    "DesignedVoice",
    "Endpoint",
    "IncompleteAudioError",
    "InvalidRequestError",
    "LeadingHeaderStripper",
    "ModelNotFoundError",
    "ProtocolError",
    "RateLimitError",
    "RecognitionRequest",
    "Region",
    "SampleError",
    "ServiceError",
    "SpeechSettings",
    "StalledStreamError",
    "StreamBounds",
    "Transcript",
    "TranscriptUpdate",
    "TranscriptionSettings",
    "URLCredentialsError",
    "Usage",
    "VoiceKind",
    "VoiceNotFoundError",
    "WavFormatError",
    "WavLayout",
    "friendly_name",
    "is_riff",
    "model_for_voice",
    "parse_wav",
    "pcm_to_wav",
    "wav_header",
]
