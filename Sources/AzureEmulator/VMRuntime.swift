/// Per-VM state that is not part of the VM's description.
struct VMRuntime: Sendable {
    /// POSTs since the behaviour was set, for the "first N POSTs fail" behaviours.
    var postAttempts = 0
    /// The operation that keeps the VM busy, if any.
    var activeOperationID: String?
}
