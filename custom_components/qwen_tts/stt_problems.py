"""Why a command was not recognised, in words a user can act on, logged once per cause.

Home Assistant shows only its fixed "speech-to-text failed" text for an error result, so the
log line is where the reason is told. A cause that repeats (every command rate limited) is
logged once at warning level, then at debug level until a command succeeds again.
"""

from .const import LOGGER
from .dashscope import (
    AccountError,
    AuthError,
    DashScopeConnectionError,
    DashScopeError,
    DashScopeTimeoutError,
    ModelNotFoundError,
    ProtocolError,
    RateLimitError,
    ServiceError,
)
from .stt_recognition import AudioStalledError, Command

# Most specific first: DashScopeTimeoutError is a DashScopeConnectionError.
_ADVICE: tuple[tuple[type[DashScopeError], str, str], ...] = (
    (
        AuthError,
        "auth",
        (
            "DashScope refused the API key of %s (%s); re-enter the key in the repair "
            "that was started for the account"
        ),
    ),
    (
        RateLimitError,
        "rate_limited",
        (
            "DashScope is rate limiting speech recognition for %s (%s); wait a minute, or raise "
            "the account's limits in Model Studio"
        ),
    ),
    (
        AccountError,
        "account",
        (
            "The DashScope account of %s cannot use speech recognition (%s); check its billing "
            "and that the model is activated in Model Studio"
        ),
    ),
    (
        ModelNotFoundError,
        "model",
        (
            "%s: the speech-to-text model is not available in this region (%s); choose another "
            "one in the account's options"
        ),
    ),
    (
        DashScopeTimeoutError,
        "timeout",
        (
            "Speech recognition for %s did not finish in time (%s); check the network, or try "
            "again later"
        ),
    ),
    (
        DashScopeConnectionError,
        "unreachable",
        "Could not reach DashScope for speech recognition of %s (%s); check the network",
    ),
    (
        ProtocolError,
        "broken",
        (
            "DashScope's answer to speech recognition for %s broke off or could not be read "
            "(%s); try again, and check the network if it keeps happening"
        ),
    ),
    (
        ServiceError,
        "server_error",
        (
            "DashScope failed to recognise speech for %s (%s); it is usually temporary, try "
            "again later"
        ),
    ),
)
_OTHER = "DashScope refused the speech recognition request of %s (%s)"


class Problems:
    """The recognition failures of one account, each cause logged once until a success."""

    def __init__(self, name: str) -> None:
        """Nothing logged yet; ``name`` is the account as users see it."""
        self._name = name
        self._logged: set[str] = set()

    def _log(self, cause: str, message: str, *args: object) -> None:
        if cause in self._logged:
            LOGGER.debug(message, *args)
            return
        self._logged.add(cause)
        LOGGER.warning(message, *args)

    def failed(self, err: DashScopeError, model: str) -> None:
        """A request failed (the error's text never holds the API key)."""
        for error_type, cause, advice in _ADVICE:
            if isinstance(err, error_type):
                self._log(cause, advice + " [model %s]", self._name, err, model)
                return
        self._log("refused", _OTHER + " [model %s]", self._name, err, model)

    def audio_stalled(self, err: AudioStalledError) -> None:
        """Home Assistant's audio stream stopped without ending (the microphone went away)."""
        self._log(
            "stalled",
            "The voice command's audio for %s stopped arriving (%s); check the satellite's "
            "connection and microphone",
            self._name,
            err,
        )

    def nothing_heard(self, command: Command) -> None:
        """The service recognised no words (silence, or noise only)."""
        self._log(
            "nothing_heard",
            "No speech was recognised in %.1f s of audio for %s; speak closer to the "
            "microphone, or check the satellite's microphone and the pipeline's language (%s)",
            command.seconds,
            self._name,
            command.language or "detected automatically",
        )

    def truncated(self, command: Command) -> None:
        """The command was longer than the cap: only its start was recognised."""
        self._log(
            "truncated",
            "The voice command for %s was longer than %d s; only its first %d s were recognised",
            self._name,
            command.max_seconds,
            command.max_seconds,
        )

    def unsupported_language(self, language: str) -> None:
        """A language the service does not recognise reached the entity."""
        self._log(
            "language",
            "Qwen speech recognition does not support the language %r (%s); choose one of "
            "the languages the speech-to-text entity lists",
            language,
            self._name,
        )

    def recovered(self) -> None:
        """A command was recognised: the next failure is worth a warning again."""
        self._logged.clear()
