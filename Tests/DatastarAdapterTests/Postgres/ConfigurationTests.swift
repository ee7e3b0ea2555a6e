import DatastarNIO
import NIOCore
import PostgresNIO
import Testing

@testable import DatastarPostgres

@Suite("PostgresBackplane configuration: URLs and names")
struct ConfigurationTests {
    @Test(
        "a bad URL throws invalidURL",
        arguments: [
            "",
            "not a url at all",
            "http://user@localhost/db",
            "postgres://localhost/db",
            "postgres://user@/db",
            "postgres://user@localhost:0/db",
            "postgres://user@localhost/db/extra",
            "postgres://user@localhost/db?sslmode=sometimes",
            "postgres://user@localhost/db?pool_size=3",
            "postgres://user@localhost/db?connect_timeout=soon",
            "postgres://user@/db?host=relative/dir",
        ]
    )
    func badURL(url: String) {
        #expect {
            _ = try PostgresBackplane(url: url)
        } throws: { error in
            guard let error = error as? PostgresBackplaneError, case .invalidURL = error else { return false }
            return true
        }
    }

    @Test("the reason does not repeat the password")
    func reasonHidesPassword() {
        do {
            _ = try PostgresBackplane.connectionConfiguration(url: "postgres://user:s3cret@localhost/db?oops=1")
            Issue.record("no error")
        } catch {
            #expect(!error.description.contains("s3cret"))
            #expect(error.description.contains("oops"))
        }
    }

    @Test(
        "a bad channel name throws invalidChannelName",
        arguments: [
            "", "1abc", "bad-name", "has space", "x\"; DROP TABLE y; --", "ünïcode", String(repeating: "c", count: 64),
        ]
    )
    func badChannel(name: String) {
        #expect(throws: PostgresBackplaneError.invalidChannelName(name)) {
            _ = try PostgresBackplane(url: "postgres://user@localhost/db", channel: name)
        }
    }

    @Test("a bad table name throws invalidTableName", arguments: ["", "9t", "a.b", "t;", "\"t\""])
    func badTable(name: String) {
        #expect(throws: PostgresBackplaneError.invalidTableName(name)) {
            _ = try PostgresBackplane(url: "postgres://user@localhost/db", payloadTable: name)
        }
    }

    @Test("good names are kept as they are")
    func goodNames() throws {
        let backplane = try PostgresBackplane(
            url: "postgres://user@localhost/db",
            channel: "Hub_2",
            payloadTable: "_payloads" + String(repeating: "x", count: 54)
        )
        #expect(backplane.channel == "Hub_2")
        #expect(backplane.payloadTable.utf8.count == 63)
        let defaults = try PostgresBackplane(url: "postgres://user@localhost/db")
        #expect(defaults.channel == "datastar_hub")
        #expect(defaults.payloadTable == "datastar_hub_payloads")
    }

    @Test("a URL's parts reach the connection configuration, percent-decoded")
    func urlParts() throws {
        let configuration = try PostgresBackplane.connectionConfiguration(
            url: "postgresql://us%40er:p%3Ass%2Fw@db.example.com:6543/my%20db?sslmode=disable"
                + "&application_name=datastar&connect_timeout=3"
        )
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "us@er")
        #expect(configuration.password == "p:ss/w")
        #expect(configuration.database == "my db")
        #expect(!configuration.tls.isAllowed)
        #expect(configuration.options.connectTimeout == .seconds(3))
        #expect(configuration.options.additionalStartupParameters.contains { $0 == ("application_name", "datastar") })

        let minimal = try PostgresBackplane.connectionConfiguration(url: "postgres://postgres@127.0.0.1")
        #expect(minimal.port == 5432)
        #expect(minimal.password == nil)
        #expect(minimal.database == nil)

        let tls = try PostgresBackplane.connectionConfiguration(url: "postgres://u@h/db?sslmode=require")
        #expect(tls.tls.isEnforced)
        let preferred = try PostgresBackplane.connectionConfiguration(url: "postgres://u@h/db?sslmode=prefer")
        #expect(preferred.tls.isAllowed && !preferred.tls.isEnforced)

        let socket = try PostgresBackplane.connectionConfiguration(url: "postgres://u@/db?host=/run/postgresql/")
        #expect(socket.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(socket.host == nil)
    }

    @Test("a second attach is ignored: the first hub keeps the backplane")
    func secondAttach() throws {
        let backplane = try PostgresBackplane(url: "postgres://user@localhost/db")
        backplane.attach(origin: "first") { _ in }
        backplane.attach(origin: "second") { _ in }
        // Nothing observable beyond the log but that it does not crash; the wire test below
        // checks that the first origin is the one filtered.
    }

    @Test("the queue is bounded by count and by bytes; what does not fit is dropped")
    func boundedQueue() throws {
        var options = PostgresBackplane.Options()
        options.maxQueuedMessages = 3
        let byCount = try PostgresBackplane(url: "postgres://user@localhost/db", options: options)
        for index in 0..<5 {
            byCount.publish(message("t", "payload \(index)", eventID: "\(index)", origin: "o"))
        }
        #expect(byCount.queuedMessageCount == 3)
        #expect(byCount.droppedMessageCount == 2)

        options = PostgresBackplane.Options()
        options.maxQueuedBytes = 3_000
        let byBytes = try PostgresBackplane(url: "postgres://user@localhost/db", options: options)
        let kilobyte = String(repeating: "x", count: 1_000)
        for index in 0..<5 {
            byBytes.publish(message("t", kilobyte, eventID: "\(index)", origin: "o"))
        }
        #expect(byBytes.queuedMessageCount == 2)
        #expect(byBytes.droppedMessageCount == 3)
    }

    @Test("waitForStatus ends with CancellationError when its task is cancelled")
    func waitCancels() async throws {
        let backplane = try PostgresBackplane(url: "postgres://user@localhost/db")
        let task = Task { try await backplane.waitUntilListening() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("run() keeps retrying an unreachable server and returns promptly when cancelled", .timeLimit(.minutes(1)))
    func unreachable() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        var options = PostgresBackplane.Options()
        options.initialReconnectDelay = .milliseconds(10)
        options.maxReconnectDelay = .milliseconds(50)
        let backplane = try PostgresBackplane(
            url: "postgres://user@127.0.0.1:\(port)/db?connect_timeout=1",
            options: options,
            logger: {
                var logger = testLogger
                logger.logLevel = .error
                return logger
            }()
        )
        backplane.publish(message("t", "queued", origin: "o"))
        let task = Task { try await backplane.run() }
        try await Task.sleep(for: .milliseconds(300))  // let it fail a few times (nothing to await)
        #expect(backplane.status == .init())
        #expect(backplane.queuedMessageCount == 1)
        let cancelled = ContinuousClock.now
        task.cancel()
        try await withTimeout(5, "run() to return") { try await task.value }
        #expect(ContinuousClock.now - cancelled < .seconds(2))
        #expect(backplane.queuedMessageCount == 1, "a message not sent stays queued")
    }
}
