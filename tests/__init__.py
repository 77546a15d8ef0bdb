"""Tests of the Qwen TTS integration."""
