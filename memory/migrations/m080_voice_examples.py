"""His voice as data: examples of how he talks, and two persona fields about his words.

`voice_examples` holds short texts that show his manner: chosen automatically from his real
past replies ('auto'), taken from a character card's `mes_example` ('card'), or pinned or
written by her on the Persona page ('pinned', 'written'). An example she removes stays as
status 'removed', so the automatic choice never brings it back.

`persona_versions.first_person` is his word for himself (僕, 俺, 私, わたし, I);
`persona_versions.reply_language` fixes the language he answers in ('en', 'ja'), or is
empty/NULL to answer in the language she writes in.
"""


def up(cur) -> None:
    cur.execute("ALTER TABLE persona_versions ADD COLUMN first_person VARCHAR")
    cur.execute("ALTER TABLE persona_versions ADD COLUMN reply_language VARCHAR")
    cur.execute("""
        CREATE SEQUENCE voice_examples_id_seq START 1;
        CREATE TABLE voice_examples (
            id INTEGER PRIMARY KEY DEFAULT nextval('voice_examples_id_seq'),
            persona_id INTEGER NOT NULL,
            body VARCHAR NOT NULL,
            origin VARCHAR NOT NULL DEFAULT 'written'
                CHECK (origin IN ('auto', 'card', 'pinned', 'written')),
            status VARCHAR NOT NULL DEFAULT 'kept' CHECK (status IN ('kept', 'removed')),
            pinned BOOLEAN NOT NULL DEFAULT false,
            message_id BIGINT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );
    """)
