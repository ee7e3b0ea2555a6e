//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-datastar open source project
//
// Copyright (c) 2026 the swift-datastar project authors
// Licensed under Apache License v2.0
//
// See LICENSE for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Datastar
import Testing

@Suite("DatastarAction", .timeLimit(.minutes(1)))
struct ActionTests {
    @Test func simpleGet() {
        #expect(DatastarAction.get("/x").description == "@get('/x')")
        #expect("\(DatastarAction.get("/feed"))" == "@get('/feed')")
    }

    @Test func allSixMethods() {
        #expect(DatastarAction.Method.allCases.map(\.rawValue) == ["get", "post", "put", "patch", "delete", "query"])
        #expect(DatastarAction.get("/a").description == "@get('/a')")
        #expect(DatastarAction.post("/a").description == "@post('/a')")
        #expect(DatastarAction.put("/a").description == "@put('/a')")
        #expect(DatastarAction.patch("/a").description == "@patch('/a')")
        #expect(DatastarAction.delete("/a").description == "@delete('/a')")
        #expect(DatastarAction.query("/a").description == "@query('/a')")
        #expect(DatastarAction.query("/a", .init(retry: .never)).description == "@query('/a', {retry: 'never'})")
        for method in DatastarAction.Method.allCases {
            #expect(DatastarAction(method, "/b").description == "@\(method.rawValue)('/b')")
        }
    }

    @Test func staticFunctionsMatchTheInitializer() {
        let options = DatastarAction.Options(contentType: .form)
        #expect(DatastarAction.post("/t", options) == DatastarAction(.post, "/t", options: options))
        #expect(DatastarAction.delete("/t") == DatastarAction(.delete, "/t"))
        #expect(DatastarAction.query("/t", options) == DatastarAction(.query, "/t", options: options))
    }

    @Test func defaultOptionsRenderNothing() {
        #expect(DatastarAction.post("/a", .init()).description == "@post('/a')")
        #expect(DatastarAction.post("/a", .init(headers: [])).description == "@post('/a')")
    }

