"""Config flow: the DashScope account (region, API key, endpoint) and its voice profiles."""

from collections.abc import Mapping
import logging
from typing import Any, override
from urllib.parse import urlsplit

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .const import (
    CONF_BASE_URL,
    CONF_REGION,
    DEFAULT_PROFILE,
    DEFAULT_PROFILE_NAME,
    DOMAIN,
    SUBENTRY_TTS,
    endpoint_from_data,
)
from .coordinator import QwenTTSConfigEntry
from .dashscope import (
    REGION_BASE_URLS,
    AccountError,
    AuthError,
    DashScopeClient,
    DashScopeConnectionError,
    DashScopeError,
    Endpoint,
    InvalidRequestError,
    ModelNotFoundError,
    ProtocolError,
    RateLimitError,
    Region,
    ServiceError,
    URLCredentialsError,
)
from .options_flow import AccountOptionsFlow
from .profile_flow import ProfileSubentryFlow

_LOGGER = logging.getLogger(__name__)

# HTTP answers of a server that is not DashScope's API there (no such path, no such method).
_NOT_AN_API = frozenset({404, 405, 501})
# Errors of the key check that point at the URL of a custom endpoint: shown on that field.
_URL_ERRORS = frozenset({"url_not_dashscope", "url_missing_api_path"})

# The key check is one small free call: do not keep the form waiting for a minute.
VALIDATE_TIMEOUT = 15.0

_REGION_TITLES = {Region.INTL: "Singapore", Region.CN: "Beijing"}

_REGION_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[region.value for region in Region],
        translation_key=CONF_REGION,
        mode=SelectSelectorMode.LIST,
    )
)
_KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
# The API key field: a password field whose value validation errors never show (probatio's
# ``Secret``, where Home Assistant's schema library has it; a password field either way).
_API_KEY: Any = getattr(probatio, "Secret", str)(CONF_API_KEY)
_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
# Example addresses shown on the endpoint step (placeholders: translations carry no URLs).
ENDPOINT_EXAMPLES = {
    "workspace_example": "https://WORKSPACE.ap-southeast-1.maas.aliyuncs.com/api/v1",
    "emulator_example": "http://127.0.0.1:8765/api/v1",
}


def account_title(data: Mapping[str, Any]) -> str:
    """The entry title for an account: its region, or the host of a custom endpoint."""
    region = Region(data[CONF_REGION])
    if region is Region.CUSTOM:
        place = urlsplit(data[CONF_BASE_URL]).hostname or data[CONF_BASE_URL]
    else:
        place = _REGION_TITLES[region]
    return f"Qwen TTS ({place})"


def _canonical(region: str, api_key: str, base_url: str | None = None) -> dict[str, Any]:
    """Entry data in one canonical form, so that the same key on the same endpoint compares
    equal: a custom URL that is a region's own endpoint is stored as that region."""
    data: dict[str, Any] = {CONF_REGION: region, CONF_API_KEY: api_key.strip()}
    if base_url is not None:
        http_base = Endpoint.from_base_url(base_url).http_base
        for known, url in REGION_BASE_URLS.items():
            if url == http_base:
                return {CONF_REGION: known.value, CONF_API_KEY: data[CONF_API_KEY]}
        data[CONF_BASE_URL] = http_base
    return data


async def async_check_api_key(hass: HomeAssistant, data: Mapping[str, Any]) -> str | None:
    """Check the key on the entry data's endpoint with a free call; return an error key.

    A 5xx or a throttled answer counts as ``cannot_connect``: the service is unavailable for
    now and trying again later is what helps. An answer that is not DashScope's API (a web
    page, a 404) blames the URL of a custom endpoint (``url_not_dashscope``, or
    ``url_missing_api_path`` when the URL has no path), and the network otherwise. Only a
    refusal nobody can act on is ``unknown``.
    """
    custom = data[CONF_REGION] == Region.CUSTOM
    client = DashScopeClient(
        async_get_clientsession(hass),
        data[CONF_API_KEY],
        endpoint_from_data(data),
        request_timeout=VALIDATE_TIMEOUT,
    )
    try:
        await client.validate_key()
    except AuthError:
        # A custom endpoint has no region to point at: its own message.
        return "invalid_auth_endpoint" if custom else "invalid_auth"
    except AccountError as err:
        _LOGGER.debug("The account cannot use DashScope: %s", err)
        return "account_problem"
    except (DashScopeConnectionError, ServiceError, RateLimitError) as err:
        _LOGGER.debug("DashScope unavailable while checking the API key: %s", err)
        return "cannot_connect"
    except (ProtocolError, InvalidRequestError, ModelNotFoundError) as err:
        if isinstance(err, ProtocolError) or err.status in _NOT_AN_API:
            _LOGGER.debug("Not DashScope's API at the endpoint: %s", err)
            if not custom:
                return "cannot_connect"
            path = urlsplit(data[CONF_BASE_URL]).path
            return "url_missing_api_path" if path in ("", "/") else "url_not_dashscope"
        _LOGGER.error("DashScope refused the API key check: %s", err)
        return "unknown"
    except DashScopeError as err:
        _LOGGER.error("DashScope refused the API key check: %s", err)
        return "unknown"
    except Exception:
        _LOGGER.exception("Unexpected error while checking the API key")
        return "unknown"
    return None


