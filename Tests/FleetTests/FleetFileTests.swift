import EVSimulation
import Testing

@testable import Fleet

@Suite struct FleetFileTests {
    @Test func aYAMLFileGivesItsGroupsWithWhatEachSays() throws {
        let file = try FleetFile(parsing: """
            seed: 42
            traffic: true
            groups:
              - count: 300
                idPattern: "AC-{0000}"
                ocpp: 1.6
                csms: ws://a:8092
                ocppConfig: {MeterValueSampleInterval: "10"}
              - count: 50
                ocpp: "2.0.1"
                csms: [ws://a:8081, ws://b:8081]
                vehicles: {dcMaxPowerKW: 150, capacityKWh: [60, 100]}
                sessions: {meanIntervalSeconds: 120, endsBy: energy}
            """)
        #expect(file.seed == 42 && file.traffic == true)
        #expect(file.groups.map(\.count) == [300, 50])
        #expect(file.groups[0].ocpp == "1.6", "an unquoted 1.6 is a YAML number, read as the version")
        #expect(file.groups[0].csms == ["ws://a:8092"] && file.groups[1].csms == ["ws://a:8081", "ws://b:8081"])
        #expect(file.groups[0].ocppConfig == ["MeterValueSampleInterval": "10"])
        #expect(file.groups[1].vehicles?.dcMaxPowerKW == 150 && file.groups[1].vehicles?.capacityKWh == 60...100)
        #expect(file.groups[1].sessions?.endsBy == .energy && file.groups[1].sessions?.meanIntervalSeconds == 120)
        #expect(file.groups[1].idPattern == nil, "left to the flags")
    }

    @Test func jsonIsAFleetFileToo() throws {
        let file = try FleetFile(parsing: #"{"groups": [{"count": 2, "connectors": 4, "vendor": "ACME"}]}"#)
        #expect(file.groups.first?.connectors == 4 && file.groups.first?.vendor == "ACME")
    }

    @Test func mistakesAreRefusedWithWhereTheyAre() {
        let cases: [(String, String)] = [
            ("groups:\n  - count: 2\n    conectors: 4\n", "groups.0.conectors: unknown key"),
            ("groups:\n  - idPattern: X{00}\n", "groups.0: count is required"),
            ("groups: []\n", "at least one group"),
            ("seed: 1\ngroups:\n  - count: two\n", "groups.0.count"),
            ("grups:\n  - count: 2\n", "grups: unknown key"),
        ]
        for (text, expected) in cases {
            #expect {
                try FleetFile(parsing: text)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }
}
