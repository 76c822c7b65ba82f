"""Messages of the 亩均 evaluation's 加分/减分 and overrides (直接定类), all keys ``adj_…``."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- editor
    "adj_heading": ("加减分与直接定类", "Bonus, deductions and overrides"),
    "adj_help": (
        "加分：政策认定的加分项(如高新技术企业、上规入库)，每家企业每年最多 {max_bonus} 分；"
        "减分：违法违规、环保或安全通报等，每家企业每年最多 {max_deduction} 分。"
        "综合得分 = 基础得分 + 加分 − 减分，按综合得分排名分类。"
        "直接定类：“直接定为D类”用于发生较大及以上安全或环境事故、使用淘汰类工艺等，企业照常排名，"
        "分类定为D；“参评不定等级”用于公益性企业、初创企业、重大项目建设期企业，企业照常计算得分，"
        "但不参加排名，按B类管理。每一行都须填写依据(文件或决定)。",
        "Bonus points: points a policy grants (e.g. high-tech certification, entering the "
        "above-size register), at most {max_bonus} per firm and year. Deductions: for "
        "violations, environmental or safety notices, at most {max_deduction} per firm and "
        "year. Score = base score + bonus − deductions; ranks and classes follow the score. "
        "Overrides: 'Forced to D' for a serious safety or environmental accident, a banned "
        "process and the like — the firm is ranked as usual but its class is D; 'Evaluated, "
        "not graded' for public-interest firms, start-ups and firms building a major project — "
        "the firm is scored but not ranked, and managed as class B. Every row needs its "
        "grounds (the document or decision).",
    ),
    "adj_year_rows": (
        "{year} 年度已记录 {count} 条。",
        "{count} adjustments recorded for {year}.",
    ),
    "adj_col_enterprise": ("企业", "Enterprise"),
    "adj_col_bonus": ("加分", "Bonus points"),
    "adj_col_deduction": ("减分", "Deductions"),
    "adj_col_override": ("直接定类", "Override"),
    "adj_col_reason": ("依据(文件或决定)", "Grounds (document or decision)"),
    "adj_col_author": ("记录人", "Recorded by"),
    "adj_col_recorded_at": ("记录时间", "Recorded at"),
    "adj_author": ("记录人", "Recorded by"),
    "adj_save": ("保存加减分与定类", "Save adjustments"),
    "adj_saved": ("{year} 年度加减分与定类已保存。", "Adjustments for {year} saved."),
    "adj_unchanged": ("没有修改。", "Nothing changed."),
    # --- overrides in words
    "adj_override_force_d": ("直接定为D类", "Forced to D"),
    "adj_override_not_graded": (
        "参评不定等级(按B类管理)",
        "Evaluated, not graded (managed as B)",
    ),
    "adj_tip_not_graded": ("不定等级，按B类管理", "Not graded, managed as B"),
    # --- settings (for the evaluation settings form)
    "adj_cfg_max_bonus": ("每家企业加分上限(分)", "Bonus cap per firm (points)"),
    "adj_cfg_max_deduction": ("每家企业减分上限(分)", "Deduction cap per firm (points)"),
    # --- validation (gis.efficiency.adjustments.validate_adjustments / save_adjustments / config)
    "adj_bonus_cap_invalid": (
        "加分上限 {value} 无效：须为不小于 0 的数字。",
        "The bonus cap {value} is invalid: it must be a number ≥ 0.",
    ),
    "adj_deduction_cap_invalid": (
        "减分上限 {value} 无效：须为不小于 0 的数字。",
        "The deduction cap {value} is invalid: it must be a number ≥ 0.",
    ),
    "adj_bad_year": (
        "评价年度“{value}”无效(应为整数年份)。",
        "The evaluation year '{value}' is invalid (a whole year is needed).",
    ),
    "adj_enterprise_missing": (
        "第 {row} 行没有选择企业。",
        "Row {row} has no enterprise.",
    ),
    "adj_unknown_enterprise": (
        "企业编号“{enterprise}”不存在。",
        "There is no enterprise '{enterprise}'.",
    ),
    "adj_duplicate_enterprise": (
        "企业“{firm}”出现了多次：每家企业每年只能有一行。",
        "Enterprise '{firm}' appears more than once: one row per firm and year.",
    ),
    "adj_bonus_not_number": (
        "企业“{firm}”的加分“{value}”不是数字。",
        "Enterprise '{firm}': bonus points '{value}' are not a number.",
    ),
    "adj_deduction_not_number": (
        "企业“{firm}”的减分“{value}”不是数字。",
        "Enterprise '{firm}': deduction points '{value}' are not a number.",
    ),
    "adj_bonus_negative": (
        "企业“{firm}”的加分 {value} 为负数：加分须不小于 0(扣分请填在减分栏)。",
        "Enterprise '{firm}': bonus points {value} are negative; they must be ≥ 0 "
        "(enter deductions in their own column).",
    ),
    "adj_deduction_negative": (
        "企业“{firm}”的减分 {value} 为负数：减分须填不小于 0 的分值。",
        "Enterprise '{firm}': deduction points {value} are negative; enter them as a number ≥ 0.",
    ),
    "adj_bonus_above_cap": (
        "企业“{firm}”的加分 {value} 超过上限 {cap} 分(见评价参数)。",
        "Enterprise '{firm}': bonus points {value} exceed the cap of {cap} (see the "
        "evaluation settings).",
    ),
    "adj_deduction_above_cap": (
        "企业“{firm}”的减分 {value} 超过上限 {cap} 分(见评价参数)。",
        "Enterprise '{firm}': deduction points {value} exceed the cap of {cap} (see the "
        "evaluation settings).",
    ),
    "adj_unknown_override": (
        "企业“{firm}”的直接定类“{value}”无效：只能为“直接定为D类”“参评不定等级”或留空。",
        "Enterprise '{firm}': override '{value}' is invalid; use 'Forced to D', 'Evaluated, "
        "not graded' or leave it empty.",
    ),
    "adj_nothing_set": (
        "企业“{firm}”既没有加减分也没有直接定类：请填写，或删除该行。",
        "Enterprise '{firm}' has neither points nor an override: fill them in or delete the row.",
    ),
    "adj_reason_missing": (
        "企业“{firm}”没有填写依据：每一行都须注明所依据的文件或决定。",
        "Enterprise '{firm}' has no grounds: every row needs the document or decision it rests on.",
    ),
    "adj_author_missing": ("请填写记录人。", "Enter who records the adjustments."),
}
