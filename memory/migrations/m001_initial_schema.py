"""The first schema: companions and their versions, messages, outings, photos, milestones,
journal entries and settings.

Only the columns of the data contract (README, "How the code is laid out") are required;
every other column is nullable or has a default so that plain SQL inserts (benchmarks,
importers) just work.
No FOREIGN KEY constraints: DuckDB's foreign keys block updates of referenced rows, so
integrity is kept by the functions in `memory/`, each inside one transaction.
"""


def up(cur) -> None:
    cur.execute("""
        CREATE SEQUENCE personas_id_seq START 1;
        CREATE TABLE personas (
            id INTEGER PRIMARY KEY DEFAULT nextval('personas_id_seq'),
            name VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            current_version_id INTEGER,
            is_demo BOOLEAN NOT NULL DEFAULT false,
            archived BOOLEAN NOT NULL DEFAULT false
        );

        CREATE SEQUENCE persona_versions_id_seq START 1;
        CREATE TABLE persona_versions (
            id INTEGER PRIMARY KEY DEFAULT nextval('persona_versions_id_seq'),
            persona_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            note VARCHAR,
            name VARCHAR NOT NULL,
            user_name VARCHAR,
            personality VARCHAR,
            speaking_style VARCHAR,
            mannerisms VARCHAR,
            backstory VARCHAR,
            signature_phrases VARCHAR[],
            language VARCHAR,
            began_on DATE,
            avatar_path VARCHAR,
            extra JSON
        );

        CREATE SEQUENCE messages_id_seq START 1;
        CREATE TABLE messages (
            id BIGINT PRIMARY KEY DEFAULT nextval('messages_id_seq'),
            persona_id INTEGER NOT NULL,
            role VARCHAR NOT NULL CHECK (role IN ('user', 'companion')),
            content VARCHAR NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            source VARCHAR NOT NULL DEFAULT 'chat',
            status VARCHAR NOT NULL DEFAULT 'ok',
            provider VARCHAR,
            model VARCHAR,
            persona_version_id INTEGER,
            reply_to BIGINT,
            outing_id INTEGER,
            photo_id INTEGER,
            journal_entry_id INTEGER,
            external_id VARCHAR,
            meta JSON
        );

        CREATE TABLE message_photos (
            message_id BIGINT NOT NULL,
            photo_id INTEGER NOT NULL,
            position INTEGER NOT NULL DEFAULT 0
        );

        CREATE SEQUENCE outings_id_seq START 1;
        CREATE TABLE outings (
            id INTEGER PRIMARY KEY DEFAULT nextval('outings_id_seq'),
            persona_id INTEGER NOT NULL,
            title VARCHAR NOT NULL,
            place VARCHAR,
            happened_on DATE NOT NULL,
            notes VARCHAR,
            cover_photo_id INTEGER,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );

        CREATE SEQUENCE photos_id_seq START 1;
        CREATE TABLE photos (
            id INTEGER PRIMARY KEY DEFAULT nextval('photos_id_seq'),
            outing_id INTEGER,
            sha256 VARCHAR NOT NULL,
            path VARCHAR NOT NULL,
            taken_at TIMESTAMPTZ,
            original_name VARCHAR,
            caption VARCHAR,
            width INTEGER,
            height INTEGER,
            gps_lat DOUBLE,
            gps_lon DOUBLE,
            thumb_path VARCHAR,
            position INTEGER NOT NULL DEFAULT 0,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );

        CREATE SEQUENCE milestones_id_seq START 1;
        CREATE TABLE milestones (
            id INTEGER PRIMARY KEY DEFAULT nextval('milestones_id_seq'),
            persona_id INTEGER NOT NULL,
            kind VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            happened_on DATE NOT NULL,
            note VARCHAR,
            message_id BIGINT,
            outing_id INTEGER,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );

        CREATE SEQUENCE journal_entries_id_seq START 1;
        CREATE TABLE journal_entries (
            id INTEGER PRIMARY KEY DEFAULT nextval('journal_entries_id_seq'),
            persona_id INTEGER NOT NULL,
            written_on DATE NOT NULL,
            mood INTEGER CHECK (mood BETWEEN 1 AND 5),
            body VARCHAR NOT NULL DEFAULT '',
            photo_id INTEGER,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );

        CREATE TABLE settings (
            key VARCHAR PRIMARY KEY,
            value JSON NOT NULL
        );
    """)
