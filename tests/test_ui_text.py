import pytest

from ui.text import markdown_table, md


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


def test_markdown_table_aligns_numbers_right_and_keeps_data_as_text():
    table = markdown_table(
        ["状态", "地块数"], [["已出让|<b>x</b>", "12"], ["合计", "1.5"]], right=frozenset({1})
    )
    assert table.split("\n") == [
        "| 状态 | 地块数 |",
        "|:---|---:|",
        "| 已出让\\|\\<b\\>x\\</b\\> | 12 |",
        "| 合计 | 1\\.5 |",
    ]
