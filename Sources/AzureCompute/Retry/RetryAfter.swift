import Foundation
import NIOHTTP1

/// Reads the delay a response asks for: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` as integer
/// seconds or an HTTP-date. A date is measured from the response's own `Date` header when it has one (so the local
/// clock's skew does not matter), else from `now`. Returns `nil` when none is present or parseable.
public func requestedRetryDelay(in headers: HTTPHeaders, now: Date = Date()) -> Duration? {
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let value = headers.first(name: name), let millis = Int(value.trimmingCharacters(in: .whitespaces)), millis >= 0 {
            return .milliseconds(millis)
        }
    }
    guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
    if let seconds = Int(value) { return seconds >= 0 ? .seconds(seconds) : nil }
    guard let date = parseHTTPDate(value) else { return nil }
    let reference = headers.first(name: "date").flatMap(parseHTTPDate) ?? now
    return .milliseconds(max(0, Int64((date.timeIntervalSince(reference) * 1000).rounded(.up))))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP/1.1 senders must use.
func parseHTTPDate(_ text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    return formatter.date(from: text.trimmingCharacters(in: .whitespaces))
}
