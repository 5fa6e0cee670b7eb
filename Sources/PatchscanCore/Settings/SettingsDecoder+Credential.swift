extension SettingsDecoder {
    private static let credentialKeys = ["type", "tenantId", "clientId", "secretEnv", "secretFile"]

    /// Key names that would hold a secret, compared lowercased without `_` and `-`.
    private static let secretKeyNames: Set<String> = [
        "secret", "clientsecret", "secretvalue", "clientsecretvalue", "password", "clientpassword",
    ]

    func credential(_ located: LocatedNode) -> CredentialSettings? {
        guard let map = reader.mapping(
            located, allowedKeys: Self.credentialKeys, explainUnknownKey: Self.secretKeyAdvice
        ) else { return nil }
        let kind = map.value("type").flatMap(kind) ?? .clientSecret
        let tenantID = reader.required("tenantId", in: map, "the directory (tenant) id of the app registration")
            .flatMap(tenantID)
        let clientID = reader.required("clientId", in: map, "the application (client) id of the app registration")
            .flatMap(clientID)
        let secret = secretSource(map)
        guard let tenantID, let clientID, let secret else { return nil }
        return CredentialSettings(kind: kind, tenantID: tenantID, clientID: clientID, secret: secret)
    }

    private static func secretKeyAdvice(_ key: String) -> (code: ConfigurationProblem.Code, message: String)? {
        let normalized = key.lowercased().filter { $0 != "_" && $0 != "-" }
        let looksLikeSecret = secretKeyNames.contains(normalized)
            || ((normalized.contains("secret") || normalized.contains("password"))
                && KeySuggestion.closest(to: key, among: credentialKeys) == nil)
        guard looksLikeSecret else { return nil }
        return (
            .secretInConfiguration,
            "'\(key)' is not allowed: secrets are never read from the configuration file. Remove it (and rotate the "
                + "secret if the file was shared), then put the client secret in an environment variable named by "
                + "'secretEnv' or in a file named by 'secretFile', such as a systemd LoadCredential= file"
        )
    }

    private func kind(_ located: LocatedNode) -> CredentialSettings.Kind? {
        guard let text = reader.string(located) else { return nil }
        guard let kind = CredentialSettings.Kind(rawValue: text) else {
            let supported = CredentialSettings.Kind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            reader.report(
                .invalidValue, located.keyPath, at: located.mark,
                "unsupported credential type '\(text)'; supported: \(supported)"
            )
            return nil
        }
        return kind
    }

    /// A GUID or a domain such as `contoso.onmicrosoft.com`; it becomes a path segment of the token URL.
    private func tenantID(_ located: LocatedNode) -> String? {
        guard let text = reader.string(located) else { return nil }
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
            reader.report(
                .invalidValue, located.keyPath, at: located.mark,
                "must be a tenant id (a GUID) or a domain such as contoso.onmicrosoft.com"
            )
            return nil
        }
        return text
    }

    private func clientID(_ located: LocatedNode) -> String? {
        guard let text = reader.string(located) else { return nil }
        guard !text.contains(where: { $0.isWhitespace || $0.isNewline || ($0.asciiValue ?? 32) < 32 }) else {
            reader.report(.invalidValue, located.keyPath, at: located.mark, "must not contain whitespace")
            return nil
        }
        return text
    }

    private func secretSource(_ map: MappingReader) -> SecretSource? {
        switch (map.value("secretEnv"), map.value("secretFile")) {
        case (.some, .some):
            reader.report(
                .conflictingKeys, map.located.path(of: "secretFile"), at: map.keyMark("secretFile"),
                "give either 'secretEnv' or 'secretFile', not both"
            )
            return nil
        case (nil, nil):
            reader.report(
                .missingKey, map.located.path(of: "secretEnv"), at: map.located.mark,
                "missing 'secretEnv' or 'secretFile': name the environment variable or the file "
                    + "that holds the client secret"
            )
            return nil
        case (let variable?, nil):
            return reader.string(variable).flatMap { name in
                guard Self.isEnvironmentVariableName(name) else {
                    // The value is not echoed: it may be the secret itself, pasted in the wrong place.
                    reader.report(
                        .invalidValue, variable.keyPath, at: variable.mark,
                        "must be the name of an environment variable (letters, digits and '_', "
                            + "not starting with a digit), such as AZURE_CLIENT_SECRET, not the secret itself"
                    )
                    return nil
                }
                return .environment(name)
            }
        case (nil, let file?):
            return reader.string(file).flatMap { path in
                // Absolute, so it does not depend on the working directory; not echoed, like secretEnv.
                guard path.hasPrefix("/") else {
                    reader.report(
                        .invalidValue, file.keyPath, at: file.mark,
                        "must be an absolute path to the file holding the client secret, such as "
                            + "/run/credentials/patchscan.service/client-secret"
                    )
                    return nil
                }
                return .file(path)
            }
        }
    }

    private static func isEnvironmentVariableName(_ name: String) -> Bool {
        guard let first = name.first, !first.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
