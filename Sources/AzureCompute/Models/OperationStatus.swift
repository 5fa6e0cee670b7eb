/// The ARM async-operation status resource served at an `Azure-AsyncOperation` URL.
///
/// This is an envelope, never the assessment result; the result comes from the `Location` URL.
struct OperationStatus: Sendable, Decodable {
    var name: String?
    var status: String?
    var startTime: AzureTimestamp?
    var endTime: AzureTimestamp?
    var error: APIError?
    var properties: Properties?

    struct Properties: Sendable, Decodable {
        var output: AssessPatchesResult?
    }
}

/// Terminal states of an ARM long-running operation, compared case-insensitively.
enum OperationState: Sendable, Equatable {
    case succeeded, failed, canceled
    case nonTerminal(String)

    init(_ status: String?) {
        switch status?.lowercased() {
        case "succeeded": self = .succeeded
        case "failed": self = .failed
        case "canceled", "cancelled": self = .canceled
        default: self = .nonTerminal(status ?? "")
        }
    }
}
