"""Conversations brought in from elsewhere (a ChatGPT export, …): their titles and origin.

The messages themselves are ordinary `messages` rows (source `import:chatgpt`, with
`external_id` naming the original message, which makes a second import add nothing); this
table keeps what belongs to the conversation as a whole.
"""


def up(cur) -> None:
    cur.execute("""
        CREATE SEQUENCE imported_conversations_id_seq START 1;
        CREATE TABLE imported_conversations (
            id INTEGER PRIMARY KEY DEFAULT nextval('imported_conversations_id_seq'),
            persona_id INTEGER NOT NULL,
            source VARCHAR NOT NULL,
            external_id VARCHAR NOT NULL,
            title VARCHAR,
            started_at TIMESTAMPTZ,
            updated_at TIMESTAMPTZ,
            message_count INTEGER NOT NULL DEFAULT 0,
            imported_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );
    """)
