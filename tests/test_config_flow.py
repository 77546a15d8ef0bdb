"""The account flow: region and key, custom endpoint, reauth and reconfigure, over the emulator."""

from collections.abc import AsyncIterator
import json
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.config_flow import account_title
from custom_components.qwen_tts.const import (
    CONF_BASE_URL,
    CONF_REGION,
    DEFAULT_PROFILE,
    DEFAULT_PROFILE_NAME,
    DOMAIN,
    SUBENTRY_TTS,
)
from custom_components.qwen_tts.dashscope import Region
from custom_components.qwen_tts.dashscope.endpoint import REGION_BASE_URLS
from scripts.translations_sync import INTEGRATION, STRINGS

from .emulator import DashScopeEmulator
from .service_failures import failure_cases

# The account flow's text in strings.json and every translation, by file name.
CONFIG_TEXTS = {
    path.name: json.loads(path.read_text(encoding="utf-8"))["config"]
    for path in [STRINGS, *sorted((INTEGRATION / "translations").glob("*.json"))]
}

LIST_ONE = {"action": "list", "page_index": 0, "page_size": 1}


@pytest.fixture
def regions_on_emulator(monkeypatch: pytest.MonkeyPatch, emulator: DashScopeEmulator) -> None:
    """Singapore and Beijing reached at the emulator (the real hosts are out of reach)."""
    monkeypatch.setitem(REGION_BASE_URLS, Region.INTL, emulator.base_url)
    monkeypatch.setitem(REGION_BASE_URLS, Region.CN, emulator.base_url)


@pytest.fixture
async def other_emulator() -> AsyncIterator[DashScopeEmulator]:
    """A second endpoint that accepts the same key."""
    emu = DashScopeEmulator(api_key="demo-key")
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


def key_checks(emu: DashScopeEmulator) -> list[Any]:
    """The key checks the emulator received (free enrollment lists of one voice)."""
    return [r for r in emu.requests_of("enrollment") if r.body and r.body["input"] == LIST_ONE]


def suggested(result: dict[str, Any], field: str) -> Any:
    """The value a form shows prefilled in ``field`` (suggested, else default)."""
    for marker in result["data_schema"].schema:
        if marker.schema == field:
            if marker.description and "suggested_value" in marker.description:
                return marker.description["suggested_value"]
            return marker.default() if callable(marker.default) else None
    raise KeyError(field)


async def start(hass: HomeAssistant) -> dict[str, Any]:
    return await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})


async def submit(hass: HomeAssistant, result: dict[str, Any], **data: Any) -> dict[str, Any]:
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


async def custom_account(
    hass: HomeAssistant, base_url: str, api_key: str = "demo-key"
) -> dict[str, Any]:
    """Run the user step with ``custom`` and submit ``base_url`` on the endpoint step."""
    result = await submit(hass, await start(hass), region="custom", api_key=api_key)
    assert result["step_id"] == "endpoint"
    return await submit(hass, result, base_url=base_url)


# -- user + endpoint ---------------------------------------------------------------------------


