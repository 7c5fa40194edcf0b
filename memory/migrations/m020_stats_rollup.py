"""Roll-up tables for the dashboard: message counts per companion and local day (and hour).

The dashboard must stay fast with a million messages, so it never aggregates `messages`
directly: `memory.stats.refresh` folds new messages into these small tables, counted in the
user's time zone (recorded in `stats_rollup_state`). A change of zone, a deleted message or
anything else the incremental fold cannot explain rebuilds them from `messages`, which stays
the only source of truth.

No primary keys: a fold appends partial counts that readers sum, and the rows are compacted
now and then (see `memory.stats`), which keeps adding new messages cheap.
"""


def up(cur) -> None:
    cur.execute("""
        CREATE TABLE stats_daily (
            persona_id INTEGER NOT NULL,
            day DATE NOT NULL,
            role VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            messages BIGINT NOT NULL,
            chars BIGINT NOT NULL
        );

        CREATE TABLE stats_hourly (
            persona_id INTEGER NOT NULL,
            day DATE NOT NULL,
            hour TINYINT NOT NULL,
            messages BIGINT NOT NULL
        );

        CREATE TABLE stats_rollup_state (
            id INTEGER PRIMARY KEY,
            timezone VARCHAR NOT NULL,
            last_message_id BIGINT NOT NULL,
            messages BIGINT NOT NULL,
            sequence_value BIGINT NOT NULL,
            compacted_rows BIGINT NOT NULL
        );
    """)
