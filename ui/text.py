"""Text from the data, made safe for Streamlit's Markdown elements."""

from __future__ import annotations

from collections.abc import Mapping

from gis._errors import ParkError
from gis.i18n import MESSAGES, error_text, t

_MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|<>~$")


def md(text: object) -> str:
    """``text`` shown in Markdown as it is: no emphasis, links, HTML or maths from the data."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))


def message_md(key: str, lang: str, params: Mapping[str, object]) -> str:
    """Message ``key`` with its text parameters (from the data) made safe for Markdown;
    numbers stay numbers, so the message's number formats still apply."""
    return t(key, lang, **{k: md(v) if isinstance(v, str) else v for k, v in params.items()})


def error_md(exc: ParkError, lang: str) -> str:
    """An error in ``lang``, safe for Markdown (``st.error`` renders Markdown)."""
    if exc.key in MESSAGES:
        return message_md(exc.key, lang, exc.params)
    return md(error_text(exc, lang))


def markdown_table(header: list[str], rows: list[list[str]], *, right: frozenset[int]) -> str:
    """A GitHub-flavoured Markdown table of ``rows`` (cells already formatted as text),
    columns whose index is in ``right`` aligned right (numbers). Every cell is made safe
    with :func:`md`, and ``|`` inside a cell cannot split it."""

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(md(c).replace("\n", " ") for c in cells) + " |"

    rule = "|" + "|".join("---:" if i in right else ":---" for i in range(len(header))) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
