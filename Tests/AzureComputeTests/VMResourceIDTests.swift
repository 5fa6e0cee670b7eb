import AzureCompute
import Testing

@Suite("VMResourceID")
struct VMResourceIDTests {
    static let sample =
        "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-Web/providers/Microsoft.Compute/virtualMachines/web-01"

    @Test("parses a canonical id into its parts and prints it back")
    func parsesCanonicalID() throws {
        let id = try VMResourceID(parsing: Self.sample)
        #expect(id.subscriptionID == "00000000-0000-0000-0000-000000000001")
        #expect(id.resourceGroup == "rg-Web")
        #expect(id.name == "web-01")
        #expect(id.path == Self.sample)
        #expect(id.description == Self.sample)
        #expect(id.canonicalKey == Self.sample.lowercased())
    }

    @Test("matches segment names case-insensitively, accepts a trailing slash and prints canonical segment names")
    func caseInsensitiveSegments() throws {
        let id = try VMResourceID(
            parsing: "/SUBSCRIPTIONS/sub-1/resourcegroups/RG/PROVIDERS/microsoft.compute/VirtualMachines/VM1/"
        )
        #expect(id.subscriptionID == "sub-1")
        #expect(id.resourceGroup == "RG")
        #expect(id.name == "VM1")
        #expect(id.path == "/subscriptions/sub-1/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM1")
    }

    @Test("builds the same id from parts")
    func buildsFromParts() throws {
        let id = try VMResourceID(
            subscriptionID: "00000000-0000-0000-0000-000000000001", resourceGroup: "rg-Web", name: "web-01"
        )
        #expect(id.path == Self.sample)
        #expect(try id == VMResourceID(parsing: Self.sample))
    }

    @Test("compares and hashes case-insensitively")
    func caseInsensitiveEquality() throws {
        let lower = try VMResourceID(subscriptionID: "abc-def", resourceGroup: "rg-web", name: "web-01")
        let upper = try VMResourceID(subscriptionID: "ABC-DEF", resourceGroup: "RG-WEB", name: "WEB-01")
        let other = try VMResourceID(subscriptionID: "abc-def", resourceGroup: "rg-web", name: "web-02")
        #expect(lower == upper)
        #expect(lower.hashValue == upper.hashValue)
        #expect(lower.canonicalKey == upper.canonicalKey)
        #expect(lower != other)
        #expect(Set([lower, upper, other]).count == 2)
        #expect(upper.path.contains("RG-WEB"), "the path keeps the parts as given")
    }

    @Test(
        "rejects ids that are not virtual machine ids, saying what is wrong",
        arguments: [
            ("", "empty"),
            ("/", "no segments"),
            ("subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "must start with '/subscriptions/'"),
            ("/subscription/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "expected 'subscriptions'"),
            ("/subscriptions", "subscription id after 'subscriptions' is missing"),
            ("/subscriptions/s", "ends before 'resourceGroups/"),
            ("/subscriptions/s/resourceGroups/rg", "ends before 'providers/"),
            ("/subscriptions/s/groups/rg/providers/Microsoft.Compute/virtualMachines/vm", "expected 'resourceGroups'"),
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualMachines/vm", "the provider is 'Microsoft.Network'"),
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute", "'virtualMachines' and the VM name are missing"),
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss", "resource type is 'virtualMachineScaleSets'"),
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines", "virtual machine name after 'virtualMachines' is missing"),
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/extensions/x", "unexpected segments after the virtual machine name: 'extensions/x'"),
            ("/subscriptions/s//resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "empty segment"),
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web 01", "contains whitespace"),
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web.", "ends with '.'"),
            ("/subscriptions/s!/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "subscription id 's!' contains '!'"),
        ]
    )
    func rejectsMalformedIDs(input: String, reasonFragment: String) {
        #expect {
            try VMResourceID(parsing: input)
        } throws: { error in
            guard let error = error as? ResourceIDError else { return false }
            return error.input == input && error.reason.contains(reasonFragment)
                && error.description.contains("expected /subscriptions/{subscription}")
        }
    }

    @Test(
        "rejects implausible parts with the code of the part",
        arguments: [
            ("", "rg", "vm", ResourceIDError.Code.invalidSubscriptionID),
            ("sub", "", "vm", .invalidResourceGroup),
            ("sub", "rg/x", "vm", .invalidResourceGroup),
            ("sub", "rg", "vm name", .invalidName),
            ("sub", "rg", "vm\t", .invalidName),
            ("sub", "rg", String(repeating: "v", count: 65), .invalidName),
            ("sub", String(repeating: "r", count: 91), "vm", .invalidResourceGroup),
            ("sub", "rg", "vm-é", .invalidName),
        ]
    )
    func rejectsBadParts(subscription: String, resourceGroup: String, name: String, code: ResourceIDError.Code) {
        #expect {
            try VMResourceID(subscriptionID: subscription, resourceGroup: resourceGroup, name: name)
        } throws: { error in
            (error as? ResourceIDError)?.code == code
        }
    }

    @Test("accepts the characters ARM allows in resource group and VM names")
    func acceptsARMNames() throws {
        let id = try VMResourceID(subscriptionID: "sub", resourceGroup: "rg_(prod).eu-1", name: "Web_01.a-b")
        #expect(id.resourceGroup == "rg_(prod).eu-1")
        #expect(id.name == "Web_01.a-b")
    }
}
