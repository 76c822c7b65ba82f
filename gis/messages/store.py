"""Messages of the store tasks: the ``python -m gis`` command line, the sample park's
removal, checks of data edited outside the app, and the as-of map's gaps."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- checks of rows written from outside the app (gis.store.validate_frames)
    "problem_row": ("第 {row} 行", "row {row}"),
    "problem_code_missing": (
        "地块({parcel}，名称“{name}”)没有地块编号。",
        "A parcel ({parcel}, name '{name}') has no parcel code.",
    ),
    "problem_code_repeated": (
        "地块 {parcel}：地块编号重复出现 {count} 次。",
        "Parcel {parcel}: the code occurs {count} times.",
    ),
    "problem_value_missing": ("地块 {parcel}：缺少“{column}”。", "Parcel {parcel}: no {column}."),
    "problem_status_unknown": (
        "地块 {parcel}：{column}“{value}”不是已知的状态代码，地图上以灰色显示。",
        "Parcel {parcel}: {column} '{value}' is not a known status code; the map shows it grey.",
    ),
    "problem_status_undated": (
        "地块 {parcel}：{column}为“{status}”，但“{date_column}”为空，历史状态可能不准确。",
        "Parcel {parcel}: {column} is '{status}' but '{date_column}' is empty, so its history "
        "may be wrong.",
    ),
    "problem_status_differs": (
        "地块 {parcel}：{column}记为“{value}”，但状态变更记录为“{history}”(可能在本系统外修改，"
        "缺少带日期的变更记录)；地图按变更记录显示。",
        "Parcel {parcel}: {column} is '{value}' but its status history says '{history}' "
        "(changed outside the app, without a dated event?); the map follows the history.",
    ),
    "problem_land_use_unknown": (
        "地块 {parcel}：用地性质“{value}”不是已知的代码。",
        "Parcel {parcel}: land use '{value}' is not a known code.",
    ),
    "problem_date_invalid": (
        "地块 {parcel}：“{column}”的值“{value}”不是日期(应为 YYYY-MM-DD)，已忽略。",
        "Parcel {parcel}: '{column}' value '{value}' is not a date (YYYY-MM-DD); ignored.",
    ),
    "problem_geometry_missing": (
        "地块 {parcel}：没有几何图形，地图上不显示。",
        "Parcel {parcel}: no geometry, so it is not on the map.",
    ),
    "problem_geometry_invalid": (
        "地块 {parcel}：几何图形无效({reason})，面积与叠加分析可能不准确。",
        "Parcel {parcel}: invalid geometry ({reason}); areas and overlays may be wrong.",
    ),
    "problem_event_field_unknown": (
        "地块 {parcel} 的状态记录 {event}：字段“{value}”未知，已忽略。",
        "Parcel {parcel}, status event {event}: unknown field '{value}'; ignored.",
    ),
    "problem_event_status_unknown": (
        "地块 {parcel} 的状态记录 {event}：{column}“{value}”不是已知的状态代码。",
        "Parcel {parcel}, status event {event}: {column} '{value}' is not a known status code.",
    ),
    "problem_event_parcel_unknown": (
        "状态记录 {event} 属于不存在的地块 {parcel}。",
        "Status event {event} belongs to parcel {parcel}, which does not exist.",
    ),
    # --- the pages' warning about those problems (ui.missing.show_problems)
    "problems_heading": (
        "数据检查发现 {count} 个问题(可能是在 QGIS 等软件中写入的值)，涉及地块 {parcels}：",
        "The data check found {count} problems (values written in QGIS or another tool?) in "
        "parcels {parcels}:",
    ),
    "problems_heading_rows": (
        "数据检查发现 {count} 个问题(可能是在 QGIS 等软件中写入的值)：",
        "The data check found {count} problems (values written in QGIS or another tool?):",
    ),
    "problems_more_parcels": ("{names} 等 {count} 个", "{names} and others, {count} in all"),
    "problems_more": ("另有 {count} 个问题未列出。", "… and {count} more problems."),
    "problems_all": ("全部 {count} 个问题", "All {count} problems"),
    "list_sep": ("、", ", "),
    # --- the as-of map's gaps (gis.parcels.history.as_of_gaps)
    "asof_not_yet": (
        "截至 {date} 有 {count} 个地块尚未规划(其最早的日期晚于该日)，未在图上显示：{codes}",
        "{count} parcels were not planned yet on {date} (their earliest date is later) and "
        "are not on the map: {codes}",
    ),
    "asof_undated": (
        "{count} 个地块没有任何状态日期或变更记录，按其当前状态显示：{codes}",
        "{count} parcels have no status dates or history and are shown with their current "
        "status: {codes}",
    ),
    # --- the command line (python -m gis)
    "cli_description": (
        "园区一张图的数据文件工具。",
        "Park One-Map store tasks.",
    ),
    "cli_lang_help": ("输出语言：zh(中文)或 en(英文)", "output language: zh or en"),
    "cli_store_help": (
        "数据文件路径或 postgresql:// 地址(默认：环境变量 PARK_DB，否则 data/park.gpkg)",
        "the store's path or postgresql:// URL (default: $PARK_DB, else data/park.gpkg)",
    ),
    "cli_new_help": (
        "新建空白园区数据文件(含全部图层，无数据，非示意数据)",
        "start an empty park: a store with every layer, no rows, not the sample",
    ),
    "cli_new_path_help": ("新数据文件的路径(不可已存在)", "path of the new store (must not exist)"),
    "cli_name_help": ("园区名称", "the park's name"),
    "cli_info_help": (
        "查看数据文件：各图层行数、是否含示意数据、数据版本",
        "show what the store holds: rows per layer, sample rows, data version",
    ),
    "cli_remove_sample_help": (
        "删除示意数据，只保留用户自己的数据(先自动备份，全部成功或全部不变)",
        "remove the sample park's rows, keeping the user's own (backup first, all or nothing)",
    ),
    "cli_backup_help": (
        "备份数据文件；--list 列出已有备份",
        "back up the store; --list lists backups",
    ),
    "cli_list_help": ("列出已有备份(新的在前)", "list the backups, newest first"),
    "cli_restore_help": (
        "用备份替换数据文件(当前数据先备份)",
        "replace the store with a backup (the current data is backed up first)",
    ),
    "cli_restore_path_help": ("备份文件路径", "path of the backup"),
    "cli_created": ("已新建空白园区数据文件：{path}", "Created an empty park store: {path}"),
    "cli_use_it": (
        "使用方法：PARK_DB={path} bash run.sh",
        "To use it: PARK_DB={path} bash run.sh",
    ),
    "cli_info_path": ("数据文件：{path}", "Store: {path}"),
    "cli_info_name": ("园区名称：{name}", "Park name: {name}"),
    "cli_info_version": ("数据版本：{version}", "Data version: {version}"),
    "cli_info_sample_yes": (
        "含示意数据：是(共 {count} 行；可用 python -m gis remove-sample 删除)",
        "Sample rows: yes ({count} rows; python -m gis remove-sample removes them)",
    ),
    "cli_info_sample_no": ("含示意数据：否", "Sample rows: no"),
    "cli_info_layer": (
        "  {layer}({label})：{rows} 行{sample}",
        "  {layer} ({label}): {rows} rows{sample}",
    ),
    "cli_info_layer_sample": ("，其中示意数据 {count} 行", ", {count} of them sample"),
    "cli_info_problems": (
        "数据检查：{count} 个问题",
        "Data check: {count} problems",
    ),
    "cli_no_sample": (
        "数据文件中没有示意数据，未做任何修改。",
        "The store holds no sample rows; nothing changed.",
    ),
    "cli_removed": (
        "已删除示意数据 {count} 行；删除前的备份：{backup}",
        "Removed {count} sample rows; backup made first: {backup}",
    ),
    "cli_removed_layer": (
        "  {layer}：删除 {removed} 行，保留 {kept} 行",
        "  {layer}: {removed} removed, {kept} kept",
    ),
    "cli_backup_made": ("已备份到：{path}", "Backed up to: {path}"),
    "cli_no_backups": ("没有备份。", "No backups."),
    "cli_restored": (
        "已从 {backup} 恢复(数据版本 {version})",
        "Restored from {backup} (data version {version})",
    ),
    "cli_copy_help": (
        "复制整个园区数据：GeoPackage 与 PostGIS 之间任意方向，复制后逐行核对一致",
        "copy a whole park between a GeoPackage and PostGIS, either way, checked identical",
    ),
    "cli_copy_source_help": (
        "来源：GeoPackage 路径或 postgresql:// 地址",
        "source: a GeoPackage path or a postgresql:// URL",
    ),
    "cli_copy_target_help": (
        "目标(不可已存在)：GeoPackage 路径或 postgresql:// 地址(数据库须已建好)",
        "target (must not exist yet): a GeoPackage path or a postgresql:// URL of an "
        "existing database",
    ),
    "cli_copied": (
        "已复制 {rows} 行：{source} → {target}；核对一致(行、属性值、几何)",
        "Copied {rows} rows: {source} → {target}; checked identical (rows, values, geometries)",
    ),
    "cli_copy_differs": (
        "复制后核对不一致：{differences}",
        "The copy differs from its source: {differences}",
    ),
    "cli_error": ("错误：{message}", "Error: {message}"),
}
