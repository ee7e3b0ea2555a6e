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
import NIOConcurrencyHelpers

/// The sign-up form's signals, as the page sends them: `{username, email, age}`. A missing
/// field reads as empty; `age` may come as a number or a string.
struct SignupSignals: Decodable, Sendable {
    var username: String
    var email: String
    var age: String

    init(username: String = "", email: String = "", age: String = "") {
        self.username = username
        self.email = email
        self.age = age
    }

    private enum CodingKeys: String, CodingKey {
        case username, email, age
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        username = try container.decodeIfPresent(String.self, forKey: .username) ?? ""
        email = try container.decodeIfPresent(String.self, forKey: .email) ?? ""
        if let text = try? container.decodeIfPresent(String.self, forKey: .age) {
            age = text
        } else if let number = try? container.decodeIfPresent(Int.self, forKey: .age) {
            age = String(number)
        } else {
            age = ""
        }
    }
}

/// The sign-up form: the browser holds the fields as signals, the server validates them and
/// patches the messages in.
final class SignupForm: Sendable {
    /// Names nobody may take: the server knows them, the browser does not.
    static let reserved: Set<String> = ["admin", "root", "datastar", "swift"]

    /// The members signed up so far, in this process.
    private let members = NIOLockedValueBox<[String]>([])

    /// The messages for each field; `nil` where the field is fine.
    struct Problems: Sendable, Equatable {
        var username: String?
        var email: String?
        var age: String?

        var isEmpty: Bool { username == nil && email == nil && age == nil }
    }

    /// Validates the fields. While the user types (`final` false) an empty field is not an
    /// error yet; on submit (`final` true) every field is required.
    func validate(_ signals: SignupSignals, final: Bool) -> Problems {
        var problems = Problems()
        let username = signals.username.trimmingWhitespace()
        if username.isEmpty {
            if final { problems.username = "Choose a username." }
        } else if username.count < 3 {
            problems.username = "At least 3 characters, please."
        } else if username.count > Self.maxLength.username {
            problems.username = "At most \(Self.maxLength.username) characters, please."
        } else if !username.unicodeScalars.allSatisfy({
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }) {
            problems.username = "Lowercase letters, digits and - only."
        } else if isTaken(username) {
            problems.username = "“\(username)” is taken. Try another."
        }

        let email = signals.email.trimmingWhitespace()
        if email.isEmpty {
            if final { problems.email = "We need an email address." }
        } else if email.count > Self.maxLength.email {
            problems.email = "At most \(Self.maxLength.email) characters, please."
        } else if !Self.looksLikeEmail(email) {
            problems.email = "That does not look like an email address."
        }

        let age = signals.age.trimmingWhitespace()
        if age.isEmpty {
            if final { problems.age = "How old are you?" }
        } else if let years = Int(age) {
            if years < 13 {
                problems.age = "You must be 13 or older."
            } else if years > 130 {
                problems.age = "130 at most. Are you sure?"
            }
        } else {
            problems.age = "A whole number, please."
        }
        return problems
    }

    /// Whether `name` is reserved or already a member.
    func isTaken(_ name: String) -> Bool {
        Self.reserved.contains(name) || members.withLockedValue { $0.contains(name) }
    }

    /// Signs up `name`; returns the member number, or `nil` when someone took it first.
    func register(_ name: String) -> Int? {
        members.withLockedValue { members in
            if Self.reserved.contains(name) || members.contains(name) { return nil }
            members.append(name)
            return members.count
        }
    }

    /// `local@domain.tld`, with no spaces.
    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(" ") else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }

    // MARK: Rendering

    /// The longest value each field takes (`maxlength`); the server checks them all the same.
    static let maxLength = (username: 20, email: 254, age: 3)

    /// The messages, as the local signal `_problems` (`{username, email, age}`, empty where
    /// the field is fine). The page shows them with `data-text`; a signal has no target to
    /// miss, so a validation that answers after the form was replaced (the user pressed
    /// Enter while it was on its way) changes nothing on the page and logs no error. Its
    /// name starts with `_`, so the browser never sends it back.
    static func problemsPatch(_ problems: Problems) throws -> DatastarEvent {
        try .patchSignals(json: [
            "_problems": [
                "username": .string(problems.username ?? ""),
                "email": .string(problems.email ?? ""),
                "age": .string(problems.age ?? ""),
            ]
        ])
    }

    /// The signals of an empty form: the fields and their messages.
    static func resetPatch() throws -> DatastarEvent {
        try .patchSignals(json: [
            "username": "", "email": "", "age": "",
            "_problems": ["username": "", "email": "", "age": ""],
        ])
    }

    /// The form's signals as the page declares them (`data-signals`).
    static let signals = "username: '', email: '', age: '', _problems: {username: '', email: '', age: ''}"

    /// The form, bound to the signals `username`, `email` and `age`; each field's message
    /// shows `$_problems.<field>`. Typing validates (debounced) on the fields' container;
    /// submitting posts from the form: two elements, so a late validation never cancels a
    /// submit.
    static func renderForm() -> String {
        func field(
            _ name: String,
            _ label: String,
            _ type: String,
            _ placeholder: String,
            maxLength: Int,
            _ extra: String = ""
        ) -> String {
            """
            <label class="field" for="\(name)"><span>\(label)</span>\
            <input id="\(name)" name="\(name)" type="\(type)" placeholder="\(placeholder)" autocomplete="off" \
            maxlength="\(maxLength)" data-bind:\(name)\(extra)>\
            <p id="\(name)-error" class="error" role="alert" data-text="$_problems.\(name)"></p></label>
            """
        }
        return """
            <div id="signup"><form id="signup-form" novalidate \
            data-on:submit__prevent="\(DatastarAction.post("/signup"))">\
            <div class="fields" data-on:input__debounce.300ms="\(DatastarAction.post("/signup/validate"))">\
            \(field("username", "Username", "text", "ada-lovelace", maxLength: maxLength.username))\
            \(field("email", "Email", "email", "ada@example.com", maxLength: maxLength.email))\
            \(field("age", "Age", "text", "36", maxLength: maxLength.age, #" inputmode="numeric""#))\
            </div>\
            <button type="submit" class="primary" id="signup-submit">Create account</button>\
            </form></div>
            """
    }

    /// What replaces the form after a successful sign-up.
    static func renderWelcome(name: String, number: Int) -> String {
        """
        <div id="signup"><div class="welcome" id="welcome">\
        <div class="check">✓</div><div><b>Welcome aboard, \(HTML.escape(name))!</b>\
        <p class="muted">You are member #\(number) of this process. “\(HTML.escape(name))” is now taken.</p></div>\
        <button type="button" id="signup-again" \
        data-on:click="\(DatastarAction.get("/signup/form", .init(includeSignals: "^$")))">Sign up another</button>\
        </div></div>
        """
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
