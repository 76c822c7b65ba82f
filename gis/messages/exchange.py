"""Messages of data exchange (issue #6): the 数据 page, import and export errors."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- page
    "page_data": ("数据", "Data"),
    "data_heading": ("数据导入、导出与备份", "Data import, export and backup"),
    "tab_import": ("导入", "Import"),
    "tab_export": ("导出", "Export"),
    "tab_backup": ("备份与恢复", "Backup and restore"),
    "import_upload": (
        "上传文件(GeoPackage、GeoJSON、Shapefile 压缩包 .zip、KML、DXF、CSV、XLSX、界址点 TXT)",
        "Upload a file (GeoPackage, GeoJSON, zipped Shapefile .zip, KML, DXF, CSV, XLSX, "
        "界址点 boundary-point TXT)",
    ),
    "import_upload_help": (
        "Shapefile 请将 .shp .shx .dbf(及 .prj .cpg)一起压缩为 .zip；CAD 图请另存为 DXF；"
        "表格需有 WKT 列或 经度/纬度(X/Y)列。上限 {limit_mb} MB。",
        "Zip a shapefile's .shp .shx .dbf (and .prj .cpg) together; save CAD drawings as DXF; "
        "tables need a WKT column or lon/lat (X/Y) columns. Limit {limit_mb} MB.",
    ),
    "import_read_ok": (
        "已读取“{name}”：格式 {fmt}，{count} 个要素。",
        "Read '{name}': format {fmt}, {count} features.",
    ),
    "import_encoding": ("文字编码", "Text encoding"),
    "import_encoding_auto": ("自动识别", "Detect"),
    "import_encoding_found": (
        "文字编码：{encoding}(依据：{source})。如中文显示为乱码，请在上方更换编码。",
        "Text encoding: {encoding} (from: {source}). If Chinese text looks garbled, choose "
        "another encoding above.",
    ),
    "enc_source_cpg": (".cpg 文件", "the .cpg file"),
    "enc_source_ldid": ("DBF 语言驱动标记 LDID", "the DBF language-driver byte (LDID)"),
    "enc_source_bom": ("字节顺序标记 BOM", "the byte-order mark"),
    "enc_source_utf8": ("按 UTF-8 可正确解码", "decodes as UTF-8"),
    "enc_source_gb18030": ("非 UTF-8，按 GB18030(GBK)解码", "not UTF-8: read as GB18030 (GBK)"),
    "enc_source_mojibake": (
        "UTF-8，但含疑似乱码，请核对",
        "UTF-8, but it looks garbled — please check",
    ),
    "enc_source_declared": ("文件声明", "declared in the file"),
    "enc_source_user": ("用户选择", "your choice"),
    "import_layer": ("源图层", "Source layer"),
    "import_target": ("导入到", "Import into"),
    "import_crs": ("坐标系", "Coordinate system"),
    "import_crs_auto": ("自动(.prj 或按坐标量级判断)", "Automatic (.prj or coordinate magnitude)"),
    "import_datum": ("大地基准(无 .prj 时)", "Datum (when there is no .prj)"),
    "import_swap": ("X/Y 互换(X 为北坐标时)", "Swap X/Y (when X is the northing)"),
    "import_swap_auto": ("自动", "Automatic"),
    "import_swap_yes": ("互换", "Swap"),
    "import_swap_no": ("不互换", "Do not swap"),
    "import_crs_found": (
        "坐标系：{crs}({reason}){swapped}",
        "Coordinate system: {crs} ({reason}){swapped}",
    ),
    "crs_reason_declared": ("文件声明", "declared in the file"),
    "crs_reason_detected": ("按坐标量级判断", "detected from the coordinates"),
    "crs_reason_chosen": ("用户选择", "your choice"),
    "import_swapped_note": ("，已互换 X/Y", "; X/Y swapped"),
    "import_outside": (
        "注意：{count} 个要素位于莲都区范围之外 — 坐标系、带号或 X/Y 顺序可能不对，请核对后再导入。",
        "Warning: {count} features lie outside the Liandu district — the coordinate system, "
        "zone or X/Y order may be wrong; check before importing.",
    ),
    "import_mapping": ("字段对应", "Field mapping"),
    "import_mapping_help": (
        "左为本系统字段，右为文件中的字段；已按常用字段名(地块编号/DKBH、地块名称/DKMC、面积/MJ、用途/DKYT …)自动建议。",
        "Our fields on the left, the file's on the right; suggested from common names "
        "(地块编号/DKBH, 地块名称/DKMC, 面积/MJ, 用途/DKYT …).",
    ),
    "import_unmapped": ("(不导入)", "(not imported)"),
    "import_mode": ("导入方式", "Mode"),
    "mode_add": ("作为新要素添加", "Add as new features"),
    "mode_update": (
        "按编号更新已有要素(新编号则添加)",
        "Update existing features by code (add new codes)",
    ),
    "mode_replace": (
        "替换整个图层(按编号更新，文件中没有的要素将被删除)",
        "Replace the whole layer (update by code; features not in the file are removed)",
    ),
    "import_replace_caption": (
        "将新增 {added} 个、更新 {updated} 个、删除 {removed} 个{layer}(替换整个图层)。",
        "{added} {layer} will be added, {updated} updated and {removed} removed (the whole "
        "layer is replaced).",
    ),
    "import_replace_removed": (
        "以下 {count} 个要素不在文件中，导入后将被删除：{codes}",
        "These {count} features are not in the file and will be removed by the import: {codes}",
    ),
    "import_replace_history": (
        "不能替换：{count} 个将被删除的地块已有状态变更记录({values})。替换导入不会删除地块的"
        "状态历史；请在文件中保留这些地块，或改用“按编号更新”。",
        "Cannot replace: {count} parcels that would be removed have a recorded status history "
        "({values}). A replace import never deletes a parcel's history: keep these parcels in "
        "the file, or use 'Update existing features by code'.",
    ),
    "import_replace_referenced": (
        "不能替换：“{ref_layer}”的“{column}”仍引用 {count} 个将被删除的{layer}编号({values})。"
        "请在文件中保留它们，或先修改引用它们的数据。",
        "Cannot replace: '{column}' of '{ref_layer}' still refers to {count} codes of "
        "'{layer}' that would be removed ({values}). Keep them in the file, or change the "
        "rows that refer to them first.",
    ),
    "import_done_replace": (
        "导入完成：新增 {added} 个，更新 {updated} 个，删除 {removed} 个。导入前的数据已备份为 "
        "{backup}。",
        "Import done: {added} added, {updated} updated, {removed} removed. The data before the "
        "import was backed up as {backup}.",
    ),
    "import_defaults": ("缺省值", "Defaults"),
    "import_default_block": ("未落在任何区块内时所属区块", "Block for parcels outside every block"),
    "import_default_land_use": ("未给出用途时的用地性质", "Land use when none is given"),
    "import_no_default": ("(无)", "(none)"),
    "import_author": ("记录人", "Recorded by"),
    "import_effective": ("状态生效日期(无日期时)", "Status effective date (when none is given)"),
    "import_preview": ("预览", "Preview"),
    "import_preview_caption": (
        "将新增 {added} 个、更新 {updated} 个{layer}。",
        "{added} {layer} will be added and {updated} updated.",
    ),
    "import_geometry_report": ("几何检查", "Geometry check"),
    "import_repaired": (
        "第 {row} 行：几何无效({reason})，已修复为 {result}",
        "Row {row}: invalid geometry ({reason}), repaired as {result}",
    ),
    "import_dropped": ("第 {row} 行：已跳过({reason})", "Row {row}: skipped ({reason})"),
    "import_converted": (
        "第 {row} 行：{source} 已转为 {target}",
        "Row {row}: {source} converted to {target}",
    ),
    "import_overlaps": ("与已有地块重叠", "Overlaps with existing parcels"),
    "import_area_mismatch": (
        "计算面积与文件所载面积不符(容差 max(0.5%, 1 m²))",
        "Computed area differs from the stated area (tolerance max(0.5%, 1 m²))",
    ),
    "import_area_ok": (
        "面积核对通过：{count} 个地块的计算面积与文件所载面积一致。",
        "Area check passed: the computed area of {count} parcels matches the stated area.",
    ),
    "import_button": ("导入", "Import"),
    "import_blocked": (
        "请先解决以上问题，才能导入。",
        "Resolve the problems above before importing.",
    ),
    "import_done": (
        "导入完成：新增 {added} 个，更新 {updated} 个。导入前的数据已备份为 {backup}。",
        "Import done: {added} added, {updated} updated. The data before the import was backed "
        "up as {backup}.",
    ),
    "import_text_preview": ("文件内容(解码后)", "File content (decoded)"),
    "col_new": ("导入要素", "Imported"),
    "col_existing": ("已有地块", "Existing parcel"),
    "col_overlap_m2": ("重叠面积(m²)", "Overlap (m²)"),
    "col_code": ("编号", "Code"),
    "col_stated_m2": ("文件面积(m²)", "Stated (m²)"),
    "col_computed_m2": ("计算面积(m²)", "Computed (m²)"),
    "col_difference_m2": ("差值(m²)", "Difference (m²)"),
    "col_area_mu": ("面积(亩)", "Area (mu)"),
    "layer_import_preview": ("待导入要素", "Features to import"),
    # --- export
    "export_layer": ("图层", "Layer"),
    "export_blocks": ("区块筛选", "Blocks"),
    "export_format": ("格式", "Format"),
    "export_crs": ("坐标系", "Coordinate system"),
    "export_encoding": ("文字编码", "Text encoding"),
    "export_encoding_help": (
        "UTF-8 写出 .cpg，新版 ArcGIS/QGIS 可直接读取；ArcGIS 10.x 等旧软件请选 GBK。",
        "UTF-8 with a .cpg suits QGIS and current ArcGIS; choose GBK for ArcGIS 10.x and "
        "other older software.",
    ),
    "export_values_labels": (
        "属性值写为中文名称(如 交地、工业用地、是/否)，地块另附区块名称；本系统可再导入此文件"
        "(导入时识别中英文名称)。",
        "Attribute values are written as English labels (e.g. Delivered, Industrial, Yes/No) "
        "and parcels also carry the block name; the app can import the file back (it reads "
        "Chinese and English labels).",
    ),
    "export_values_codes": (
        "GeoPackage / GeoJSON 用于数据交换和再导入：保留系统代码(如 DELIVERED、INDUSTRIAL)"
        "和字段名，与数据库一致。需要给人看的表请选 Excel 或 Shapefile。",
        "GeoPackage / GeoJSON are for data exchange and re-import: they keep the app's codes "
        "(e.g. DELIVERED, INDUSTRIAL) and column names, as the store holds them. For a table "
        "people read, choose Excel or Shapefile.",
    ),
    "export_shp_fields": (
        "字段名统一用拼音首字母(如 DKBH 地块编号、CRZT 出让状态)，压缩包内附字段说明 {filename}"
        "(字段名、中英文名称、单位)。",
        "Field names are all pinyin initials (e.g. DKBH parcel code, CRZT land-sale status); "
        "the zip includes the field dictionary {filename} (field, Chinese and English label, "
        "unit).",
    ),
    "crs_name_4490": ("CGCS2000 经纬度", "CGCS2000 geographic (lon/lat)"),
    "crs_name_4326": ("WGS 84 经纬度", "WGS 84 geographic (lon/lat)"),
    "crs_name_4549": ("CGCS2000 3度带 CM120E", "CGCS2000 3-degree GK CM 120E"),
    "crs_name_4528": (
        "CGCS2000 3度带 第40带(坐标带带号)",
        "CGCS2000 3-degree GK zone 40 (with zone prefix)",
    ),
    "export_count": ("{count} 个要素", "{count} features"),
    "export_download": ("下载 {filename}", "Download {filename}"),
    "export_empty": ("所选范围内没有要素。", "There are no features in this selection."),
    "export_txt_polygons": (
        "界址点 TXT 只能导出面图层(地块、区块、建筑、园区范围)。",
        "界址点 TXT holds polygons only (parcels, blocks, buildings, park boundary).",
    ),
    "fmt_gpkg": ("GeoPackage (.gpkg)", "GeoPackage (.gpkg)"),
    "fmt_geojson": ("GeoJSON (.geojson)", "GeoJSON (.geojson)"),
    "fmt_shp": ("Shapefile 压缩包 (.zip)", "Zipped Shapefile (.zip)"),
    "fmt_kml": ("KML (.kml)", "KML (.kml)"),
    "fmt_dxf": ("CAD 图 DXF (.dxf)", "CAD drawing DXF (.dxf)"),
    "fmt_xlsx": ("Excel 表格 (.xlsx)", "Excel sheet (.xlsx)"),
    "fmt_txt": ("界址点坐标 TXT (.txt)", "界址点 boundary-point TXT (.txt)"),
    # --- backups
    "backup_now": ("立即备份", "Back up now"),
    "backup_done": ("已备份为 {name}", "Backed up as {name}"),
    "backup_list": ("已有备份(最新在前)", "Backups (newest first)"),
    "backup_none": ("还没有备份。", "There are no backups yet."),
    "backup_restore": ("恢复所选备份", "Restore the selected backup"),
    "backup_confirm": (
        "我确认用所选备份替换当前数据(当前数据会先自动备份)",
        "I confirm replacing the current data with the selected backup (the current data is "
        "backed up first)",
    ),
    "backup_restored": ("已从 {name} 恢复。", "Restored from {name}."),
    # --- reader errors
    "exchange_too_large": (
        "文件过大({size_mb} MB)，上限为 {limit_mb} MB。",
        "The file is too large ({size_mb} MB); the limit is {limit_mb} MB.",
    ),
    "exchange_empty_file": ("文件“{name}”是空的。", "The file '{name}' is empty."),
    "exchange_format_unsupported": (
        "不支持的文件类型“{suffix}”。支持：{formats}",
        "Unsupported file type '{suffix}'. Supported: {formats}",
    ),
    "exchange_shp_not_zipped": (
        "Shapefile 由多个文件组成：请将 .shp、.shx、.dbf(及 .prj、.cpg)一起压缩为 .zip 后上传。",
        "A shapefile is several files: zip the .shp, .shx, .dbf (and .prj, .cpg) together and "
        "upload the .zip.",
    ),
    "exchange_dwg": (
        "无法读取 DWG 格式：请在 CAD 软件中另存为 DXF(R2000–R2018)后上传。",
        "DWG cannot be read: save the drawing as DXF (R2000–R2018) in your CAD software and "
        "upload that.",
    ),
    "exchange_unreadable": (
        "无法读取文件“{name}”(格式 {fmt})：{reason}。文件可能已损坏或不是该格式。",
        "Cannot read '{name}' (format {fmt}): {reason}. The file may be damaged or not of this "
        "format.",
    ),
    "exchange_too_many_features": (
        "文件有 {count} 个要素，超过上限 {limit}。",
        "The file has {count} features, more than the limit of {limit}.",
    ),
    "exchange_no_spatial_layer": (
        "文件“{name}”中没有带几何的图层。",
        "The file '{name}' has no layer with geometry.",
    ),
    "exchange_layer_missing": (
        "文件中没有图层“{layer}”。现有图层：{layers}",
        "The file has no layer '{layer}'. Its layers: {layers}",
    ),
    "exchange_zip_unreadable": (
        "无法打开该压缩包({reason})：请确认是完整的 .zip 文件。",
        "Cannot open this zip ({reason}): make sure it is a complete .zip file.",
    ),
    "exchange_zip_members": (
        "压缩包内文件过多({count} 个，上限 {limit})。",
        "The zip holds too many files ({count}; the limit is {limit}).",
    ),
    "exchange_zip_bomb": (
        "压缩包解压后过大({size_mb} MB，上限 {limit_mb} MB)，已拒绝。",
        "The zip expands to too much data ({size_mb} MB; the limit is {limit_mb} MB) and was "
        "refused.",
    ),
    "exchange_zip_ratio": (
        "压缩包中的“{path}”压缩比异常({ratio}:1，上限 {limit}:1)，疑似压缩炸弹，已拒绝。",
        "'{path}' in the zip has an abnormal compression ratio ({ratio}:1; the limit is "
        "{limit}:1) and was refused as a possible zip bomb.",
    ),
    "exchange_zip_unsafe_path": (
        "压缩包中的路径“{path}”指向上传目录之外(或为链接)，已拒绝。",
        "The path '{path}' in the zip points outside the upload folder (or is a link) and was "
        "refused.",
    ),
    "exchange_zip_no_shp": (
        "压缩包中没有 .shp 文件。包内文件：{files}",
        "The zip holds no .shp file. Its files: {files}",
    ),
    "exchange_shp_part_missing": (
        "Shapefile“{layer}”缺少 {part} 文件：请将各组成文件一起压缩。",
        "The shapefile '{layer}' lacks its {part} file: zip all its parts together.",
    ),
    "exchange_dbf_malformed": (
        "属性表 .dbf 文件已损坏({reason})。",
        "The attribute table (.dbf) is damaged ({reason}).",
    ),
    "exchange_encoding_unknown": (
        "未知的文字编码“{encoding}”。",
        "Unknown text encoding '{encoding}'.",
    ),
    "exchange_decode_failed": (
        "无法按 {encoding} 解码该文件(第 {position} 字节)：请选择其他编码。",
        "The file cannot be decoded as {encoding} (at byte {position}): choose another encoding.",
    ),
    "exchange_dxf_empty": (
        "DXF 文件“{name}”中没有可导入的图形(闭合多段线、直线或点)。",
        "The DXF file '{name}' has no shapes to import (closed polylines, lines or points).",
    ),
    "exchange_dxf_polygonized": (
        "已将 {count} 组首尾相接的线段构成面。",
        "{count} polygons were built from connected line segments.",
    ),
    "exchange_table_empty": ("表格“{name}”没有数据行。", "The table '{name}' has no data rows."),
    "exchange_table_no_geometry": (
        "表格中找不到几何列：需要 WKT 列，或 经度/纬度(lon/lat、X/Y)两列。现有列：{columns}",
        "No geometry in the table: it needs a WKT column, or lon/lat (X/Y) columns. Its "
        "columns: {columns}",
    ),
    "exchange_bad_wkt": (
        "列“{column}”第 {rows} 行不是有效的 WKT 几何。",
        "Column '{column}' rows {rows} are not valid WKT geometries.",
    ),
    "exchange_bad_xy": (
        "第 {rows} 行的坐标({x}/{y})不是数字。",
        "The coordinates ({x}/{y}) in rows {rows} are not numbers.",
    ),
    "exchange_reader_warning": ("读取提示：{text}", "Reader note: {text}"),
    "exchange_no_geometry": (
        "文件中的要素都没有几何(坐标为空)。",
        "None of the file's features has a geometry (the coordinates are empty).",
    ),
    "exchange_crs_unknown": (
        "无法根据坐标判断坐标系，请在“坐标系”中手动选择。",
        "The coordinate system cannot be told from the coordinates: choose it under "
        "'Coordinate system'.",
    ),
    "exchange_crs_failed": (
        "坐标转换失败(坐标系 {crs})：{reason}",
        "Coordinate transformation failed (CRS {crs}): {reason}",
    ),
    "exchange_crs_declared_ignored": (
        "文件声明的坐标系 {crs} 与坐标数值不符(像投影坐标)，已按数值判断。",
        "The declared CRS {crs} does not fit the numbers (they look projected); the CRS was "
        "detected from the numbers instead.",
    ),
    # --- 界址点 TXT
    "txt_bad_line": (
        "界址点文件第 {line} 行格式不正确：“{text}”(应为 点号,圈号,X,Y 或以 @ 结尾的地块行)。",
        "Line {line} of the boundary-point file is malformed: '{text}' (expected "
        "point,ring,X,Y or a parcel line ending in @).",
    ),
    "txt_no_parcel_line": (
        "界址点文件第 {line} 行：坐标出现在地块行(以 @ 结尾)之前：“{text}”。",
        "Line {line} of the boundary-point file: a point comes before any parcel line "
        "(ending in @): '{text}'.",
    ),
    "txt_no_parcels": (
        "文件中没有地块坐标(缺少 [地块坐标] 及以 @ 结尾的地块行)。",
        "The file has no parcels ([地块坐标] with parcel lines ending in @ is missing).",
    ),
    "txt_bad_area": (
        "界址点文件第 {line} 行的地块面积“{value}”不是数字。",
        "Line {line} of the boundary-point file: the area '{value}' is not a number.",
    ),
    "txt_short_ring": (
        "界址点文件第 {line} 行的地块，第 {ring} 圈少于 3 个点。",
        "The parcel at line {line} of the boundary-point file: ring {ring} has fewer than 3 "
        "points.",
    ),
    "txt_no_points": (
        "界址点文件第 {line} 行的地块“{code}”没有界址点。",
        "The parcel '{code}' at line {line} of the boundary-point file has no points.",
    ),
    # --- mapping and merge
    "import_column_missing": ("文件中没有字段“{column}”。", "The file has no field '{column}'."),
    "import_bad_values": (
        "字段“{column}”第 {rows} 行的值无法识别：{values}",
        "Field '{column}', rows {rows}: values not understood: {values}",
    ),
    "import_key_unmapped": (
        "请为“{column}”选择对应字段(用于识别每个要素)。",
        "Choose the field that holds '{column}' (it identifies each feature).",
    ),
    "import_nothing": ("没有可导入的要素。", "There is nothing to import."),
    "import_key_blank": ("第 {rows} 行的“{column}”为空。", "'{column}' is empty in rows {rows}."),
    "import_duplicate_keys": (
        "文件中“{column}”有重复值：{values}",
        "The file has duplicate '{column}' values: {values}",
    ),
    "import_keys_exist": (
        "{count} 个“{column}”已存在：{values}。如需更新，请选择“按编号更新”。",
        "{count} '{column}' values exist already: {values}. To update them, choose 'Update "
        "existing features by code'.",
    ),
    "import_required_missing": (
        "{count} 个要素缺少必填字段“{column}”：{values}",
        "{count} features lack the required field '{column}': {values}",
    ),
    "import_status_inconsistent": (
        "地块 {values}：未交地的地块不能有开工及以后的建设状态。",
        "Parcels {values}: land not delivered cannot have a construction status beyond "
        "'not started'.",
    ),
    "import_unknown_reference": (
        "“{column}”引用了不存在的编号：{values}",
        "'{column}' refers to codes that do not exist: {values}",
    ),
    "import_status_ignored": (
        "{count} 个已有地块的状态未被导入修改：状态变更请在地块页面逐条登记(需生效日期)。",
        "The status of {count} existing parcels was not changed by the import: record status "
        "changes on the parcel page (each needs an effective date).",
    ),
}
