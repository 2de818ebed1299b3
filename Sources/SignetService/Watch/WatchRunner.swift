public import Logging
public import ServiceLifecycle

/// Runs the watch's responder beside the server (``SignetService/runWatch()``) until graceful
/// shutdown, after loading the honey marks other instances planted.
public struct WatchRunner: Service {
    let service: SignetService
    let logger: Logger

    /// Creates the runner.
    public init(service: SignetService, logger: Logger) {
        self.service = service
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await service.loadHoneyMarks()
        } catch {
            logger.error("the watch could not load the honey marks; decoys planted earlier are not watched: \(error)")
        }
        await cancelWhenGracefulShutdown {
            await service.runWatch()
        }
        // What was found before the shutdown is still answered.
        await service.respondToWatch()
    }
}
