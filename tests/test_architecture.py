"""Layering rules: gis/ and layers/ never import streamlit; the packages of gis/ import one way;
modules stay readable in one sitting; every message has both languages."""

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


# --- gis/ by responsibility (#16) ------------------------------------------------------------

#: The analyses: they read and write through the store's interface, never a backend.
ANALYSES = ("targets", "efficiency", "reuse", "meeting", "parcels")
#: The store's interface; everything else in gis.store is a backend or its internals.
STORE_INTERFACE = {"gis.store", "gis.store.base"}
#: The shared vocabulary at the top of gis/: every package may import it; it imports none.
VOCABULARY = ("schema", "vocabulary", "crs", "i18n", "values", "_errors", "excel")
LINE_LIMIT = 600
PAGE_LINE_LIMIT = 250


def imported_dotted(path: pathlib.Path) -> set[str]:
    """Every module ``path`` imports, by its full name (``from gis import x`` gives ``gis.x``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _modules(name: str) -> set[str]:
    """The modules that exist under this dotted name (a package's files, or one module)."""
    path = ROOT.joinpath(*name.split("."))
    return {name} if path.with_suffix(".py").is_file() or path.is_dir() else set()


def _gis_imports(path: pathlib.Path) -> set[str]:
    return {m for name in imported_dotted(path) if name.startswith("gis") for m in _modules(name)}


@pytest.mark.parametrize("package", ANALYSES)
def test_analyses_use_the_store_interface_not_a_backend(package):
    files = sorted((ROOT / "gis" / package).rglob("*.py"))
    assert files, f"gis/{package}/ is missing"
    offenders = {
        f"{p.relative_to(ROOT)}: {m}"
        for p in files
        for m in _gis_imports(p)
        if m.startswith("gis.store") and m not in STORE_INTERFACE
    }
    assert offenders == set()


def test_only_the_store_package_opens_a_backend():
    backends = ("gis.store.gpkg", "gis.store.postgis")
    offenders = {
        f"{p.relative_to(ROOT)}: {m}"
        for p in (ROOT / "gis").rglob("*.py")
        if "store" not in p.relative_to(ROOT / "gis").parts[:-1]
        for m in _gis_imports(p)
        if m.startswith(backends)
    }
    assert offenders == set()


@pytest.mark.parametrize("module", [*VOCABULARY, "messages"])
def test_shared_vocabulary_imports_no_package_above_it(module):
    allowed = {f"gis.{m}" for m in VOCABULARY} | {"gis", "gis.messages"}
    path = ROOT / "gis" / module
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]
    offenders = {
        f"{p.relative_to(ROOT)}: {m}"
        for p in files
        for m in _gis_imports(p)
        if m not in allowed and not m.startswith("gis.messages.")
    }
    assert offenders == set()


def test_the_import_rules_see_a_backend_import(tmp_path):
    # The rules above must be able to fail: each spelling of an import is seen.
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from gis.store import gpkg\nfrom gis.store.postgis import PostgisStore\n"
        "import gis.auth.guard\nfrom gis import parcels\n",
        encoding="utf-8",
    )
    assert _gis_imports(probe) == {
        "gis",
        "gis.store",
        "gis.store.gpkg",
        "gis.store.postgis",
        "gis.auth.guard",
        "gis.parcels",
    }


def _too_long(folder: str, limit: int) -> dict[str, int]:
    lengths = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in (ROOT / folder).rglob("*.py")
    }
    assert lengths, f"{folder}/ has no modules"
    return {name: n for name, n in lengths.items() if n > limit}


@pytest.mark.parametrize("folder", ["gis", "layers", "ui"])
def test_every_module_is_readable_in_one_sitting(folder):
    assert _too_long(folder, LINE_LIMIT) == {}


def test_every_page_is_thin():
    # A page reads state, calls gis and composes sections that live in ui/.
    assert _too_long("pages", PAGE_LINE_LIMIT) == {}
