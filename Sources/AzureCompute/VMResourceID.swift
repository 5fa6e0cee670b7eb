import Foundation

/// A virtual machine's Azure Resource Manager (ARM) resource id,
/// `/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{name}`.
///
/// ARM compares ids case-insensitively (the case of a resource group can differ between APIs),
/// so equality and hashing ignore case while ``path`` keeps the parts as they were given.
public struct VMResourceID: Sendable, Hashable, CustomStringConvertible {
    /// The subscription id, usually a GUID.
    public let subscriptionID: String
    /// The resource group name.
    public let resourceGroup: String
    /// The virtual machine name.
    public let name: String

    /// Creates an id from its parts, checking that each part is a plausible ARM name.
    ///
    /// - Throws: ``ResourceIDError`` naming the part that is empty, too long or has a character ARM does not allow.
    public init(subscriptionID: String, resourceGroup: String, name: String) throws(ResourceIDError) {
        try Part.subscriptionID.validate(subscriptionID)
        try Part.resourceGroup.validate(resourceGroup)
        try Part.name.validate(name)
        self.subscriptionID = subscriptionID
        self.resourceGroup = resourceGroup
        self.name = name
    }

    /// Parses a full resource id such as
    /// `/subscriptions/0000…/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01`.
    ///
    /// Segment names (`subscriptions`, `resourceGroups`, `providers`, `Microsoft.Compute`, `virtualMachines`) match
    /// case-insensitively and one trailing `/` is accepted. Anything else — missing parts, extra segments, another
    /// provider or resource type — is rejected.
    ///
    /// - Throws: ``ResourceIDError`` whose reason says what is wrong with the id.
    public init(parsing text: String) throws(ResourceIDError) {
        func fail(_ reason: String) -> ResourceIDError {
            ResourceIDError(code: .malformed, input: text, reason: reason)
        }
        guard !text.isEmpty else { throw fail("the resource id is empty") }
        guard text.first == "/" else { throw fail("a resource id must start with '/subscriptions/'") }
        var body = text.dropFirst()
        if body.last == "/" { body = body.dropLast() }
        guard !body.isEmpty else { throw fail("it has no segments after '/'") }
        let segments = body.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.contains(where: \.isEmpty) { throw fail("it contains an empty segment ('//')") }

        let layout: [(position: Int, literal: String, follower: String)] = [
            (0, "subscriptions", "subscription id"),
            (2, "resourceGroups", "resource group name"),
            (4, "providers", "provider namespace"),
        ]
        for expected in layout {
            guard expected.position < segments.count else {
                throw fail("it ends before '\(expected.literal)/{\(expected.follower)}'")
            }
            let found = segments[expected.position]
            guard found.caseInsensitiveEquals(expected.literal) else {
                throw fail("expected '\(expected.literal)' as segment \(expected.position + 1), found '\(found)'")
            }
            guard expected.position + 1 < segments.count else {
                throw fail("the \(expected.follower) after '\(found)' is missing")
            }
        }
        let provider = segments[5]
        guard provider.caseInsensitiveEquals(Self.providerNamespace) else {
            throw fail("the provider is '\(provider)'; only \(Self.providerNamespace) virtual machines can be scanned")
        }
        guard segments.count > 6 else { throw fail("the resource type 'virtualMachines' and the VM name are missing") }
        let type = segments[6]
        guard type.caseInsensitiveEquals(Self.resourceType) else {
            throw fail("the resource type is '\(type)'; only '\(Self.resourceType)' can be scanned")
        }
        guard segments.count > 7 else { throw fail("the virtual machine name after '\(type)' is missing") }
        guard segments.count == 8 else {
            let extra = segments[8...].joined(separator: "/")
            throw fail("unexpected segments after the virtual machine name: '\(extra)'")
        }
        do {
            try self.init(subscriptionID: segments[1], resourceGroup: segments[3], name: segments[7])
        } catch {
            throw ResourceIDError(code: error.code, input: text, reason: error.reason)
        }
    }

    /// The canonical path, `/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/virtualMachines/…`,
    /// with the parts spelled as given.
    public var path: String {
        "/subscriptions/\(subscriptionID)/resourceGroups/\(resourceGroup)/providers/\(Self.providerNamespace)/"
            + "\(Self.resourceType)/\(name)"
    }

