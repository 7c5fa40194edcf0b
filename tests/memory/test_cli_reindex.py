from memory import Store, messages, personas, search
from memory.cli import main


def test_reindex_command_indexes_every_message(data_dir, capsys):
    with Store.open(data_dir) as store:
        pid = personas.ensure_starter(store).id
        messages.add(store, pid, "user", "hello garden")
    assert main(["--data-dir", str(data_dir), "reindex"]) == 0
    assert "Indexed 1 message in" in capsys.readouterr().out
    with Store.open(data_dir) as store:
        assert search.index_status(store).tail == 0
