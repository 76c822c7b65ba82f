"""User-facing text in Chinese (default) and English.

Every message the UI shows, including the domain core's error messages, is a key in
:data:`MESSAGES`, gathered from the modules of :mod:`gis.messages` (one per feature);
``tests/test_architecture.py`` checks both languages are present and take the same
parameters.
"""

from __future__ import annotations

import importlib
import pkgutil
import string

from gis import messages
from gis._errors import ParkError

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def _collect() -> dict[str, tuple[str, str]]:
    """Merge the ``MESSAGES`` tables of every module in :mod:`gis.messages`.

    One module per feature keeps each feature's text beside its peers; a key defined
    twice is an error, so features cannot silently override each other.
    """
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(messages.__path__), key=lambda i: i.name):
        table = importlib.import_module(f"{messages.__name__}.{info.name}").MESSAGES
        clash = sorted(set(merged) & set(table))
        if clash:
            raise RuntimeError(f"message keys defined twice (gis.messages.{info.name}): {clash}")
        merged.update(table)
    return merged


MESSAGES: dict[str, tuple[str, str]] = _collect()


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message ``key`` in ``lang`` ('zh' or 'en'), with ``params`` filled in."""
    zh, en = MESSAGES[key]
    text = en if lang == "en" else zh
    return text.format(**params) if params else text


def error_text(error: ParkError, lang: str = DEFAULT_LANGUAGE) -> str:
    """The user-facing text of a domain error."""
    if error.key in MESSAGES:
        return t(error.key, lang, **error.params)
    return str(error)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields used in ``text``."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}
