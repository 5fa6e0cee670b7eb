#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON encoding as Azure writes it (compact, `/` not escaped), with sorted keys so bodies are reproducible.
enum WireJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Unpadded base64url, as JWT segments use.
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacing("+", with: "-")
            .replacing("/", with: "_")
            .replacing("=", with: "")
    }
}

/// ARM's `CloudError`: `{"error":{"code","message","target"?,"details"?}}`.
struct CloudErrorBody: Encodable {
    struct Detail: Encodable {
        var code: String
        var message: String
        var target: String?
        var details: [Detail]?
    }

    var error: Detail

    init(code: String, message: String, target: String? = nil, details: [Detail]? = nil) {
        self.error = Detail(code: code, message: message, target: target, details: details)
    }
}

/// Entra ID's OAuth error body.
struct EntraErrorBody: Encodable {
    var error: String
    var errorDescription: String
    var errorCodes: [Int]
    var timestamp: String
    var traceID: String
    var correlationID: String
    var errorURI: String

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
        case errorCodes = "error_codes"
        case timestamp
        case traceID = "trace_id"
        case correlationID = "correlation_id"
        case errorURI = "error_uri"
    }
}

/// The client-credentials token response.
struct TokenResponseBody: Encodable {
    var tokenType = "Bearer"
    var expiresIn: Int
    var extExpiresIn: Int
    var accessToken: String

    enum CodingKeys: String, CodingKey {
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case extExpiresIn = "ext_expires_in"
        case accessToken = "access_token"
    }
}

/// The OpenID Connect discovery document (the fields MSAL reads, plus a few common ones).
struct OpenIDConfigurationBody: Encodable {
    var tokenEndpoint: String
    var authorizationEndpoint: String
    var issuer: String
    var jwksURI: String
    var tokenEndpointAuthMethodsSupported = ["client_secret_post", "private_key_jwt", "client_secret_basic"]
    var responseModesSupported = ["query", "fragment", "form_post"]
    var subjectTypesSupported = ["pairwise"]
    var idTokenSigningAlgValuesSupported = ["RS256"]
    var scopesSupported = ["openid", "profile", "email", "offline_access"]
    var tenantRegionScope = "WW"

    enum CodingKeys: String, CodingKey {
        case tokenEndpoint = "token_endpoint"
        case authorizationEndpoint = "authorization_endpoint"
        case issuer
        case jwksURI = "jwks_uri"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case responseModesSupported = "response_modes_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case scopesSupported = "scopes_supported"
        case tenantRegionScope = "tenant_region_scope"
    }
}

/// The JOSE header of issued access tokens.
struct JWTHeader: Encodable {
    var typ = "JWT"
    var alg = "RS256"
    var kid: String
}

/// The claims of issued access tokens (those clients and ARM look at).
struct JWTClaims: Encodable {
    var aud: String
    var iss: String
    var iat: Int64
    var nbf: Int64
    var exp: Int64
    var appid: String
    var oid: String
    var sub: String
    var tid: String
    var uti: String
    var ver = "1.0"
}

/// The Azure-AsyncOperation status resource, in the order Compute writes its fields.
struct OperationStatusBody: Encodable {
    struct Properties: Encodable {
        var output: EmulatedResult
    }

    var startTime: String
    var endTime: String?
    var status: String
    var properties: Properties?
    var error: CloudErrorBody.Detail?
    var name: String
}

/// `GET /subscriptions`.
struct SubscriptionListBody: Encodable {
    struct Subscription: Encodable {
        var id: String
        var authorizationSource = "RoleBased"
        var subscriptionId: String
        var tenantId: String
        var displayName: String
        var state = "Enabled"
    }

    struct Count: Encodable {
        var type = "Total"
        var value: Int
    }

    var value: [Subscription]
    var count: Count
}

/// A page of a VM list; `nextLink` is absent on the last page.
struct VirtualMachineListBody: Encodable {
    var value: [VirtualMachineBody]
    var nextLink: String?
}

/// A VM as the list endpoints return it: the full model, or only the instance view with `statusOnly=true`.
struct VirtualMachineBody: Encodable {
    struct Properties: Encodable {
        var vmId: String?
        var hardwareProfile: HardwareProfile?
        var storageProfile: StorageProfile?
        var osProfile: OSProfile?
        var provisioningState: String?
        var instanceView: InstanceView?
    }

    struct HardwareProfile: Encodable {
        var vmSize: String
    }

    struct StorageProfile: Encodable {
        var osDisk: OSDisk
    }

    struct OSDisk: Encodable {
        var osType: String
        var name: String
        var createOption = "FromImage"
        var caching = "ReadWrite"
        var diskSizeGB: Int
    }

    struct OSProfile: Encodable {
        var computerName: String
        var adminUsername = "azureuser"
        var allowExtensionOperations = true
    }

    struct InstanceView: Encodable {
        var statuses: [Status]
    }

    struct Status: Encodable {
        var code: String
        var level = "Info"
        var displayStatus: String
    }

    var name: String
    var id: String
    var type = "Microsoft.Compute/virtualMachines"
    var location: String
    var tags: [String: String]?
    var properties: Properties
}
