import Testing

@testable import ControlAPI

@Suite("Process metrics and the exposition format")
struct TelemetryTests {
    /// A real line's shape, with a command name that holds a space and a parenthesis.
    static let stat =
        "4242 (cp (test) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0 12345 987654321 5120 "
        + "18446744073709551615 1 1 0 0 0 0 0 4096 17640 0 0 0 17 1 0 0 0 0 0"

    @Test("/proc/self/stat: CPU ticks to seconds, pages to bytes, start ticks after boot to the epoch")
    func statFields() throws {
        let metrics = try #require(ProcessMetrics(stat: Self.stat, bootTime: 1_700_000_000, ticksPerSecond: 100, pageSize: 4096))
        #expect(metrics.cpuSeconds == 3.25)
        #expect(metrics.residentMemoryBytes == 5120 * 4096)
        #expect(metrics.virtualMemoryBytes == 987_654_321)
        #expect(metrics.startTimeSeconds == 1_700_000_123.45)
    }

    @Test("a truncated or foreign line is no stat line")
    func notStat() {
        #expect(ProcessMetrics(stat: "4242 (cp) S 1 2 3", bootTime: 0, ticksPerSecond: 100, pageSize: 4096) == nil)
        #expect(ProcessMetrics(stat: "no parenthesis at all", bootTime: 0, ticksPerSecond: 100, pageSize: 4096) == nil)
    }

    @Test("btime from /proc/stat")
    func bootTime() {
        #expect(ProcessMetrics.bootTime(procStat: "cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n") == 1_700_000_000)
        #expect(ProcessMetrics.bootTime(procStat: "cpu  1 2 3\n") == nil)
    }

    @Test("this process: figures that make sense")
    func current() throws {
        let metrics = try #require(ProcessMetrics.current())
        #expect(metrics.residentMemoryBytes > 1_000_000)
        #expect(metrics.virtualMemoryBytes >= metrics.residentMemoryBytes)
        #expect(metrics.cpuSeconds >= 0)
        #expect(metrics.startTimeSeconds > 1_600_000_000)
        #expect(try #require(ProcessMetrics.openFileDescriptors()) >= 3)
        #expect(try #require(ProcessMetrics.maximumFileDescriptors()) >= 3)
    }

    @Test("families: HELP and TYPE once, labels escaped, whole numbers without a fraction")
    func exposition() {
        var exposition = Exposition()
        exposition.family("x_total", .counter, help: "a \\ b\nc", [
            (labels: [("a", "q\"\\\n")], value: 3), (labels: [("a", "b")], value: 0.5),
        ])
        exposition.family("y", .gauge, help: "y", 1e16)
        exposition.family("none", .gauge, help: "left out", [])
        #expect(exposition.text == """
            # HELP x_total a \\\\ b\\nc
            # TYPE x_total counter
            x_total{a="q\\"\\\\\\n"} 3
            x_total{a="b"} 0.5
            # HELP y y
            # TYPE y gauge
            y 1e+16

            """)
        #expect(Exposition.number(-2) == "-2")
        #expect(Exposition.number(.nan) == "NaN")
        #expect(Exposition.number(-.infinity) == "-Inf")
    }
}
