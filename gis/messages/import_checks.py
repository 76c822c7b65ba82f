"""Messages of the import checks added for issue #12 item 6 (damaged shapefiles, area units)."""

MESSAGES = {
    "exchange_shp_damaged": (
        "Shapefile“{layer}”已损坏：.shp 文件不完整(应有 {declared} 字节，实际只有 {actual} 字节，"
        "{broken}/{total} 个要素无法读取)，未导入任何内容。请从原软件重新导出并压缩后再上传。",
        "The shapefile '{layer}' is damaged: its .shp file is cut short ({declared} bytes "
        "expected, {actual} present; {broken} of {total} features cannot be read). Nothing "
        "was imported: export it again from the original software, zip it and upload it again.",
    ),
    "import_area_unit_mismatch": (
        "“{column}”(源列“{source}”)按 {assumed} 读取，但其数值与图形计算面积相比更像是 {likely}："
        "按 {assumed} 读取时中位数为图形面积的 {ratio}。请检查：可在源文件中把列名写成"
        "“{renamed}”后重新上传，或不映射此列。",
        "'{column}' (source column '{source}') is read in {assumed}, but its values fit {likely} "
        "better when compared with the area computed from the shapes: read in {assumed}, the "
        "median is {ratio} of the drawn area. Check it: name the column '{renamed}' in "
        "the file and upload it again, or leave the column unmapped.",
    ),
}
