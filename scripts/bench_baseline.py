"""The bench's naive baseline: a non-streaming synthesis, as a client without streaming
speaks. One POST of the whole text (qwen-tts-api.md, no ``X-DashScope-SSE``), then the
download of the whole file from the ``output.audio.url`` of the answer; only then could
playback start.
"""

import aiohttp

from custom_components.qwen_tts.dashscope import Endpoint, SpeechSettings


async def whole_file(
    session: aiohttp.ClientSession,
    api_key: str,
    endpoint: Endpoint,
    settings: SpeechSettings,
    text: str,
) -> bytes:
    """The whole audio file of ``text`` (a WAV, or MP3 when ``settings`` ask for it)."""
    file_format = "mp3" if settings.response_format == "mp3" else "wav"
    payload = {
        "model": settings.model,
        "input": {
            "text": text,
            "voice": settings.voice,
            "language_type": settings.language_type,
        },
        "parameters": {
            **settings.optional_parameters(),
            "response_format": file_format,
            "sample_rate": settings.sample_rate,
        },
    }
    headers = {"Authorization": f"Bearer {api_key}"}
    async with session.post(endpoint.synthesis_url, json=payload, headers=headers) as resp:
        resp.raise_for_status()
        answer = await resp.json()
    # The signed URL is fetched without the key, as the service asks.
    async with session.get(answer["output"]["audio"]["url"]) as resp:
        resp.raise_for_status()
        return await resp.read()
