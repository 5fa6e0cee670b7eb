import AsyncHTTPClient
import AzureEmulator
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// Drives the Azure emulator over real HTTP, the way the Azure client will.
struct EmulatorTests {
    static let subscriptionID = "5a1d0c3e-0000-4000-8000-0000000000a1"
    static let logger = Logger(label: "EmulatorTests", factory: { _ in SwiftLogNoOpLogHandler() })
    static let managementScope = "https://management.azure.com/.default"

    static func vm(_ name: String, _ behavior: VMBehavior, osType: OSType = .linux, seed: UInt64 = 11) -> EmulatedVM {
        EmulatedVM.generate(
            subscriptionID: Self.subscriptionID,
            resourceGroup: "rg-web-prod",
            name: name,
            location: "westeurope",
            osType: osType,
            behavior: behavior,
            seed: seed
        )
    }

    static let configuration = EmulatorConfiguration(
        fleet: [
            Self.vm("web-prod-001", .healthy),
            Self.vm("web-prod-002", .deallocated),
            Self.vm("web-prod-003", .computeThrottled(times: 1, retryAfter: 17)),
            Self.vm("web-prod-004", .lroFailed),
            Self.vm("win-prod-001", .healthy, osType: .windows, seed: 12),
        ]
    )

    // MARK: Tests

