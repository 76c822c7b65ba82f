"""Messages of the date inputs shared by the pages (issue #11, 2)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "as_of_future": (
        "截至日期 {date} 晚于今天({latest})，不能查看未来的状态；各页面按 {latest} 显示。",
        "The as-of date {date} is after today ({latest}); the future cannot be shown, so "
        "the pages show the park as of {latest}.",
    ),
}
