import Glibc
import Threads

/// The process metrics every Prometheus client library exports under the same names (`process_*`), so the
/// usual dashboards and alerts work: read from Linux's /proc at scrape time.
struct ProcessMetrics: Equatable {
    var cpuSeconds: Double
    var residentMemoryBytes: Double
    var virtualMemoryBytes: Double
    /// Since the Unix epoch.
    var startTimeSeconds: Double

    /// The fields of `/proc/<pid>/stat` that matter here; nil if the text is not such a line. The command
    /// name (field 2) is in parentheses and may itself hold spaces and parentheses, so the fields are
    /// counted from the last `)`.
    init?(stat: String, bootTime: Double, ticksPerSecond: Double, pageSize: Double) {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // Field 3 (the state) comes first here: field n is at index n - 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? {
            number - 3 < fields.count ? Double(fields[number - 3]) : nil
        }
        guard let user = field(14), let system = field(15), let start = field(22), let virtual = field(23),
            let resident = field(24)
        else { return nil }
        cpuSeconds = (user + system) / ticksPerSecond
        startTimeSeconds = bootTime + start / ticksPerSecond
        virtualMemoryBytes = virtual
        residentMemoryBytes = resident * pageSize
    }

    /// The boot time (`btime`, seconds since the epoch) from the text of `/proc/stat`.
    static func bootTime(procStat: String) -> Double? {
        for line in procStat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst("btime ".count))
        }
        return nil
    }

    /// This process's figures now, nil where /proc cannot be read.
    static func current() -> ProcessMetrics? {
        guard let stat = readFile("/proc/self/stat"), let procStat = readFile("/proc/stat"),
            let bootTime = bootTime(procStat: String(decoding: procStat, as: UTF8.self))
        else { return nil }
        return ProcessMetrics(
            stat: String(decoding: stat, as: UTF8.self), bootTime: bootTime,
            ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))), pageSize: Double(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// Open file descriptors: the entries of /proc/self/fd (the one that lists them included, as in
    /// Prometheus' Go client).
    static func openFileDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2E], name != [0x2E, 0x2E] { count += 1 }
        }
        return count
    }

    /// The soft limit on open file descriptors (RLIMIT_NOFILE), the one that makes `open` fail.
    static func maximumFileDescriptors() -> Double? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Double(limit.rlim_cur)
    }
}
