"""What the end-to-end steps share: the processes, the owner's client and what they made."""

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import pytest

from .home_assistant import Client, Emulator, HomeAssistant

API_KEY = "sk-e2e-emulator"


@dataclass
class Journey:
    """What earlier steps created, for the later ones."""

    ha: HomeAssistant
    emulator: Emulator
    client: Client
    entry_id: str = ""
    entities: dict[str, str] = field(default_factory=dict)
    voices: dict[str, Any] = field(default_factory=dict)

    def need(self, *names: str) -> None:
        """Skip a step whose earlier step failed (the failure is already reported)."""
        for name in names:
            if not attrgetter(name)(self):
                pytest.skip(f"an earlier step did not provide {name}")
