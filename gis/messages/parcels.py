"""Messages of the parcel lookup page (#3): search, card, timeline, editing, deadlines."""

MESSAGES: dict[str, tuple[str, str]] = {
    "page_parcels": ("地块查询", "Parcels"),
    "parcels_heading": ("地块查询与状态更新", "Parcel lookup and status updates"),
    # --- search
    "search_label": ("查找地块", "Find a parcel"),
    "search_placeholder": (
        "地块编号、名称、区块、企业或拼音，如 D07、bh d07、chengyuan",
        "Code, name, block, enterprise or pinyin, e.g. D07, bh d07, chengyuan",
    ),
    "search_none": ("没有找到与“{query}”匹配的地块。", "No parcel matches '{query}'."),
    "search_count": ("找到 {count} 个地块", "{count} parcels found"),
    "search_more": ("显示前 {limit} 个", "showing the first {limit}"),
    "deep_link_unknown": (
        "链接中的地块编号“{code}”不存在，请检查链接或在上方搜索。",
        "The link names parcel '{code}', which does not exist; check the link or search above.",
    ),
    "map_click_none": ("所点位置不在任何地块内。", "The point you clicked is not on a parcel."),
    "pick_hint": (
        "输入关键字查找地块，或在地图上点击地块。",
        "Type to find a parcel, or click a parcel on the map.",
    ),
    # --- card
    "card_heading": ("{code} · {name}", "{code} · {name}"),
    "card_status_now": ("当前：{sale} · {construction}", "Now: {sale} · {construction}"),
    "card_status_as_of": (
        "截至 {date}：{sale} · {construction}",
        "As of {date}: {sale} · {construction}",
    ),
    "card_not_yet": (
        "截至 {date} 该地块尚未纳入规划。",
        "On {date} the parcel was not yet planned.",
    ),
    "card_attributes": ("地块属性", "Attributes"),
    "card_field": ("项目", "Item"),
    "card_value": ("内容", "Value"),
    "card_area": ("面积", "Area"),
    "card_area_value": ("{mu} 亩({m2} m²)", "{mu} mu ({m2} m²)"),
    "card_enterprises": ("入驻企业", "Enterprises"),
    "card_buildings": ("建筑", "Buildings"),
    "card_vacant": ("闲置空间", "Vacant space"),
    "card_vacant_total": ("闲置面积合计 {m2} m²", "Vacant floor area in total: {m2} m²"),
    "card_none": ("无", "None"),
    "card_link": ("本地块链接：{url}", "Link to this parcel: {url}"),
    "parcel_yes": ("是", "Yes"),
    "parcel_no": ("否", "No"),
    "unit_day": ("天", "days"),
    # --- timeline
    "timeline_heading": ("状态变更记录", "History"),
    "timeline_empty": ("尚无状态变更记录。", "No status changes recorded yet."),
    "timeline_mark": ("标记", "Mark"),
    "timeline_superseded": ("已被更正", "Corrected"),
    "timeline_correction": ("更正 #{event}", "Corrects #{event}"),
    "timeline_derived": ("据地块记录", "from the parcel record"),
    # --- editing
    "edit_heading": ("更新状态", "Update a status"),
    "edit_action": ("操作", "Action"),
    "edit_action_change": ("{field}：{status} → 下一阶段", "{field}: {status} → next stage"),
    "edit_action_correct": (
        "更正记录 #{event}({field} → {status}，{date})",
        "Correct entry #{event} ({field} → {status}, {date})",
    ),
    "edit_no_next": (
        "{field}“{status}”已是最终阶段或当前不能变更。",
        "{field} '{status}' is final or cannot change now.",
    ),
    "edit_new_status": ("新状态", "New status"),
    "edit_date": ("生效日期", "Effective date"),
    "edit_author": ("记录人", "Recorded by"),
    "edit_note": ("备注", "Note"),
    "edit_submit": ("保存", "Save"),
    "edit_saved": (
        "已保存：{code} {field} → {status}(生效 {date})。",
        "Saved: {code} {field} → {status} (effective {date}).",
    ),
    "edit_after_as_of": (
        "地图与统计显示截至 {as_of} 的状态；调整侧栏“数据日期”可查看此变更。",
        "The map and figures show {as_of}; move the sidebar date to see this change.",
    ),
    "edit_reload": ("载入最新数据", "Load the latest data"),
    "edit_base_version": ("编辑基于第 {version} 版", "Editing version {version}"),
    # --- deadlines and warnings
    "deadline_heading": ("开竣工期限", "Deadlines"),
    "deadline_start": ("开工期限", "Start deadline"),
    "deadline_completion": ("竣工期限", "Completion deadline"),
    "deadline_start_overdue": ("开工逾期", "Start overdue"),
    "deadline_completion_overdue": ("竣工逾期", "Completion overdue"),
    "deadline_idle": ("闲置", "Idle"),
    "deadline_days": ("逾期天数", "Days overdue"),
    "deadline_idle_value": ("闲置满 {years} 年", "Idle ≥ {years} year(s)"),
    "deadline_idle_fee": ("土地闲置费(成交价20%)", "Idle-land fee (20 % of price)"),
    "deadline_reclaim": ("可无偿收回", "May be reclaimed free of charge"),
    "deadline_gov": ("政府原因延误：免收闲置费", "Government-caused delay: no fee"),
    "deadline_none": ("无合同约定的开竣工日期。", "No contract start or completion date."),
    "warnings_heading": ("逾期与闲置预警(截至 {date})", "Overdue and idle parcels (as of {date})"),
    "warnings_none": (
        "截至 {date} 没有逾期或闲置的地块。",
        "No parcel is overdue or idle on {date}.",
    ),
    "warn_kind": ("预警", "Warning"),
    "warn_idle_2y": ("闲置满2年", "Idle ≥ 2 years"),
    "warn_idle_1y": ("闲置满1年", "Idle ≥ 1 year"),
    "warn_start_overdue": ("开工逾期", "Start overdue"),
    "warn_completion_overdue": ("竣工逾期", "Completion overdue"),
    "layer_deadlines": ("逾期/闲置预警", "Overdue / idle"),
    "legend_deadlines": ("预警(截至所选日期)", "Warnings (as of the chosen date)"),
    # --- Excel
    "excel_heading": ("Excel 批量更新与导出", "Excel: bulk updates and export"),
    "excel_upload": (
        "上传状态更新表(.xlsx：地块编号、字段、新状态、生效日期、备注)",
        "Upload status updates (.xlsx: code, field, new status, date, note)",
    ),
    "excel_template": ("下载模板", "Download the template"),
    "excel_export": ("导出地块表(.xlsx)", "Export the parcel table (.xlsx)"),
    "excel_row": ("行", "Row"),
    "excel_check": ("校验结果", "Check"),
    "excel_ok": ("可导入", "OK"),
    "excel_errors": (
        "{errors} 行有错误，全部修正后才能导入(全部导入或全部不导入)。",
        "{errors} row(s) have errors; fix them all to import (all rows or none).",
    ),
    "excel_ready": ("{rows} 行均通过校验。", "All {rows} rows pass the checks."),
    "excel_apply": ("导入全部 {rows} 行", "Import all {rows} rows"),
    "excel_applied": ("已导入 {rows} 条状态变更。", "Imported {rows} status changes."),
    "excel_missing_columns": (
        "表头缺少列：{columns}(应包含 地块编号、字段、新状态、生效日期，可选 备注)",
        "Missing columns: {columns} (needed: code, field, new status, date; optional: note)",
    ),
    # --- validation errors (gis.parcels.lifecycle)
    "parcel_unknown": ("地块“{code}”不存在。", "Parcel '{code}' does not exist."),
    "status_field_unknown": (
        "字段“{field}”不是状态字段(应为 出让状态 或 建设状态)。",
        "'{field}' is not a status field (use land-sale or construction status).",
    ),
    "status_unknown": ("“{status}”不是{field}的状态。", "'{status}' is not a {field} status."),
    "status_author_missing": ("请填写记录人。", "Enter who records the change."),
    "status_date_future": (
        "生效日期 {date} 晚于今天({today})，不能登记未来的状态。",
        "The effective date {date} is after today ({today}); future statuses cannot be recorded.",
    ),
    "status_date_invalid": (
        "日期“{value}”无法识别，请使用 YYYY-MM-DD。",
        "Cannot read the date '{value}'; use YYYY-MM-DD.",
    ),
    "status_date_missing": ("缺少生效日期。", "The effective date is missing."),
    "transition_forbidden": (
        "{code}：{field}不能从“{old}”变为“{new}”。",
        "{code}: {field} cannot move from '{old}' to '{new}'.",
    ),
    "date_before_previous": (
        "{code}：生效日期 {date} 早于上一阶段“{previous}”的日期 {previous_date}。",
        "{code}: the effective date {date} is before the previous stage '{previous}' "
        "({previous_date}).",
    ),
    "construction_needs_delivery": (
        "{code}：尚未交地(当前出让状态为“{status}”)，不能变更建设状态。",
        "{code}: the land is not delivered yet (land-sale status '{status}'); construction "
        "cannot move.",
    ),
    "construction_before_delivery": (
        "{code}：建设状态日期 {date} 早于交地日期 {delivery}(不能先开工后交地)。",
        "{code}: the construction date {date} is before the delivery on {delivery} "
        "(no start before handover).",
    ),
    "sale_locked": (
        "{code}：已进入建设阶段(“{status}”)，出让状态不能再变更。",
        "{code}: construction has begun ('{status}'); the land-sale status can no longer change.",
    ),
    "correction_unknown": (
        "{code} 没有可更正的记录 #{event}。",
        "{code} has no entry #{event} to correct.",
    ),
    "correction_not_latest": (
        "{code}：只能更正该字段最新的有效记录，#{event} 之后已有新记录。",
        "{code}: only the latest entry of a field can be corrected; #{event} has been followed "
        "by another.",
    ),
    "parcel_stale": (
        "保存被拒绝：您打开后 {code} 已被修改——{author} 于 {at} 将{field}改为“{status}”"
        "(您的版本 {expected}，当前 {current})。您的输入已保留，请核对后点击“载入最新数据”再保存。",
        "Save refused: {code} was changed after you opened it — {author} set {field} to "
        "'{status}' at {at} (your version {expected}, now {current}). Your input is kept; "
        "check it, click 'Load the latest data' and save again.",
    ),
    "parcel_stale_plain": (
        "保存被拒绝：您打开后 {code} 已被修改(您的版本 {expected}，当前 {current})。您的输入已保留。",
        "Save refused: {code} was changed after you opened it (your version {expected}, now "
        "{current}). Your input is kept.",
    ),
    "status_row_duplicate": (
        "与第 {row} 行重复。",
        "Duplicates row {row}.",
    ),
}
