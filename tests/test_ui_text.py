import pytest

from ui.text import md


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("碧湖区块D07地块", "碧湖区块D07地块"),
        ("**粗体**", "\\*\\*粗体\\*\\*"),
        ("[点我](javascript:alert(1))", "\\[点我\\]\\(javascript:alert\\(1\\)\\)"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("12B", "12B"),
    ],
)
def test_markdown_specials_in_data_are_escaped(raw, shown):
    assert md(raw) == shown
