"""AppTest of the 数据 page's park sections (issue #12): what the park has and lacks, the
import of each missing piece, removing the sample rows, starting a new park, replace mode."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gis import onboarding, schema
from gis.exchange import writers
from gis.i18n import t
from gis.store import ParkStore, validate_frames
from tests.actors import ADMINISTRATOR
from tests.apptest_kit import assert_no_exception, texts
from tests.partial_parks import build_partial_store
from tests.test_data_page import RUN_TIMEOUT, import_preview, open_page
from ui.session import ACTOR_KEY
from ui.text import message_md

#: Pieces imported on the 数据 page (a 去导入 button) and on other pages (a link), by hand.
ON_DATA_PAGE = {
    "boundary": ("tab_import", "ex_target", "park_boundary"),
    "blocks": ("tab_import", "ex_target", "blocks"),
    "parcels": ("tab_import", "ex_target", "parcels"),
    "enterprises": ("tab_import", "ex_target", "enterprises"),
    "buildings": ("tab_import", "ex_target", "buildings"),
    "vacant_spaces": ("tab_import", "ex_target", "vacant_spaces"),
    "yearly_figures": ("tab_figures", "fig_layer", "enterprise_years"),
    "period_figures": ("tab_figures", "fig_layer", "period_figures"),
}
ELSEWHERE = ("history", "targets", "candidates")


def _buttons(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def open_park_tab(at: AppTest, lang: str = "zh") -> AppTest:
    at.session_state[f"data_tabs_{lang}"] = t("tab_park", lang)
    at.run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    return at


@pytest.fixture
def empty_park(tmp_path, monkeypatch):
    path = build_partial_store("empty", tmp_path / "park.gpkg")
    monkeypatch.setenv("PARK_DB", str(path))
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_park_lists_every_piece_with_its_import(empty_park, lang):
    at = open_page(lang)
    assert not at.error, texts(at.error)
    infos = texts(at.info)
    assert t("onb_empty_intro", lang) in infos
    assert t("onb_missing_count", lang, missing=11, total=11) in texts(at.markdown)
    for name in [*ON_DATA_PAGE, *ELSEWHERE]:
        message = onboarding.PIECES_BY_NAME[name]
        params = {"year": date.today().year} if name == "targets" else {}
        assert t(message.message_key, lang, **params) in infos, name
    assert {f"onb_go_{name}" for name in ON_DATA_PAGE} <= _buttons(at)
    assert not {f"onb_go_{name}" for name in ELSEWHERE} & _buttons(at)
    assert len(at.get("page_link")) == len(ELSEWHERE)  # a link to each other page
    # The table: every piece missing, no rows.
    table = at.dataframe[0].value
    assert list(table[t("onb_col_state", lang)]) == [t("onb_state_missing", lang)] * 11
    assert table[t("onb_col_rows", lang)].sum() == 0
    assert t("sample_badge", lang) not in texts(at.warning)


@pytest.mark.parametrize("piece", ["boundary", "vacant_spaces", "period_figures"])
def test_an_import_button_opens_its_tab_with_the_layer_chosen(empty_park, piece):
    tab, widget, layer = ON_DATA_PAGE[piece]
    at = open_page()
    at.button(key=f"onb_go_{piece}").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert at.session_state["data_tabs_zh"] == t(tab, "zh")
    assert at.selectbox(key=widget).value == layer
    label = schema.layer_spec(layer).label_zh
    assert t("onb_opened_import", "zh", layer=label) in texts(at.info)


def test_the_full_sample_lacks_nothing(store_copy):
    at = open_page("en")
    assert not at.error, texts(at.error)
    assert t("onb_all_present", "en", count=11) in texts(at.success)
    assert not [b for b in _buttons(at) if b.startswith("onb_go_") and b != "onb_go_park"]
    sample = ParkStore(store_copy).sample_rows()
    assert t("onb_sample_present", "en", count=sum(sample.values())) in texts(at.warning)
    table = at.dataframe[0].value
    assert set(table[t("onb_col_state", "en")]) == {t("onb_state_present", "en")}
    parcels = table.set_index(t("onb_col_piece", "en")).loc[t("onb_piece_parcels", "en")]
    assert parcels[t("onb_col_rows", "en")] == len(ParkStore(store_copy).read("parcels"))
    assert parcels[t("onb_col_sample", "en")] == sample["parcels"]


def test_data_problems_written_by_qgis_are_listed_by_parcel(store_copy):
    store = ParkStore(store_copy)
    parcels = store.read("parcels")
    code = str(parcels["code"].iloc[0])
    parcels.loc[parcels.index[0], "sale_status"] = "SOLD?"  # as QGIS lets anyone type
    store.write({"parcels": parcels})
    problems = validate_frames(store.read_all())
    assert any(p.parcel == code and p.key == "problem_status_unknown" for p in problems)
    at = open_page()
    warning = [w for w in texts(at.warning) if w.startswith("数据检查发现")]
    assert warning and f"地块 {code}" in warning[0] and "SOLD?" in warning[0]


def _add_user_block(store: ParkStore) -> None:
    """A block the user drew: kept when the sample goes."""
    blocks = store.read("blocks")
    mine = blocks.iloc[:1].copy()
    mine["block_id"], mine["name"] = "MINE", "我的区块"
    store.write({"blocks": pd.concat([blocks, mine], ignore_index=True)})


def test_remove_sample_previews_confirms_backs_up_and_drops_the_banner(store_copy):
    store = ParkStore(store_copy)
    _add_user_block(store)
    sample = store.sample_rows()
    rows = store.row_counts()
    at = open_park_tab(open_page())
    assert t("sample_badge", "zh") in texts(at.warning)
    preview = at.dataframe[-1].value.set_index(t("park_col_layer", "zh"))
    blocks = preview.loc[schema.BLOCKS.label_zh]
    assert blocks[t("park_col_removed", "zh")] == sample["blocks"]
    assert blocks[t("park_col_kept", "zh")] == 1 == rows["blocks"] - sample["blocks"]
    assert len(preview) == len(sample)
    assert at.button(key="park_remove").disabled  # not before the box is ticked
    at.checkbox(key="park_remove_confirm").check().run(timeout=RUN_TIMEOUT)
    at.button(key="park_remove").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    backups = store.backups()
    assert len(backups) == 1 and "before-remove-sample" in backups[0].name
    done = [s for s in texts(at.success) if backups[0].name in s]
    removed = sum(sample.values())
    assert done == [t("park_removed", "zh", count=removed, kept=1, backup=backups[0].name)]
    assert t("sample_badge", "zh") not in texts(at.warning)  # the banner is gone
    assert not store.is_sample()
    assert list(store.read("blocks")["block_id"]) == ["MINE"]
    assert t("park_no_sample", "zh") in texts(at.info)
    assert at.date_input(key="as_of").value == date.today()  # not the sample's date
    assert "park_remove" not in _buttons(at)


def test_new_park_creates_an_empty_store_and_refuses_an_existing_file(store_copy, tmp_path):
    target = tmp_path / "own" / "my-park.gpkg"
    target.parent.mkdir()
    before = ParkStore(store_copy).data_version()
    at = open_page("en")
    at.session_state[ACTOR_KEY] = ADMINISTRATOR  # a new file on the server: an admin's (#13)
    at = open_park_tab(at, "en")
    at.text_input(key="park_new_path").input(str(target))
    at.text_input(key="park_new_name").input("我的园区")
    at.button(key="park_new_create").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    assert target.exists()
    new = ParkStore(target)
    assert new.park_name() == "我的园区" and not new.is_sample()
    assert sum(new.row_counts().values()) == 0
    assert message_md("park_new_created", "en", {"path": str(target)}) in texts(at.success)
    assert any(f"PARK_DB={target}" in c.value for c in at.code)
    assert ParkStore(store_copy).data_version() == before  # the current park is untouched
    # Again: the file exists now and is left alone.
    stamp = target.read_bytes()
    at.button(key="park_new_create").click().run(timeout=RUN_TIMEOUT)
    assert message_md("store_exists", "en", {"path": str(target)}) in texts(at.error)
    assert target.read_bytes() == stamp
    # Not a .gpkg, a missing folder.
    at.text_input(key="park_new_path").input(str(tmp_path / "x.txt"))
    at.button(key="park_new_create").click().run(timeout=RUN_TIMEOUT)
    suffix = {"path": str(tmp_path / "x.txt")}
    assert message_md("park_new_suffix", "en", suffix) in texts(at.error)
    at.text_input(key="park_new_path").input(str(tmp_path / "nowhere" / "x.gpkg"))
    at.button(key="park_new_create").click().run(timeout=RUN_TIMEOUT)
    folder = {"folder": str(tmp_path / "nowhere")}
    assert message_md("park_new_no_folder", "en", folder) in texts(at.error)
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "nowhere").exists()


def _blocks_upload(path, codes: list[str]) -> bytes:
    blocks = ParkStore(path).read("blocks")
    return writers.export_layer(blocks[blocks["block_id"].isin(codes)], "blocks", "geojson").data


def _upload_blocks(at: AppTest, data: bytes) -> AppTest:
    at.selectbox(key="ex_target").set_value("blocks").run(timeout=RUN_TIMEOUT)
    at.file_uploader[0].set_value(("blocks.geojson", data, "application/geo+json"))
    at.run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    return at


def test_replace_mode_preview_lists_the_removed_rows_then_imports(tmp_path, monkeypatch):
    path = build_partial_store("boundary_blocks", tmp_path / "park.gpkg")
    monkeypatch.setenv("PARK_DB", str(path))
    codes = list(ParkStore(path).read("blocks")["block_id"])  # in the store's order
    assert len(codes) >= 3
    at = _upload_blocks(open_page(), _blocks_upload(path, codes[:2]))
    at.radio(key="ex_mode").set_value("replace").run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    gone = codes[2:]
    caption = t("import_replace_caption", "zh", added=0, updated=2, removed=len(gone), layer="区块")
    assert caption in texts(at.caption)
    listed = t("import_replace_removed", "zh", count=len(gone), codes="、".join(gone))
    assert listed in texts(at.warning)
    assert sorted(import_preview(at, "区块编号")["区块编号"]) == sorted(codes[:2])
    at.button(key="ex_import").click().run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert not at.error, texts(at.error)
    assert sorted(ParkStore(path).read("blocks")["block_id"]) == sorted(codes[:2])
    done = [s for s in texts(at.success) if s.startswith("导入完成")]
    assert done and f"删除 {len(gone)} 个" in done[0]


def test_replace_mode_refuses_blocks_parcels_still_use(store_copy):
    codes = sorted(ParkStore(store_copy).read("blocks")["block_id"])
    parcels = ParkStore(store_copy).read("parcels")
    used = sorted(set(parcels["block_id"]) - {codes[0]})
    at = _upload_blocks(open_page(), _blocks_upload(store_copy, codes[:1]))
    at.radio(key="ex_mode").set_value("replace").run(timeout=RUN_TIMEOUT)
    errors = texts(at.error)
    assert len(errors) == 1 and "不能替换" in errors[0] and used[0] in errors[0], errors
    assert at.button(key="ex_import").disabled


def test_a_future_effective_date_blocks_the_import(store_copy):
    from tests.test_data_page import UPLOAD

    at = open_page()
    at.file_uploader[0].set_value(("界址点.txt", UPLOAD, "text/plain")).run(timeout=RUN_TIMEOUT)
    assert not at.error and not at.button(key="ex_import").disabled
    tomorrow = date.today() + timedelta(days=1)
    at.date_input(key="ex_effective").set_value(tomorrow).run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    refusal = t("status_date_future", "zh", date=tomorrow.isoformat(), today=date.today())
    assert refusal in texts(at.error), texts(at.error)
    assert at.button(key="ex_import").disabled
    assert t("import_blocked", "zh") in texts(at.info)


def test_the_unit_warning_shows_even_when_the_import_is_blocked(store_copy):
    """An area column of 亩 figures read as m², in a file whose codes already exist."""
    parcels = ParkStore(store_copy).read("parcels").iloc[:2].copy()
    mu = parcels.to_crs("EPSG:4549").area * 15 / 10_000
    table = parcels[["code", "name", "geometry"]].assign(MJ=mu.round(3).to_numpy())
    data = table.rename(columns={"code": "地块编号", "name": "地块名称"}).to_json().encode()
    at = open_page()
    at.file_uploader[0].set_value(("p.geojson", data, "application/geo+json"))
    at.run(timeout=RUN_TIMEOUT)
    assert_no_exception(at)
    assert any("import_keys_exist" not in e and "已存在" in e for e in texts(at.error))
    warned = [w for w in texts(at.warning) if w.startswith("“出让面积”(源列“MJ”)")]
    assert len(warned) == 1 and "亩 \\(mu\\)" in warned[0], texts(at.warning)
