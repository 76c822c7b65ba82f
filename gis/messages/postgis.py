"""Messages of the PostgreSQL/PostGIS backend of the store (gis.store.postgis)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "postgis_write_failed": (
        "写入数据库 {path} 失败，未作任何修改：{reason}",
        "Writing to the database {path} failed; nothing was changed: {reason}",
    ),
}
