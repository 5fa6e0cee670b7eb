import GRDB
import PatchscanStore
import Testing

struct MigrationTests {
    @Test func migratingAnEmptyDatabaseCreatesEveryTableViewAndIndex() async throws {
        let database = try TestDatabase()
        let objects = try await database.table("""
            SELECT type, name FROM sqlite_master
            WHERE name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
            ORDER BY type, name
            """)
        #expect(objects == [
            ["index", "assessment_on_vm_id_run_id"],
            ["index", "flag_on_run_id"],
            ["index", "flag_on_vm_id"],
            ["index", "patch_classification_on_classification"],
            ["index", "patch_on_assessment_id"],
            ["index", "pending_operation_on_run_id"],
            ["index", "scan_run_on_status"],
            ["table", "assessment"],
            ["table", "flag"],
            ["table", "patch"],
            ["table", "patch_classification"],
            ["table", "pending_operation"],
            ["table", "scan_run"],
            ["table", "vm"],
            ["table", "vm_claim"],
            ["view", "latest_assessment"],
        ])
        let applied = try await database.queue.read { db in try PatchscanStore.migrator.appliedMigrations(db) }
        #expect(applied == ["v1", "v2"])
    }

    /// The column names are the public interface documented in the README.
    @Test(arguments: [
        ("vm", [
            "id", "resource_id", "subscription_id", "resource_group", "name", "location", "vm_group",
            "first_seen_at", "last_seen_at", "next_due_at", "last_assessed_at",
        ]),
        ("scan_run", [
            "id", "started_at", "finished_at", "status", "vm_count", "succeeded_count", "failed_count",
            "flagged_vm_count", "patchscan_version", "owner", "lease_expires_at",
        ]),
        ("assessment", [
            "id", "run_id", "vm_id", "outcome", "succeeded", "lro_status", "result_status", "assessment_activity_id",
            "reboot_pending", "critical_and_security_patch_count", "other_patch_count", "assessment_started_at",
            "started_at", "duration_ms", "error_code", "error_message", "error_target", "error_details", "request_id",
            "correlation_id", "listed_patch_count",
        ]),
        ("patch", [
            "id", "assessment_id", "patch_id", "name", "version", "kb_id", "classifications", "reboot_behavior",
            "activity_id", "published_date", "last_modified_date_time", "assessment_state",
        ]),
        ("patch_classification", ["patch_row_id", "classification"]),
        ("flag", ["id", "run_id", "vm_id", "assessment_id", "kind", "value", "threshold"]),
        ("vm_claim", ["vm_id", "owner", "claimed_at", "expires_at"]),
        ("pending_operation", [
            "vm_id", "run_id", "accepted_at", "status_url", "location_url", "request_id", "correlation_id",
        ]),
        ("latest_assessment", [
            "vm_id", "resource_id", "subscription_id", "resource_group", "vm_name", "location", "vm_group",
            "assessment_id", "run_id", "outcome", "succeeded", "lro_status", "result_status", "assessment_activity_id",
            "reboot_pending", "critical_and_security_patch_count", "other_patch_count", "assessment_started_at",
            "started_at", "duration_ms", "error_code", "error_message", "error_target", "error_details", "request_id",
            "correlation_id", "listed_patch_count",
        ]),
    ])
    func columnsAreTheDocumentedOnes(table: String, columns: [String]) async throws {
        let database = try TestDatabase()
        let names = try await database.queue.read { db in try db.columns(in: table).map(\.name) }
        #expect(names == columns)
    }

    @Test func foreignKeysPointWhereDocumented() async throws {
        let database = try TestDatabase()
        let keys = try await database.table("""
            SELECT m.name, f."from", f."table", f."to", f.on_delete
            FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
            WHERE m.type = 'table'
            ORDER BY m.name, f."from"
            """)
        #expect(keys == [
            ["assessment", "run_id", "scan_run", "id", "CASCADE"],
            ["assessment", "vm_id", "vm", "id", "NO ACTION"],
            ["flag", "assessment_id", "assessment", "id", "CASCADE"],
            ["flag", "run_id", "scan_run", "id", "CASCADE"],
            ["flag", "vm_id", "vm", "id", "NO ACTION"],
            ["patch", "assessment_id", "assessment", "id", "CASCADE"],
            ["patch_classification", "patch_row_id", "patch", "id", "CASCADE"],
            ["pending_operation", "run_id", "scan_run", "id", "NO ACTION"],
            ["pending_operation", "vm_id", "vm", "id", "CASCADE"],
            ["vm_claim", "vm_id", "vm", "id", "CASCADE"],
        ])
    }

    @Test func openingAMigratedDatabaseAgainChangesNothing() async throws {
        let database = try TestDatabase()
        let runID = try await database.store.startRun(startedAt: Instant.t0, plannedVMCount: 1, version: "1.0.0")
        let reopened = try PatchscanStore(writer: database.queue)
        #expect(try await reopened.run(id: runID)?.vmCount == 1)
    }

    @Test func aDatabaseMigratedByANewerPatchscanIsRefused() async throws {
        let database = try TestDatabase()
        try await database.queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v3')")
        }
        let error = try #require(throws: StoreError.self) {
            try PatchscanStore(writer: database.queue)
        }
        #expect(error.code == .schemaTooNew)
        #expect(error.message.contains("unknown migrations: v3"))
        #expect(error.message.contains("Run the newer patchscan"))
    }
}
