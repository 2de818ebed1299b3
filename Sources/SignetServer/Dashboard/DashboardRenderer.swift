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
        library.render(context, withTemplate: template)
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
