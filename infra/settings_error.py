"""A setting that cannot be used: its own module, so that the settings and the key files they read
(`infra/keys.py`) can both raise it without importing each other in a circle."""

from __future__ import annotations


class SettingsError(ValueError):
    """A setting that cannot be used, with the reason in Chinese and English (the CLI prints both, exit 2)."""

    def __init__(self, message_zh: str, message: str) -> None:
        super().__init__(f"{message_zh} / {message}")
        self.message_zh = message_zh
        self.message = message
