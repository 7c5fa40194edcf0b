"""The care log: when care was shown (the time and the tier), and nothing else.

No words, no persona, no source: only that a check-in, crisis care or the emergency panel was
shown, so she — or someone she trusts — can look back at it privately on Settings → Care.
"""


def up(cur) -> None:
    cur.execute("""
        CREATE SEQUENCE care_log_id_seq START 1;
        CREATE TABLE care_log (
            id INTEGER PRIMARY KEY DEFAULT nextval('care_log_id_seq'),
            shown_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            tier VARCHAR NOT NULL CHECK (tier IN ('check_in', 'crisis', 'emergency'))
        );
    """)
