"""Messages of the onboarding check (gis.onboarding): what a park lacks and where to import it."""

MESSAGES = {
    # --- the pieces of a park
    "onb_piece_boundary": ("园区范围", "Park boundary"),
    "onb_piece_blocks": ("区块", "Blocks"),
    "onb_piece_parcels": ("地块", "Parcels"),
    "onb_piece_history": ("地块状态历史", "Parcel status history"),
    "onb_piece_enterprises": ("企业", "Enterprises"),
    "onb_piece_buildings": ("建筑", "Buildings"),
    "onb_piece_vacant_spaces": ("闲置空间", "Vacant spaces"),
    "onb_piece_yearly_figures": ("企业年度数据", "Enterprises' yearly figures"),
    "onb_piece_period_figures": ("月度累计数据(1–N月)", "Year-to-date figures (January–N)"),
    "onb_piece_targets": ("年度目标", "Targets of the year"),
    "onb_piece_candidates": ("意向企业", "Candidate firms"),
    # --- where each piece is imported
    "onb_where_data_import": ("“数据”页 →“导入”", "Data page → Import"),
    "onb_where_data_figures": ("“数据”页 →“企业经济数据”", "Data page → Enterprise figures"),
    "onb_where_parcels_excel": (
        "“地块查询”页 →“Excel 批量更新与导出”",
        "Parcels page → Excel: bulk updates and export",
    ),
    "onb_where_targets_edit": ("“目标与亩均”页 →“编辑目标”", "Targets page → Edit targets"),
    "onb_where_reuse_candidates": (
        "“闲置盘活”页 →“意向企业库”",
        "Reuse page → Candidate pipeline",
    ),
    # --- one sentence per missing piece: what is missing and what to import where
    "onb_missing_boundary": (
        "还没有园区范围：请在“数据”页“导入”中把园区边界文件导入到“园区范围”图层。",
        "There is no park boundary yet: import the boundary file into the 'Park boundary' layer "
        "on the Data page, Import tab.",
    ),
    "onb_missing_blocks": (
        "还没有区块：请在“数据”页“导入”中导入区块图层。",
        "There are no blocks yet: import the blocks layer on the Data page, Import tab.",
    ),
    "onb_missing_parcels": (
        "还没有地块：请在“数据”页“导入”中导入地块图层(GeoPackage、Shapefile、DXF 或界址点 TXT)。",
        "There are no parcels yet: import the parcels layer (GeoPackage, Shapefile, DXF or "
        "boundary-point TXT) on the Data page, Import tab.",
    ),
    "onb_missing_history": (
        "还没有地块状态历史：请在“地块查询”页“Excel 批量更新与导出”中导入带日期的状态变更。",
        "There is no parcel status history yet: import the dated status changes on the Parcels "
        "page, under Excel: bulk updates and export.",
    ),
    "onb_missing_enterprises": (
        "还没有企业：请在“数据”页“导入”中导入企业图层。",
        "There are no enterprises yet: import the enterprises layer on the Data page, Import tab.",
    ),
    "onb_missing_buildings": (
        "还没有建筑：请在“数据”页“导入”中导入建筑图层。",
        "There are no buildings yet: import the buildings layer on the Data page, Import tab.",
    ),
    "onb_missing_vacant_spaces": (
        "还没有闲置空间：请在“数据”页“导入”中导入闲置空间图层。",
        "There are no vacant spaces yet: import the vacant spaces layer on the Data page, "
        "Import tab.",
    ),
    "onb_missing_yearly_figures": (
        "还没有企业年度数据：请在“数据”页“企业经济数据”中导入统计局或税务局的年度报表。",
        "There are no yearly enterprise figures yet: import the statistics or tax bureau's "
        "yearly sheet on the Data page, Enterprise figures tab.",
    ),
    "onb_missing_period_figures": (
        "还没有月度累计数据(1–N月)：请在“数据”页“企业经济数据”中导入月度累计报表。",
        "There are no year-to-date figures (January–N) yet: import the year-to-date sheet on "
        "the Data page, Enterprise figures tab.",
    ),
    "onb_missing_targets": (
        "还没有 {year} 年的目标：请在“目标与亩均”页“编辑目标”中录入。",
        "There are no targets for {year} yet: enter them on the Targets page, Edit targets.",
    ),
    "onb_missing_candidates": (
        "还没有意向企业：请在“闲置盘活”页“意向企业库”中导入意向企业表。",
        "There are no candidate firms yet: import the candidate sheet on the Reuse page, "
        "Candidate pipeline tab.",
    ),
    # --- the meeting pack's map when nothing can be drawn
    "onb_pack_map_empty": (
        "还没有可绘制的地图数据：请在“数据”页“导入”中导入园区范围、区块或地块。",
        "No map data to draw yet: import the park boundary, blocks or parcels on the Data page, "
        "Import tab.",
    ),
    # --- targets that cannot be computed for want of figures
    "target_note_no_figures": (
        "还没有企业年度或月度累计数据，不能计算 {year} 年的值：请在“数据”页“企业经济数据”中导入。",
        "No yearly or year-to-date enterprise figures yet, so the {year} value cannot be "
        "computed: import them on the Data page, Enterprise figures tab.",
    ),
    # --- the 数据 page's overview of the park (ui.onboarding)
    "onb_heading": ("本园区数据概况", "What this park's data holds"),
    "onb_park_name": ("园区：{name}", "Park: {name}"),
    "onb_empty_intro": (
        "这是一个空白园区：还没有任何数据。请按下列顺序导入，每导入一项，相关页面即可使用。",
        "This is an empty park: it holds no data yet. Import the pieces below in this order; "
        "each one brings the pages it feeds to life.",
    ),
    "onb_all_present": (
        "各项数据齐全：{count} 项均已导入。",
        "Every piece is there: all {count} have data.",
    ),
    "onb_missing_count": (
        "缺少 {missing}/{total} 项数据：",
        "{missing} of {total} pieces are missing:",
    ),
    "onb_go_import": ("去导入", "Import it"),
    "onb_go_page": ("打开该页", "Open the page"),
    "onb_opened_import": (
        "已打开“导入”页签，目标图层已选为“{layer}”：请上传文件。",
        "The Import tab is open with the target layer set to '{layer}': upload the file.",
    ),
    "onb_table": ("各项数据明细", "Every piece in detail"),
    "onb_col_piece": ("数据", "Piece"),
    "onb_col_state": ("状态", "State"),
    "onb_col_rows": ("行数", "Rows"),
    "onb_col_sample": ("其中示意数据", "Of them sample"),
    "onb_col_pages": ("用于页面", "Feeds the pages"),
    "onb_col_where": ("导入位置", "Import it on"),
    "onb_state_present": ("已有", "Present"),
    "onb_state_missing": ("缺少", "Missing"),
    "onb_sample_present": (
        "本园区含示意数据 {count} 行(合成示例，非测绘或统计数据)。导入本园区的真实数据后，"
        "可在“园区数据文件”页签中移除示意数据。",
        "This park holds {count} rows of the sample park (synthetic, not survey or statistical "
        "data). Once your own data is imported, remove the sample rows on the Park data file "
        "tab.",
    ),
    "onb_go_park_tab": ("去移除示意数据", "Remove the sample rows"),
    "onb_problems": (
        "数据检查发现 {count} 个问题(多为在 QGIS 等软件中直接修改的数据)：",
        "The data check found {count} problems (mostly data edited directly in QGIS or "
        "other software):",
    ),
    "onb_problems_more": ("…另有 {count} 个问题未列出。", "…and {count} more not listed."),
    # --- the 园区数据文件 tab: a new park, the sample's removal
    "tab_park": ("园区数据文件", "Park data file"),
    "park_current": ("当前数据文件：{path}", "Current data file: {path}"),
    "park_remove_heading": ("移除示意数据", "Remove the sample rows"),
    "park_no_sample": (
        "当前数据文件中没有示意数据。",
        "The current data file holds no sample rows.",
    ),
    "park_remove_intro": (
        "将删除内置示意园区的全部数据行，保留您自己录入或导入的数据。删除前自动备份，"
        "全部成功或全部不变；示意地块的状态变更记录随地块一并删除。",
        "Every row of the built-in sample park is removed; the rows you entered or imported "
        "are kept. A backup is made first, and either everything is removed or nothing; the "
        "status history of the sample's parcels goes with them.",
    ),
    "park_col_layer": ("图层", "Layer"),
    "park_col_rows": ("现有行数", "Rows now"),
    "park_col_removed": ("将删除(示意数据)", "Removed (sample)"),
    "park_col_kept": ("将保留", "Kept"),
    "park_remove_confirm": (
        "我已了解：将删除上表中的示意数据(先自动备份)",
        "I understand: the sample rows above are removed (a backup is made first)",
    ),
    "park_remove_button": ("移除示意数据", "Remove the sample rows"),
    "park_removed": (
        "已移除示意数据 {count} 行，保留 {kept} 行您自己的数据。移除前的数据已备份为 {backup}。",
        "Removed {count} sample rows; {kept} rows of your own are kept. The data before the "
        "removal was backed up as {backup}.",
    ),
    "park_new_heading": ("新建园区", "Start a new park"),
    "park_new_intro": (
        "新建一个空白的园区数据文件(含全部图层，无数据，非示意数据)。当前数据文件不受影响。",
        "Create an empty park data file (every layer, no rows, no sample data). The current "
        "data file is left as it is.",
    ),
    "park_new_path": ("新数据文件路径(.gpkg)", "Path of the new data file (.gpkg)"),
    "park_new_path_help": (
        "服务器上的路径，相对路径以程序目录为准，例如 data/my-park.gpkg；文件不可已存在。",
        "A path on the server, relative to the app's folder, e.g. data/my-park.gpkg; the file "
        "must not exist.",
    ),
    "park_new_name": ("园区名称", "Park name"),
    "park_new_button": ("新建空白园区", "Create the empty park"),
    "park_new_no_path": ("请填写新数据文件的路径。", "Enter the path of the new data file."),
    "park_new_suffix": (
        "数据文件须以 .gpkg 结尾：{path}",
        "The data file must end in .gpkg: {path}",
    ),
    "park_new_no_folder": (
        "文件夹 {folder} 不存在；请先创建它，或换一个路径。",
        "The folder {folder} does not exist; create it first or choose another path.",
    ),
    "park_new_created": (
        "已新建空白园区数据文件：{path}",
        "Created an empty park data file: {path}",
    ),
    "park_new_switch": (
        "本程序在启动时读取环境变量 PARK_DB。要使用新园区，请以 PARK_DB={path} 重新启动程序"
        "(如下命令)；重启前，本页仍使用当前数据文件。",
        "The app reads the PARK_DB environment variable when it starts. To use the new park, "
        "restart the app with PARK_DB={path} (the command below); until then this page keeps "
        "using the current data file.",
    ),
}
