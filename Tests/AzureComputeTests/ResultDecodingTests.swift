import AzureCompute
import Foundation
import Testing

@Suite("Decoding assessPatches results")
struct ResultDecodingTests {
    @Test("the official example response decodes verbatim")
    func officialExample() throws {
        let result = try JSONDecoder().decode(AssessPatchesResult.self, from: Data(Fixtures.example().utf8))
        #expect(result.status == .succeeded)
        #expect(result.assessmentActivityId == "68f8b292-dfc2-4646-9781-33cc88631968")
        #expect(result.rebootPending == true)
        #expect(result.criticalAndSecurityPatchCount == 1)
        #expect(result.otherPatchCount == 2)
        #expect(result.error == nil)
        let patches = try #require(result.availablePatches)
        // The counts (1 + 2) differ from the two listed patches: both are kept as sent.
        #expect(patches.count == 2)
        #expect(patches[0].patchId == "35428702-5784-4ba4-a6e0-5222258b5411")
        #expect(patches[0].version == "")
        #expect(patches[0].kbId == "2267602")
        #expect(patches[0].classifications == ["Definition Updates"])
        #expect(patches[0].rebootBehavior == .neverReboots)
        #expect(patches[1].rebootBehavior == .canRequestReboot)
        #expect(patches[1].assessmentState == .available)
        #expect(patches[0].lastModifiedDateTime?.rawValue == "2020-04-24T21:18:45.2830263Z")

        let start = try #require(result.startDateTime?.date)
        let expected = try #require(ISO8601DateFormatter().date(from: "2020-04-24T21:02:04Z"))
        #expect(abs(start.timeIntervalSince(expected) - 0.2556154) < 0.000_01)
    }

    @Test("unknown enum values, nulls and missing fields are kept, not rejected")
    func oddResponse() throws {
        let json = """
            {"status":"PartiallySucceeded","rebootPending":null,"criticalAndSecurityPatchCount":7,
             "startDateTime":"2026-11-27T10:02:04.2556154+00:00",
             "availablePatches":[{"patchId":"openssl_3.0.13_Ubuntu_22.04","name":"openssl","classifications":null,
               "rebootBehavior":"RequiresOrbitalAlignment","assessmentState":"Pending","futureField":{"x":1}}],
             "error":{"code":"PACKAGE_LIST_TRUNCATED","message":"lists truncated","details":[{"code":"INFORMATIONAL","message":"m"}],
               "innererror":{"exceptiontype":"t","errordetail":"d"}},
             "brandNewTopLevel":true}
            """
        let result = try JSONDecoder().decode(AssessPatchesResult.self, from: Data(json.utf8))
        #expect(result.status?.rawValue == "PartiallySucceeded")
        #expect(result.rebootPending == nil)
        #expect(result.otherPatchCount == nil)
        #expect(result.assessmentActivityId == nil)
        #expect(result.startDateTime?.date != nil)
        let patch = try #require(result.availablePatches?.first)
        #expect(patch.rebootBehavior?.rawValue == "RequiresOrbitalAlignment")
        #expect(patch.assessmentState?.rawValue == "Pending")
        #expect(patch.classifications == nil)
        #expect(patch.kbId == nil)
        #expect(result.error?.details?.first?.code == "INFORMATIONAL")
        #expect(result.error?.innererror?.errordetail == "d")
    }

    @Test("an empty object decodes to a result with every field absent")
    func emptyObject() throws {
        let result = try JSONDecoder().decode(AssessPatchesResult.self, from: Data("{}".utf8))
        #expect(result == AssessPatchesResult())
    }

    @Test("timestamps with offsets, no fraction, or junk")
    func timestamps() {
        #expect(AzureTimestamp("2018-11-07T00:00:00Z").date != nil)
        #expect(AzureTimestamp("2024-10-22T06:44:16.3486511+00:00").date != nil)
        #expect(AzureTimestamp("yesterday").date == nil)
        #expect(AzureTimestamp("2018-11-07T00:00:00.Z").date == nil)
    }
}
