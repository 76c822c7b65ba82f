"""Messages of the role checks in the pages (#13): why a control is off."""

MESSAGES = {
    "roles_need_edit": ("需要编辑权限", "Needs the editor role"),
    "roles_need_data": ("需要数据管理权限", "Needs the data-manager role"),
    "roles_need_admin": ("需要管理员权限", "Needs the administrator role"),
    "roles_need_block": (
        "该地块不在您负责的区块内",
        "This parcel is outside the blocks you are responsible for",
    ),
    "roles_signed_out": ("请先登录", "Please sign in"),
}
