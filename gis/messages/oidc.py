"""Messages of the optional single sign-on (OpenID Connect, #13 item 5)."""

MESSAGES = {
    "sso_button": ("使用{name}登录", "Sign in with {name}"),
    "sso_button_named": ("使用统一身份认证登录（{name}）", "Sign in with {name}"),
    "sso_default_name": ("统一身份认证", "single sign-on"),
    "sso_or": ("或使用本系统账号和口令", "or with an account and password of this system"),
    "sso_only_hint": (
        "本系统使用统一身份认证登录；权限仍由本系统管理员分配。",
        "This system signs in through single sign-on; roles are still given by its administrator.",
    ),
    "sso_only": (
        "本系统只允许统一身份认证登录。",
        "This system accepts single sign-on only.",
    ),
    "sso_unavailable": (
        "暂时无法连接统一身份认证服务，请稍后再试或联系管理员。",
        "The single sign-on service cannot be reached; try again later or ask the administrator.",
    ),
    "sso_failed": (
        "统一身份认证登录未完成（登录过程已失效或校验未通过），请重试。",
        "The single sign-on did not complete (it expired or did not pass the checks); "
        "please try again.",
    ),
    "sso_denied": (
        "统一身份认证服务未同意登录。",
        "The single sign-on service did not allow the sign-in.",
    ),
    "sso_no_account": (
        "统一身份认证用户“{user}”在本系统没有可用账号（不存在或已停用）。请联系管理员开通。",
        "The single sign-on user “{user}” has no usable account here (none, or disabled). "
        "Ask the administrator to create one.",
    ),
    "sso_config_missing": (
        "已设置 PARK_OIDC_ISSUER，但缺少 {name}。",
        "PARK_OIDC_ISSUER is set but {name} is missing.",
    ),
    "sso_config_issuer": (
        "PARK_OIDC_ISSUER={value} 无效：应为 https:// 开头的地址。",
        "PARK_OIDC_ISSUER={value} is not valid: an https:// address is expected.",
    ),
}
