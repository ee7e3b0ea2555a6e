"""Plain (non-SSE) responses in a real browser: the demo's /plain page, where each button gets
one `text/html`, `application/json` or `text/javascript` response that the real Datastar client
(1.0.1) applies once, as the `datastar-*` headers say. Also a QUERY request from Chromium.

Every wait is an explicit wait on the page's state (see demo.py); scripts/browser-test bounds
the whole run in time.
"""

import json
import unittest

from demo import Browser, DemoServer


class PlainResponses(unittest.TestCase):
    """One demo process and one Chromium session on its /plain page."""

    @classmethod
    def setUpClass(cls):
        cls.server = DemoServer()
        cls.browser = Browser()
        try:
            cls.browser.driver.get(cls.server.base + "/plain")
            # Datastar runs: data-text has replaced the placeholder with the signal.
            cls.browser.wait_text("plain-count", lambda v: v == "0", "shows the count signal")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "browser", None):
            cls.browser.quit()
        cls.server.stop()

    def tearDown(self):
        self.assertEqual(self.browser.console_errors(), [], "the page logged errors")

    def test_html_patches_elements_as_the_headers_say(self):
        b = self.browser
        b.click("plain-elements")
        b.wait_js("document.querySelectorAll('#plain-list li').length === 2", "one item appended")
        b.click("plain-elements")
        b.wait_js("document.querySelectorAll('#plain-list li').length === 3", "another item appended")
        # datastar-mode: append kept the first item and put the new ones after it.
        self.assertEqual(
            b.js("return [...document.querySelectorAll('#plain-list li')].map(e => e.textContent)"),
            ["first", "added by text/html", "added by text/html"],
        )

    def test_json_patches_signals_and_honours_only_if_missing(self):
        b = self.browser
        b.click("plain-signals")
        b.wait_text("plain-count", lambda v: v == "42", "shows the patched count")
        self.assertEqual(b.text("plain-word"), "json")
        # datastar-only-if-missing: true adds the new signal and leaves the existing one alone.
        b.click("plain-signals-if-missing")
        b.wait_text("plain-signals-json", lambda v: json.loads(v or "{}").get("plainAdded") == "only if missing",
                    "shows the added signal")
        self.assertEqual(json.loads(b.text("plain-signals-json"))["plainCount"], 42)
        self.assertEqual(b.text("plain-count"), "42")

    def test_javascript_runs_with_its_attributes(self):
        b = self.browser
        b.click("plain-script")
        b.wait_text("plain-script-result", lambda v: v == "ran, with its attributes", "shows what the script wrote")
        script = b.js(
            "const s = [...document.head.querySelectorAll('script')].find(e => e.dataset.greeting);"
            "return s ? s.getAttribute('data-greeting') : null")
        self.assertEqual(script, "ran, with its attributes")

    def test_long_response_is_compressed_and_applied(self):
        b = self.browser
        b.click("plain-long-button")
        b.wait_js("document.querySelectorAll('#plain-long li').length === 120", "the long list is patched in")
        # Same origin, so the browser reports what crossed the wire and what it decoded.
        sizes = b.js(
            "const e = performance.getEntriesByType('resource').find(e => e.name.endsWith('/plain/long') "
            "|| e.name.includes('/plain/long?'));"
            "return e ? [e.encodedBodySize, e.decodedBodySize] : null")
        self.assertIsNotNone(sizes)
        encoded, decoded = sizes
        self.assertLess(encoded * 4, decoded, f"the body was compressed ({encoded} of {decoded} bytes)")

    def test_query_request_from_the_browser(self):
        # Client 1.0.1 has no @query() (1.0.4 does): Chromium sends the QUERY itself, with the
        # signals in a JSON body as @query() sends them.
        b = self.browser
        b.driver.set_script_timeout(15)
        result = b.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            fetch('/plain/search', {
                method: 'QUERY',
                headers: {'Content-Type': 'application/json', 'Datastar-Request': 'true',
                          'Accept': 'text/event-stream, text/html, application/json'},
                body: JSON.stringify({text: 'swift'}),
            }).then(async r => done([r.status, r.headers.get('content-type'), await r.text()]))
              .catch(e => done(['failed', String(e), '']));
            """)
        status, content_type, body = result
        self.assertEqual(status, 200, result)
        self.assertEqual(content_type, "application/json")
        self.assertEqual(json.loads(body), {"plainFound": "found: swift"})


if __name__ == "__main__":
    unittest.main()
