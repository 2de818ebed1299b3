import ArgumentParser

/// The `signet` command-line tool.
@main
struct Signet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signet",
        abstract: "A self-hostable trust protocol for biometric identity.",
        discussion: """
            Run `signet vault calibrate` on your face model's embeddings of people who are not users, then
            `signet serve --vault-profile PROFILE.json` to start the server on the embedded SQLite store in ./signet-data.
            Every option can also be set by the environment variable named in its help.
            """,
        subcommands: [ServeCommand.self, DemoCommand.self, HolderCommand.self, PartyCommand.self, LogCommand.self, AdminCommand.self, VaultCommand.self, EvalCommand.self, SimulateCommand.self, WatchCommand.self])
}
