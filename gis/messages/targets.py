"""Messages of the targets page and the 亩均 (per-mu efficiency) evaluation (#4)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- page and sections
    "page_targets": ("目标与亩均", "Targets & efficiency"),
    "targets_heading": ("年度目标与亩均评价", "Targets and per-mu efficiency"),
    "section": ("内容", "Section"),
    "section_targets": ("年度目标", "Targets"),
    "section_evaluation": ("亩均评价", "Efficiency evaluation"),
    "section_supervision": ("重点监管与小升规", "Key supervision & 小升规"),
    "section_settings": ("评价参数", "Evaluation settings"),
    "download_xlsx": ("导出 Excel", "Export to Excel"),
    # --- targets
    "targets_year": ("目标年度", "Target year"),
    "targets_none": (
        "数据中没有年度目标。请在下方“编辑目标”中添加。",
        "The data holds no targets. Add them under 'Edit targets' below.",
    ),
    "targets_as_of": (
        "截至 {date}，全部由数据计算(地块、状态变更记录、规上入库日期、企业与项目的月度累计数据)。",
        "As of {date}, all computed from the data (parcels, status history, above-size "
        "register dates, firms' and projects' year-to-date figures).",
    ),
    "targets_not_computable": ("无法由数据计算", "Cannot be computed from the data"),
    "targets_col_target": ("指标", "Target"),
    "targets_col_unit": ("单位", "Unit"),
    "targets_col_period": ("统计期", "Period"),
    "targets_col_goal": ("目标值", "Target value"),
    "targets_col_value": ("完成值", "Achieved"),
    "targets_col_progress": ("完成率(%)", "Progress (%)"),
    "targets_col_expected": ("时序进度应达", "Even pace by now"),
    "targets_col_status": ("状态", "Status"),
    "targets_col_note": ("说明", "Note"),
    "targets_status_achieved": ("已完成", "Achieved"),
    "targets_status_on_track": ("快于时序进度", "Ahead of pace"),
    "targets_status_behind": ("落后于时序进度", "Behind pace"),
    "targets_status_na": ("无法计算", "Not computable"),
    "targets_chart_progress": ("目标完成率", "Progress against target"),
    "targets_chart_monthly": ("逐月累计与时序进度", "Cumulative by month vs even pace"),
    "targets_chart_pick": ("逐月图表指标", "Target for the monthly chart"),
    "targets_series_actual": ("实际累计", "Actual (cumulative)"),
    "targets_series_pace": ("时序进度(均匀)", "Even pace"),
    "targets_month": ("月份", "Month"),
    "targets_by_block": ("分区块完成情况", "Progress by block"),
    "targets_block": ("区块", "Block"),
    "targets_no_block": ("(未关联区块)", "(no block)"),
    "targets_edit": ("编辑目标", "Edit targets"),
    "targets_edit_help": (
        "只能填写已知指标编号；目标值须为不小于 0 的数字。完成值总是由数据计算，不能手填。",
        "Only known target ids; target values must be numbers ≥ 0. Progress is always computed "
        "from the data and cannot be typed in.",
    ),
    "targets_save": ("保存目标", "Save targets"),
    "targets_saved": ("目标已保存。", "Targets saved."),
    "targets_unchanged": ("没有修改。", "Nothing changed."),
    # --- target notes (why a value is missing, or how it is counted)
    "target_note_no_report": (
        "截至 {date} 还没有 {year} 年的月度累计数据(最新为 {latest})，不能计算。",
        "No year-to-date figures for {year} had been reported by {date} (latest: {latest}), "
        "so this cannot be computed.",
    ),
    "target_note_no_block": (
        "找不到名称含“{name}”的区块，不能计算。",
        "No block named '{name}' was found, so this cannot be computed.",
    ),
    "target_note_missing_floor_area": (
        "已开工地块缺少计容建筑面积({codes})，不能计算。",
        "Started parcels lack their floor area ({codes}), so this cannot be computed.",
    ),
    "target_note_unknown_rule": (
        "指标编号 {target_id} 没有计算规则，不能计算。",
        "Target id {target_id} has no computation rule, so it cannot be computed.",
    ),
    "target_note_no_base": (
        "上年基数为零，增长率无法计算。",
        "The previous year's base is zero, so the growth rate cannot be computed.",
    ),
    "target_note_wanyang": (
        "仅计万洋区块(种子文件：“万洋项目累计开工建筑面积……累计投产企业……”)。",
        "Wanyang block only (the seed: 'the Wanyang project's cumulative floor area started "
        "… firms in production …').",
    ),
    "target_note_investment": (
        "{year} 年 1–{months} 月累计：{projects} 个在建项目加 {firms} 家企业的固定资产投资"
        "(库中没有政府与基础设施投资)。",
        "{year}, January to month {months}: fixed investment of {projects} construction "
        "projects and {firms} firms (the store holds no government or infrastructure "
        "investment).",
    ),
    "target_note_same_period": (
        "{year} 年 1–{months} 月累计同比(同口径：上年同期也有数据的同一批企业)。",
        "{year}, January to month {months}, against the same months a year before (the "
        "same firms, with figures in both).",
    ),
    "target_note_billion": (
        "{previous} 年营收不足 1 亿元、{year} 年 1–{months} 月营收已超 1 亿元的企业；"
        "按 1–{months} 月折算全年，预计 {on_course} 家。",
        "Firms below 100 million yuan of revenue in {previous} that passed it in {year} up "
        "to month {months}; scaled to the full year, {on_course} are on course.",
    ),
    "target_note_register_dates": (
        "按规上入库日期计(统计入库)。",
        "Counted by the date a firm entered the above-size register.",
    ),
    "target_note_register_dates_some": (
        "按规上入库日期计(统计入库)；{undated} 家规上企业缺少入库日期，未计入。",
        "Counted by the date a firm entered the above-size register; {undated} above-size "
        "firms have no such date and are not counted.",
    ),
    "target_note_no_register_dates": (
        "企业数据中没有规上入库日期，不能计算(可在企业导入时补充“规上入库日期”)。",
        "The enterprises have no above-size register dates, so this cannot be computed (add "
        "'Above size since' when importing enterprises).",
    ),
    "targets_period": ("1–{months} 月累计", "January to month {months}"),
    "targets_status_rate_met": ("达到目标增速", "At or above the target rate"),
    "targets_status_rate_below": ("低于目标增速", "Below the target rate"),
    "targets_status_on_course": ("预计全年可完成", "On course for the year"),
    "targets_status_off_course": ("预计全年难以完成", "Not on course for the year"),
    # --- target validation
    "targets_unknown_id": (
        "未知的指标编号“{target_id}”：只能使用系统已知的指标。",
        "Unknown target id '{target_id}': only the known targets can be used.",
    ),
    "targets_duplicate_id": (
        "指标“{target_id}”出现了多次。",
        "Target '{target_id}' appears more than once.",
    ),
    "targets_bad_year": (
        "指标“{target_id}”的年度“{value}”无效(应为 2000–2100 的整数)。",
        "Target '{target_id}': year '{value}' is invalid (a whole number from 2000 to 2100).",
    ),
    "targets_not_number": (
        "指标“{target_id}”的目标值“{value}”不是数字。",
        "Target '{target_id}': target value '{value}' is not a number.",
    ),
    "targets_negative": (
        "指标“{target_id}”的目标值 {value} 为负数，目标值须不小于 0。",
        "Target '{target_id}': target value {value} is negative; it must be ≥ 0.",
    ),
    # --- evaluation
    "eval_year": ("评价年度", "Evaluation year"),
    "eval_no_figures": (
        "没有企业年度数据，无法评价。",
        "No enterprise figures: nothing to evaluate.",
    ),
    "eval_summary": (
        "{year} 年度：参评企业 {evaluated} 家(规上 {above}、规下 {below})，未参评 {excluded} 家。",
        "{year}: {evaluated} firms evaluated ({above} above size, {below} below), "
        "{excluded} not evaluated.",
    ),
    "eval_mode_note": (
        "分类方式：{mode}；规上、规下企业分别排名。基准值未设定的指标取当年参评企业平均值。",
        "Classes by {mode}; above- and below-size firms ranked separately. Indicators without "
        "a set benchmark use the mean over the evaluated firms.",
    ),
    "eval_mode_percentile": ("百分位(排名)", "percentile of rank"),
    "eval_mode_absolute": ("绝对分数线", "absolute score thresholds"),
    "eval_class_counts": ("分类统计", "Firms per class"),
    "eval_group_above": ("规上企业", "Above size"),
    "eval_group_below": ("规下企业", "Below size"),
    "eval_group_all": ("全部", "All"),
    "eval_filter_group": ("企业类型", "Firm type"),
    "eval_filter_class": ("分类", "Class"),
    "eval_filter_status": ("参评情况", "Evaluation status"),
    "eval_status_all": ("全部企业", "All firms"),
    "eval_status_evaluated": ("参评", "Evaluated"),
    "eval_status_excluded": ("未参评", "Not evaluated"),
    "eval_filter_name": ("企业名称包含", "Name contains"),
    "eval_map": ("亩均评价分类图", "Efficiency classes on the map"),
    "eval_map_note": (
        "地块按其主体企业(参评企业中用地最多者)的分类着色；同一地块上所有企业的分类见提示框。"
        "紫色虚线框为有重点监管企业的地块。",
        "A parcel takes its main firm's class (the evaluated firm with the most land); the "
        "tooltip lists every firm on it. A purple dashed outline marks parcels with a "
        "key-supervision firm.",
    ),
    "eval_table": ("企业评价明细", "Evaluation by firm"),
    "eval_rows": ("显示 {shown} / {total} 家企业", "Showing {shown} of {total} firms"),
    "eval_config_stored_invalid": (
        "已保存的评价参数无效，本次使用默认参数：{reason}",
        "The stored evaluation settings are invalid; the defaults are used: {reason}",
    ),
    "efficiency_reason_not_producing": (
        "评价年度末尚未投产(投产日期 {detail})",
        "Not yet producing by the year's end (in production since {detail})",
    ),
    "efficiency_reason_no_figures": (
        "没有 {detail} 年度数据",
        "No figures for {detail}",
    ),
    "efficiency_reason_small_land": (
        "规下企业用地 {detail} 亩，不足 3 亩",
        "Below-size firm on {detail} mu, under 3 mu",
    ),
    "efficiency_reason_missing_figures": (
        "缺少数据：{detail}",
        "Missing figures: {detail}",
    ),
    "eval_yes": ("是", "yes"),
    "eval_emission_imputed": (
        "无排放数据，按规上平均得分",
        "No emission data: the above-size average",
    ),
    # --- key supervision and 小升规
    "ks_heading": ("重点监管企业", "Key-supervision firms"),
    "ks_rules_note": (
        "KS-1 用电与税收/销售明显不相符(低于同行业中位数的 {alpha} 倍)；KS-2 占地 {land} 亩以上且投产 "
        "{years} 年以上仍未上规；KS-3 亩均税收 {tax} 万元以下。组合方式：{combinator}。",
        "KS-1 power use out of line with tax or sales (below {alpha} × the peer median); KS-2 "
        "{land} mu or more, producing {years} years or more and still below size; KS-3 tax per "
        "mu {tax} 万元 or less. Combined by: {combinator}.",
    ),
    "ks_any": ("任一条件", "any rule"),
    "ks_all": ("全部条件", "all rules"),
    "ks_none": ("没有重点监管企业。", "No key-supervision firms."),
    "pool_heading": ("小升规培育库", "小升规 cultivation pool"),
    "pool_note": (
        "规下企业，主营业务收入 {low} 万元至 {high} 万元(不含)，且比上年增长 {growth}% 以上。",
        "Below-size firms with main revenue from {low} to under {high} 万元 and growth of "
        "{growth}% or more on the year before.",
    ),
    "pool_none": ("培育库为空。", "The pool is empty."),
    # --- settings form
    "cfg_heading": ("评价参数(统一配置)", "Evaluation settings (one configuration)"),
    "cfg_help": (
        "所有权重、基准值、分类线与监管规则参数都在这里；保存后写入数据文件的设置表(settings)。"
        "基准值留空表示取当年参评企业平均值。",
        "Every weight, benchmark, class cut and rule parameter lives here; saving writes them "
        "to the data file's settings table. An empty benchmark means the mean over the "
        "evaluated firms of the year.",
    ),
    "cfg_weights_above": ("规上企业权重(合计 100)", "Above-size weights (sum 100)"),
    "cfg_weights_below": ("规下企业权重(合计 100)", "Below-size weights (sum 100)"),
    "cfg_benchmarks": ("基准值(留空=平均值)", "Benchmarks (empty = mean)"),
    "cfg_classes": ("分类", "Classes"),
    "cfg_mode": ("分类方式", "Classification"),
    "cfg_cut_a": ("A 类：排名前(比例)", "A: top share"),
    "cfg_cut_b": ("B 类：排名前(比例)", "B: top share"),
    "cfg_cut_c": ("C 类：排名前(比例)", "C: top share"),
    "cfg_thr_a": ("A 类最低分", "A: lowest score"),
    "cfg_thr_b": ("B 类最低分", "B: lowest score"),
    "cfg_thr_c": ("C 类最低分", "C: lowest score"),
    "cfg_cap": ("单项得分上限(倍，0=不设)", "Cap per indicator (×, 0 = none)"),
    "cfg_scope": ("评价范围", "Who is evaluated"),
    "cfg_min_land": ("规下企业最小用地(亩，含)", "Below-size: minimum land (mu, inclusive)"),
    "cfg_above_line": ("规上标准(主营业务收入，万元)", "Above-size line (main revenue, 万元)"),
    "cfg_ks": ("重点监管规则", "Key-supervision rules"),
    "cfg_ks_rules": ("启用的规则", "Rules in force"),
    "cfg_ks_combinator": ("组合方式", "Combine by"),
    "cfg_ks1_alpha": ("KS-1 系数 α", "KS-1 factor α"),
    "cfg_ks1_min_kwh": ("KS-1 最小用电量(kWh)", "KS-1 minimum use (kWh)"),
    "cfg_ks1_min_peers": ("KS-1 同行业最少企业数", "KS-1 minimum peers"),
    "cfg_ks2_land": ("KS-2 占地(亩以上)", "KS-2 land (mu or more)"),
    "cfg_ks2_years": ("KS-2 投产年限(年以上)", "KS-2 years producing (or more)"),
    "cfg_ks3_tax": ("KS-3 亩均税收(万元以下)", "KS-3 tax per mu (万元 or less)"),
    "cfg_min_years": ("KS-1/KS-3 最短投产年限(年)", "KS-1/KS-3 minimum years producing"),
    "cfg_pool": ("小升规培育库", "小升规 pool"),
    "cfg_pool_revenue": ("最低主营业务收入(万元)", "Minimum main revenue (万元)"),
    "cfg_pool_growth": ("最低增长率(%)", "Minimum growth (%)"),
    "cfg_save": ("保存参数", "Save settings"),
    "cfg_saved": ("评价参数已保存。", "Evaluation settings saved."),
    "cfg_reset": ("恢复默认参数", "Restore the defaults"),
    "cfg_current_json": ("当前参数(JSON)", "Current settings (JSON)"),
    # --- config validation (gis.efficiency.config.EfficiencyConfig.validate)
    "efficiency_weights_sum": (
        "{group}权重合计为 {total}，必须等于 100。",
        "The {group} weights sum to {total}; they must sum to 100.",
    ),
    "efficiency_weight_negative": (
        "{group}指标“{indicator}”的权重 {value} 无效：权重须为不小于 0 的数字。",
        "The {group} weight of '{indicator}' is {value}: weights must be numbers ≥ 0.",
    ),
    "efficiency_unknown_indicator": (
        "{group}没有指标“{indicator}”。",
        "There is no {group} indicator '{indicator}'.",
    ),
    "efficiency_benchmark_not_positive": (
        "{group}指标“{indicator}”的基准值 {value} 无效：须大于 0，或留空取平均值。",
        "The {group} benchmark of '{indicator}' is {value}: it must be above 0, or empty for "
        "the mean.",
    ),
    "efficiency_cuts_order": (
        "分类比例({cuts})须满足 0 < A < B < C ≤ 1。",
        "The class cuts ({cuts}) must satisfy 0 < A < B < C ≤ 1.",
    ),
    "efficiency_thresholds_negative": (
        "分数线({thresholds})不能为负数。",
        "The score thresholds ({thresholds}) must not be negative.",
    ),
    "efficiency_thresholds_order": (
        "分数线({thresholds})须满足 A > B > C。",
        "The score thresholds ({thresholds}) must satisfy A > B > C.",
    ),
    "efficiency_param_negative": (
        "参数 {name} 的值 {value} 无效：须为不小于 0 的数字。",
        "Parameter {name} is {value}: it must be a number ≥ 0.",
    ),
    "efficiency_bad_mode": (
        "未知的分类方式“{value}”(应为 percentile 或 absolute)。",
        "Unknown classification '{value}' (percentile or absolute).",
    ),
    "efficiency_bad_combinator": (
        "未知的组合方式“{value}”(应为 any 或 all)。",
        "Unknown combinator '{value}' (any or all).",
    ),
    "efficiency_bad_rule": ("未知的监管规则“{value}”。", "Unknown rule '{value}'."),
    "cfg_adjustments": ("加减分", "Bonus and deductions"),
    "cfg_class_labels": ("类别名称", "Class names"),
    "efficiency_class_labels": (
        "分类名称须为 4 个非空名称(A–D)。",
        "Class names must be four non-empty names (A–D).",
    ),
    "efficiency_config_unknown_keys": (
        "评价参数中有未知项：{keys}",
        "The evaluation settings have unknown entries: {keys}",
    ),
    "efficiency_config_invalid": (
        "评价参数格式无效：{reason}",
        "The evaluation settings are malformed: {reason}",
    ),
    "efficiency_no_reference": (
        "该组(规上={above_scale})没有参评企业，无法比较分数。",
        "No firm of this group (above size = {above_scale}) was evaluated to compare with.",
    ),
    "efficiency_group_above": ("规上", "above-size"),
    "efficiency_group_below": ("规下", "below-size"),
    # --- indicators and evaluation columns
    "ind_tax_per_mu": ("亩均税收", "Tax per mu"),
    "ind_va_per_mu": ("亩均增加值", "Value added per mu"),
    "ind_va_per_energy": ("单位能耗增加值", "Value added per energy"),
    "ind_va_per_emission": ("单位排放增加值", "Value added per emission"),
    "ind_labour_productivity": ("全员劳动生产率", "Labour productivity"),
    "ind_rd_ratio": ("研发经费占比", "R&D share of revenue"),
    "ind_tax_per_kwh": ("单位电耗税收", "Tax per kWh"),
    "ind_sales_per_kwh": ("单位电耗销售", "Sales per kWh"),
    # --- map
    "layer_efficiency": ("亩均评价分类", "Efficiency class"),
    "layer_key_supervision": ("重点监管", "Key supervision"),
    "legend_efficiency": ("亩均评价分类(主体企业)", "Efficiency class (main firm)"),
    "layer_efficiency_ungraded": ("无评价结果地块", "Parcels not graded"),
    "legend_ungraded": ("无参评企业", "No graded firm"),
    "legend_key_supervision": ("有重点监管企业", "Has a key-supervision firm"),
    "tip_class": ("分类", "Class"),
    "tip_score": ("得分", "Score"),
    "tip_main_firm": ("主体企业", "Main firm"),
    "tip_firms": ("地块上企业", "Firms on the parcel"),
    "tip_ks_firms": ("重点监管", "Key supervision"),
}
