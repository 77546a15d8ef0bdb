"""End-to-end check: a real Home Assistant (the release users run) with the integration."""
