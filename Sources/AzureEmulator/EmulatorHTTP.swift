import HTTPTypes
import Hummingbird
import NIOCore

/// One header of an ``EmulatorResponse``.
struct HeaderField: Sendable, Hashable {
    var name: String
    var value: String
}

/// A request reduced to what the emulator looks at; built before entering the actor.
struct IncomingRequest: Sendable {
    var method: String
    /// The raw (percent-encoded) path.
    var path: String
    /// The raw query string, without `?`.
    var query: String?
    /// Headers by lower-cased name (the first value of repeated headers).
    var headers: [String: String]
    var body: [UInt8]
    /// The `Host` the client called, which the emulator uses to build absolute URLs.
    var authority: String?

    init(method: String, path: String, query: String?, headers: [String: String], body: [UInt8], authority: String?) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.authority = authority
    }

    init(_ request: Request, body: ByteBuffer) {
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName] == nil {
            headers[field.name.canonicalName] = field.value
        }
        let query = request.uri.query
        self.init(
            method: request.method.rawValue,
            path: request.uri.path,
            query: query?.isEmpty == true ? nil : query,
            headers: headers,
            body: Array(buffer: body),
            authority: request.head.authority
        )
    }

    func header(_ name: String) -> String? {
        self.headers[name.lowercased()]
    }

    /// The scheme and authority the client used, e.g. `http://127.0.0.1:51234`.
    var baseURL: String {
        "http://\(self.authority ?? "127.0.0.1")"
    }

    /// The decoded value of the first query parameter named `name` (compared case-insensitively, as ARM does).
    func queryValue(_ name: String) -> String? {
        guard let query = self.query else { return nil }
        return PercentDecoding.formPairs(query).first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether the request carries `Authorization: Bearer …`.
    var bearerToken: String? {
        guard let authorization = self.header("authorization"), authorization.count > 7,
            authorization.prefix(7).lowercased() == "bearer "
        else { return nil }
        return String(authorization.dropFirst(7)).trimmingSpaces()
    }
}

/// What the emulator answers, independent of the HTTP server; `delay` is slept before answering.
struct EmulatorResponse: Sendable {
    var status: Int
    var headers: [HeaderField]
    var body: [UInt8]
    var delay: Duration
    /// For a 429: the budget that refused the request, for the journal.
    var throttledBy: BudgetName?

    init(status: Int, headers: [HeaderField] = [], body: [UInt8] = [], delay: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    /// A response with a JSON body and its `Content-Type`.
    static func json(_ status: Int, _ value: some Encodable) throws -> EmulatorResponse {
        EmulatorResponse(
            status: status,
            headers: [HeaderField(name: "Content-Type", value: "application/json; charset=utf-8")],
            body: try WireJSON.encode(value)
        )
    }

    /// Sets `name` to `value`, replacing an existing header of that name.
    mutating func setHeader(_ name: String, _ value: String) {
        if let index = self.headers.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
            self.headers[index].value = value
        } else {
            self.headers.append(HeaderField(name: name, value: value))
        }
    }

    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The Hummingbird response to write.
    var hummingbirdResponse: Response {
        var fields = HTTPFields()
        for header in self.headers {
            if let name = HTTPField.Name(header.name) {
                fields.append(HTTPField(name: name, value: header.value))
            }
        }
        let status: HTTPResponse.Status =
            (100...599).contains(self.status)
            ? HTTPResponse.Status(code: self.status, reasonPhrase: Self.reasonPhrases[self.status] ?? "")
            : .internalServerError
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.body)))
    }

    private static let reasonPhrases: [Int: String] = [
        200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 429: "Too Many Requests",
        500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    ]
}

/// Percent-decoding for paths, query strings and form bodies.
enum PercentDecoding {
    /// `name=value` pairs of a query string or `application/x-www-form-urlencoded` body.
    static func formPairs(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0], plusIsSpace: true)
            let value = parts.count > 1 ? Self.decode(parts[1], plusIsSpace: true) : ""
            return (name, value)
        }
    }

    /// Decodes `%XX` escapes (and `+` as a space in forms); malformed escapes are kept as written.
    static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = Self.hexValue(iterator[iterator.startIndex]),
                let low = Self.hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator.removeFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