async def test_first_form_asks_region_and_key(hass: HomeAssistant) -> None:
    result = await start(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    assert [m.schema for m in result["data_schema"].schema] == [CONF_REGION, CONF_API_KEY]
    assert suggested(result, CONF_REGION) == "intl"


async def test_custom_region_asks_for_the_endpoint(hass: HomeAssistant) -> None:
    result = await submit(hass, await start(hass), region="custom", api_key="demo-key")

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "endpoint"
    assert [m.schema for m in result["data_schema"].schema] == [CONF_BASE_URL]


async def test_custom_endpoint_creates_the_account_with_its_default_profile(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    result = await custom_account(hass, emulator.base_url)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Qwen TTS (127.0.0.1)"
    assert result["data"] == {
        CONF_REGION: "custom",
        CONF_API_KEY: "demo-key",
        CONF_BASE_URL: emulator.base_url,
    }
    entry = result["result"]
    [profile] = entry.subentries.values()
    assert profile.subentry_type == SUBENTRY_TTS
    assert profile.title == DEFAULT_PROFILE_NAME
    assert dict(profile.data) == DEFAULT_PROFILE


async def test_key_is_checked_with_one_free_enrollment_list(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    await custom_account(hass, emulator.base_url)

    [check] = key_checks(emulator)
    assert check.body == {"model": "qwen-voice-enrollment", "input": LIST_ONE}
    assert check.headers["Authorization"] == "Bearer demo-key"
    assert emulator.requests_of("synthesis") == []
    assert emulator.requests_of("synthesis_stream") == []
    assert emulator.requests_of("realtime") == []


async def test_created_account_loads(hass: HomeAssistant, emulator: DashScopeEmulator) -> None:
    result = await custom_account(hass, emulator.base_url)
    await hass.async_block_till_done()

    assert result["result"].state is ConfigEntryState.LOADED


async def test_pasted_key_and_url_are_trimmed(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    result = await custom_account(hass, f" {emulator.base_url}/ \n", api_key=" demo-key\n")

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_API_KEY] == "demo-key"
    assert result["data"][CONF_BASE_URL] == emulator.base_url


@pytest.mark.usefixtures("regions_on_emulator")
@pytest.mark.parametrize(
    ("region", "title"), [("intl", "Qwen TTS (Singapore)"), ("cn", "Qwen TTS (Beijing)")]
)
async def test_region_account_is_titled_by_region(
    hass: HomeAssistant, emulator: DashScopeEmulator, region: str, title: str
) -> None:
    result = await submit(hass, await start(hass), region=region, api_key="demo-key")

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["data"] == {CONF_REGION: region, CONF_API_KEY: "demo-key"}
    assert len(key_checks(emulator)) == 1


@pytest.mark.usefixtures("regions_on_emulator")
async def test_custom_url_of_a_region_is_stored_as_that_region(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    result = await custom_account(hass, emulator.base_url)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_REGION: "intl", CONF_API_KEY: "demo-key"}
    assert result["title"] == "Qwen TTS (Singapore)"


async def test_url_with_credentials_is_refused_on_the_field(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    base_url = emulator.base_url.replace("http://", "http://user:secret@")
    result = await custom_account(hass, base_url)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "endpoint"
    assert result["errors"] == {CONF_BASE_URL: "url_has_credentials"}
    assert key_checks(emulator) == []


@pytest.mark.parametrize("language", CONFIG_TEXTS)
async def test_endpoint_form_shows_its_example_addresses_in_every_language(
    hass: HomeAssistant, language: str
) -> None:
    """The example URLs come as placeholders (translations carry no URLs), and every
    placeholder of the form's help and errors is filled."""
    result = await submit(hass, await start(hass), region="custom", api_key="demo-key")
    config = CONFIG_TEXTS[language]

    help_text = config["step"]["endpoint"]["data_description"]["base_url"]
    shown = help_text.format(**result["description_placeholders"])
    assert "https://WORKSPACE.ap-southeast-1.maas.aliyuncs.com/api/v1" in shown
    assert "http://127.0.0.1:8765/api/v1" in shown
    for error in ("invalid_url", "url_has_credentials", "cannot_connect"):
        assert "{" not in config["error"][error].format(**result["description_placeholders"])


@pytest.mark.parametrize("language", CONFIG_TEXTS)
def test_a_key_refused_by_a_custom_endpoint_is_not_blamed_on_a_region(language: str) -> None:
    message = CONFIG_TEXTS[language]["error"]
    assert "region" not in message["invalid_auth_endpoint"].lower()
    assert "地域" not in message["invalid_auth_endpoint"]
    assert message["invalid_auth_endpoint"] != message["invalid_auth"]


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://127.0.0.1/api/v1",
        "127.0.0.1:8765/api/v1",
        "http://",
    ],
)
async def test_bad_url_is_refused_on_the_field(
    hass: HomeAssistant, emulator: DashScopeEmulator, base_url: str
) -> None:
    result = await custom_account(hass, base_url)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "endpoint"
    assert result["errors"] == {CONF_BASE_URL: "invalid_url"}
    assert suggested(result, CONF_BASE_URL) == base_url.strip()
    assert key_checks(emulator) == []


async def test_corrected_url_creates_the_account(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    result = await custom_account(hass, "not a url")
    result = await submit(hass, result, base_url=emulator.base_url)

    assert result["type"] is FlowResultType.CREATE_ENTRY


async def region_account(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    request: pytest.FixtureRequest,
    region: str,
    api_key: str = "demo-key",
) -> dict[str, Any]:
    """The first form submitted with ``region``: a region is reached at the emulator,
    ``custom`` goes on to submit the emulator's URL on the endpoint step."""
    if region == Region.CUSTOM:
        return await custom_account(hass, emulator.base_url, api_key=api_key)
    request.getfixturevalue("regions_on_emulator")
    return await submit(hass, await start(hass), region=region, api_key=api_key)


@pytest.mark.parametrize(
    ("region", "error"),
    [
        pytest.param("intl", "invalid_auth", id="region: refused key -> first form, invalid_auth"),
        pytest.param(
            "custom",
            "invalid_auth_endpoint",
            id="custom endpoint: refused key -> first form, invalid_auth_endpoint",
        ),
    ],
)
async def test_a_refused_key_goes_back_to_the_first_form(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    request: pytest.FixtureRequest,
    region: str,
    error: str,
) -> None:
    result = await region_account(hass, emulator, request, region, api_key="sk-wrong")

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    assert suggested(result, CONF_REGION) == region


async def test_corrected_key_keeps_the_entered_endpoint(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    result = await custom_account(hass, emulator.base_url, api_key="sk-wrong")
    result = await submit(hass, result, region="custom", api_key="demo-key")

    assert result["step_id"] == "endpoint"
    assert suggested(result, CONF_BASE_URL) == emulator.base_url
    result = await submit(hass, result, base_url=emulator.base_url)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_API_KEY] == "demo-key"


async def test_unreachable_endpoint_is_cannot_connect(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    await emulator.stop()
    url = emulator.base_url
    result = await custom_account(hass, url)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "endpoint"
    assert result["errors"] == {"base": "cannot_connect"}
    assert suggested(result, CONF_BASE_URL) == url


@pytest.mark.usefixtures("regions_on_emulator")
async def test_unreachable_region_is_cannot_connect_on_the_first_form(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    await emulator.stop()
    result = await submit(hass, await start(hass), region="cn", api_key="demo-key")

    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "cannot_connect"}


@failure_cases(
    (500, "InternalError", "cannot_connect"),
    (503, "ServiceUnavailable", "cannot_connect"),
    (429, "Throttling.RateQuota", "cannot_connect"),
    (403, "AccessDenied", "account_problem"),
    (400, "Arrearage", "account_problem"),
    (403, "Model.AccessDenied", "account_problem"),
    names=("status", "code", "error"),
)
async def test_a_failed_key_check_says_what_to_do(
    hass: HomeAssistant, emulator: DashScopeEmulator, *, status: int, code: str, error: str
) -> None:
    """A 5xx or throttled answer means "try again later", like an unreachable service; an
    account that may not use the service is told so."""
    emulator.fail_next(status, code, "the service said no")
    result = await custom_account(hass, emulator.base_url)

    assert result["errors"] == {"base": error}


async def test_service_recovering_lets_the_user_retry(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    emulator.fail_next(503, "ServiceUnavailable", "busy")
    result = await custom_account(hass, emulator.base_url)
    result = await submit(hass, result, base_url=emulator.base_url)

    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    "api_key",
    [
        "sk-abc\ndef",
        "sk-abc\r\ndef",
        "sk-abc\tdef",
        "sk-abc\x00def",
        "sk-abc\x7fdef",
        "sk-abc def",
        "sk-\uff41bc",  # a full-width letter
        "sk-abc\u200bdef",  # a zero-width space
    ],
    ids=["newline", "crlf", "tab", "nul", "del", "space", "full-width", "zero-width"],
)
async def test_a_key_with_characters_no_key_has_is_invalid_auth_without_a_request(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    caplog: pytest.LogCaptureFixture,
    api_key: str,
) -> None:
    result = await custom_account(hass, emulator.base_url, api_key=api_key)

    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "invalid_auth_endpoint"}
    assert key_checks(emulator) == []
    assert not [r for r in caplog.records if r.exc_info and "qwen_tts" in r.name]


@pytest.mark.usefixtures("regions_on_emulator")
@pytest.mark.parametrize("api_key", ["sk-abc\ndef", "sk-abc\x1bdef", "sk-abc\u00e9"])
async def test_a_key_with_characters_no_key_has_is_invalid_auth_in_a_region(
    hass: HomeAssistant, emulator: DashScopeEmulator, api_key: str
) -> None:
    result = await submit(hass, await start(hass), region="intl", api_key=api_key)

    assert result["errors"] == {"base": "invalid_auth"}
    assert key_checks(emulator) == []


@pytest.mark.parametrize(
    ("path", "web_page", "error"),
    [
        pytest.param(path, web_page, error, id=f"{what} -> {error}")
        for what, path, web_page, error in [
            ("http://host:port", "", False, "url_missing_api_path"),
            ("http://host:port/", "/", False, "url_missing_api_path"),
            ("/v1", "/v1", False, "url_not_dashscope"),
            ("/api/v2", "/api/v2", False, "url_not_dashscope"),
            ("/api/v1/services", "/api/v1/services", False, "url_not_dashscope"),
            ("a web page at /api/v1", "/api/v1", True, "url_not_dashscope"),
        ]
    ],
)
async def test_an_endpoint_that_is_not_dashscope_is_refused_on_the_field(
    hass: HomeAssistant, emulator: DashScopeEmulator, path: str, web_page: bool, error: str
) -> None:
    """http://host:port is the likeliest slip: the answer is no API (404), the URL is to blame."""
    emulator.customization_html = web_page
    result = await custom_account(hass, emulator.origin + path)

    assert result["step_id"] == "endpoint"
    assert result["errors"] == {CONF_BASE_URL: error}


@pytest.mark.usefixtures("regions_on_emulator")
async def test_a_region_answering_a_web_page_is_a_network_problem(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    """A captive portal or a proxy between Home Assistant and a region's endpoint."""
    emulator.customization_html = True
    result = await submit(hass, await start(hass), region="intl", api_key="demo-key")

    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:99999/api/v1", "http://127.0.0.1:port/api/v1", "http://host\x00/api/v1"],
)
async def test_an_endpoint_that_cannot_be_a_url_is_invalid_url(
    hass: HomeAssistant, emulator: DashScopeEmulator, base_url: str
) -> None:
    result = await custom_account(hass, base_url)

    assert result["errors"] == {CONF_BASE_URL: "invalid_url"}


@pytest.mark.parametrize(("status", "code"), [(400, "InvalidParameter")])
async def test_other_refusal_is_unknown_and_logged(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    caplog: pytest.LogCaptureFixture,
    status: int,
    code: str,
) -> None:
    emulator.fail_next(status, code, "refused for a reason")
    result = await custom_account(hass, emulator.base_url)

    assert result["errors"] == {"base": "unknown"}
    assert code in caplog.text
    assert "demo-key" not in caplog.text


async def test_unexpected_failure_is_unknown_and_logged(
    hass: HomeAssistant, emulator: DashScopeEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug below the flow (simulated: the check raises a non-DashScope error)."""
    with patch(
        "custom_components.qwen_tts.config_flow.DashScopeClient.validate_key",
        side_effect=RuntimeError("boom"),
    ):
        result = await custom_account(hass, emulator.base_url)

    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while checking the API key" in caplog.text


# -- one account per key and endpoint --------------------------------------------------------------


async def test_same_key_on_same_endpoint_is_refused(
    hass: HomeAssistant, emulator: DashScopeEmulator, config_entry: MockConfigEntry
) -> None:
    result = await custom_account(hass, f"{emulator.base_url}/")

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert key_checks(emulator) == []


def _add_account_in_china(hass: HomeAssistant) -> None:
    """An existing account with the key ``demo-key`` in the China region."""
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_REGION: "cn", CONF_API_KEY: "demo-key"})
    entry.add_to_hass(hass)


@pytest.mark.usefixtures("regions_on_emulator")
@pytest.mark.parametrize(
    ("region", "outcome", "reason"),
    [
        pytest.param(
            "cn",
            FlowResultType.ABORT,
            "already_configured",
            id="same key, same region -> refused as already configured",
        ),
        pytest.param(
            "intl", FlowResultType.CREATE_ENTRY, None, id="same key, another region -> new account"
        ),
    ],
)
async def test_an_account_is_its_key_and_region(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    region: str,
    outcome: FlowResultType,
    reason: str | None,
) -> None:
    _add_account_in_china(hass)

    result = await submit(hass, await start(hass), region=region, api_key="demo-key")

    assert result["type"] is outcome
    assert result.get("reason") == reason


async def test_same_key_on_another_endpoint_is_a_new_account(
    hass: HomeAssistant, config_entry: MockConfigEntry, other_emulator: DashScopeEmulator
) -> None:
    result = await custom_account(hass, other_emulator.base_url)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_API_KEY] == config_entry.data[CONF_API_KEY]
    assert result["data"][CONF_BASE_URL] == other_emulator.base_url
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


async def test_another_key_on_same_endpoint_is_a_new_account(
    hass: HomeAssistant, emulator: DashScopeEmulator, config_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, CONF_API_KEY: "sk-old"}
    )

    result = await custom_account(hass, emulator.base_url)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_API_KEY] == emulator.api_key
    assert result["data"][CONF_BASE_URL] == config_entry.data[CONF_BASE_URL]
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# -- reauth ----------------------------------------------------------------------------------------


async def test_reauth_asks_for_a_new_key(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await setup_integration.start_reauth_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {"name": setup_integration.title}
    assert [m.schema for m in result["data_schema"].schema] == [CONF_API_KEY]


async def test_reauth_stores_the_new_key_and_reloads(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    emulator.api_key = "sk-new"
    result = await setup_integration.start_reauth_flow(hass)
    result = await submit(hass, result, api_key=" sk-new ")
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert setup_integration.data == {
        CONF_REGION: "custom",
        CONF_BASE_URL: emulator.base_url,
        CONF_API_KEY: "sk-new",
    }
    assert setup_integration.state is ConfigEntryState.LOADED
    # The reload listed the voices again with the new key.
    assert emulator.requests[-1].headers["Authorization"] == "Bearer sk-new"


async def test_reauth_checks_the_key_on_the_account_endpoint(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    result = await setup_integration.start_reauth_flow(hass)
    result = await submit(hass, result, api_key="sk-still-wrong")

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth_endpoint"}
    assert key_checks(emulator)[-1].headers["Authorization"] == "Bearer sk-still-wrong"
    assert setup_integration.data[CONF_API_KEY] == "demo-key"


async def test_reauth_of_an_account_whose_key_was_refused_at_start_loads_its_voices(
    hass: HomeAssistant, emulator: DashScopeEmulator, config_entry: MockConfigEntry
) -> None:
    emulator.fail_next(401, "InvalidApiKey", "Invalid API-key provided.")
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert not config_entry.runtime_data.voices.last_update_success
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == "reauth"

    result = await submit(hass, flow, api_key="demo-key")
    await hass.async_block_till_done()

    assert result["reason"] == "reauth_successful"
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.runtime_data.voices.last_update_success


async def test_reauth_with_the_key_of_another_account_is_refused(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    other = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_REGION: "custom", CONF_BASE_URL: emulator.base_url, CONF_API_KEY: "sk-other"},
    )
    other.add_to_hass(hass)

    result = await setup_integration.start_reauth_flow(hass)
    result = await submit(hass, result, api_key="sk-other")

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


# -- reconfigure -----------------------------------------------------------------------------------


async def test_reconfigure_shows_the_region_and_never_the_key(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await setup_integration.start_reconfigure_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert suggested(result, CONF_REGION) == "custom"
    assert suggested(result, CONF_API_KEY) is None
    assert "demo-key" not in repr(result)


async def test_reconfigure_moves_to_another_endpoint_keeping_the_key(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    other_emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
) -> None:
    result = await setup_integration.start_reconfigure_flow(hass)
    result = await submit(hass, result, region="custom")
    assert result["step_id"] == "endpoint"
    assert suggested(result, CONF_BASE_URL) == emulator.base_url

    result = await submit(hass, result, base_url=other_emulator.base_url)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert setup_integration.data == {
        CONF_REGION: "custom",
        CONF_API_KEY: "demo-key",
        CONF_BASE_URL: other_emulator.base_url,
    }
    assert setup_integration.state is ConfigEntryState.LOADED
    assert len(key_checks(other_emulator)) == 1
    # A title the user chose is kept.
    assert setup_integration.title == "Qwen TTS"


async def test_reconfigure_with_a_new_key(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    emulator.api_key = "sk-new"
    result = await setup_integration.start_reconfigure_flow(hass)
    result = await submit(hass, result, region="custom", api_key="sk-new")
    result = await submit(hass, result, base_url=emulator.base_url)

    assert result["reason"] == "reconfigure_successful"
    assert setup_integration.data[CONF_API_KEY] == "sk-new"


@pytest.mark.usefixtures("regions_on_emulator")
async def test_reconfigure_to_a_region_retitles_an_automatic_title(
    hass: HomeAssistant, emulator: DashScopeEmulator, other_emulator: DashScopeEmulator
) -> None:
    data = {CONF_REGION: "custom", CONF_BASE_URL: other_emulator.base_url, CONF_API_KEY: "demo-key"}
    entry = MockConfigEntry(domain=DOMAIN, title=account_title(data), data=data)
    entry.add_to_hass(hass)
    assert entry.title == "Qwen TTS (127.0.0.1)"

    result = await entry.start_reconfigure_flow(hass)
    result = await submit(hass, result, region="cn", api_key="demo-key")
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {CONF_REGION: "cn", CONF_API_KEY: "demo-key"}
    assert entry.title == "Qwen TTS (Beijing)"
    # It was not loaded before (no update listener): the flow reloaded it.
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("regions_on_emulator")
async def test_reconfigure_from_a_region_to_custom_starts_with_an_empty_url(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_REGION: "intl", CONF_API_KEY: "demo-key"})
    entry.add_to_hass(hass)

    result = await entry.start_reconfigure_flow(hass)
    result = await submit(hass, result, region="custom")

    assert result["step_id"] == "endpoint"
    assert suggested(result, CONF_BASE_URL) is None


async def test_reconfigure_with_a_wrong_key_stays_on_the_reconfigure_form(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    result = await setup_integration.start_reconfigure_flow(hass)
    result = await submit(hass, result, region="custom", api_key="sk-wrong")
    result = await submit(hass, result, base_url=emulator.base_url)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {"base": "invalid_auth_endpoint"}
    assert setup_integration.data[CONF_API_KEY] == "demo-key"


async def test_reconfigure_unchanged_is_not_a_duplicate_of_itself(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    result = await setup_integration.start_reconfigure_flow(hass)
    result = await submit(hass, result, region="custom", api_key="")
    result = await submit(hass, result, base_url=emulator.base_url)

    assert result["reason"] == "reconfigure_successful"


async def test_reconfigure_onto_another_account_is_refused(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    other_emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
) -> None:
    MockConfigEntry(
        domain=DOMAIN,
        data={
            CONF_REGION: "custom",
            CONF_BASE_URL: other_emulator.base_url,
            CONF_API_KEY: "demo-key",
        },
    ).add_to_hass(hass)

    result = await setup_integration.start_reconfigure_flow(hass)
    result = await submit(hass, result, region="custom")
    result = await submit(hass, result, base_url=other_emulator.base_url)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert setup_integration.data[CONF_BASE_URL] == emulator.base_url
