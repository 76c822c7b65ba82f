"""Messages of Excel import and export."""

MESSAGES: dict[str, tuple[str, str]] = {
    "xlsx_too_large": (
        "Excel 文件过大({size_mb} MB)，上限为 {limit_mb} MB。",
        "The Excel file is too large ({size_mb} MB); the limit is {limit_mb} MB.",
    ),
    "xlsx_unreadable": (
        "无法读取该 Excel 文件({reason})：请确认是 .xlsx 格式且未加密。",
        "Cannot read this Excel file ({reason}): make sure it is an unencrypted .xlsx file.",
    ),
    "xlsx_empty": (
        "Excel 文件没有数据行(第一行应为表头)。",
        "The Excel file has no data rows (row 1 must be the header).",
    ),
}
