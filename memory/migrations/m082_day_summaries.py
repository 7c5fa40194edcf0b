"""Day summaries: a few sentences about each past day's conversation, written by the model.

One row per companion and local day. A summary she edits is marked `edited` and is never
overwritten by a later run. Days without a row are the ones still to write, so a run that
stops (closed app, model down) simply continues where it was.
"""


def up(cur) -> None:
    cur.execute("""
        CREATE TABLE day_summaries (
            persona_id INTEGER NOT NULL,
            day DATE NOT NULL,
            body VARCHAR NOT NULL,
            model VARCHAR,
            edited BOOLEAN NOT NULL DEFAULT false,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (persona_id, day)
        );
    """)
