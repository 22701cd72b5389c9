import OCPPJ
import Station201

extension EventHub {
    /// A 2.0.1 engine's notification, as the same event types the page follows under 1.6; traffic facts
    /// reach clients as `frame` events instead.
    package func publish(_ notification: Notification) {
        let version = version
        switch notification {
        case .station(let snapshot):
            publish(StreamEvent(type: "status") {
                JSONWriter.encode(StationResource(snapshot: snapshot, version: version))
            })
        case .connector(let snapshot):
            publish(StreamEvent(type: "connector") { JSONWriter.encode(Connector201Resource(snapshot)) })
        case .meter(let evseId, let energyWh, let powerW, let time):
            publish(StreamEvent(type: "meter") {
                JSONWriter.encode(MeterResource(connectorId: evseId, energyWh: energyWh, powerW: powerW, time: time))
            })
        case .transaction(let step, let snapshot):
            publish(StreamEvent(type: "transaction") {
                JSONWriter.encode(Transaction201StreamData(event: step.rawValue, transaction: Transaction201Resource(snapshot)))
            })
        case .variable(let variable):
            publish(StreamEvent(type: "configuration") { JSONWriter.encode(Variable201Resource(variable)) })
        case .display(let display):
            publish(StreamEvent(type: "display") { JSONWriter.encode(Display201Resource(display)) })
        case .rpc:
            // Counted by the metrics; traffic reaches stream clients as `frame` events.
            break
        }
    }
}

/// `data` of a 2.0.1 `transaction` event: 1.6's shape, with the 2.0.1 steps.
struct Transaction201StreamData: Encodable {
    var event: String
    var transaction: Transaction201Resource
}

/// What a 2.0.1 event-stream client starts from: the shape of 1.6's snapshot.
struct Snapshot201Resource: Encodable {
    var status: StationResource
    var connectors: [Connector201Resource]
    var transactions: [Transaction201Resource]
    var configuration: [Variable201Resource]

    init(_ snapshot: EngineSnapshot, version: String) {
        status = StationResource(snapshot: snapshot.station, version: version)
        connectors = snapshot.connectors.map(Connector201Resource.init)
        transactions = snapshot.transactions.map(Transaction201Resource.init)
        configuration = snapshot.variables.map(Variable201Resource.init)
    }
}
