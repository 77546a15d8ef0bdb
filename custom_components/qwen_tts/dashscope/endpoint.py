"""DashScope regions and endpoint URLs."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

REALTIME_PATH = "/api-ws/v1/realtime"


class URLCredentialsError(ValueError):
    """A base URL carrying a user name or password (DashScope only takes the API key)."""


class Region(StrEnum):
    """The regions the integration offers."""

    INTL = "intl"
    CN = "cn"
    CUSTOM = "custom"


REGION_BASE_URLS: dict[Region, str] = {
    Region.INTL: "https://dashscope-intl.aliyuncs.com/api/v1",
    Region.CN: "https://dashscope.aliyuncs.com/api/v1",
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where to reach DashScope: the HTTP API base and the realtime WebSocket URL."""

    http_base: str

    @classmethod
    def for_region(cls, region: Region | str, base_url: str | None = None) -> Endpoint:
        """Return the endpoint of a region, or of a custom HTTP base URL."""
        region = Region(region)
        if region is Region.CUSTOM:
            if not base_url:
                raise ValueError("a custom region needs a base URL")
            return cls.from_base_url(base_url)
        return cls(REGION_BASE_URLS[region])

    @classmethod
    def from_base_url(cls, base_url: str) -> Endpoint:
        """Validate and normalise an HTTP(S) base URL such as ``https://host/api/v1``."""
        base_url = base_url.strip()
        if any(char.isspace() or not char.isprintable() for char in base_url):
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        _ = parts.port  # raises ValueError for a port that is not a number from 0 to 65535
        if parts.username is not None or parts.password is not None:
            # DashScope authenticates with the API key only; credentials would leak into
            # titles and diagnostics.
            raise URLCredentialsError("a base URL must not carry a user name or password")
        path = parts.path.rstrip("/")
        return cls(urlunsplit((parts.scheme, parts.netloc, path, "", "")))

    @property
    def ws_url(self) -> str:
        """The realtime WebSocket URL derived from the HTTP base (http->ws, https->wss)."""
        parts = urlsplit(self.http_base)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return urlunsplit((scheme, parts.netloc, REALTIME_PATH, "", ""))

    @property
    def synthesis_url(self) -> str:
        """HTTP synthesis (non-streaming and SSE)."""
        return f"{self.http_base}/services/aigc/multimodal-generation/generation"

    @property
    def recognition_url(self) -> str:
        """Synchronous speech recognition (the same generation URL as HTTP synthesis)."""
        return self.synthesis_url

    @property
    def customization_url(self) -> str:
        """Voice enrollment and voice design."""
        return f"{self.http_base}/services/audio/tts/customization"
