"""Messages of the tile basemaps (#18): layer control, notes, settings, errors."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the map's layer control and notes
    "bm_none": ("无底图(离线)", "No basemap (offline)"),
    "bm_remote_label": ("{name}(需联网)", "{name} (needs the network)"),
    "bm_local_label": ("{name}(本地文件)", "{name} (local file)"),
    "bm_unavailable": (
        "底图暂不可用(无法连接 {host})，地块照常显示。",
        "Basemap unavailable (cannot reach {host}); the parcels are drawn as usual.",
    ),
    "bm_pdf_attribution": ("底图：{source}", "Basemap: {source}"),
    # --- the settings section (数据 page)
    "tab_basemap": ("底图", "Basemaps"),
    "bm_heading": ("底图设置", "Basemap settings"),
    "bm_intro": (
        "默认无底图，地图完全离线。这里配置的底图会出现在每张地图的图层控制中，由使用者自行切换；"
        "环境变量优先于这里的设置。今后只有管理员可以修改本节。",
        "By default there is no basemap and the map is fully offline. Basemaps configured here "
        "appear in every map's layer control, where users switch them on; environment "
        "variables take precedence over these settings. Later only administrators will be "
        "able to change this section.",
    ),
    "bm_tianditu": ("天地图", "Tianditu"),
    "bm_tianditu_help": (
        "在 console.tianditu.gov.cn 申请“浏览器端”密钥。地图请求会带上密钥发往 t0–t7.tianditu.gov.cn。",
        "Apply for a browser key at console.tianditu.gov.cn. Tile requests carry the key "
        "to t0–t7.tianditu.gov.cn.",
    ),
    "bm_key_current": ("当前密钥：{masked}", "Current key: {masked}"),
    "bm_key_none": ("未配置密钥。", "No key configured."),
    "bm_key_env": (
        "密钥来自环境变量 {name}，在此不可修改。",
        "The key comes from the environment variable {name} and cannot be changed here.",
    ),
    "bm_key_new": ("新密钥(留空则不变)", "New key (leave empty to keep)"),
    "bm_key_clear": ("删除已保存的密钥", "Remove the saved key"),
    "bm_service": ("XYZ / WMTS 服务(如政务外网底图)", "XYZ / WMTS service (e.g. an intranet one)"),
    "bm_service_env": (
        "服务来自环境变量 {name}，在此不可修改。",
        "The service comes from the environment variable {name} and cannot be changed here.",
    ),
    "bm_service_url": ("URL 模板", "URL template"),
    "bm_service_url_help": (
        "XYZ：https://主机/路径/{z}/{x}/{y}.png；WMTS：GetTile 地址，用 {TileMatrix}、{TileRow}、"
        "{TileCol}(Web 墨卡托瓦片矩阵集)。留空则不使用。",
        "XYZ: https://host/path/{z}/{x}/{y}.png; WMTS: a GetTile URL with {TileMatrix}, "
        "{TileRow}, {TileCol} (a Web Mercator tile matrix set). Empty: no service.",
    ),
    "bm_service_kind": ("类型", "Kind"),
    "bm_service_name": ("名称", "Name"),
    "bm_service_attribution": ("版权说明", "Attribution"),
    "bm_service_datum": ("坐标系", "Datum"),
    "bm_service_datum_help": (
        "高德、腾讯瓦片为 GCJ-02，百度为 BD-09，在莲都偏移 500–1100 米，不予使用。",
        "高德 and 腾讯 tiles are GCJ-02, 百度 BD-09: off by 500–1,100 m in 莲都, so refused.",
    ),
    "bm_service_subdomains": ("子域名 {s}", "Subdomains {s}"),
    "bm_service_max_zoom": ("最大级别", "Maximum zoom"),
    "bm_file": ("本地瓦片文件", "Local tiles file"),
    "bm_file_env": (
        "文件来自环境变量 {name}，在此不可修改。",
        "The file comes from the environment variable {name} and cannot be changed here.",
    ),
    "bm_file_path": (
        "服务器上的路径(MBTiles 文件或瓦片文件夹)",
        "Path on the server (MBTiles or tiles folder)",
    ),
    "bm_file_attribution": ("版权说明(留空则用文件自带的)", "Attribution (empty: the file's own)"),
    "bm_file_ok": (
        "文件可读：{name}，级别 {min_zoom}–{max_zoom}。",
        "File readable: {name}, zoom {min_zoom}–{max_zoom}.",
    ),
    "bm_save": ("保存底图设置", "Save basemap settings"),
    "bm_saved": ("底图设置已保存。", "Basemap settings saved."),
    "bm_offered": ("地图中可选的底图：{names}", "Basemaps offered on the map: {names}"),
    "bm_refused": ("未使用“{name}”：{reason}", "“{name}” not used: {reason}"),
    # --- errors
    "bm_bad_key": (
        "天地图密钥应为 16–64 位字母或数字。",
        "A Tianditu key is 16–64 letters or digits.",
    ),
    "bm_bad_kind": ("未知的服务类型：{kind}", "Unknown service kind: {kind}"),
    "bm_bad_url_scheme": (
        "URL 模板应以 http:// 或 https:// 开头并含主机名：{url}",
        "A URL template starts with http:// or https:// and names a host: {url}",
    ),
    "bm_bad_url_chars": (
        "URL 模板含有不允许的字符(空格、引号、尖括号或反斜杠)：{url}",
        "The URL template holds characters not allowed (spaces, quotes, angle brackets or "
        "backslashes): {url}",
    ),
    "bm_bad_url_placeholder": (
        "URL 模板含有未知的占位符：{names}",
        "The URL template holds unknown placeholders: {names}",
    ),
    "bm_bad_url_missing": (
        "URL 模板缺少占位符：{names}",
        "The URL template lacks the placeholders: {names}",
    ),
    "bm_bad_settings": (
        "保存的底图设置无法读取：{reason}",
        "The saved basemap settings are unreadable: {reason}",
    ),
    "bm_bad_datum": ("未知的坐标系：{datum}", "Unknown datum: {datum}"),
    "bm_datum_refused": (
        "该服务的瓦片为 {datum} 坐标，与园区的 CGCS2000 数据在此相差约 {metres} 米，不予使用。"
        "请改用天地图或 CGCS2000 / WGS 84 的服务。",
        "This service's tiles are in {datum}, about {metres} m off the park's CGCS2000 data "
        "here, so it is not used. Use Tianditu or a CGCS2000 / WGS 84 service instead.",
    ),
    "bm_bad_zoom": ("最大级别应在 1–22 之间：{zoom}", "The maximum zoom must be 1–22: {zoom}"),
    "bm_bad_tiles_file": (
        "无法读取瓦片文件 {path}：{reason}",
        "Cannot read the tiles file {path}: {reason}",
    ),
    "bm_tiles_missing": ("找不到瓦片文件：{path}", "Tiles file not found: {path}"),
}
