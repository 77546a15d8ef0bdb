"""Endpoints: the two regions, a custom base URL, and the realtime URL derived from it."""

import pytest

from custom_components.qwen_tts.dashscope import Endpoint, Region


@pytest.mark.parametrize(
    ("region", "http_base", "ws_url"),
    [
        (
            "intl",
            "https://dashscope-intl.aliyuncs.com/api/v1",
            "wss://dashscope-intl.aliyuncs.com/api-ws/v1/realtime",
        ),
        (
            Region.CN,
            "https://dashscope.aliyuncs.com/api/v1",
            "wss://dashscope.aliyuncs.com/api-ws/v1/realtime",
        ),
    ],
)
def test_a_region_has_its_http_base_and_realtime_url(
    region: str, http_base: str, ws_url: str
) -> None:
    endpoint = Endpoint.for_region(region, "http://ignored.example/api/v1")

    assert (endpoint.http_base, endpoint.ws_url) == (http_base, ws_url)
    assert endpoint.synthesis_url == f"{http_base}/services/aigc/multimodal-generation/generation"
    assert endpoint.customization_url == f"{http_base}/services/audio/tts/customization"


@pytest.mark.parametrize(
    ("base_url", "http_base", "ws_url"),
    [
        (
            " http://127.0.0.1:8765/api/v1/ ",
            "http://127.0.0.1:8765/api/v1",
            "ws://127.0.0.1:8765/api-ws/v1/realtime",
        ),
        (
            "https://ws1.ap-southeast-1.maas.aliyuncs.com/api/v1?x=1",
            "https://ws1.ap-southeast-1.maas.aliyuncs.com/api/v1",
            "wss://ws1.ap-southeast-1.maas.aliyuncs.com/api-ws/v1/realtime",
        ),
    ],
    ids=["http", "https"],
)
def test_a_custom_base_url_is_normalised_and_gives_its_realtime_url(
    base_url: str, http_base: str, ws_url: str
) -> None:
    endpoint = Endpoint.for_region("custom", base_url)

    assert (endpoint.http_base, endpoint.ws_url) == (http_base, ws_url)


@pytest.mark.parametrize("base_url", [None, "", "ftp://host/api/v1", "localhost:8765/api/v1"])
def test_a_custom_region_needs_an_http_base_url(base_url: str | None) -> None:
    with pytest.raises(ValueError):
        Endpoint.for_region("custom", base_url)
