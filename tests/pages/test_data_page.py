"""The Backup & import page under AppTest."""

from __future__ import annotations

import json
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest

from memory import Store, backup, messages, personas
from tests.memory import chatgpt_samples as samples
from tests.memory.test_cards import V2_CARD, _png

PAGE = "pages/data.py"


@pytest.fixture
def data_page(app):
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _by_key(app, kind: str, key: str):
    return next(w for w in app.get(kind) if getattr(w, "key", None) == key)


def _work_folders(data_dir: Path) -> list[Path]:
    """Kizuna's work folders in `data_dir`, once a background automatic backup has finished.

    Reopening the store after a restore starts today's automatic backup in a thread, and its
    own work folder exists while it runs; that one is not a leftover.
    """
    for thread in threading.enumerate():
        if thread.name == "kizuna-auto-backup":
            thread.join(timeout=60)
    return list(data_dir.glob(".kizuna-work-*"))


def _temp_uploads() -> set:
    return set(Path(tempfile.gettempdir()).glob("kizuna-upload-*"))


def test_page_renders_on_an_empty_folder_with_an_empty_state(data_page):
    assert data_page.title[0].value == "Backup & import"
    assert any("No backups yet" in i.value for i in data_page.info)


def test_back_up_now_writes_a_zip_into_backups(data_page, data_dir):
    data_page.button(key="data_backup_now").click().run()
    assert not data_page.exception
    assert any("Backed up" in s.value for s in data_page.success)
    made = list((data_dir / "backups").glob("kizuna-backup-*.zip"))
    assert len(made) == 1
    assert backup.verify(made[0])["tables"]["personas"]["rows"] == 1


def test_restore_from_the_folder_asks_then_replaces_and_reopens(data_page, data_dir):
    s = Store.open(data_dir)
    pid = personas.list_personas(s)[0].id
    messages.add(s, pid, "user", "kept in the backup")
    backup.create(s, data_dir / "backups" / "kizuna-backup-1.zip")
    messages.add(s, pid, "user", "written after the backup")
    s.close()  # only the app's own connection may be open during a restore
    data_page.run()
    data_page.radio(key="data_restore_source").set_value("folder").run()
    data_page.button(key="data_restore_start").click().run()
    assert any("replaces everything" in w.value for w in data_page.warning)
    data_page.button(key="data_restore_yes").click().run()
    assert not data_page.exception, [e.value for e in data_page.exception]
    assert any("Restored" in m.value for m in data_page.success)
    reopened = Store.open(data_dir)
    assert [m.content for m in messages.recent(reopened, pid)] == ["kept in the backup"]
    rescue = list((data_dir / "backups").glob("kizuna-before-restore-*.zip"))
    assert len(rescue) == 1
    # the page keeps working on the reopened store
    data_page.switch_page("pages/chat.py").run()
    assert not data_page.exception


def test_cancel_leaves_the_data_alone(data_page, data_dir):
    s = Store.open(data_dir)
    messages.add(s, 1, "user", "stay")
    backup.create(s, data_dir / "backups" / "kizuna-backup-1.zip")
    messages.add(s, 1, "user", "also stay")
    data_page.run()
    data_page.radio(key="data_restore_source").set_value("folder").run()
    data_page.button(key="data_restore_start").click().run()
    data_page.button(key="data_restore_no").click().run()
    assert not data_page.warning
    assert messages.count(s) == 2


def test_an_uploaded_backup_is_restored(data_page, data_dir, tmp_path):
    s = Store.open(data_dir)
    messages.add(s, 1, "user", "from the uploaded backup")
    backup.create(s, tmp_path / "elsewhere.zip")
    messages.add(s, 1, "user", "replaced")
    s.close()
    before_temp = _temp_uploads()
    uploader = _by_key(data_page, "file_uploader", "data_restore_upload")
    uploader.set_value(("b.zip", (tmp_path / "elsewhere.zip").read_bytes(), "application/zip"))
    data_page.run()
    assert any("2 messages" not in m.value and "1 message," in m.value for m in data_page.markdown)
    assert not _work_folders(data_dir)  # nothing copied before the restore
    data_page.button(key="data_restore_start").click().run()
    data_page.button(key="data_restore_yes").click().run()
    assert not data_page.exception
    with Store.open(data_dir) as reopened:
        assert [m.content for m in messages.recent(reopened, 1)] == ["from the uploaded backup"]
    assert not _work_folders(data_dir)  # the received copy is gone
    assert _temp_uploads() <= before_temp  # nothing new in the system temp folder


