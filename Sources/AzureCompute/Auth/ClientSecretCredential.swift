import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Entra ID client-credentials grant with a client secret:
/// `POST {authorityHost}/{tenant}/oauth2/v2.0/token`.
public struct ClientSecretCredential: TokenCredential {
    private let tokenURL: String
    private let clientID: String
    private let secret: RedactedSecret
    private let tenantID: String
    private let sender: RetryingSender
    private let userAgent: String
    private let logger: Logger

    /// Creates a credential.
    /// - Parameters:
    ///   - authorityHost: e.g. `https://login.microsoftonline.com`; plain http only to a loopback host.
    ///   - secret: The client secret, from an environment variable or a credential file, never from the config file.
    public init(
        authorityHost: URL,
        tenantID: String,
        clientID: String,
        secret: RedactedSecret,
        transport: any HTTPTransport,
        clock: any Clock<Duration>,
        policy: RetryPolicy = RetryPolicy(maxAttempts: 4),
        userAgent: String,
        logger: Logger
    ) throws(AzureError) {
        try TrustedEndpoint.requireSecureScheme(authorityHost, role: "authority host")
        var base = authorityHost.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.tokenURL = "\(base)/\(tenantID)/oauth2/v2.0/token"
        self.tenantID = tenantID
        self.clientID = clientID
        self.secret = secret
        self.sender = RetryingSender(transport: transport, policy: policy, pacer: Pacer(clock: clock))
        self.userAgent = userAgent
        self.logger = logger
    }

    public func requestToken(scope: String) async throws(AzureError) -> AccessToken {
        let form = formEncode([
            ("client_id", clientID),
            ("client_secret", secret.value),
            ("grant_type", "client_credentials"),
            ("scope", scope),
        ])
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: userAgent)
        headers.add(name: "client-request-id", value: UUID().uuidString.lowercased())
        let request = TransportRequest(method: .POST, url: tokenURL, headers: headers, body: ByteBuffer(string: form))
        // Token requests create nothing, so they are safe to retry.
        let response = try await sender.send(
            idempotent: true,
            deadline: nil,
            activity: "requesting a token from Entra ID",
            logger: logger
        ) { () throws(AzureError) in request }

        guard response.status == .ok else {
            throw tokenError(response)
        }
        guard let body = try? JSONDecoder().decode(TokenResponse.self, from: response.body),
            let token = body.accessToken, !token.isEmpty, let lifetime = body.expiresIn.flatMap(\.seconds)
        else {
            throw AzureError(
                code: .malformedResponse,
                message: "the token endpoint for tenant '\(tenantID)' answered 200 without a usable access_token/expires_in",
                httpStatus: Int(response.status.code)
            )
        }
        logger.debug("Obtained an access token", metadata: ["auth.tenant": "\(tenantID)", "auth.expires_in": "\(lifetime)"])
        return AccessToken(value: token, expiresIn: .seconds(lifetime))
    }

    private func tokenError(_ response: TransportResponse) -> AzureError {
        let body = try? JSONDecoder().decode(TokenErrorResponse.self, from: response.body)
        let code: AzureError.Code
        switch response.status.code {
        case 400, 401, 403: code = .authenticationFailed
        case 429: code = .throttled
        case 500...: code = .serverError
        default: code = .authenticationFailed
        }
        var message = "Entra ID refused a token for client '\(clientID)' in tenant '\(tenantID)'"
        if let body {
            message += ": \(body.error ?? "error")"
            if let description = body.errorDescription?.split(separator: "\r\n").first ?? body.errorDescription?.split(separator: "\n").first {
                message += ": \(description)"
            }
        }
        message += "; check credential.tenantId, credential.clientId and the client secret"
        return AzureError(
            code: code,
            message: message,
            httpStatus: Int(response.status.code),
            apiError: body.map { APIError(code: $0.error, message: $0.errorDescription) },
            requestID: response.headers.first(name: "x-ms-request-id"),
            correlationID: body?.correlationID
        )
    }
}

private struct TokenResponse: Decodable {
    var accessToken: String?
    var expiresIn: FlexibleInt?
    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
    }
}

private struct TokenErrorResponse: Decodable {
    var error: String?
    var errorDescription: String?
    var correlationID: String?
    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
        case correlationID = "correlation_id"
    }
}

/// An integer that identity endpoints send either as a JSON number or as a string (MSAL and IMDS do both).
struct FlexibleInt: Decodable {
    let seconds: Int64?
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            seconds = number
        } else {
            seconds = Int64(try container.decode(String.self))
        }
    }
}

/// `application/x-www-form-urlencoded` encoding: everything outside the unreserved set is percent-encoded.
func formEncode(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
    return fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
}
