"""Text from the data, made safe for Streamlit's Markdown elements."""

from __future__ import annotations

_MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|<>~$")


def md(text: object) -> str:
    """``text`` shown in Markdown as it is: no emphasis, links, HTML or maths from the data."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))
