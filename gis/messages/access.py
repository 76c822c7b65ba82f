"""Messages of roles and permissions (gis.auth.access)."""

MESSAGES = {
    "access_signed_out": (
        "请先登录，再执行此操作。",
        "Please sign in first.",
    ),
    "access_denied": (
        "账号 {user}（{role}）无权执行此操作（{permission}）。如需要，请联系管理员调整角色。",
        "The account {user} ({role}) may not do this ({permission}). Ask an administrator "
        "for another role if you need it.",
    ),
    "access_block": (
        "账号 {user} 只负责部分区块，不能修改区块 {blocks} 的地块。",
        "The account {user} is responsible for some blocks only and cannot change parcels "
        "in block {blocks}.",
    ),
}
