import GRDB

/// Migration "v2": scheduling state for the daemon.
///
/// Adds each VM's due time and last assessment time, run ownership and leases, VM claims (a VM is assessed by at
/// most one process at a time) and pending operations (an accepted assessPatches call whose result is not yet
/// recorded). Existing rows are kept; `vm.last_assessed_at` is filled from the assessments already recorded, so an
/// upgraded daemon neither rescans recently assessed VMs at once nor forgets the ones that are overdue. The
/// `latest_assessment` view picks each VM's assessment that started last and ignores `skipped_in_flight` rows.
enum SchemaV2 {
    /// The migration identifier recorded in `grdb_migrations`.
    static let identifier = "v2"

    static func migrate(_ db: Database) throws {
        for statement in statements {
            try db.execute(sql: statement)
        }
    }

    private static let statements = [
        "ALTER TABLE vm ADD COLUMN next_due_at DATETIME",
        "ALTER TABLE vm ADD COLUMN last_assessed_at DATETIME",
        "UPDATE vm SET last_assessed_at = (SELECT max(a.started_at) FROM assessment AS a WHERE a.vm_id = vm.id)",
        "ALTER TABLE scan_run ADD COLUMN owner TEXT",
        "ALTER TABLE scan_run ADD COLUMN lease_expires_at DATETIME",
        """
        CREATE TABLE vm_claim (
            vm_id      INTEGER PRIMARY KEY REFERENCES vm (id) ON DELETE CASCADE,
            owner      TEXT NOT NULL CHECK (length(owner) > 0),
            claimed_at DATETIME NOT NULL,
            expires_at DATETIME NOT NULL
        )
        """,
        """
        CREATE TABLE pending_operation (
            vm_id          INTEGER PRIMARY KEY REFERENCES vm (id) ON DELETE CASCADE,
            run_id         INTEGER NOT NULL REFERENCES scan_run (id),
            accepted_at    DATETIME NOT NULL,
            status_url     TEXT,
            location_url   TEXT,
            request_id     TEXT,
            correlation_id TEXT,
            CHECK (status_url IS NOT NULL OR location_url IS NOT NULL)
        )
        """,
        "CREATE INDEX pending_operation_on_run_id ON pending_operation (run_id)",
        // With a daemon and `patchscan scan` writing runs side by side, the newest assessment is the one that
        // started last, not the one in the highest run; a VM skipped because another process held it is no result.
        "DROP VIEW latest_assessment",
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
            WHERE newest.vm_id = v.id AND newest.outcome <> 'skipped_in_flight'
            ORDER BY newest.started_at DESC, newest.id DESC
            LIMIT 1
        )
        """,
    ]
}