def test_a_refused_upload_leaves_no_copy_behind(data_page, data_dir, tmp_path):
    s = Store.open(data_dir)
    backup.create(s, tmp_path / "good.zip")
    s.close()
    with zipfile.ZipFile(tmp_path / "good.zip") as zf:
        contents = {n: zf.read(n) for n in zf.namelist()}
    name = next(n for n in contents if n.endswith("personas.parquet"))
    contents[name] = contents[name][:-10] + b"0123456789"  # checksum no longer matches
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as zf:
        for n, data in contents.items():
            zf.writestr(n, data)
    before_temp = _temp_uploads()
    uploader = _by_key(data_page, "file_uploader", "data_restore_upload")
    uploader.set_value(("bad.zip", (tmp_path / "bad.zip").read_bytes(), "application/zip"))
    data_page.run()
    data_page.button(key="data_restore_start").click().run()
    data_page.button(key="data_restore_yes").click().run()
    assert not data_page.exception
    assert any("Nothing was changed" in e.value for e in data_page.error)
    assert not _work_folders(data_dir)
    assert _temp_uploads() <= before_temp  # nothing new in the system temp folder


def test_a_large_backup_is_restored_from_the_incoming_folder(data_page, data_dir, tmp_path):
    s = Store.open(data_dir)
    messages.add(s, 1, "user", "from incoming")
    backup.create(s, data_dir / "incoming" / "big.zip")
    messages.add(s, 1, "user", "replaced")
    s.close()
    data_page.run()
    assert any("incoming" in c.value for c in data_page.caption)
    data_page.radio(key="data_restore_source").set_value("folder").run()
    pick = data_page.selectbox(key="data_restore_pick")
    assert pick.options[0].startswith("incoming/big.zip · ")
    data_page.button(key="data_restore_start").click().run()
    data_page.button(key="data_restore_yes").click().run()
    assert not data_page.exception, [e.value for e in data_page.exception]
    with Store.open(data_dir) as reopened:
        assert [m.content for m in messages.recent(reopened, 1)] == ["from incoming"]
    assert (data_dir / "incoming" / "big.zip").is_file()  # read where it lies, kept


def test_a_damaged_upload_is_refused_plainly(data_page, data_dir):
    data_page.get("file_uploader")[0].set_value(("b.zip", b"PK\x03\x04broken", "application/zip"))
    data_page.run()
    assert any("Nothing was changed" in e.value for e in data_page.error)


def test_chatgpt_import_with_search_preview_and_progress(data_page, data_dir):
    payload = samples.export(
        samples.regenerated_conversation(),
        samples.multimodal_conversation(),
        samples.instructions_conversation(),
    )
    uploader = _by_key(data_page, "file_uploader", "data_chatgpt_upload")
    uploader.set_value(("conversations.json", payload, "application/json"))
    data_page.run()
    assert not data_page.exception, [e.value for e in data_page.exception]
    assert any("3 conversations" in c.value for c in data_page.caption)
    data_page.text_input(key="data_chatgpt_search").input("sea").run()
    assert any("Shall we go to the sea?" in m.value for m in data_page.markdown)
    button = data_page.button(key="data_chatgpt_import")
    assert "1 conversations (4 new messages)" in button.label
    button.click().run()
    assert any("Imported 1 conversation (4 messages)." in s.value for s in data_page.success)
    s = Store.open(data_dir)
    assert messages.count(s) == 4
    data_page.run()
    assert data_page.button(key="data_chatgpt_import").disabled  # nothing new left to add
    assert any("already here" in c.value for c in data_page.caption)


def test_custom_instructions_can_become_persona_text(data_page, data_dir):
    uploader = _by_key(data_page, "file_uploader", "data_chatgpt_upload")
    uploader.set_value(
        ("c.json", samples.export(samples.instructions_conversation()), "application/json")
    )
    data_page.run()
    data_page.checkbox(key="data_chatgpt_use_speaking_style").check().run()
    data_page.button(key="data_chatgpt_instr_use").click().run()
    s = Store.open(data_dir)
    pv = personas.current(s, 1)
    assert pv.speaking_style == "Be warm and playful; call me Hana."


def test_a_whole_export_offers_memories_ticked_and_imports_photos(data_page, data_dir):
    from memory import memories

    uploader = _by_key(data_page, "file_uploader", "data_chatgpt_upload")
    uploader.set_value(("export.zip", samples.whole_export_zip(), "application/zip"))
    data_page.run()
    assert not data_page.exception, [e.value for e in data_page.exception]
    memory = data_page.checkbox(key="data_chatgpt_mem_0")
    assert memory.value and "Hana loves Korakuen garden" in memory.label
    assert "2024-10-27" in memory.label
    data_page.button(key="data_chatgpt_mem_keep").click().run()
    s = Store.open(data_dir)
    assert [m.body for m in memories.list_memories(s, 1)] == ["Hana loves Korakuen garden."]
    data_page.button(key="data_chatgpt_import").click().run()
    assert any("3 photos" in m.value for m in data_page.success)
    assert s.execute("SELECT count(*) FROM message_photos").fetchone()[0] == 4


