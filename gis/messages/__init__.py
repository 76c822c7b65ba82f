"""User-facing text, one module per feature, each defining ``MESSAGES = {key: (zh, en)}``."""