    @Test func tokenEndpointIssuesJWTAndRejectsAWrongSecretInEntraShape() async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let issued = try await Self.send(.POST, running.tokenEndpoint, form: Self.tokenForm())
            #expect(issued.status == 200)
            let token = try JSONDecoder().decode(TokenBody.self, from: issued.body)
            #expect(token.token_type == "Bearer")
            #expect(token.expires_in == 3_600)
            #expect(token.ext_expires_in == 3_600)
            let segments = token.access_token.split(separator: ".")
            #expect(segments.count == 3)
            let claims = try JSONDecoder().decode(Claims.self, from: try #require(Self.base64URLDecode(String(segments[1]))))
            #expect(claims.aud == "https://management.azure.com/")
            #expect(claims.tid == running.emulator.configuration.tenantID)
            #expect(claims.exp > Int64(Date().timeIntervalSince1970))

            let rejected = try await Self.send(.POST, running.tokenEndpoint, form: Self.tokenForm(secret: "wrong"))
            #expect(rejected.status == 401)
            let error = try JSONDecoder().decode(EntraError.self, from: rejected.body)
            #expect(error.error == "invalid_client")
            #expect(error.error_codes == [7_000_215])
            #expect(error.error_description.hasPrefix("AADSTS7000215: Invalid client secret provided."))
            #expect(!error.timestamp.isEmpty && !error.trace_id.isEmpty && !error.correlation_id.isEmpty)
        }
    }

    @Test func armRejectsMissingUnknownAndRevokedTokensAndMissingAPIVersion() async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let url = Self.assessURL(running, vm: "web-prod-001")
            let missing = try await Self.send(.POST, url)
            #expect(missing.status == 401)
            #expect(try Self.cloudError(missing).code == "AuthenticationFailedMissingToken")
            #expect(missing.headers.first(name: "WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)

            let unknown = try await Self.send(.POST, url, token: "not-a-token")
            #expect(try Self.cloudError(unknown).code == "InvalidAuthenticationToken")

            let token = try await Self.token(running)
            let noVersion = try await Self.send(.POST, Self.assessURL(running, vm: "web-prod-001", apiVersion: nil), token: token)
            #expect(noVersion.status == 400)
            #expect(try Self.cloudError(noVersion).code == "MissingApiVersionParameter")
            let oldVersion = try await Self.send(.POST, Self.assessURL(running, vm: "web-prod-001", apiVersion: "2019-03-01"), token: token)
            #expect(try Self.cloudError(oldVersion).code == "InvalidApiVersionParameter")

            await running.emulator.revokeIssuedTokens()
            let revoked = try await Self.send(.POST, url, token: token)
            #expect(revoked.status == 401)
            let revokedError = try Self.cloudError(revoked)
            #expect(revokedError.code == "ExpiredAuthenticationToken")
            #expect(revokedError.message.hasPrefix("The access token expiry UTC time"))
            #expect(revoked.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer authorization_uri=") == true)
        }
    }

    @Test func assessPatchesAnswers202WithBothAbsolutePollingURLs() async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let token = try await Self.token(running)
            // Segment case differs from the fleet's: ARM matches case-insensitively.
            let url = "\(running.baseURL)/subscriptions/\(Self.subscriptionID.uppercased())/RESOURCEGROUPS/RG-WEB-PROD/providers/microsoft.compute/VirtualMachines/WEB-PROD-001/assessPatches?api-version=2024-03-01"
            let accepted = try await Self.send(
                .POST, url, token: token,
                headers: ["x-ms-client-request-id": "client-1", "x-ms-correlation-request-id": "correlation-1"]
            )
            #expect(accepted.status == 202)
            #expect(accepted.body.isEmpty)
            let asyncOperation = try #require(accepted.headers.first(name: "Azure-AsyncOperation"))
            let location = try #require(accepted.headers.first(name: "Location"))
            #expect(asyncOperation.hasPrefix("\(running.baseURL)/subscriptions/\(Self.subscriptionID)/providers/Microsoft.Compute/locations/westeurope/operations/"))
            #expect(asyncOperation.hasSuffix("&api-version=2024-03-01"))
            #expect(location == asyncOperation + "&monitor=true")
            #expect(accepted.headers.first(name: "Retry-After") == "0")
            #expect(accepted.headers.first(name: "x-ms-client-request-id") == "client-1")
            #expect(accepted.headers.first(name: "x-ms-correlation-request-id") == "correlation-1")
            #expect(accepted.headers.first(name: "x-ms-request-id") != nil)
            #expect(accepted.headers.first(name: "x-ms-ratelimit-remaining-subscription-writes") != nil)
            #expect(accepted.headers.first(name: "x-ms-ratelimit-remaining-resource")?.hasPrefix("Microsoft.Compute/GuestPatch3Min;") == true)
            #expect(accepted.headers.first(name: "Cache-Control") == "no-cache")

            let again = try await Self.send(.POST, url, token: token)
            #expect(again.status == 409)
            #expect(try Self.cloudError(again).message.hasSuffix("since another operation is in progress."))
        }
    }

    @Test(arguments: ["web-prod-001", "win-prod-001"])
    func operationSucceedsAfterPollsAndLocationReturnsTheGroundTruth(vmName: String) async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let token = try await Self.token(running)
            let accepted = try await Self.send(.POST, Self.assessURL(running, vm: vmName), token: token)
            let statusURL = try #require(accepted.headers.first(name: "Azure-AsyncOperation"))
            let locationURL = try #require(accepted.headers.first(name: "Location"))

            var statuses: [String] = []
            var status = OperationStatus(status: "InProgress")
            while status.status == "InProgress" && statuses.count < 10 {
                let poll = try await Self.send(.GET, statusURL, token: token)
                #expect(poll.status == 200)
                #expect(poll.headers.first(name: "Retry-After") == "0")
                status = try JSONDecoder().decode(OperationStatus.self, from: poll.body)
                statuses.append(status.status)
            }
            #expect(statuses == ["InProgress", "InProgress", "Succeeded"])
            #expect(status.endTime != nil)

            let expected = try #require(await running.emulator.vm(resourceID: Self.resourceID(vmName))).result
            #expect(status.properties?.output == expected)
            let final = try await Self.send(.GET, locationURL, token: token)
            #expect(final.status == 200)
            #expect(try JSONDecoder().decode(EmulatedResult.self, from: final.body) == expected)
            #expect(String(decoding: final.body, as: UTF8.self).contains("\"error\":null"))
        }
    }

    @Test func failedOperationReportsItsErrorOnBothURLs() async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let token = try await Self.token(running)
            let accepted = try await Self.send(.POST, Self.assessURL(running, vm: "web-prod-004"), token: token)
            let locationURL = try #require(accepted.headers.first(name: "Location"))
            // Location-only polling also drives the operation to its end.
            var codes: [Int] = []
            for _ in 0..<3 {
                codes.append(try await Self.send(.GET, locationURL, token: token).status)
            }
            #expect(codes == [202, 202, 500])
            #expect(try Self.cloudError(try await Self.send(.GET, locationURL, token: token)).code == "VMGuestPatchInternalError")

            let statusURL = try #require(accepted.headers.first(name: "Azure-AsyncOperation"))
            let status = try JSONDecoder().decode(
                OperationStatus.self,
                from: try await Self.send(.GET, statusURL, token: token).body
            )
            #expect(status.status == "Failed")
            #expect(status.error?.code == "VMGuestPatchInternalError")
        }
    }

    @Test func deallocatedVMGets409OperationNotAllowed() async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let token = try await Self.token(running)
            let reply = try await Self.send(.POST, Self.assessURL(running, vm: "web-prod-002"), token: token)
            #expect(reply.status == 409)
            let error = try Self.cloudError(reply)
            #expect(error.code == "OperationNotAllowed")
            #expect(
                error.message
                    == "Operation 'assessPatches' is not allowed on VM 'web-prod-002' since the VM is either deallocated or marked to be deallocated."
            )
        }
    }

    @Test func computeThrottledVMGetsTheCRP429ShapeOnceThenIsAccepted() async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let token = try await Self.token(running)
            let url = Self.assessURL(running, vm: "web-prod-003")
            let throttled = try await Self.send(.POST, url, token: token)
            #expect(throttled.status == 429)
            #expect(throttled.headers.first(name: "Retry-After") == "17")
            let error = try Self.cloudError(throttled)
            #expect(error.code == "OperationNotAllowed")
            let detail = try #require(error.details?.first)
            #expect(detail.code == "TooManyRequests")
            #expect(detail.target == "GuestPatch3Min")
            let window = try JSONDecoder().decode(PolicyWindow.self, from: Data(detail.message.utf8))
            #expect(window.operationGroup == "GuestPatch3Min")
            #expect(window.measuredRequestCount > window.allowedRequestCount)

            #expect(try await Self.send(.POST, url, token: token).status == 202)
        }
    }

    @Test func journalRecordsEveryRequest() async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let token = try await Self.token(running)
            let accepted = try await Self.send(
                .POST, Self.assessURL(running, vm: "web-prod-001"), token: token,
                headers: ["x-ms-client-request-id": "journal-1", "User-Agent": "patchscan-tests/1"]
            )
            let statusURL = try #require(accepted.headers.first(name: "Azure-AsyncOperation"))
            _ = try await Self.send(.GET, statusURL, token: token)
            _ = try await Self.send(.GET, "\(running.baseURL)/nowhere")

            let journal = await running.emulator.journal()
            #expect(journal.map(\.kind) == [.token, .assessPatches, .operationStatus, .other])
            #expect(journal.map(\.status) == [200, 202, 200, 404])
            #expect(journal.map(\.hadBearerToken) == [false, true, true, false])
            let vmID = Self.resourceID("web-prod-001").lowercased()
            #expect(journal[1].vmResourceID == vmID)
            #expect(journal[2].vmResourceID == vmID)
            #expect(journal[1].clientRequestID == "journal-1")
            #expect(journal[1].userAgent == "patchscan-tests/1")
            #expect(journal[1].query == "api-version=2022-08-01")
            #expect(journal[0].at <= journal[3].at)
        }
    }

    @Test func waitingForTheJournalResumesAfterTheRequestThatSatisfiesIt() async throws {
        try await withAzureEmulator(configuration: Self.configuration, logger: Self.logger) { running in
            let seenByWaiter = try await withThrowingTaskGroup(of: [JournalEntry.Kind].self) { group in
                group.addTask {
                    await running.emulator.waitForJournal { $0.contains { $0.kind == .assessPatches } }
                    return await running.emulator.journal().map(\.kind)
                }
                let token = try await Self.token(running)
                _ = try await Self.send(.POST, Self.assessURL(running, vm: "web-prod-001"), token: token)
                return try await group.next() ?? []
            }
            #expect(seenByWaiter == [.token, .assessPatches])

            // Already true: returns at once. Never true: cancellation ends the wait.
            await running.emulator.waitForJournal { !$0.isEmpty }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await running.emulator.waitForJournal { _ in false } }
                group.cancelAll()
                await group.waitForAll()
            }
        }
    }

    @Test func generatedFleetIsDeterministicAndRealistic() async throws {
        let configuration = EmulatorConfiguration(seed: 42, subscriptionCount: 2, vmsPerSubscription: 150, faultMix: .demo)
        let fleet = await AzureEmulator(configuration: configuration, logger: Self.logger).fleet
        #expect(await AzureEmulator(configuration: configuration, logger: Self.logger).fleet == fleet)
        var reseeded = configuration
        reseeded.seed = 43
        #expect(await AzureEmulator(configuration: reseeded, logger: Self.logger).fleet != fleet)

        #expect(fleet.count == 300)
        #expect(Set(fleet.map(\.subscriptionID)).count == 2)
        #expect(Set(fleet.map { $0.resourceID.lowercased() }).count == 300)
        #expect(fleet.allSatisfy { $0.resourceGroup.hasPrefix("rg-") && $0.name.split(separator: "-").count == 3 })
        let rebootPending = Double(fleet.filter(\.result.rebootPending).count) / Double(fleet.count)
        #expect((0.2...0.4).contains(rebootPending))
        #expect(fleet.contains { $0.result.criticalAndSecurityPatchCount == 0 })
        #expect(fleet.contains { $0.result.criticalAndSecurityPatchCount >= 3 })
        #expect(fleet.filter { $0.behavior != .healthy }.count > 20)
        #expect(fleet.allSatisfy { $0.result.criticalAndSecurityPatchCount + $0.result.otherPatchCount >= $0.result.availablePatches.count })

        let patches = fleet.flatMap { vm in vm.result.availablePatches.map { (vm.osType, $0) } }
        for (osType, patch) in patches {
            switch osType {
            case .linux:
                #expect(patch.kbId == nil)
                #expect(patch.patchId.hasPrefix("\(patch.name)_\(patch.version ?? "-")_Ubuntu_"))
            case .windows:
                #expect(patch.version == "")
                #expect(patch.kbId != nil)
                #expect(UUID(uuidString: patch.patchId) != nil)
            }
            #expect(patch.lastModifiedDateTime.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z/) != nil)
        }
        let warned = try #require(fleet.first { $0.behavior == .completedWithWarnings })
        #expect(warned.result.status == "CompletedWithWarnings")
        #expect(warned.result.error?.details.first?.code == "PACKAGE_LIST_TRUNCATED")
        #expect(warned.result.availablePatches.count < warned.result.criticalAndSecurityPatchCount + warned.result.otherPatchCount)
    }

    // MARK: Helpers

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    struct TokenBody: Decodable {
        var token_type: String
        var expires_in: Int
        var ext_expires_in: Int
        var access_token: String
    }

    struct Claims: Decodable {
        var aud: String
        var tid: String
        var oid: String
        var exp: Int64
    }

    struct EntraError: Decodable {
        var error: String
        var error_description: String
        var error_codes: [Int]
        var timestamp: String
        var trace_id: String
        var correlation_id: String
    }

    struct CloudError: Decodable {
        struct Detail: Decodable {
            var code: String
            var message: String
            var target: String?
            var details: [Detail]?
        }

        var error: Detail
    }

    struct OperationStatus: Decodable {
        struct Properties: Decodable {
            var output: EmulatedResult?
        }

        struct ErrorBody: Decodable {
            var code: String
            var message: String
        }

        var status: String
        var endTime: String?
        var properties: Properties?
        var error: ErrorBody?
    }

    struct PolicyWindow: Decodable {
        var operationGroup: String
        var allowedRequestCount: Int
        var measuredRequestCount: Int
    }

    static func resourceID(_ vmName: String) -> String {
        "/subscriptions/\(Self.subscriptionID)/resourceGroups/rg-web-prod/providers/Microsoft.Compute/virtualMachines/\(vmName)"
    }

    static func assessURL(_ running: RunningEmulator, vm: String, apiVersion: String? = "2022-08-01") -> String {
        "\(running.baseURL)\(Self.resourceID(vm))/assessPatches" + (apiVersion.map { "?api-version=\($0)" } ?? "")
    }

    static func tokenForm(secret: String? = nil) -> String {
        let configuration = Self.configuration
        let scope = Self.managementScope.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return "client_id=\(configuration.clientID)&client_secret=\(secret ?? configuration.clientSecret)"
            + "&grant_type=client_credentials&scope=\(scope)"
    }

    static func token(_ running: RunningEmulator) async throws -> String {
        let reply = try await Self.send(.POST, running.tokenEndpoint, form: Self.tokenForm())
        return try JSONDecoder().decode(TokenBody.self, from: reply.body).access_token
    }

    static func cloudError(_ reply: Reply) throws -> CloudError.Detail {
        try JSONDecoder().decode(CloudError.self, from: reply.body).error
    }

    static func send(
        _ method: HTTPMethod,
        _ url: String,
        token: String? = nil,
        headers: [String: String] = [:],
        form: String? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