def test_not_json_is_a_plain_error(data_page):
    uploader = _by_key(data_page, "file_uploader", "data_chatgpt_upload")
    uploader.set_value(("c.json", b"nope", "application/json"))
    data_page.run()
    assert any("not JSON" in e.value for e in data_page.error)


def test_card_import_creates_and_switches_to_the_companion(data_page, data_dir):
    uploader = _by_key(data_page, "file_uploader", "data_card_upload")
    uploader.set_value(("aoi.png", _png({"chara": V2_CARD}), "image/png"))
    data_page.run()
    data_page.button(key="data_card_import").click().run()
    assert not data_page.exception
    assert any("Aoi has joined" in s.value for s in data_page.success)
    s = Store.open(data_dir)
    assert [p.name for p in personas.list_personas(s)] == ["Sora", "Aoi"]
    assert data_page.session_state["persona_id"] == personas.by_name(s, "Aoi").id


def test_download_buttons_are_offered(data_page):
    keys = {b.key for b in data_page.get("download_button")}
    assert {"data_card_png", "data_card_json", "data_export_chat_md"} <= keys


def test_api_key_never_reaches_a_backup(use_fake_openai, app, data_dir):
    from tests.openai_server import Answer

    key = "sk-test-not-a-real-key"
    typed = "sk-typed-on-settings-0123456789"
    use_fake_openai.default = Answer(chunks=["Hello ", "there"])
    app.chat_input[0].set_value("hi!").run()
    app.switch_page("pages/settings.py").run()
    app.text_input(key="settings_api_key").input(typed).run()
    app.button(key="settings_save").click().run()
    app.switch_page(PAGE).run()
    app.button(key="data_backup_now").click().run()
    (zip_path,) = (data_dir / "backups").glob("kizuna-backup-*.zip")
    raw = zip_path.read_bytes()
    with zipfile.ZipFile(zip_path) as zf:
        members = [zf.read(n) for n in zf.namelist()]
        zf.extractall(data_dir.parent / "unzipped")
    import duckdb

    con = duckdb.connect()
    texts = []
    for parquet in (data_dir.parent / "unzipped" / "db").glob("*.parquet"):
        rows = con.execute(f"SELECT * FROM read_parquet('{parquet}')").fetchall()
        texts.append(json.dumps(rows, default=str))
    assert any("Hello there" in t for t in texts)  # the search does see the data
    for secret in (key, typed):
        assert secret.encode() not in raw
        assert all(secret.encode() not in m for m in members)
        assert all(secret not in t for t in texts)


def test_the_same_card_again_is_offered_as_a_new_version(data_page, data_dir):
    raw = _png({"chara": V2_CARD})
    uploader = _by_key(data_page, "file_uploader", "data_card_upload")
    uploader.set_value(("aoi.png", raw, "image/png"))
    data_page.run()
    data_page.button(key="data_card_import").click().run()
    data_page.run()
    assert any("Aoi is already here" in i.value for i in data_page.info)
    data_page.button(key="data_card_version").click().run()
    assert not data_page.exception
    s = Store.open(data_dir)
    assert [p.name for p in personas.list_personas(s)] == ["Sora", "Aoi"]
    assert personas.current(s, personas.by_name(s, "Aoi").id).version == 2


def test_the_chat_archive_comes_back_in_from_the_page(data_page, data_dir, tmp_path):
    from memory import exports
    from memory.importers import chatgpt

    export = tmp_path / "chatgpt.zip"
    export.write_bytes(samples.whole_export_zip())
    with Store.open(tmp_path / "elsewhere") as other:  # where she lived before
        chatgpt.import_file(other, export, personas.ensure_starter(other).id)
        archive = exports.chat_archive(other, 1)
    _by_key(data_page, "file_uploader", "data_chat_back_upload").set_value(
        ("chat.zip", archive, "application/zip")
    )
    data_page.run()
    data_page.button(key="data_chat_back_import").click().run()
    assert any("7 messages, 3 photos" in m.value for m in data_page.success)
    s = Store.open(data_dir)
    shown = [len(m.photo_ids) for m in messages.recent(s, 1)]
    assert shown == [2, 0, 0, 1, 0, 0, 1]