class QwenTTSConfigFlow(ConfigFlow, domain=DOMAIN):
    """Connect a DashScope account: region (or a custom endpoint) and API key."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing entered."""
        self._account: dict[str, Any] = {}

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the region and paste the API key."""
        if user_input is None:
            return self._show_account_form()
        return await self._async_account_entered(user_input[CONF_REGION], user_input[CONF_API_KEY])

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the region, the key (empty keeps the current one) or the endpoint."""
        entry = self._get_reconfigure_entry()
        if user_input is None:
            return self._show_account_form()
        api_key = user_input.get(CONF_API_KEY, "").strip() or entry.data[CONF_API_KEY]
        return await self._async_account_entered(user_input[CONF_REGION], api_key)

    async def async_step_endpoint(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Enter the HTTP API base of a custom endpoint."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._account[CONF_BASE_URL] = base_url = user_input[CONF_BASE_URL].strip()
            try:
                data = _canonical(Region.CUSTOM, self._account[CONF_API_KEY], base_url)
            except URLCredentialsError:
                errors[CONF_BASE_URL] = "url_has_credentials"
            except ValueError:
                errors[CONF_BASE_URL] = "invalid_url"
            else:
                if (error := await self._async_check(data)) is None:
                    return self._async_done(data)
                if error in ("invalid_auth", "invalid_auth_endpoint"):
                    # The key is entered on the first form: show the error there.
                    return self._show_account_form({"base": error})
                errors[CONF_BASE_URL if error in _URL_ERRORS else "base"] = error
        base_url = self._account.get(CONF_BASE_URL)
        if base_url is None and self.source == SOURCE_RECONFIGURE:
            base_url = self._get_reconfigure_entry().data.get(CONF_BASE_URL)
        suggested = {CONF_BASE_URL: base_url} if base_url else {}
        return self.async_show_form(
            step_id="endpoint",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema({probatio.Required(CONF_BASE_URL): _URL_SELECTOR}), suggested
            ),
            errors=errors,
            description_placeholders=ENDPOINT_EXAMPLES,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The stored key was refused: ask for a new one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Enter a new API key for the same endpoint."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_API_KEY: user_input[CONF_API_KEY].strip()}
            if (error := await self._async_check(data)) is None:
                return self._async_update_entry(entry, data)
            errors["base"] = error
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=probatio.Schema({probatio.Required(_API_KEY): _KEY_SELECTOR}),
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    async def _async_account_entered(self, region: str, api_key: str) -> ConfigFlowResult:
        """The first form was submitted: continue with the endpoint, or check the key."""
        self._account.update({CONF_REGION: region, CONF_API_KEY: api_key})
        if region == Region.CUSTOM:
            return await self.async_step_endpoint()
        data = _canonical(region, api_key)
        if (error := await self._async_check(data)) is None:
            return self._async_done(data)
        return self._show_account_form({"base": error})

    async def _async_check(self, data: Mapping[str, Any]) -> str | None:
        """Abort when another entry has this key on this endpoint, else check the key."""
        self._async_abort_entries_match(
            {key: data[key] for key in (CONF_REGION, CONF_API_KEY, CONF_BASE_URL) if key in data}
        )
        return await async_check_api_key(self.hass, data)

    def _async_done(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Create the account with its first voice profile, or update the reconfigured one."""
        if self.source == SOURCE_RECONFIGURE:
            return self._async_update_entry(self._get_reconfigure_entry(), data)
        return self.async_create_entry(
            title=account_title(data),
            data=data,
            subentries=[
                {
                    "subentry_type": SUBENTRY_TTS,
                    "data": dict(DEFAULT_PROFILE),
                    "title": DEFAULT_PROFILE_NAME,
                    "unique_id": None,
                }
            ],
        )

    def _async_update_entry(
        self, entry: QwenTTSConfigEntry, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Store new account data and reload the account.

        A loaded account reloads through its update listener when something changed; one that
        failed to set up has none, and one whose key was refused at start (then confirmed
        unchanged) has nothing to trigger it, so those are reloaded here. A title still
        matching the old account follows it.
        """
        title = account_title(data) if entry.title == account_title(entry.data) else entry.title
        changed = data != dict(entry.data) or title != entry.title
        if entry.update_listeners and changed:
            return self.async_update_and_abort(entry, title=title, data=data)
        return self.async_update_reload_and_abort(entry, title=title, data=data)

    @callback
    def _show_account_form(self, errors: dict[str, str] | None = None) -> ConfigFlowResult:
        """The first form (``user``, or ``reconfigure`` with the key optional)."""
        reconfigure = self.source == SOURCE_RECONFIGURE
        suggested: dict[str, Any] = dict(self._account)
        if reconfigure:
            suggested.setdefault(CONF_REGION, self._get_reconfigure_entry().data[CONF_REGION])
            # The stored key is never sent back to the browser: empty keeps it.
            suggested.pop(CONF_API_KEY, None)
            key_marker: probatio.Marker = probatio.Optional(_API_KEY)
        else:
            key_marker = probatio.Required(_API_KEY)
        schema = probatio.Schema(
            {
                probatio.Required(CONF_REGION, default=Region.INTL.value): _REGION_SELECTOR,
                key_marker: _KEY_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="reconfigure" if reconfigure else "user",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors or {},
        )

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: QwenTTSConfigEntry) -> OptionsFlow:
        """The account's speech-to-text options."""
        return AccountOptionsFlow()

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: QwenTTSConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Voice profiles: one TTS entity each."""
        return {SUBENTRY_TTS: ProfileSubentryFlow}
