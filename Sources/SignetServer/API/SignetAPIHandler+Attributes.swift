import Foundation
import OpenAPIRuntime
import SignetAPI
import SignetCore
import SignetMarket
import SignetService

/// Attestations (attesters) and the holder's attributes.
extension SignetAPIHandler {
    func createAttestation(_ input: Operations.CreateAttestation.Input) async throws -> Operations.CreateAttestation.Output {
        let request = switch input.body { case .json(let body): body }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(request.value)) else {
            throw Problem(.invalidField, detail: "value must be true, false or text of 1 to 256 characters")
        }
        let (attribute, index) = try await api().attest(tradeCode: request.tradeCode, name: request.name, value: value, as: try caller())
        return .created(.init(body: .json(.init(id: attribute.id, name: attribute.name, ledgerIndex: Int64(index)))))
    }

    func listHolderAttributes(_ input: Operations.ListHolderAttributes.Input) async throws -> Operations.ListHolderAttributes.Output {
        let attributes = try await api().holderAttributes(as: try caller())
        return .ok(.init(body: .json(.init(attributes: try attributes.map { attribute in
            .init(id: attribute.id, name: attribute.name,
                  value: try JSONDecoder().decode(OpenAPIValueContainer.self, from: JSONEncoder().encode(attribute.value)),
                  attesterId: attribute.attesterID, attestedAt: attribute.attestedAt)
        }))))
    }
}
