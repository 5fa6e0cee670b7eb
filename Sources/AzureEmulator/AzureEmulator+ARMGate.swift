/// What every ARM request goes through: bearer-token check, the subscription's ARM throttling buckets,
/// `api-version` check, common headers.
extension AzureEmulator {
    /// The api-versions the emulator accepts (inclusive; `-preview` suffixes allowed).
    static let oldestAPIVersion = "2022-08-01"
    static let newestAPIVersion = "2026-04-01"
    static let knownAPIVersions =
        "2022-08-01, 2022-11-01, 2023-03-01, 2023-07-01, 2023-09-01, 2024-03-01, 2024-07-01, 2024-11-01, 2025-04-01, 2025-11-01, 2026-04-01"

    /// Runs `body` with the request's api-version if the request is authenticated, within its subscription's ARM
    /// budget and names a supported api-version; otherwise answers the 401, 429 or 400 ARM would.
    ///
    /// Requests that name a subscription spend a token of its read (GET) or write bucket and get the
    /// `x-ms-ratelimit-remaining-subscription-*` headers; unauthenticated requests spend none.
    func gated(
        _ request: IncomingRequest,
        subscriptionID: String?,
        now: ContinuousClock.Instant,
        _ body: (String) throws -> EmulatorResponse
    ) throws -> EmulatorResponse {
        if let rejection = try self.authenticationFailure(request, now: now) {
            return rejection
        }
        var remaining: [HeaderField] = []
        if let subscriptionID,
            let throttled = try self.armThrottling(request, subscriptionID: subscriptionID, now: now, remaining: &remaining)
        {
            return throttled
        }
        var response = try self.versioned(request, body)
        // A forced ARM 429 has already set its exhausted bucket to 0.
        for header in remaining where response.header(header.name) == nil {
            response.setHeader(header.name, header.value)
        }
        return response
    }

    private func versioned(_ request: IncomingRequest, _ body: (String) throws -> EmulatorResponse) throws -> EmulatorResponse {
        guard let apiVersion = request.queryValue("api-version"), !apiVersion.isEmpty else {
            return try .json(
                400,
                CloudErrorBody(
                    code: "MissingApiVersionParameter",
                    message: "The api-version query parameter (?api-version=) is required for all requests."
                )
            )
        }
        guard Self.isSupported(apiVersion: apiVersion) else {
            return try .json(
                400,
                CloudErrorBody(
                    code: "InvalidApiVersionParameter",
                    message: "The api-version '\(apiVersion)' is invalid. The supported versions are '\(Self.knownAPIVersions)'."
                )
            )
        }
        return try body(apiVersion)
    }

    /// `YYYY-MM-DD` (optionally `-preview`) within the supported range.
    static func isSupported(apiVersion: String) -> Bool {
        let date = apiVersion.prefix(10)
        let suffix = apiVersion.dropFirst(10)
        let shapeIsValid = date.count == 10 && date.enumerated().allSatisfy { offset, character in
            offset == 4 || offset == 7 ? character == "-" : character.isASCII && character.isNumber
        }
        guard shapeIsValid, suffix.isEmpty || suffix.lowercased() == "-preview" else { return false }
        return date >= Self.oldestAPIVersion && date <= Self.newestAPIVersion
    }

    private func authenticationFailure(_ request: IncomingRequest, now: ContinuousClock.Instant) throws -> EmulatorResponse? {
        guard let authorization = request.header("authorization") else {
            return try self.unauthorized(
                request,
                code: "AuthenticationFailedMissingToken",
                message: "Authentication failed. The 'Authorization' header is missing.",
                description: "The authentication failed because of missing 'Authorization' header."
            )
        }
        guard let token = request.bearerToken else {
            return try self.unauthorized(
                request,
                code: "AuthenticationFailedInvalidHeader",
                message: "Authentication failed. The 'Authorization' header is provided in an invalid format (\(authorization.split(separator: " ").first ?? "empty") scheme).",
                description: "The authentication failed because the 'Authorization' header is not a bearer token."
            )
        }
        guard let issued = self.issuedTokens[token] else {
            return try self.unauthorized(
                request,
                code: "InvalidAuthenticationToken",
                message: "The access token is invalid.",
                description: "The access token is invalid."
            )
        }
        if issued.expiresAt <= now {
            let message = "The access token expiry UTC time '\(issued.expiresAtWallClock.armMessageStyle)' is earlier than current UTC time '\(AzureTimestamp.now().armMessageStyle)'."
            return try self.unauthorized(request, code: "ExpiredAuthenticationToken", message: message, description: message)
        }
        // Like a sovereign or custom cloud, the emulator also accepts its own base URL as audience.
        let audiences = self.configuration.acceptedAudiences + [request.baseURL, request.baseURL + "/"]
        guard audiences.contains(where: { $0.lowercased() == issued.audience.lowercased() }) else {
            let message = "The access token has been obtained for wrong audience or resource '\(issued.audience)'. It should exactly match with one of the allowed audiences '\(audiences.joined(separator: "','"))'."
            return try self.unauthorized(request, code: "InvalidAuthenticationToken", message: message, description: message)
        }
        return nil
    }

    private func unauthorized(_ request: IncomingRequest, code: String, message: String, description: String) throws -> EmulatorResponse {
        var response = try EmulatorResponse.json(401, CloudErrorBody(code: code, message: message))
        let quotedDescription = description.replacing("\"", with: "'")
        response.setHeader(
            "WWW-Authenticate",
            "Bearer authorization_uri=\"\(request.baseURL)/\(self.configuration.tenantID)\", error=\"invalid_token\", error_description=\"\(quotedDescription)\""
        )
        response.setHeader("x-ms-failure-cause", "gateway")
        return response
    }

    /// Adds the headers every ARM response carries: request ids, no-cache; and the configured latency.
    func decorateARMResponse(_ response: inout EmulatorResponse, request: IncomingRequest) {
        let requestID = self.newGUID()
        response.setHeader("x-ms-request-id", requestID)
        response.setHeader("x-ms-correlation-request-id", request.header("x-ms-correlation-request-id") ?? self.newGUID())
        if let clientRequestID = request.header("x-ms-client-request-id") {
            response.setHeader("x-ms-client-request-id", clientRequestID)
        }
        response.setHeader("x-ms-routing-request-id", "EMULATOR:\(AzureTimestamp.now().compact):\(requestID)")
        response.setHeader("Cache-Control", "no-cache")
        response.setHeader("Pragma", "no-cache")
        response.setHeader("Expires", "-1")
        response.delay += self.configuration.latency
    }
}
