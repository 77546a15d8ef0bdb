"""What pickers say about each system voice: name, gender, dialect and what it sounds like,
in English, or in Simplified Chinese when Home Assistant's language is Chinese."""

import pytest

from custom_components.qwen_tts.catalogue import MODELS, SYSTEM_VOICES
from custom_components.qwen_tts.voice_descriptions import DESCRIPTIONS

EVERY_MODEL_VOICE = sorted(set().union(*(m.voices for m in MODELS.values())))


def test_every_voice_a_model_speaks_is_described() -> None:
    assert set(EVERY_MODEL_VOICE) <= set(SYSTEM_VOICES)
    assert set(SYSTEM_VOICES) <= set(DESCRIPTIONS)


@pytest.mark.parametrize("language", [None, "en", "en-GB", "de", "ja"])
def test_english_label_says_what_each_voice_sounds_like(language: str | None) -> None:
    for name, voice in SYSTEM_VOICES.items():
        about = DESCRIPTIONS[name]
        label = voice.label(language)
        assert label.startswith(f"{name} ({about.gender}"), label
        assert label.endswith(f": {about.en}"), label
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in label), label


@pytest.mark.parametrize("language", ["zh", "zh-Hans", "zh-Hant", "zh_CN", "zh-HK"])
def test_chinese_label_says_what_each_voice_sounds_like(language: str) -> None:
    for name, voice in SYSTEM_VOICES.items():
        about = DESCRIPTIONS[name]
        label = voice.label(language)
        assert label.startswith(f"{about.name_zh} {name}（" if about.name_zh else f"{name}（")
        assert ("女声" if about.female else "男声") in label, label
        assert label.endswith(f"：{about.zh}"), label


@pytest.mark.parametrize(
    ("name", "language", "label"),
    [
        ("Cherry", "en", "Cherry (female): sunny, positive, friendly and natural young woman"),
        ("Ethan", "en", "Ethan (male): sunny, warm and energetic; standard Mandarin with a slight northern accent"),
        ("Jada", "en", "Jada (female, Shanghainese): fast-paced, energetic Shanghai auntie"),
        ("Roy", "en", "Roy (male, Southern Min): humorous, straightforward, lively Taiwanese guy"),
        ("Kiki", "en", "Kiki (female, Cantonese): sweet Hong Kong girl best friend"),
        ("Cherry", "zh-Hans", "芊悦 Cherry（女声）：阳光积极、亲切自然小姐姐"),
        ("Dylan", "zh-Hans", "北京-晓东 Dylan（男声，北京话）：北京胡同里长大的少年"),
        ("Rocky", "zh-Hans", "粤语-阿强 Rocky（男声，粤语）：幽默风趣的阿强，在线陪聊"),
        ("Ebona", "zh-Hans", "Ebona（女声）：低语诡秘，唤起童年阴影与未知的恐惧"),
    ],
)  # fmt: skip
def test_labels_of_each_kind_of_voice(name: str, language: str, label: str) -> None:
    """A general voice, dialect voices, and a voice the Chinese edition gives no name."""
    assert SYSTEM_VOICES[name].label(language) == label
