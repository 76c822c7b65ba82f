"""Layering rules: gis/ and layers/ never import streamlit; every message has both languages."""

import ast
import pathlib

import pytest

from gis.i18n import MESSAGES, placeholders

ROOT = pathlib.Path(__file__).resolve().parent.parent


def imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["gis", "layers"])
def test_core_packages_do_not_import_streamlit(package):
    offenders = [
        p.name
        for p in (ROOT / package).rglob("*.py")
        if {"streamlit", "streamlit_folium", "ui", "pages"} & imported_modules(p)
    ]
    assert offenders == []


def test_app_py_is_only_the_entry():
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) < 25
    assert "st.navigation" in source


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_same_fields(key):
    zh, en = MESSAGES[key]
    assert zh.strip() and en.strip()
    assert placeholders(zh) == placeholders(en)


def test_page_scripts_are_out_of_reach_of_the_legacy_pages_scan():
    # Streamlit treats *.py files directly in pages/ as a legacy multipage app for the
    # first run of a server, bypassing app.py's sidebar; page scripts live in pages/views/.
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == []
    assert (ROOT / "pages" / "views" / "map.py").is_file()


def _download_calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "download_button"
        ):
            yield node


def test_every_download_button_keeps_its_file_served():
    # A download button reruns the page by default; the rerun drops the file the browser is
    # about to fetch, and the download spins or is cancelled (#11, 6a). "ignore" keeps it.
    scripts = [*(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]
    calls = [(p, node) for p in scripts for node in _download_calls(p)]
    assert len(calls) >= 10
    wrong = [
        f"{p.relative_to(ROOT)}:{node.lineno}"
        for p, node in calls
        if not any(
            k.arg == "on_click" and isinstance(k.value, ast.Constant) and k.value.value == "ignore"
            for k in node.keywords
        )
    ]
    assert wrong == []


def test_pages_are_thin():
    # A page reads state, calls gis and composes sections that live in ui/ (#16): every
    # page fits on a few screens, every ui/ module is readable in one sitting.
    def too_long(folder: str, limit: int) -> list[str]:
        return [
            f"{p.relative_to(ROOT)}: {n} lines"
            for p in sorted((ROOT / folder).glob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit
        ]

    assert len(list((ROOT / "pages" / "views").glob("*.py"))) >= 7
    assert too_long("pages/views", 250) == []
    assert too_long("ui", 600) == []
