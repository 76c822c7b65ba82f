"""Messages of "changes since a date" on the meeting page and in the meeting pack (#17, 2)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "chg_heading": ("自上次会议以来的变化", "Changes since the last meeting"),
    "chg_since": ("变化起始日期（不含当日）", "Changes after"),
    "chg_since_help": (
        "默认为截至日期之前最近一次会议（会议标注的会议日期）；列出此日之后至截至日期的变化。",
        "By default the last meeting before the as-of date (the annotations' meeting dates); "
        "lists what changed after that day up to the as-of date.",
    ),
    "chg_period": ("{since} 之后至 {until}", "After {since} up to {until}"),
    "chg_no_meeting": (
        "截至 {date} 之前没有保存过会议（会议标注），默认显示最近 {days} 天的变化。",
        "No meeting saved before {date} (no annotations): showing the last {days} days.",
    ),
    "chg_since_after_until": (
        "起始日期 {since} 不早于截至日期 {until}：请选择更早的日期。",
        "The start {since} is not before the as-of date {until}: pick an earlier day.",
    ),
    "chg_nothing": ("这段时间没有变化。", "Nothing changed in this period."),
    "chg_transitions": ("状态变化", "Status changes"),
    "chg_transition": ("{old} → {new}", "{old} → {new}"),
    "chg_transition_count": ("{parcels} 宗 {mu} 亩", "{parcels} parcel(s), {mu} mu"),
    "chg_transition_line": ("{field} · {change}：{count}", "{field} · {change}: {count}"),
    "chg_col_field": ("类型", "Field"),
    "chg_col_transition": ("变化", "Change"),
    "chg_col_parcels": ("宗数", "Parcels"),
    "chg_col_mu": ("面积（亩）", "Area (mu)"),
    "chg_col_codes": ("地块", "Parcels"),
    "chg_col_date": ("日期", "Date"),
    "chg_col_kind": ("类别", "Kind"),
    "chg_col_what": ("内容", "What"),
    "chg_col_count": ("数量", "Count"),
    "chg_entries": ("逐宗变化", "Parcel by parcel"),
    "chg_entry": (
        "{date} · {code} · {field}：{old} → {new}",
        "{date} · {code} · {field}: {old} → {new}",
    ),
    "chg_derived": ("（据地块日期）", "(from the parcel's dates)"),
    "chg_corrects": ("（更正事件 {event}）", "(corrects event {event})"),
    "chg_late": (
        "补录（生效在起始日之前，记录在其后）",
        "Late entries (effective before, recorded after)",
    ),
    "chg_late_entry": (
        "{code} · {field}：{old} → {new}，{date} 生效，{recorded} 记录",
        "{code} · {field}: {old} → {new}, effective {date}, recorded {recorded}",
    ),
    "chg_corrections": ("更正（不计入变化）", "Corrections (not counted as changes)"),
    "chg_correction_entry": (
        "{code} · {field}：原记录 {wrong_old} → {wrong_new}（{wrong_date}，事件 {event}）"
        "更正为 {old} → {new}（{date}）",
        "{code} · {field}: recorded {wrong_old} → {wrong_new} ({wrong_date}, event {event}) "
        "corrected to {old} → {new} ({date})",
    ),
    "chg_correction_short": (
        "{wrong_new}（{wrong_date}）更正为 {new}（{date}）",
        "{wrong_new} ({wrong_date}) corrected to {new} ({date})",
    ),
    "chg_firms": ("新企业", "New firms"),
    "chg_firms_note": (
        "库中没有企业登记日期：按投产日期和规上入库日期列出。",
        "The store has no registration date for firms: listed by production start and by "
        "entry into the above-size register.",
    ),
    "chg_firm_production": ("新投产", "Started production"),
    "chg_firm_above_scale": ("新入库规上", "New above-size firm"),
    "chg_firm_entry": ("{date} · {kind} · {name}", "{date} · {kind} · {name}"),
    "chg_figures": ("新报送数据", "New figures reported"),
    "chg_figures_period": ("{year}年1–{months}月累计", "{year} Jan–month {months} (YTD)"),
    "chg_figures_year": ("{year}年度", "Year {year}"),
    "chg_subject_enterprise": ("企业", "Firms"),
    "chg_subject_project": ("项目", "Projects"),
    "chg_figures_entry": ("{period} · {subject}：{rows} 条", "{period} · {subject}: {rows} rows"),
    "chg_annotations": ("会议标注", "Annotations made"),
    "chg_annotation_entry": ("{date} · {note}", "{date} · {note}"),
    "chg_none": ("无", "None"),
    "chg_layer": ("变化地块", "Changed parcels"),
    "chg_legend_changed": ("状态有变化", "Status changed"),
    "chg_legend_noted": ("仅补录或更正", "Late entry or correction only"),
    "chg_tip_code": ("地块", "Parcel"),
    "chg_tip_name": ("名称", "Name"),
    "chg_tip_changes": ("变化", "Changes"),
    "chg_map_caption": (
        "地图按截至日期着色，黑色粗框为状态有变化的地块，灰色细框为仅补录或更正的地块。",
        "The map is coloured as of the as-of date; thick black outlines: parcels whose "
        "status changed; thin grey: late entry or correction only.",
    ),
    # --- the meeting pack
    "chg_pack_sheet": ("{since}以来变化", "Changes since {since}"),
    "chg_kind_transition": ("状态变化", "Status change"),
    "chg_kind_late": ("补录", "Late entry"),
    "chg_kind_correction": ("更正", "Correction"),
    "chg_kind_firm": ("新企业", "New firm"),
    "chg_kind_figures": ("新报送数据", "New figures"),
    "chg_kind_annotation": ("会议标注", "Annotation"),
}
