#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Entra ID endpoints: client-credentials tokens and OpenID discovery.
extension AzureEmulator {
    func tokenResponse(tenant: String, request: IncomingRequest, now: ContinuousClock.Instant) throws -> EmulatorResponse {
        let correlationID = request.header("client-request-id") ?? self.newGUID()
        guard tenant.lowercased() == self.configuration.tenantID.lowercased() else {
            return try self.entraError(
                TokenEndpointFailure(
                    status: 400, error: "invalid_request", aadstsCode: 90_002,
                    description: "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
                ),
                correlationID: correlationID
            )
        }
        if let failure = self.tokenFailure {
            return try self.entraError(failure, correlationID: correlationID)
        }
        let form = Dictionary(
            PercentDecoding.formPairs(String(decoding: request.body, as: UTF8.self)).map { ($0.name, $0.value) },
            uniquingKeysWith: { first, _ in first }
        )
        for parameter in ["grant_type", "client_id", "scope"] where (form[parameter] ?? "").isEmpty {
            return try self.entraError(
                TokenEndpointFailure(
                    status: 400, error: "invalid_request", aadstsCode: 900_144,
                    description: "The request body must contain the following parameter: '\(parameter)'."
                ),
                correlationID: correlationID
            )
        }
        let grantType = form["grant_type"] ?? ""
        let clientID = form["client_id"] ?? ""
        let scope = form["scope"] ?? ""
        guard grantType == "client_credentials" else {
            return try self.entraError(
                TokenEndpointFailure(
                    status: 400, error: "unsupported_grant_type", aadstsCode: 70_003,
                    description: "The app requested an unsupported grant type '\(grantType)'."
                ),
                correlationID: correlationID
            )
        }
        guard clientID.lowercased() == self.configuration.clientID.lowercased() else {
            return try self.entraError(
                TokenEndpointFailure(
                    status: 400, error: "unauthorized_client", aadstsCode: 700_016,
                    description: "Application with identifier '\(clientID)' was not found in the directory '\(tenant)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
                ),
                correlationID: correlationID
            )
        }
        guard scope.hasSuffix("/.default"), scope.count > "/.default".count, !scope.contains(" ") else {
            return try self.entraError(
                TokenEndpointFailure(
                    status: 400, error: "invalid_scope", aadstsCode: 70_011,
                    description: "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope \(scope) is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
                ),
                correlationID: correlationID
            )
        }
        guard let secret = form["client_secret"], !secret.isEmpty else {
            let failure =
                form["client_assertion"] != nil
                ? TokenEndpointFailure(
                    status: 401, error: "invalid_client", aadstsCode: 700_027,
                    description: "The certificate with identifier used to sign the client assertion is not registered on application. The emulator accepts client secrets only."
                )
                : TokenEndpointFailure(
                    status: 401, error: "invalid_client", aadstsCode: 7_000_216,
                    description: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."
                )
            return try self.entraError(failure, correlationID: correlationID)
        }
        guard secret == self.configuration.clientSecret else {
            return try self.entraError(
                TokenEndpointFailure(
                    status: 401, error: "invalid_client", aadstsCode: 7_000_215,
                    description: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientID)'."
                ),
                correlationID: correlationID
            )
        }

        let audience = String(scope.dropLast(".default".count))
        let lifetime = max(0, self.configuration.tokenLifetime.components.seconds)
        let issuedAt = AzureTimestamp.now()
        let token = try self.mintToken(audience: audience, issuedAt: issuedAt, lifetimeSeconds: lifetime)
        self.issuedTokens[token] = IssuedToken(
            audience: audience,
            expiresAt: now.advanced(by: self.configuration.tokenLifetime),
            expiresAtWallClock: issuedAt.adding(seconds: lifetime)
        )
        var response = try EmulatorResponse.json(
            200,
            TokenResponseBody(expiresIn: Int(lifetime), extExpiresIn: Int(lifetime), accessToken: token)
        )
        self.addEntraHeaders(&response, correlationID: correlationID)
        return response
    }

    func openIDConfigurationResponse(tenant: String, request: IncomingRequest) throws -> EmulatorResponse {
        let correlationID = request.header("client-request-id") ?? self.newGUID()
        guard tenant.lowercased() == self.configuration.tenantID.lowercased() else {
            return try self.entraError(
                TokenEndpointFailure(
                    status: 400, error: "invalid_tenant", aadstsCode: 90_002,
                    description: "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
                ),
                correlationID: correlationID
            )
        }
        let authority = "\(request.baseURL)/\(tenant)"
        var response = try EmulatorResponse.json(
            200,
            OpenIDConfigurationBody(
                tokenEndpoint: "\(authority)/oauth2/v2.0/token",
                authorizationEndpoint: "\(authority)/oauth2/v2.0/authorize",
                issuer: "\(authority)/v2.0",
                jwksURI: "\(request.baseURL)/\(tenant)/discovery/v2.0/keys"
            )
        )
        self.addEntraHeaders(&response, correlationID: correlationID)
        return response
    }

    /// A JWT-shaped token (unsigned: the signature segment is random) whose claims clients may inspect.
    private func mintToken(audience: String, issuedAt: AzureTimestamp, lifetimeSeconds: Int64) throws -> String {
        let claims = JWTClaims(
            aud: audience,
            iss: "https://sts.windows.net/\(self.configuration.tenantID)/",
            iat: issuedAt.epochSeconds,
            nbf: issuedAt.epochSeconds,
            exp: issuedAt.epochSeconds + lifetimeSeconds,
            appid: self.configuration.clientID,
            oid: self.principalObjectID,
            sub: self.principalObjectID,
            tid: self.configuration.tenantID,
            uti: self.newGUID().replacing("-", with: "")
        )
        let header = try WireJSON.encode(JWTHeader(kid: "emulator-signing-key"))
        let signature = (0..<4).flatMap { _ in withUnsafeBytes(of: UInt64.random(in: .min ... .max)) { Array($0) } }
        return [WireJSON.base64URL(header), WireJSON.base64URL(try WireJSON.encode(claims)), WireJSON.base64URL(signature)]
            .joined(separator: ".")
    }

    private func entraError(_ failure: TokenEndpointFailure, correlationID: String) throws -> EmulatorResponse {
        let traceID = self.newGUID()
        let timestamp = AzureTimestamp.now().entraStyle
        let body = EntraErrorBody(
            error: failure.error,
            errorDescription: "AADSTS\(failure.aadstsCode): \(failure.description)\r\nTrace ID: \(traceID)\r\nCorrelation ID: \(correlationID)\r\nTimestamp: \(timestamp)",
            errorCodes: [failure.aadstsCode],
            timestamp: timestamp,
            traceID: traceID,
            correlationID: correlationID,
            errorURI: "https://login.microsoftonline.com/error?code=\(failure.aadstsCode)"
        )
        var response = try EmulatorResponse.json(failure.status, body)
        self.addEntraHeaders(&response, correlationID: correlationID, traceID: traceID)
        if let retryAfter = failure.retryAfterSeconds {
            response.setHeader("Retry-After", String(retryAfter))
        }
        return response
    }

    private func addEntraHeaders(_ response: inout EmulatorResponse, correlationID: String, traceID: String? = nil) {
        response.setHeader("Cache-Control", "no-store, no-cache")
        response.setHeader("Pragma", "no-cache")
        response.setHeader("Expires", "-1")
        response.setHeader("x-ms-request-id", traceID ?? self.newGUID())
        response.setHeader("client-request-id", correlationID)
    }
}
