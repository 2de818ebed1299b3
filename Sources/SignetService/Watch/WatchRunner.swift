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
        // What was found before the shutdown is still answered, retries included (once).
        await service.respondToWatch(includingWaiting: true)
        let unanswered = service.watch.waiting
        if unanswered > 0 {
            logger.error("\(unanswered) watch findings could not be answered before shutdown; a pattern that goes on is found again after restart")
        }
    }
}
