"""Voice checks ("does he still sound like him?"), stored per model and persona version.

A check asks the configured model to answer a set of her real past messages and keeps, per
probe, his original reply beside the new one with plain measures of each. Nothing of a check
is a chat message: probes live here, never in `messages`. A check cut off by a failing model
keeps the probes it finished and says which one failed (`failed_probe`, `error`).
"""


def up(cur) -> None:
    cur.execute("""
        CREATE SEQUENCE voice_checks_id_seq START 1;
        CREATE TABLE voice_checks (
            id INTEGER PRIMARY KEY DEFAULT nextval('voice_checks_id_seq'),
            persona_id INTEGER NOT NULL,
            persona_version_id INTEGER,
            provider VARCHAR NOT NULL,
            model VARCHAR NOT NULL,
            started_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            finished_at TIMESTAMPTZ,
            status VARCHAR NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'done', 'failed')),
            probes_total INTEGER NOT NULL DEFAULT 0,
            failed_probe INTEGER,
            error VARCHAR
        );
        CREATE TABLE voice_check_probes (
            check_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            her_message_id BIGINT,
            her_text VARCHAR NOT NULL,
            original VARCHAR NOT NULL,
            answer VARCHAR NOT NULL,
            original_measures JSON,
            answer_measures JSON,
            PRIMARY KEY (check_id, position)
        );
    """)
