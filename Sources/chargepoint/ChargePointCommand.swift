import ArgumentParser

@main
struct ChargePointCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "chargepoint",
        abstract: "An OCPP 1.6-J or 2.0.1 charge point with a REST API: one (serve), or many in one process (fleet).",
        discussion: """
            The service is the charge point: it connects to a central system (CitrineOS or any OCPP 1.6-J or \
            2.0.1 CSMS) over a websocket and lets scripts, the web page and containers drive it over HTTP.
            """,
        version: version,
        subcommands: [Serve.self, FleetCommand.self, CentralSystemCommand.self, HealthCheckCommand.self]
    )
}
