"""``python -m gis``: the command line for store tasks (help in Chinese and English).

Subcommands: ``new PATH [--name 园区名称]`` starts an empty park, ``info`` shows what a
store holds, ``remove-sample`` deletes the sample park's rows (backup first, all or
nothing), ``backup [--list]``, ``restore BACKUP``, ``copy SRC DST`` (a whole park between
a GeoPackage and PostGIS, either way, checked identical) and ``report --period 2021H1
[--as-of DATE] --out FILE`` (the work-report draft, .docx; ``--db`` is ``--store``),
``users list|add|disable|enable|reset|role`` (accounts, :mod:`gis.auth.cli_users`).
A store is a GeoPackage path or a ``postgresql://`` URL. Every subcommand but ``new`` and
``copy`` works on ``--store`` (default ``$PARK_DB``, else ``data/park.gpkg``) and never
creates it.
Output is in ``--lang`` (``zh`` by default); errors go to stderr with exit status 1.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from gis import schema, store
from gis._errors import ParkError, ValidationError
from gis.auth import admin, cli_users
from gis.auth.access import Actor, command_line_actor
from gis.i18n import LANGUAGES, error_text, t


def _both(key: str) -> str:
    """A help text in both languages: Chinese, then English."""
    return f"{t(key, 'zh')} / {t(key, 'en')}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gis",
        description=_both("cli_description"),
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="zh", help=_both("cli_lang_help"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser("new", help=_both("cli_new_help"), description=_both("cli_new_help"))
    new.add_argument("path", metavar="PATH", help=_both("cli_new_path_help"))
    new.add_argument("--name", help=_both("cli_name_help"))
    copy = commands.add_parser(
        "copy", help=_both("cli_copy_help"), description=_both("cli_copy_help")
    )
    copy.add_argument("source", metavar="SRC", help=_both("cli_copy_source_help"))
    copy.add_argument("target", metavar="DST", help=_both("cli_copy_target_help"))

    def on_store(name: str, key: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=_both(key), description=_both(key))
        sub.add_argument("--store", metavar="PATH", help=_both("cli_store_help"))
        return sub

    on_store("info", "cli_info_help")
    on_store("remove-sample", "cli_remove_sample_help")
    backup = on_store("backup", "cli_backup_help")
    backup.add_argument("--list", action="store_true", help=_both("cli_list_help"))
    restore = on_store("restore", "cli_restore_help")
    restore.add_argument("backup", metavar="BACKUP", help=_both("cli_restore_path_help"))
    report = on_store("report", "cli_report_help")
    report.add_argument("--db", dest="store", metavar="PATH", help=_both("cli_store_help"))
    report.add_argument("--period", required=True, help=_both("cli_report_period_help"))
    report.add_argument("--as-of", dest="as_of", help=_both("cli_report_as_of_help"))
    report.add_argument("--out", required=True, metavar="FILE", help=_both("cli_report_out_help"))
    cli_users.add_parser(commands, _both, _both("cli_store_help"))
    return parser


def _open(args: argparse.Namespace) -> store.ParkStore:
    # never created here: a missing store is an error
    return store.ParkStore.open(args.store or store.store_location())


def _info(args: argparse.Namespace, lang: str) -> list[str]:
    s = _open(args)
    rows, sample = s.row_counts(), s.sample_rows()
    lines = [t("cli_info_path", lang, path=s.location)]
    if s.park_name():
        lines.append(t("cli_info_name", lang, name=s.park_name()))
    lines.append(t("cli_info_version", lang, version=s.data_version()))
    if sample:
        lines.append(t("cli_info_sample_yes", lang, count=sum(sample.values())))
    else:
        lines.append(t("cli_info_sample_no", lang))
    for spec in schema.LAYERS:
        extra = (
            t("cli_info_layer_sample", lang, count=sample[spec.name]) if spec.name in sample else ""
        )
        label = spec.label_zh if lang == "zh" else spec.label_en
        lines.append(
            t(
                "cli_info_layer",
                lang,
                layer=spec.name,
                label=label,
                rows=rows[spec.name],
                sample=extra,
            )
        )
    problems = store.validate_frames(
        {"parcels": s.read("parcels"), "status_events": s.read("status_events")}
    )
    lines.append(t("cli_info_problems", lang, count=len(problems)))
    lines += [f"  {store.problem_text(p, lang)}" for p in problems[:50]]
    return lines


def _actor() -> Actor:
    """Who runs the command: audited as ``cli:<operating-system user>``."""
    return command_line_actor(getpass.getuser())


def _remove_sample(args: argparse.Namespace, lang: str) -> list[str]:
    result = admin.remove_sample(_open(args), actor=_actor())
    if result.backup is None:
        return [t("cli_no_sample", lang)]
    lines = [t("cli_removed", lang, count=sum(result.removed.values()), backup=str(result.backup))]
    lines += [
        t("cli_removed_layer", lang, layer=name, removed=n, kept=result.kept.get(name, 0))
        for name, n in result.removed.items()
    ]
    return lines


def _backup(args: argparse.Namespace, lang: str) -> list[str]:
    s = _open(args)
    if args.list:
        return [str(p) for p in s.backups()] or [t("cli_no_backups", lang)]
    path = admin.backup(s, actor=_actor(), reason="manual")
    return [t("cli_backup_made", lang, path=str(path))]


def _restore(args: argparse.Namespace, lang: str) -> list[str]:
    version = admin.restore(_open(args), args.backup, actor=_actor())
    return [t("cli_restored", lang, backup=args.backup, version=version)]


def _report(args: argparse.Namespace, lang: str) -> list[str]:
    from datetime import date

    from gis.report_draft import docx, figures

    period = figures.parse_period(args.period)  # a bad period is refused before any work
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else period.end
    except ValueError:
        raise ValidationError("cli_report_bad_date", value=args.as_of) from None
    s = _open(args)
    data = docx.report_docx(
        s.read_all(),
        period,
        as_of,
        park_name=s.park_name() or "",
        is_sample=s.is_sample(),
        lang=lang,
    )
    out = Path(args.out)
    out.write_bytes(data)
    return [t("cli_report_written", lang, path=str(out))]


def _new(args: argparse.Namespace, lang: str) -> list[str]:
    s = store.create_empty_store(args.path, name=args.name)
    return [t("cli_created", lang, path=s.location), t("cli_use_it", lang, path=s.location)]


def _copy(args: argparse.Namespace, lang: str) -> list[str]:
    target = store.copy_store(args.source, args.target)
    source = store.ParkStore.open(args.source)
    differences = store.store_differences(source, target)
    if differences:
        raise ParkError("cli_copy_differs", differences="; ".join(differences))
    rows = sum(target.row_counts().values())
    return [t("cli_copied", lang, source=source.location, target=target.location, rows=rows)]


def _users(args: argparse.Namespace, lang: str) -> list[str]:
    return cli_users.run(_open(args), args, lang)


_COMMANDS = {
    "new": _new,
    "info": _info,
    "remove-sample": _remove_sample,
    "backup": _backup,
    "restore": _restore,
    "copy": _copy,
    "report": _report,
    "users": _users,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; print its result. Returns the exit status (0 ok, 1 error)."""
    args = build_parser().parse_args(argv)
    lang = args.lang
    try:
        lines = _COMMANDS[args.command](args, lang)
    except ParkError as exc:
        print(t("cli_error", lang, message=error_text(exc, lang)), file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0