    /// The ``path``.
    public var description: String { path }

    /// The lowercased ``path``: two ids are equal exactly when their keys are equal. Use it to store or index ids.
    public var canonicalKey: String { path.lowercased() }

    /// Compares ids case-insensitively, as ARM does.
    public static func == (lhs: VMResourceID, rhs: VMResourceID) -> Bool {
        lhs.canonicalKey == rhs.canonicalKey
    }

    /// Hashes the case-insensitive form, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalKey)
    }

    private static let providerNamespace = "Microsoft.Compute"
    private static let resourceType = "virtualMachines"
}

/// An invalid virtual machine resource id or id part.
public struct ResourceIDError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem the id has.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The id's path does not have the virtual machine shape.
        public static let malformed = Code("malformed")
        /// The subscription id part is not valid.
        public static let invalidSubscriptionID = Code("invalidSubscriptionID")
        /// The resource group part is not valid.
        public static let invalidResourceGroup = Code("invalidResourceGroup")
        /// The virtual machine name part is not valid.
        public static let invalidName = Code("invalidName")

        /// A stable name for the code.
        public let description: String

        private init(_ description: String) {
            self.description = description
        }
    }

    /// What kind of problem the id has.
    public let code: Code
    /// The rejected text: the whole id when parsing, otherwise the rejected part.
    public let input: String
    /// What is wrong, in words an operator can act on.
    public let reason: String

    /// Creates an error.
    public init(code: Code, input: String, reason: String) {
        self.code = code
        self.input = input
        self.reason = reason
    }

    /// The rejected input, the reason and the expected shape.
    public var description: String {
        "invalid virtual machine resource id '\(input)': \(reason); expected /subscriptions/{subscription}"
            + "/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{name}"
    }
}

/// The naming rules of each part of a virtual machine id.
private enum Part {
    case subscriptionID, resourceGroup, name

    private var label: String {
        switch self {
        case .subscriptionID: "subscription id"
        case .resourceGroup: "resource group name"
        case .name: "virtual machine name"
        }
    }

    private var code: ResourceIDError.Code {
        switch self {
        case .subscriptionID: .invalidSubscriptionID
        case .resourceGroup: .invalidResourceGroup
        case .name: .invalidName
        }
    }

    /// Maximum lengths ARM documents: resource groups 90, Linux VM names 64; subscription ids are 36-character GUIDs.
    private var maximumLength: Int {
        switch self {
        case .subscriptionID: 64
        case .resourceGroup: 90
        case .name: 64
        }
    }

    private var allowedPunctuation: Set<Character> {
        switch self {
        case .subscriptionID: ["-"]
        case .resourceGroup: ["-", "_", ".", "(", ")"]
        case .name: ["-", "_", "."]
        }
    }

    private var allowedDescription: String {
        switch self {
        case .subscriptionID: "ASCII letters, digits and '-'"
        case .resourceGroup: "letters, digits, '-', '_', '.', '(' and ')'"
        case .name: "ASCII letters, digits, '-', '_' and '.'"
        }
    }

    func validate(_ value: String) throws(ResourceIDError) {
        func fail(_ reason: String) -> ResourceIDError {
            ResourceIDError(code: code, input: value, reason: reason)
        }
        guard !value.isEmpty else { throw fail("the \(label) is empty") }
        guard value.count <= maximumLength else {
            throw fail("the \(label) is \(value.count) characters long; at most \(maximumLength) are allowed")
        }
        let allowsUnicode = self == .resourceGroup
        let isAllowed = { (character: Character) -> Bool in
            guard allowsUnicode || character.isASCII else { return false }
            return character.isLetter || character.isNumber || allowedPunctuation.contains(character)
        }
        if let bad = value.first(where: { !isAllowed($0) }) {
            let shown = bad.isWhitespace ? "whitespace" : "'\(bad)'"
            throw fail("the \(label) '\(value)' contains \(shown); only \(allowedDescription) are allowed")
        }
        if self != .subscriptionID, value.last == "." {
            throw fail("the \(label) '\(value)' ends with '.', which ARM does not allow")
        }
    }
}

extension String {
    fileprivate func caseInsensitiveEquals(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
