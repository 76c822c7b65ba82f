"""Core messages: the app shell, the map page and the store's errors."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- app shell
    "app_title": ("园区一张图", "Park One-Map"),
    "app_subtitle": ("莲都工业园区 · 管委会", "Liandu Industrial Park · Management Committee"),
    "language": ("语言 / Language", "Language / 语言"),
    "sample_badge": (
        "示意数据：本园区数据为合成示例，坐标与数值均非测绘或统计数据。",
        "Illustrative data (示意数据): the sample park is synthetic; its coordinates and "
        "figures are not survey or statistical data.",
    ),
    "sample_mark": ("示意数据 · 非测绘成果", "Illustrative data · not a survey"),
    "data_source": ("数据文件：{path}", "Data file: {path}"),
    "page_map": ("一张图", "Map"),
    # --- map page
    "map_heading": ("园区一张图", "Park map"),
    "colour_by": ("地块着色", "Colour parcels by"),
    "colour_sale": ("出让状态", "Land-sale status"),
    "colour_construction": ("建设状态", "Construction status"),
    "block_filter": ("区块筛选", "Blocks"),
    "all_blocks": ("全部区块", "All blocks"),
    "summary_heading": ("地块统计", "Parcel summary"),
    "summary_as_of": ("截至 {date}", "As of {date}"),
    "summary_status": ("状态", "Status"),
    "summary_count": ("地块数", "Parcels"),
    "summary_area_mu": ("面积(亩)", "Area (mu)"),
    "summary_area_ha": ("面积(公顷)", "Area (ha)"),
    "summary_total": ("合计", "Total"),
    "no_parcels": ("所选区块没有地块。", "The selected blocks have no parcels."),
    # --- map layers, legend, tooltips
    "layer_parcels": ("地块", "Parcels"),
    "layer_blocks": ("区块", "Blocks"),
    "layer_buildings": ("建筑", "Buildings"),
    "layer_vacant": ("闲置厂房", "Vacant space"),
    "layer_enterprises": ("企业", "Enterprises"),
    "layer_context": ("河流与道路", "River and roads"),
    "layer_focus": ("选中地块", "Selected parcel"),
    "as_of": ("数据日期(截至)", "As of"),
    "as_of_help": (
        "地图、统计与预警按该日的状态显示(由状态变更记录推算)。",
        "The map, figures and warnings show the state on this date (replayed from the history).",
    ),
    "layer_boundary": ("园区范围", "Park boundary"),
    "legend_vacant": ("含闲置空间的建筑", "Building with vacant space"),
    "legend_building": ("建筑", "Building"),
    "legend_enterprise": ("企业", "Enterprise"),
    "tip_code": ("地块编号", "Parcel"),
    "tip_block": ("区块", "Block"),
    "tip_land_use": ("用地性质", "Land use"),
    "tip_status": ("状态", "Status"),
    "tip_area": ("面积", "Area"),
    "tip_enterprise": ("企业", "Enterprise"),
    "tip_building": ("建筑", "Building"),
    "tip_vacant": ("闲置面积", "Vacant floor area"),
    "tip_gfa": ("建筑面积", "Floor area"),
    "unit_mu": ("亩", "mu"),
    "unit_wan": ("万元", "10k yuan"),
    "legend_toggle": ("图例", "Legend"),
    "unit_m2": ("m²", "m²"),
    "none": ("—", "—"),
    # --- errors from the domain core (gis._errors)
    "crs_missing": (
        "数据“{name}”没有坐标参考系(CRS)，无法确定其位置；请先指定坐标系。",
        "The data '{name}' has no coordinate reference system (CRS), so its location is "
        "unknown; set its CRS first.",
    ),
    "store_missing": ("找不到数据文件：{path}", "Data file not found: {path}"),
    "store_missing_new": (
        "找不到环境变量 PARK_DB 指定的数据文件：{path}。如要在此新建一个空白园区，请运行 "
        "python -m gis new {path}；或将 PARK_DB 指向已有的数据文件。",
        "The data file named by PARK_DB was not found: {path}. To start an empty park there, "
        "run python -m gis new {path}; or point PARK_DB at an existing data file.",
    ),
    "store_exists": (
        "文件 {path} 已存在，不会覆盖它；请换一个路径。",
        "The file {path} already exists and will not be overwritten; choose another path.",
    ),
    "store_unreadable": (
        "无法读取数据文件 {path}：{reason}",
        "Cannot read the data file {path}: {reason}",
    ),
    "store_corrupt": (
        "数据文件 {path} 已损坏或不是 GeoPackage 文件。为避免数据丢失，本程序不会覆盖它；"
        "请从备份恢复，或设置环境变量 PARK_DB 指向另一个文件。",
        "The data file {path} is damaged or is not a GeoPackage. To avoid losing data it will "
        "not be overwritten; restore it from a backup or point PARK_DB at another file.",
    ),
    "store_foreign": (
        "文件 {path} 不是本系统(园区一张图)的数据文件，本程序不会修改它；"
        "请设置环境变量 PARK_DB 指向园区一张图的数据文件，或通过“数据”页面导入。",
        "The file {path} is not a Park One-Map data file and will not be changed; point "
        "PARK_DB at a Park One-Map store, or import the data on the Data page.",
    ),
    "store_too_new": (
        "数据文件 {path} 的格式版本({version})比本程序新，请升级程序。",
        "The data file {path} has a newer format version ({version}); upgrade the app.",
    ),
    "store_incomplete": (
        "数据文件 {path} 缺少图层：{layers}",
        "The data file {path} lacks the layers: {layers}",
    ),
    "store_read_failed": (
        "读取数据文件 {path} 的图层 {layer} 失败：{reason}",
        "Reading layer {layer} of {path} failed: {reason}",
    ),
    "store_stale": (
        "保存被拒绝：您打开数据后，其他人已修改了数据(您的版本 {expected}，当前版本 {current})。"
        "请刷新后重新操作，您的输入不会丢失。",
        "Save refused: someone changed the data after you opened it (your version {expected}, "
        "current {current}). Reload and try again; your input is kept.",
    ),
    "layer_columns_missing": (
        "图层 {layer} 缺少字段：{columns}",
        "Layer {layer} lacks columns: {columns}",
    ),
    "layer_not_spatial": ("图层 {layer} 缺少几何字段", "Layer {layer} has no geometry"),
    "layer_without_crs": ("图层 {layer} 没有坐标参考系", "Layer {layer} has no CRS"),
    "layer_duplicate_keys": (
        "图层 {layer} 的 {column} 有重复值：{values}",
        "Layer {layer} has duplicate {column} values: {values}",
    ),
}
