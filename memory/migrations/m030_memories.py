"""Long-term memories: facts about the user and shared moments the companion keeps.

A memory is made by the user (typed, or "remember this" on a message) or proposed from the
conversation and kept only once the user confirms it (`status` 'proposed' → 'kept'). A
dismissed proposal stays as 'dismissed' so the same sentence is not proposed again.
"""


def up(cur) -> None:
    cur.execute("""
        CREATE SEQUENCE memories_id_seq START 1;
        CREATE TABLE memories (
            id INTEGER PRIMARY KEY DEFAULT nextval('memories_id_seq'),
            persona_id INTEGER NOT NULL,
            kind VARCHAR NOT NULL DEFAULT 'fact' CHECK (kind IN ('fact', 'moment')),
            body VARCHAR NOT NULL,
            status VARCHAR NOT NULL DEFAULT 'kept'
                CHECK (status IN ('kept', 'proposed', 'dismissed')),
            pinned BOOLEAN NOT NULL DEFAULT false,
            origin VARCHAR NOT NULL DEFAULT 'typed',
            message_id BIGINT,
            happened_on DATE,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );
    """)
