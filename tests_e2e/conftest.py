"""The end-to-end journey's Home Assistant, emulator and owner client (one per run)."""

from collections.abc import AsyncGenerator, Generator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from .home_assistant import Client, Emulator, HomeAssistant, ffmpeg_binary
from .journey import API_KEY, Journey

# The files' names do not sort in the journey's order; a file not listed runs after these.
STEPS = ("test_user_journey", "test_voice_command", "test_fallback")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the steps in the journey's order (the order inside a file is kept)."""

    def step(item: pytest.Item) -> int:
        return STEPS.index(item.path.stem) if item.path.stem in STEPS else len(STEPS)

    items.sort(key=step)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Generator[Emulator]:
    emu = Emulator(tmp_path_factory.mktemp("emulator"), API_KEY)
    emu.start()
    yield emu
    emu.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def journey(
    tmp_path_factory: pytest.TempPathFactory, emulator: Emulator
) -> AsyncGenerator[Journey]:
    ha = HomeAssistant(tmp_path_factory.mktemp("home-assistant"), ffmpeg_binary())
    try:
        await ha.start()
        async with aiohttp.ClientSession() as session:
            client = Client(session, ha.url)
            yield Journey(ha, emulator, client)
            await client.close()
    finally:
        ha.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed step shows the end of Home Assistant's log."""
    report = yield
    if report.failed and call.when == "call":
        journey = item.funcargs.get("journey") if hasattr(item, "funcargs") else None
        if isinstance(journey, Journey):
            report.sections.append(("Home Assistant log (end)", journey.ha.tail()))
            report.sections.append(("emulator log", journey.emulator.log.read_text()[-4000:]))
    return report
