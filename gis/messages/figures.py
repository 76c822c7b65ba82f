"""Messages of the enterprise-figures import: yearly and year-to-date tables from the bureaus."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- page
    "tab_figures": ("企业经济数据", "Enterprise figures"),
    "fig_intro": (
        "导入统计局、税务局等报送的企业经济数据表(Excel .xlsx 或 CSV)：企业年度数据用于亩均评价，"
        "月度累计数据(1–N月累计)用于年度目标。企业按企业编号、统一社会信用代码或企业名称识别，"
        "建设项目按地块编号识别。",
        "Import the firms' economic figures sent by the statistics and tax bureaus (Excel .xlsx "
        "or CSV): yearly figures feed the per-mu evaluation, year-to-date figures (Jan to month "
        "N) the annual targets. Firms are found by enterprise ID, credit code or name, "
        "construction projects by parcel code.",
    ),
    "fig_layer": ("数据表", "Table"),
    "fig_template": ("下载导入模板(.xlsx)", "Download the template (.xlsx)"),
    "fig_upload": (
        "上传表格(.xlsx 或 .csv)",
        "Upload a sheet (.xlsx or .csv)",
    ),
    "fig_upload_help": (
        "表头可在标题行之下；CSV 可为 GBK 或 UTF-8 编码。旧版 .xls 请先另存为 .xlsx。上限 {limit_mb} MB。",
        "The header may sit below title rows; a CSV may be GBK or UTF-8. Save an old .xls as "
        ".xlsx first. Limit {limit_mb} MB.",
    ),
    "fig_sheet": ("工作表", "Sheet"),
    "fig_read_ok": (
        "已读取“{name}”：{count} 行数据，表头在第 {header} 行。",
        "Read '{name}': {count} data rows, header in row {header}.",
    ),
    "fig_title": ("表头上方：{title}", "Above the header: {title}"),
    "fig_kind": (
        "对象类型(文件中没有“对象类型”列或该列为空时)",
        "Subject (when the file has no 'subject' column, or it is empty)",
    ),
    "fig_kind_enterprise": ("企业(统计月报)", "Firms (monthly statistics report)"),
    "fig_kind_project": (
        "建设项目(按地块编号，仅固定资产投资)",
        "Construction projects (by parcel code, investment only)",
    ),
    "fig_mapping_help": (
        "左为本系统字段，右为文件中的字段；已按常用表头(企业名称、统一社会信用代码、年份、1-6月、营业收入、"
        "实缴税金、用电量 …)自动建议。表头中的单位(如“税收(元)”)会自动换算。",
        "Our fields on the left, the file's on the right; suggested from common headers (企业名称, "
        "统一社会信用代码, 年份, 1-6月, 营业收入, 实缴税金, 用电量 …). Units in a header (such as "
        "'税收(元)') are converted.",
    ),
    "fig_year_default": ("年度(文件中没有年度时)", "Year (when the file gives none)"),
    "fig_months_default": (
        "累计月数(文件中没有月份时)",
        "Months (Jan to; when the file gives none)",
    ),
    "fig_mode": ("已有数据", "Existing rows"),
    "fig_mode_replace": (
        "同一企业(地块)同一期间的已有数据整行替换",
        "Replace the whole stored row of the same firm (parcel) and period",
    ),
    "fig_mode_update": (
        "只更新文件中有值的字段，其余字段保留",
        "Update only the fields the file has values for; keep the others",
    ),
    "fig_preview_caption": (
        "将新增 {added} 行、替换 {replaced} 行；其余已有数据保持不变。",
        "{added} rows will be added and {replaced} replaced; all other stored rows are kept.",
    ),
    "fig_cleared": (
        "整行替换会清空已有数据中本文件没有的值：{columns}。如只想更新文件中的字段，请选择“只更新文件中有值的字段”。",
        "Replacing whole rows empties stored values this file does not hold: {columns}. To "
        "update only the file's fields, choose 'Update only the fields the file has values for'.",
    ),
    "fig_button": ("导入经济数据", "Import the figures"),
    "fig_done": (
        "导入完成：新增 {added} 行，替换 {replaced} 行。导入前的数据已备份为 {backup}。",
        "Import done: {added} rows added, {replaced} replaced. The data before the import was "
        "backed up as {backup}.",
    ),
    "fig_col_row": ("行号", "Row"),
    "fig_col_subject": ("企业或地块编号", "Enterprise or parcel"),
    "fig_col_name": ("名称", "Name"),
    "fig_col_matched_by": ("识别依据", "Found by"),
    "fig_col_action": ("导入后", "Action"),
    "fig_col_rows": ("行数", "Rows"),
    "fig_col_added": ("新增", "Added"),
    "fig_col_replaced": ("替换", "Replaced"),
    "fig_action_add": ("新增", "Add"),
    "fig_action_replace": ("替换", "Replace"),
    "fig_subject_enterprise": ("企业", "Firm"),
    "fig_subject_project": ("建设项目", "Project"),
    "fig_matched_enterprise_id": ("企业编号", "Enterprise ID"),
    "fig_matched_credit_code": ("统一社会信用代码", "Credit code"),
    "fig_matched_name": ("企业名称", "Name"),
    "fig_matched_parcel": ("地块编号", "Parcel code"),
    # --- notes
    "figures_note_unit": (
        "“{column}”按表头单位 {unit} 读取，已换算为 {target}。",
        "'{column}' is read in {unit} (from its header) and converted to {target}.",
    ),
    "figures_note_title_unit": (
        "按标题中的“单位：{unit}”读取金额，已换算为万元：{columns}",
        "Amounts are read in {unit} (the title's 单位) and converted to 万元: {columns}",
    ),
    "figures_note_skipped_total": (
        "第 {rows} 行是合计行，已跳过。",
        "Rows {rows} are totals and were skipped.",
    ),
    "figures_note_skipped_example": (
        "第 {rows} 行是模板中的示例，已跳过。",
        "Rows {rows} are the template's example and were skipped.",
    ),
    "figures_note_skipped_empty": (
        "第 {rows} 行没有任何数值，已跳过。",
        "Rows {rows} hold no figures and were skipped.",
    ),
    "figures_note_by_name": (
        "第 {rows} 行按企业名称识别(没有企业编号，或统一社会信用代码不在企业库中)，请核对。",
        "Rows {rows} were matched by name (no enterprise ID, or a credit code the register does "
        "not hold): please check them.",
    ),
    # --- reading
    "figures_format_unsupported": (
        "不支持的文件类型“{suffix}”：经济数据请上传 .xlsx 或 .csv 表格。",
        "Unsupported file type '{suffix}': upload the figures as an .xlsx or .csv sheet.",
    ),
    "figures_xls": (
        "无法读取旧版 Excel .xls 文件：请在 Excel 或 WPS 中另存为 .xlsx 后上传。",
        "Old Excel .xls files cannot be read: save the file as .xlsx in Excel or WPS and upload "
        "that.",
    ),
    "figures_table_empty": (
        "表格“{name}”没有数据行(需要一行表头和至少一行数据)。",
        "The sheet '{name}' has no data rows (it needs a header row and at least one row of data).",
    ),
    "figures_too_many_rows": (
        "表格有 {count} 行数据，超过上限 {limit}。",
        "The sheet has {count} data rows, more than the limit of {limit}.",
    ),
    "figures_sheet_missing": (
        "工作簿中没有工作表“{sheet}”。现有工作表：{sheets}",
        "The workbook has no sheet '{sheet}'. Its sheets: {sheets}",
    ),
    # --- mapping and values
    "figures_unmapped": (
        "缺少必需的字段：{columns}。请在“字段对应”中选择，或给出全文件通用的值。",
        "Required fields are not mapped: {columns}. Choose them under 'Field mapping', or give "
        "one value for the whole file.",
    ),
    "figures_no_figures": (
        "没有对应任何数值字段(如主营业务收入、税收)：没有可导入的数据。",
        "No figure field is mapped (such as revenue or tax): there is nothing to import.",
    ),
    "figures_nothing": (
        "文件中没有可导入的数据行。",
        "The file holds no rows to import.",
    ),
    "figures_bad_year": (
        "第 {rows} 行的年度无法识别或不在 {low}–{high} 之间：{values}",
        "Rows {rows}: the year is not understood or not within {low}–{high}: {values}",
    ),
    "figures_bad_months": (
        "第 {rows} 行的累计月数无法识别(应为 1–12 月的累计，如 6、6月、1-6月)：{values}",
        "Rows {rows}: the months are not understood (Jan to a month 1–12, such as 6, 6月, "
        "1-6月): {values}",
    ),
    "figures_bad_number": (
        "“{column}”第 {rows} 行不是数字：{values}",
        "'{column}', rows {rows}: not a number: {values}",
    ),
    "figures_negative": (
        "“{column}”第 {rows} 行为负数：{values}(经济数据应不小于 0)",
        "'{column}', rows {rows}: negative values: {values} (figures must be 0 or more)",
    ),
    "figures_bad_kind": (
        "第 {rows} 行的对象类型无法识别：{values}(应为“企业”或“项目”)",
        "Rows {rows}: the subject is not understood: {values} (expected 企业 / enterprise or "
        "项目 / project)",
    ),
    "figures_no_subject": (
        "第 {rows} 行没有企业编号、统一社会信用代码或企业名称(建设项目需地块编号)。",
        "Rows {rows} have no enterprise ID, credit code or name (a project needs a parcel code).",
    ),
    "figures_project_figures": (
        "第 {rows} 行是建设项目：只能填写固定资产投资，不能填写 {columns}。",
        "Rows {rows} are construction projects: they take fixed investment only, not {columns}.",
    ),
    # --- resolving and merging
    "figures_unknown_firm": (
        "第 {rows} 行的企业在企业库中找不到：{values}",
        "Rows {rows}: firms not found in the register: {values}",
    ),
    "figures_ambiguous_name": (
        "第 {rows} 行的企业名称对应多家企业：{values}。请改用企业编号或统一社会信用代码。",
        "Rows {rows}: the name matches several firms: {values}. Use the enterprise ID or the "
        "credit code instead.",
    ),
    "figures_firm_conflict": (
        "第 {rows} 行的企业编号与统一社会信用代码指向不同的企业：{values}",
        "Rows {rows}: the enterprise ID and the credit code name different firms: {values}",
    ),
    "figures_unknown_parcel": (
        "第 {rows} 行的地块编号不存在：{values}",
        "Rows {rows}: parcel codes that do not exist: {values}",
    ),
    "figures_duplicates": (
        "第 {rows} 行重复(同一企业或地块、同一期间出现多次)：{values}",
        "Rows {rows} repeat the same firm or parcel and period: {values}",
    ),
}
