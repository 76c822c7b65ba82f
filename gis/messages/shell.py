"""Messages of the app shell: the incident notice, the map's wheel hint, Streamlit's own widgets."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- an uncaught error, shown instead of Python's traceback (ui/errors.py)
    "incident": (
        "出现了一个意外错误，本页未能完整显示。请刷新页面重试；如仍出现，请把事件编号 {id} "
        "告知系统管理员。",
        "An unexpected error stopped this page. Reload the page to try again; if it happens "
        "again, give the system administrator the incident number {id}.",
    ),
    # --- the map: the wheel scrolls the page unless Ctrl is held or the map was clicked
    "map_wheel_hint": (
        "按住 Ctrl 滚动缩放地图，或先点击地图",
        "Hold Ctrl and scroll to zoom the map, or click the map first",
    ),
    # --- Streamlit's own widget text, relabelled by CSS from the shell (ui/shell.py)
    "uploader_button": ("选择文件", "Browse files"),
    "uploader_limit": (
        "或拖放文件到此处 · 每个文件不超过 {mb} MB",
        "or drop a file here · up to {mb} MB each",
    ),
    "multiselect_all": ("全选", "Select all"),
    "multiselect_matches": ("选择全部匹配项", "Select all matches"),
}
