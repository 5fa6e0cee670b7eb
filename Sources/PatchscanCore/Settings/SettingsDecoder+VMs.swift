import AzureCompute
import Yams

extension SettingsDecoder {
    private static let vmKeys = ["id", "subscription", "resourceGroup", "name", "location", "group"]
    private static let partKeys = ["subscription", "resourceGroup", "name"]

    func vms(_ located: LocatedNode) -> [VMTarget]? {
        guard let items = reader.sequence(located) else { return nil }
        guard !items.isEmpty else {
            reader.report(.invalidValue, located.keyPath, at: located.mark, "list at least one virtual machine")
            return nil
        }
        var targets: [VMTarget] = []
        var firstEntry: [VMResourceID: LocatedNode] = [:]
        var complete = true
        for item in items {
            guard let target = vm(item) else {
                complete = false
                continue
            }
            if let first = firstEntry[target.id] {
                let firstLine = first.mark.map { " (line \($0.line))" } ?? ""
                let line = item.mark.map { " (line \($0.line))" } ?? ""
                reader.report(
                    .duplicateVM, item.keyPath, at: item.mark,
                    "\(first.keyPath)\(firstLine) and \(item.keyPath)\(line) are the same virtual machine, "
                        + "\(target.id) (ids compare case-insensitively); keep one"
                )
                complete = false
                continue
            }
            firstEntry[target.id] = item
            targets.append(target)
        }
        return complete ? targets : nil
    }

    private func vm(_ item: LocatedNode) -> VMTarget? {
        switch item.node {
        case .scalar where !item.isNull:
            return reader.string(item).flatMap { resourceID(parsing: $0, at: item) }.map { VMTarget(id: $0) }
        case .mapping:
            return vmMapping(item)
        default:
            reader.reportWrongType(
                item, expected: "a resource id or a mapping with 'id' or 'subscription', 'resourceGroup' and 'name'"
            )
            return nil
        }
    }

    private func vmMapping(_ item: LocatedNode) -> VMTarget? {
        guard let map = reader.mapping(item, allowedKeys: Self.vmKeys) else { return nil }
        let location = map.nonNullValue("location").flatMap(reader.string)
        let group = map.nonNullValue("group").flatMap(reader.string)
        let givenParts = Self.partKeys.filter(map.contains)

        let id: VMResourceID?
        if let idNode = map.value("id") {
            if let part = givenParts.first {
                reader.report(
                    .conflictingKeys, map.located.path(of: part), at: map.keyMark(part),
                    "give either 'id' or 'subscription', 'resourceGroup' and 'name', not both"
                )
                id = nil
            } else {
                id = reader.string(idNode).flatMap { resourceID(parsing: $0, at: idNode) }
            }
        } else if givenParts.isEmpty {
            reader.report(
                .missingKey, map.located.path(of: "id"), at: map.located.mark,
                "missing 'id' (a full resource id) or 'subscription', 'resourceGroup' and 'name'"
            )
            id = nil
        } else {
            id = resourceID(fromPartsIn: map)
        }
        guard let id else { return nil }
        return VMTarget(id: id, location: location, group: group)
    }

    private func resourceID(parsing text: String, at located: LocatedNode) -> VMResourceID? {
        do {
            return try VMResourceID(parsing: text)
        } catch {
            reader.report(.invalidValue, located.keyPath, at: located.mark, "invalid resource id: \(error.reason)")
            return nil
        }
    }

    private func resourceID(fromPartsIn map: MappingReader) -> VMResourceID? {
        let subscription = reader.required("subscription", in: map, "the subscription id").flatMap(reader.string)
        let resourceGroup = reader.required("resourceGroup", in: map, "the resource group name").flatMap(reader.string)
        let name = reader.required("name", in: map, "the virtual machine name").flatMap(reader.string)
        guard let subscription, let resourceGroup, let name else { return nil }
        do {
            return try VMResourceID(subscriptionID: subscription, resourceGroup: resourceGroup, name: name)
        } catch {
            let key = switch error.code {
            case .invalidSubscriptionID: "subscription"
            case .invalidResourceGroup: "resourceGroup"
            default: "name"
            }
            reader.report(.invalidValue, map.located.path(of: key), at: map.value(key)?.mark, error.reason)
            return nil
        }
    }
}
