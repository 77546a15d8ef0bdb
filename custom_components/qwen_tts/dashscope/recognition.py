"""Synchronous speech recognition (Qwen-ASR): the request body and the answer.

Wire format: ``POST {base}/services/aigc/multimodal-generation/generation`` with the audio as a
data URI in the user message, the context text in the system message and ``asr_options`` in
``parameters`` (qwen-asr-api.md section 2, from "Audio file recognition (Qwen-ASR) API
reference").
"""

import base64

from .errors import ProtocolError
from .http import JsonObject, as_object, as_str
from .models import RecognitionRequest, Transcript

# The service refuses a data URI above 10 MB (the audio itself may be 5 minutes long).
MAX_DATA_URI_BYTES = 10 * 1024 * 1024


def recognition_payload(request: RecognitionRequest) -> JsonObject:
    """The JSON body of one recognition; raise ``ValueError`` if the audio is too large."""
    encoded = base64.b64encode(request.audio).decode("ascii")
    uri = f"data:{request.mime_type};base64,{encoded}"
    if len(uri) > MAX_DATA_URI_BYTES:
        raise ValueError(
            f"the audio is {len(request.audio)} bytes: more than a 10 MB data URI holds"
        )
    asr_options: JsonObject = {}
    if request.language:
        asr_options["language"] = request.language
    return {
        "model": request.model,
        "input": {
            "messages": [
                {"role": "system", "content": [{"text": request.context or ""}]},
                {"role": "user", "content": [{"audio": uri}]},
            ]
        },
        "parameters": {"result_format": "message", "asr_options": asr_options},
    }


def parse_transcript(data: JsonObject) -> Transcript:
    """Read ``output.choices[0].message``: its text items and ``audio_info`` annotation.

    A missing or empty text is a transcript without words (the model filters non-speech);
    an answer without ``output.choices`` is a ``ProtocolError``.
    """
    request_id = as_str(data.get("request_id"))
    choices = as_object(data.get("output")).get("choices")
    if not isinstance(choices, list) or not choices:
        raise ProtocolError("the recognition answer holds no choices", request_id=request_id)
    message = as_object(as_object(choices[0]).get("message"))
    content = message.get("content")
    parts = [
        text
        for item in (content if isinstance(content, list) else [])
        if (text := as_str(as_object(item).get("text")))
    ]
    language = emotion = None
    annotations = message.get("annotations")
    for item in annotations if isinstance(annotations, list) else []:
        note = as_object(item)
        if note.get("type") == "audio_info":
            language = as_str(note.get("language"))
            emotion = as_str(note.get("emotion"))
    seconds = as_object(data.get("usage")).get("seconds")
    return Transcript(
        text="".join(parts).strip(),
        language=language,
        emotion=emotion,
        seconds=float(seconds)
        if isinstance(seconds, int | float) and not isinstance(seconds, bool)
        else None,
        request_id=request_id,
    )
