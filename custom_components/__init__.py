"""Custom integrations (loaded by Home Assistant from this folder)."""
