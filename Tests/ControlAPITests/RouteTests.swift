import Testing

@testable import ControlAPI

@Suite("Routes from request paths")
struct RouteTests {
    @Test("a path as written, with a trailing slash or with escapes names the same route")
    func fixedRoutes() throws {
        #expect(try Route(path: "/api/v1/connectors") == .connectors)
        #expect(try Route(path: "/api/v1/connectors/") == .connectors)
        #expect(try Route(path: "/api/v1/%63onnectors") == .connectors)
        #expect(try Route(path: "/healthz") == .health)
        #expect(try Route(path: "/openapi.yaml") == .contract)
    }

    @Test("routes with a parameter")
    func parameters() throws {
        #expect(try Route(path: "/api/v1/connectors/2") == .connector("2"))
        #expect(try Route(path: "/api/v1/connectors/2/start") == .connectorAction("2", .start))
        #expect(try Route(path: "/api/v1/transactions/7") == .transaction("7"))
        #expect(try Route(path: "/api/v1/configuration/Heart%62eatInterval") == .configurationKey("HeartbeatInterval"))
    }

    @Test("the external limit is set with PUT and released with DELETE")
    func externalLimit() throws {
        let route = try Route(path: "/api/v1/connectors/0/external-limit")
        #expect(route == .connectorAction("0", .externalLimit))
        #expect(route.methods == ["PUT", "DELETE"])
        #expect(route.template == "/api/v1/connectors/{id}/external-limit")
    }

    @Test("anything else is not found")
    func unknown() {
        for path in ["/", "/api", "/api/v1", "/api/v1/nothing", "/api/v2/connectors", "/api/v1/connectors/2/fly",
                     "/api/v1/connectors/2/start/now", "/api/v1/status/1", "/api/v1/%zz"] {
            #expect(throws: Problem.self, "\(path)") { try Route(path: path) }
        }
    }
}
