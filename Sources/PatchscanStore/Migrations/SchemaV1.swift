import GRDB

/// Migration "v1": the first shipped schema.
///
/// Shipped migrations are never edited: a schema change is a new migration ("v2", …) registered after this one.
/// The SQL is written out, rather than built with GRDB's schema DSL, because operators read it with `.schema`
/// and README.md ("The database") describes it column by column.
enum SchemaV1 {
    /// The migration identifier recorded in `grdb_migrations`.
    static let identifier = "v1"

    static func migrate(_ db: Database) throws {
        for statement in statements {
            try db.execute(sql: statement)
        }
    }

    private static let statements = [
        """
        CREATE TABLE vm (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            resource_id     TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(resource_id) > 0),
            subscription_id TEXT NOT NULL COLLATE NOCASE,
            resource_group  TEXT NOT NULL COLLATE NOCASE,
            name            TEXT NOT NULL COLLATE NOCASE,
            location        TEXT,
            vm_group        TEXT,
            first_seen_at   DATETIME NOT NULL,
            last_seen_at    DATETIME NOT NULL,
            CHECK (last_seen_at >= first_seen_at)
        )
        """,
        """
        CREATE TABLE scan_run (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at        DATETIME NOT NULL,
            finished_at       DATETIME,
            status            TEXT NOT NULL DEFAULT 'running'
                                  CHECK (status IN ('running', 'completed', 'interrupted')),
            vm_count          INTEGER NOT NULL CHECK (vm_count >= 0),
            succeeded_count   INTEGER NOT NULL DEFAULT 0 CHECK (succeeded_count >= 0),
            failed_count      INTEGER NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
            flagged_vm_count  INTEGER NOT NULL DEFAULT 0
                                  CHECK (flagged_vm_count >= 0 AND flagged_vm_count <= succeeded_count + failed_count),
            patchscan_version TEXT NOT NULL,
            CHECK (status <> 'running' OR finished_at IS NULL),
            CHECK (status <> 'completed' OR finished_at IS NOT NULL),
            CHECK (finished_at IS NULL OR finished_at >= started_at)
        )
        """,
        "CREATE INDEX scan_run_on_status ON scan_run (status)",
        """
        CREATE TABLE assessment (
            id                                INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id                            INTEGER NOT NULL REFERENCES scan_run (id) ON DELETE CASCADE,
            vm_id                             INTEGER NOT NULL REFERENCES vm (id),
            outcome                           TEXT NOT NULL CHECK (length(outcome) > 0),
            succeeded                         INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
            lro_status                        TEXT,
            result_status                     TEXT,
            assessment_activity_id            TEXT,
            reboot_pending                    INTEGER CHECK (reboot_pending IN (0, 1)),
            critical_and_security_patch_count INTEGER CHECK (critical_and_security_patch_count >= 0),
            other_patch_count                 INTEGER CHECK (other_patch_count >= 0),
            assessment_started_at             TEXT,
            started_at                        DATETIME NOT NULL,
            duration_ms                       INTEGER NOT NULL CHECK (duration_ms >= 0),
            error_code                        TEXT,
            error_message                     TEXT,
            error_target                      TEXT,
            error_details                     TEXT CHECK (error_details IS NULL OR json_valid(error_details)),
            request_id                        TEXT,
            correlation_id                    TEXT,
            listed_patch_count                INTEGER NOT NULL CHECK (listed_patch_count >= 0),
            UNIQUE (run_id, vm_id)
        )
        """,
        "CREATE INDEX assessment_on_vm_id_run_id ON assessment (vm_id, run_id)",
        """
        CREATE TABLE patch (
            id                     INTEGER PRIMARY KEY AUTOINCREMENT,
            assessment_id          INTEGER NOT NULL REFERENCES assessment (id) ON DELETE CASCADE,
            patch_id               TEXT,
            name                   TEXT,
            version                TEXT,
            kb_id                  TEXT,
            classifications        TEXT NOT NULL DEFAULT '[]'
                                       CHECK (json_valid(classifications) AND json_type(classifications) = 'array'),
            reboot_behavior        TEXT,
            activity_id            TEXT,
            published_date         TEXT,
            last_modified_date_time TEXT,
            assessment_state       TEXT
        )
        """,
        "CREATE INDEX patch_on_assessment_id ON patch (assessment_id)",
        """
        CREATE TABLE patch_classification (
            patch_row_id   INTEGER NOT NULL REFERENCES patch (id) ON DELETE CASCADE,
            classification TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (patch_row_id, classification)
        )
        """,
        "CREATE INDEX patch_classification_on_classification ON patch_classification (classification)",
        """
        CREATE TABLE flag (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id        INTEGER NOT NULL REFERENCES scan_run (id) ON DELETE CASCADE,
            vm_id         INTEGER NOT NULL REFERENCES vm (id),
            assessment_id INTEGER NOT NULL REFERENCES assessment (id) ON DELETE CASCADE,
            kind          TEXT NOT NULL
                              CHECK (kind IN ('reboot_pending', 'critical_and_security_patches', 'other_patches')),
            value         INTEGER NOT NULL,
            threshold     INTEGER NOT NULL,
            UNIQUE (assessment_id, kind)
        )
        """,
        "CREATE INDEX flag_on_run_id ON flag (run_id)",
        "CREATE INDEX flag_on_vm_id ON flag (vm_id)",
        """
        CREATE VIEW latest_assessment AS
        SELECT
            v.id                                AS vm_id,
            v.resource_id                       AS resource_id,
            v.subscription_id                   AS subscription_id,
            v.resource_group                    AS resource_group,
            v.name                              AS vm_name,
            v.location                          AS location,
            v.vm_group                          AS vm_group,
            a.id                                AS assessment_id,
            a.run_id                            AS run_id,
            a.outcome                           AS outcome,
            a.succeeded                         AS succeeded,
            a.lro_status                        AS lro_status,
            a.result_status                     AS result_status,
            a.assessment_activity_id            AS assessment_activity_id,
            a.reboot_pending                    AS reboot_pending,
            a.critical_and_security_patch_count AS critical_and_security_patch_count,
            a.other_patch_count                 AS other_patch_count,
            a.assessment_started_at             AS assessment_started_at,
            a.started_at                        AS started_at,
            a.duration_ms                       AS duration_ms,
            a.error_code                        AS error_code,
            a.error_message                     AS error_message,
            a.error_target                      AS error_target,
            a.error_details                     AS error_details,
            a.request_id                        AS request_id,
            a.correlation_id                    AS correlation_id,
            a.listed_patch_count                AS listed_patch_count
        FROM vm AS v
        JOIN assessment AS a ON a.id = (
            SELECT newest.id FROM assessment AS newest
            WHERE newest.vm_id = v.id
            ORDER BY newest.run_id DESC
            LIMIT 1
        )
        """,
    ]
}
