"""What callers send: a blank value means "not given".

Blueprints and scripts render unset inputs as ``""`` (or ``None``, or spaces), so a blank
option of ``tts.speak`` or a blank field of a voice action leaves the profile's setting or the
field's default in place instead of overriding it.
"""

from collections.abc import Callable, Mapping
from typing import Any


def is_blank(value: Any) -> bool:
    """``None``, an empty or whitespace-only text, or a media selection without a media id."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping) and "media_content_id" in value:
        return is_blank(value["media_content_id"])
    return False


def without_blanks(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without its blank values."""
    return {key: value for key, value in data.items() if not is_blank(value)}


def blank_is_absent(*fields: str) -> Callable[[Any], Any]:
    """A schema step that drops ``fields`` when blank, so that optional fields get their
    default and nothing else sees the blank."""

    def drop_blanks(data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {k: v for k, v in data.items() if k not in fields or not is_blank(v)}

    return drop_blanks
