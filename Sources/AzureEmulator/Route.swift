/// The endpoint a request path names; segments compare case-insensitively, as ARM's do.
enum Route: Sendable, Equatable {
    case token(tenant: String)
    case openIDConfiguration(tenant: String)
    case assessPatches(subscriptionID: String, resourceGroup: String, vmName: String)
    case operation(subscriptionID: String, location: String, operationID: String)
    case listSubscriptions
    case listVirtualMachines(subscriptionID: String, resourceGroup: String?)
    case unknown

    init(path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            PercentDecoding.decode($0, plusIsSpace: false)
        }
        let lower = segments.map { $0.lowercased() }
        switch lower.count {
        case 1 where lower[0] == "subscriptions":
            self = .listSubscriptions
        case 4 where lower[1] == "oauth2" && lower[2] == "v2.0" && lower[3] == "token":
            self = .token(tenant: segments[0])
        case 4 where lower[1] == "v2.0" && lower[2] == ".well-known" && lower[3] == "openid-configuration":
            self = .openIDConfiguration(tenant: segments[0])
        case 5 where lower[0] == "subscriptions" && lower[2] == "providers" && lower[3] == "microsoft.compute"
            && lower[4] == "virtualmachines":
            self = .listVirtualMachines(subscriptionID: segments[1], resourceGroup: nil)
        case 7 where lower[0] == "subscriptions" && lower[2] == "resourcegroups" && lower[4] == "providers"
            && lower[5] == "microsoft.compute" && lower[6] == "virtualmachines":
            self = .listVirtualMachines(subscriptionID: segments[1], resourceGroup: segments[3])
        case 8 where lower[0] == "subscriptions" && lower[2] == "providers" && lower[3] == "microsoft.compute"
            && lower[4] == "locations" && lower[6] == "operations":
            self = .operation(subscriptionID: segments[1], location: segments[5], operationID: segments[7])
        case 9 where lower[0] == "subscriptions" && lower[2] == "resourcegroups" && lower[4] == "providers"
            && lower[5] == "microsoft.compute" && lower[6] == "virtualmachines" && lower[8] == "assesspatches":
            self = .assessPatches(subscriptionID: segments[1], resourceGroup: segments[3], vmName: segments[7])
        default:
            self = .unknown
        }
    }

    /// The method the endpoint answers.
    var method: String {
        switch self {
        case .token, .assessPatches: "POST"
        case .openIDConfiguration, .operation, .listSubscriptions, .listVirtualMachines, .unknown: "GET"
        }
    }

    /// Whether the endpoint is an ARM endpoint (bearer token and `api-version` required).
    var isARM: Bool {
        switch self {
        case .assessPatches, .operation, .listSubscriptions, .listVirtualMachines: true
        case .token, .openIDConfiguration, .unknown: false
        }
    }
}
