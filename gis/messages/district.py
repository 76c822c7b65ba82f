"""The map of a large park (a district's platforms): the aggregate seen from afar (#15)."""

MESSAGES = {
    "layer_aggregate": ("地块汇总（网格）", "Parcels summed (grid)"),
    "agg_tip_cell": ("本格", "This cell"),
    "agg_cell_summary": (
        "{count} 宗 · {mu} 亩：{shares}",
        "{count} parcels · {mu} mu: {shares}",
    ),
    "agg_legend_title": ("当前显示", "Shown now"),
    "agg_zoom_far": (
        "按 {size} 网格汇总：每格色带宽度为各状态面积占比。放大到 {zoom} 级逐地块显示。",
        "Summed on a {size} grid: each cell's stripes are the shares of each status by area. "
        "Zoom to level {zoom} for parcels.",
    ),
    "agg_zoom_parcels": (
        "逐地块显示（不画边线）；放大到 {zoom} 级显示地块编号。",
        "Each parcel (no outlines); zoom to level {zoom} for parcel codes.",
    ),
    "agg_zoom_outlined": (
        "逐地块显示；放大到 {zoom} 级显示地块编号。",
        "Each parcel; zoom to level {zoom} for parcel codes.",
    ),
    "agg_zoom_labelled": ("逐地块显示，含地块编号。", "Each parcel, with its code."),
    "legend_deadlines_near": (
        "预警(截至所选日期，放大到 {zoom} 级显示)",
        "Warnings (as of the chosen date; shown from zoom level {zoom})",
    ),
    "map_load_error": (
        "部分图层未能加载，请刷新页面；若仍失败，请联系系统管理员。",
        "Some layers could not be loaded: reload the page, and tell the administrator "
        "if it happens again.",
    ),
}
