"""Presence: audio kept with messages, and the greetings he has sent first.

`message_audio` names one audio file per message: his reply read aloud by the provider's
speech endpoint (kind 'speech', made once and never fetched again) or her recorded voice
message (kind 'recording'). The file lives under `audio/` in the data folder, so backups
carry it like a photo.

`greeting_slots` makes "at most one greeting per gap" a fact of the database rather than of
one page run: each reason for a greeting (the gap after a message, a day that matters) has a
key, and the key is a primary key, so two tabs or two reruns cannot both claim it.
"""


def up(cur) -> None:
    cur.execute("""
        CREATE TABLE message_audio (
            message_id BIGINT PRIMARY KEY,
            kind VARCHAR NOT NULL CHECK (kind IN ('speech', 'recording')),
            path VARCHAR NOT NULL,
            mime VARCHAR NOT NULL,
            size BIGINT NOT NULL,
            voice VARCHAR,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE greeting_slots (
            persona_id INTEGER NOT NULL,
            slot VARCHAR NOT NULL,
            message_id BIGINT,
            claimed_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (persona_id, slot)
        );
    """)