    @Test(
        arguments: [
            (DatastarAction.Options(contentType: .json), "{contentType: 'json'}"),
            (.init(contentType: .form), "{contentType: 'form'}"),
            (.init(includeSignals: #"^user\."#), #"{filterSignals: {include: new RegExp('^user\\.')}}"#),
            (.init(excludeSignals: "^_"), "{filterSignals: {exclude: new RegExp('^_')}}"),
            (
                .init(includeSignals: "a", excludeSignals: "b"),
                "{filterSignals: {include: new RegExp('a'), exclude: new RegExp('b')}}"
            ),
            (.init(selector: "#my-form"), "{selector: '#my-form'}"),
            (.init(headers: [.init(name: "X-Token", value: "abc")]), "{headers: {'X-Token': 'abc'}}"),
            (
                .init(headers: [.init(name: "B", value: "2"), .init(name: "A", value: "1")]),
                "{headers: {'B': '2', 'A': '1'}}"
            ),
            (.init(openWhenHidden: true), "{openWhenHidden: true}"),
            (.init(openWhenHidden: false), "{openWhenHidden: false}"),
            (.init(retry: .auto), "{retry: 'auto'}"),
            (.init(retry: .error), "{retry: 'error'}"),
            (.init(retry: .always), "{retry: 'always'}"),
            (.init(retry: .never), "{retry: 'never'}"),
            (.init(retryInterval: .seconds(2)), "{retryInterval: 2000}"),
            (.init(retryInterval: .milliseconds(1500)), "{retryInterval: 1500}"),
            (.init(retryInterval: .microseconds(2500)), "{retryInterval: 2}"),
            (.init(retryInterval: .seconds(-1)), "{retryInterval: 0}"),
            (.init(retryInterval: .microseconds(999)), "{retryInterval: 0}"),
            (.init(retryInterval: .nanoseconds(-1)), "{retryInterval: 0}"),
            // Too long for an Int64 of milliseconds: saturates instead of trapping.
            (.init(retryInterval: .seconds(Int64.max / 100)), "{retryInterval: 9223372036854775807}"),
            (.init(retryInterval: .seconds(Int64.min / 100)), "{retryInterval: 0}"),
            (.init(retryScaler: 1.5), "{retryScaler: 1.5}"),
            (.init(retryScaler: 2), "{retryScaler: 2.0}"),
            (.init(retryScaler: .infinity), nil),
            (.init(retryScaler: .nan), nil),
            (.init(retryMaxWait: .seconds(30)), "{retryMaxWait: 30000}"),
            (.init(retryMaxWait: .seconds(Int64.max)), "{retryMaxWait: 9223372036854775807}"),
            (.init(retryMaxWait: .seconds(-Int64.max)), "{retryMaxWait: 0}"),
            (.init(retryMaxCount: 5), "{retryMaxCount: 5}"),
            (.init(cancelsPreviousRequest: true), "{requestCancellation: 'auto'}"),
            (.init(cancelsPreviousRequest: false), "{requestCancellation: 'disabled'}"),
        ] as [(DatastarAction.Options, String?)]
    )
    func eachOption(options: DatastarAction.Options, rendered: String?) {
        let expected = rendered.map { "@post('/a', \($0))" } ?? "@post('/a')"
        #expect(DatastarAction.post("/a", options).description == expected)
    }

    @Test func allOptionsInOrder() {
        let options = DatastarAction.Options(
            contentType: .form,
            includeSignals: "inc",
            excludeSignals: "exc",
            selector: "#f",
            headers: [.init(name: "X-A", value: "1"), .init(name: "X-B", value: "2")],
            openWhenHidden: true,
            retry: .error,
            retryInterval: .milliseconds(100),
            retryScaler: 3,
            retryMaxWait: .seconds(10),
            retryMaxCount: 7,
            cancelsPreviousRequest: false
        )
        #expect(
            DatastarAction.patch("/todo/1", options).description
                == "@patch('/todo/1', {contentType: 'form', filterSignals: {include: new RegExp('inc'), exclude: new RegExp('exc')}, selector: '#f', headers: {'X-A': '1', 'X-B': '2'}, openWhenHidden: true, retry: 'error', retryInterval: 100, retryScaler: 3.0, retryMaxWait: 10000, retryMaxCount: 7, requestCancellation: 'disabled'})"
        )
    }

    static let hostile = "/a'b\"c<d>e&f\ng\rh\\i\u{2028}j\u{2029}k"
    static let hostileLiteral = #"'/a\'b\u0022c\u003cd\u003ee\u0026f\u000ag\u000dh\\i\u2028j\u2029k'"#

    @Test func urlIsEscaped() {
        #expect(DatastarAction.get(Self.hostile).description == "@get(\(Self.hostileLiteral))")
    }

    @Test func optionStringsAreEscaped() {
        let options = DatastarAction.Options(
            includeSignals: Self.hostile,
            excludeSignals: Self.hostile,
            selector: Self.hostile,
            headers: [.init(name: Self.hostile, value: Self.hostile)]
        )
        let l = Self.hostileLiteral
        #expect(
            DatastarAction.put(Self.hostile, options).description
                == "@put(\(l), {filterSignals: {include: new RegExp(\(l)), exclude: new RegExp(\(l))}, selector: \(l), headers: {\(l): \(l)}})"
        )
    }

    @Test func outputIsSafeInADoubleQuotedAttribute() {
        let options = DatastarAction.Options(
            includeSignals: #"</"&'>"#,
            selector: "a\"b",
            headers: [.init(name: "X-\"<>&\n", value: "v\"<>&\r\n")]
        )
        for method in DatastarAction.Method.allCases {
            let text = DatastarAction(method, "/x?a=1&b=\"2\"<script>\n", options: options).description
            for forbidden: Character in ["\"", "<", ">", "&", "\n", "\r"] {
                #expect(!text.contains(forbidden), "\(text) contains \(forbidden)")
            }
            #expect(!text.unicodeScalars.contains("\u{2028}"))
        }
    }

    @Test func unicodeIsKept() {
        #expect(DatastarAction.get("/é/😀").description == "@get('/é/😀')")
    }
}
