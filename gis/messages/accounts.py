"""Messages of accounts, sign-in, sessions and the audit viewer (#13)."""

MESSAGES = {
    # ---------------------------------------------------------------- rules (gis.auth.accounts)
    "password_too_short": (
        "口令至少 {min} 位，并包含小写字母、大写字母、数字、符号中的至少三类，且不含用户名。",
        "A password has at least {min} characters, three of: lower case, upper case, digits, "
        "symbols, and does not contain the user name.",
    ),
    "password_too_simple": (
        "口令须包含小写字母、大写字母、数字、符号中的至少三类（至少 {min} 位）。",
        "A password needs three of: lower case, upper case, digits, symbols (and at least "
        "{min} characters).",
    ),
    "password_has_username": (
        "口令不能包含用户名。",
        "A password must not contain the user name.",
    ),
    "password_old_wrong": ("当前口令不正确。", "The current password is wrong."),
    "password_same": (
        "新口令不能与当前口令相同。",
        "The new password must differ from the current one.",
    ),
    "account_bad_username": (
        "用户名“{username}”不可用：2–32 位小写字母、数字、点、横线或下划线，以字母或数字开头。",
        "The user name “{username}” is not allowed: 2–32 lower-case letters, digits, dots, "
        "dashes or underscores, starting with a letter or digit.",
    ),
    "account_bad_role": (
        "未知角色“{role}”，应为：{roles}。",
        "Unknown role “{role}”; expected one of: {roles}.",
    ),
    "account_exists": (
        "账号 {username} 已存在（账号不删除，只停用）。",
        "The account {username} exists already (accounts are disabled, never deleted).",
    ),
    "account_unknown": ("没有账号 {username}。", "There is no account {username}."),
    "account_not_self": (
        "不能停用自己的账号或取消自己的管理员角色（请由另一位管理员操作）。",
        "You cannot disable your own account or give up your own administrator role "
        "(ask another administrator).",
    ),
    "auth_config_bad": (
        "环境变量 {name}={value} 无效：应为不小于 {least} 的整数。",
        "{name}={value} is not valid: a whole number of at least {least} is expected.",
    ),
    "signin_failed": ("用户名或口令不正确。", "Wrong user name or password."),
    "signin_locked": (
        "连续登录失败次数过多，账号已锁定至 {until}。请稍后再试，或请管理员重置口令。",
        "Too many failed sign-ins: the account is locked until {until}. Try again later or "
        "ask an administrator to reset the password.",
    ),
    # ---------------------------------------------------------------- login page
    "login_title": ("登录", "Sign in"),
    "login_app": ("园区一张图", "Park One-Map"),
    "login_username": ("用户名", "User name"),
    "login_password": ("口令", "Password"),
    "login_submit": ("登录", "Sign in"),
    "login_switch": ("English", "中文"),
    "login_hint": (
        "首次启动时，管理员账号 admin 的一次性口令打印在服务器控制台上。",
        "On the first start, the one-time password of the account admin is printed on the "
        "server's console.",
    ),
    "login_expired": ("请重新登录。", "Please sign in again."),
    "login_signed_out": ("已退出登录。", "You have signed out."),
    "login_bad_form": ("登录表单已过期，请重试。", "The sign-in form expired; please try again."),
    "login_redirect": ("请先登录：", "Please sign in first:"),
    # ---------------------------------------------------------------- in the app
    "signed_in_as": ("当前用户：{user}（{role}）", "Signed in: {user} ({role})"),
    "sign_out": ("退出登录", "Sign out"),
    "pw_change_title": ("修改口令", "Change your password"),
    "pw_change_first": (
        "首次登录或口令已重置：请先设置新口令，再使用本系统。",
        "First sign-in or a reset password: set a new password before going on.",
    ),
    "pw_change_due": (
        "口令已使用超过 {days} 天，请修改口令。",
        "Your password is more than {days} days old: please change it.",
    ),
    "pw_current": ("当前口令", "Current password"),
    "pw_new": ("新口令", "New password"),
    "pw_repeat": ("再次输入新口令", "New password again"),
    "pw_submit": ("修改口令", "Change password"),
    "pw_mismatch": ("两次输入的新口令不一致。", "The two new passwords differ."),
    "pw_changed": ("口令已修改。", "Your password has been changed."),
    "pw_rule": (
        "至少 {min} 位，包含小写字母、大写字母、数字、符号中的至少三类，不含用户名。",
        "At least {min} characters, three of: lower case, upper case, digits, symbols; not "
        "containing the user name.",
    ),
    # ---------------------------------------------------------------- admin page
    "page_admin": ("账号与审计", "Accounts & audit"),
    "admin_accounts": ("账号", "Accounts"),
    "admin_audit": ("审计", "Audit trail"),
    "admin_list": ("账号列表", "Accounts"),
    "admin_state_ok": ("正常", "Active"),
    "admin_state_disabled": ("已停用", "Disabled"),
    "admin_state_locked": ("锁定至 {until}", "Locked until {until}"),
    "admin_state_must_change": ("待改口令", "Must change password"),
    "admin_col_state": ("状态", "State"),
    "admin_create": ("新建账号", "New account"),
    "admin_create_submit": ("创建", "Create"),
    "admin_created": (
        "已创建账号 {username}。一次性口令（只显示这一次，请当面或电话告知本人）：",
        "Account {username} created. Its one-time password (shown only now; tell the person "
        "in person or by phone):",
    ),
    "admin_edit": ("修改账号", "Change an account"),
    "admin_account": ("账号", "Account"),
    "admin_role": ("角色", "Role"),
    "admin_blocks": ("负责区块（不选：全部区块）", "Blocks (none: every block)"),
    "admin_display_name": ("姓名", "Name"),
    "admin_save_role": ("保存角色与区块", "Save role and blocks"),
    "admin_role_saved": (
        "已保存 {username} 的角色与区块。",
        "Saved the role and blocks of {username}.",
    ),
    "admin_disable": ("停用", "Disable"),
    "admin_enable": ("启用", "Enable"),
    "admin_disabled": ("已停用账号 {username}。", "Account {username} disabled."),
    "admin_enabled": ("已启用账号 {username}。", "Account {username} enabled."),
    "admin_reset": ("重置口令", "Reset password"),
    "admin_reset_done": (
        "已重置 {username} 的口令。一次性口令（只显示这一次）：",
        "The password of {username} was reset. Its one-time password (shown only now):",
    ),
    "audit_user": ("用户", "User"),
    "audit_event": ("事件类型", "Event"),
    "audit_from": ("起始日期", "From"),
    "audit_to": ("截止日期", "To"),
    "audit_rows": (
        "共 {count} 条记录（按时间倒序，最多显示 {shown} 条）。",
        "{count} records (newest first, {shown} shown at most).",
    ),
    "audit_export": ("导出审计日志 (Excel)", "Export the audit trail (Excel)"),
    "audit_chain_ok": (
        "完整性校验通过：{count} 条记录的摘要链完整，无改动或删除。",
        "Integrity check passed: the hash chain of {count} records is unbroken, nothing "
        "changed or removed.",
    ),
    "audit_chain_broken": (
        "完整性校验失败：序号 {ids} 的记录被改动、插入或其前一条被删除。",
        "Integrity check failed: the records numbered {ids} were changed or inserted, or the "
        "record before them removed.",
    ),
    "audit_all": ("全部", "All"),
    # ---------------------------------------------------------------- python -m gis users
    "cli_users_help": (
        "账号管理：list 列表、add 新建、disable 停用、enable 启用、reset 重置口令、role 设置角色",
        "accounts: list, add, disable, enable, reset (password), role",
    ),
    "cli_users_username_help": ("用户名", "user name"),
    "cli_users_role_help": (
        "角色：viewer、editor、data_manager、admin",
        "role: viewer, editor, data_manager, admin",
    ),
    "cli_users_blocks_help": (
        "负责区块，逗号分隔（不填：全部）",
        "blocks, comma-separated (none: every block)",
    ),
    "cli_users_name_help": ("姓名", "the person's name"),
    "cli_users_none": ("还没有账号。", "No accounts yet."),
    "cli_users_row": (
        "{username}\t{role}\t{name}\t{blocks}\t{state}\t上次登录 {last}",
        "{username}\t{role}\t{name}\t{blocks}\t{state}\tlast sign-in {last}",
    ),
    "cli_users_created": (
        "已创建账号 {username}（{role}），一次性口令：{password}（首次登录须修改）",
        "Created the account {username} ({role}); one-time password: {password} (to be "
        "changed at first sign-in)",
    ),
    "cli_users_disabled": ("已停用账号 {username}。", "Disabled the account {username}."),
    "cli_users_enabled": ("已启用账号 {username}。", "Enabled the account {username}."),
    "cli_users_reset": (
        "已重置 {username} 的口令，一次性口令：{password}（下次登录须修改）",
        "Reset the password of {username}; one-time password: {password} (to be changed at "
        "next sign-in)",
    ),
    "cli_users_role_set": ("已将 {username} 设为 {role}。", "{username} is now {role}."),
    "first_admin_banner": (
        "首次启动：已创建管理员账号 admin，一次性口令：{password}（首次登录须修改）",
        "First start: the administrator account admin was created; one-time password: "
        "{password} (to be changed at first sign-in)",
    ),
}
