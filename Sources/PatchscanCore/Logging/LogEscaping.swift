/// Escaping for the ``LogFormat/text`` and ``LogFormat/journal`` formats.
enum LogEscaping {
    /// The message with control characters escaped (`\n`, `\r`, `\t`, `\u{1B}`); everything else as is.
    static func message(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            escaped += isControl(scalar) ? escape(scalar) : String(scalar)
        }
        return escaped
    }

    /// A metadata value: bare when it is a single word, otherwise in double quotes with `"` and `\` escaped as
    /// well as control characters, so `key=value` pairs always split unambiguously.
    static func value(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.unicodeScalars.contains { scalar in
            isControl(scalar) || scalar.properties.isWhitespace || scalar == "\"" || scalar == "\\" || scalar == "="
        }
        guard needsQuotes else { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where isControl(scalar): quoted += escape(scalar)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        }
    }
}
