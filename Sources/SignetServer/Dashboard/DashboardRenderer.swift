import Foundation
import Mustache

/// The dashboard's templates and stylesheet, read once from the module's resources
/// (`Resources/dashboard`): mustache templates (`*.mustache`, HTML-escaped by default) and
/// `dashboard.css`.
struct DashboardRenderer: Sendable {
    /// Every template, by file name without `.mustache`; they reach each other as partials and parents.
    let library: MustacheLibrary
    /// `dashboard.css`, served at `/dashboard/static/dashboard.css`.
    let stylesheet: [UInt8]

    /// The bundled templates, or why they could not be read (a packaging fault: every dashboard
    /// page then answers 500, and the API is unaffected).
    static let bundled: Result<DashboardRenderer, DashboardResourceError> = load()

    /// Renders `template` with `context` (a value whose stored properties name the template's keys).
    /// - Returns: the HTML, or `nil` when no template has that name.
    func render(_ template: String, _ context: Any) -> String? {
        library.render(Self.flatten(context), withTemplate: template)
    }

    /// `value` as dictionaries and arrays: each struct reflected once, instead of once per key
    /// the template looks up (swift-mustache reflects a struct with `Mirror` on every lookup,
    /// and a lookup that misses climbs the context stack, reflecting every level again: 65 ms
    /// for an inbox of 100 offers, against a few with dictionaries). A `nil` property is left
    /// out, which reads the same to a template as a `nil` value.
    static func flatten(_ value: Any) -> Any {
        switch value {
        case is String, is Bool, is Int, is Int64, is UInt64, is Double:
            return value
        case is any MustacheParent:
            // Answers its keys itself (the views a page lists by the dozen).
            return value
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .struct, .class:
                var fields: [String: Any] = [:]
                fields.reserveCapacity(mirror.children.count)
                for child in mirror.children {
                    guard let label = child.label, let flat = unwrap(child.value) else { continue }
                    fields[label] = flatten(flat)
                }
                return fields
            case .collection, .set:
                return mirror.children.compactMap { unwrap($0.value).map(flatten) }
            case .optional:
                return unwrap(value).map(flatten) as Any
            default:
                return value
            }
        }
    }

    /// The value an optional holds, or `nil`; any other value as it is.
    private static func unwrap(_ value: Any) -> Any? {
        guard let optional = value as? any OptionalValue else { return value }
        return optional.wrapped.flatMap(unwrap)
    }

    private static func load() -> Result<DashboardRenderer, DashboardResourceError> {
        guard let directory = Bundle.module.url(forResource: "dashboard", withExtension: nil) else {
            return .failure(DashboardResourceError(reason: "the dashboard resources are missing from the bundle"))
        }
        do {
            var library = MustacheLibrary()
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
            for name in names {
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            }
            let css = try Data(contentsOf: directory.appendingPathComponent("dashboard.css"))
            return .success(DashboardRenderer(library: library, stylesheet: Array(css)))
        } catch {
            return .failure(DashboardResourceError(reason: "a dashboard resource cannot be read: \(error)"))
        }
    }
}

/// The dashboard's resources could not be loaded.
struct DashboardResourceError: Error, Sendable, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// An `Optional` seen through `Any`.
private protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrapped: Any? { self.map { $0 as Any } }
}
