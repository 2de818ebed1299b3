import ArgumentParser
import Foundation
import SignetService

extension HolderCommand {
    /// `signet holder sign-in`: a one-time link into the holder's dashboard.
    struct SignIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-in",
            abstract: "Print a one-time link that signs you in to your dashboard (valid for 2 minutes).",
            discussion: """
                The link is signed by your holder key on this device; nothing is sent to the server until you open it. \
                It works once, for two minutes, on the server given by --server (which must be the server's public URL). \
                Do not share it: whoever opens it first is signed in as you.
                """)
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let identity = ClientIdentity(role: "holder", options: client)
            let holder = try identity.registeredID()
            let key = try identity.loadKey()
            let link = try DashboardSignIn.link(base: client.serverURL, holder: holder, key: key)
            printError("signet: open this link within 2 minutes; it works once:")
            print(link)
        }
    }
}
