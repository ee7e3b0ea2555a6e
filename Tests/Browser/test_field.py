"""The demo as it meets the field: many windows of one browser (which share its connections),
over HTTP/1.1 and over HTTP/2; a restart of the server under open pages; narrow screens, long
form fields, and a submit while a validation is on its way. No console error anywhere, but
the network errors a restart causes, which are named precisely (`restart_noise`).

Every wait is an explicit wait on the page's state (see demo.py); scripts/browser-test bounds
the whole run in time.
"""

import os
import re
import signal
import time
import unittest

from demo import Browser, DemoServer, click_js, set_field_js

# A restarted server: every page must be live again within this many seconds of the new
# process listening, by itself.
RESTART_LIMIT = 5.0


def open_windows(server, count, tls):
    """One browser session with `count` windows on the demo, each live (its stream delivers)
    and counted by the server. Returns (browser, windows); windows[0] is the session's own."""
    browser = Browser(tls=tls)
    try:
        windows = [browser] + [browser.window() for _ in range(count - 1)]
        for window in windows:
            window.driver.get(server.base + "/")
        for index, window in enumerate(windows):
            window.wait_js(f"{LIVE} && document.getElementById('stat-board').textContent === '{count}'",
                           f"window {index} is live and counts {count} pages")
        return browser, windows
    except BaseException:
        browser.quit()
        raise


# The page's stream delivers: the badge says live.
LIVE = "document.getElementById('connection').dataset.state === 'live'"


def cell_is(cell, checked):
    return f"document.getElementById('cell-{cell}').checked === {'true' if checked else 'false'}"


def check_windows_live_and_interactive(test, windows, protocol):
    """Every window: loaded over `protocol`, visible, live, its live view moving; a toggle in
    one shows in all; each window's own validation POST answers it.

    Windows are waited on in turn, each with one in-page wait (`wait_js`) while all of them
    progress at once, and clicked and typed into with DOM events: WebDriver's own clicks and
    keystrokes in a window other than the focused one take seconds each (test_demo.py clicks
    and types with WebDriver)."""
    count = len(windows)
    for index, window in enumerate(windows):
        loaded = window.js("window.__sample = document.getElementById('live-sample').textContent;"
                           "return [performance.getEntriesByType('navigation')[0].nextHopProtocol,"
                           "document.visibilityState]")
        test.assertEqual(loaded, [protocol, "visible"], f"window {index}: protocol and visibility")
    for index, window in enumerate(windows):
        window.wait_js(f"{LIVE} && document.getElementById('live-sample').textContent !== window.__sample",
                       f"window {index}'s live view moves")

    for clicker, cell in ((0, 21), (count - 1, 22)):
        before = windows[clicker].checked(cell)
        windows[clicker].js(click_js(f"cell-{cell}"))
        for index, window in enumerate(windows):
            window.wait_js(cell_is(cell, not before), f"window {index} sees cell {cell}, clicked in window {clicker}")

    for index, window in enumerate(windows):
        window.wait_js("document.getElementById('username-error').textContent.includes('At least 3 characters')",
                       f"window {index}'s validation answers", first=set_field_js("username", "ad"))

    # Both cells back from the second window; each window clears its field.
    back = [(cell, windows[1].checked(cell)) for cell in (21, 22)]
    windows[1].js("".join(click_js(f"cell-{cell}") for cell, _ in back))
    for index, window in enumerate(windows):
        window.wait_js(" && ".join([cell_is(cell, not state) for cell, state in back]
                                   + ["document.getElementById('username-error').textContent === ''"]),
                       f"window {index} sees both cells back and its message cleared",
                       first=set_field_js("username", ""))


class WindowsTest(unittest.TestCase):
    """`COUNT` windows of one browser on one demo process."""

    COUNT = 0
    TLS = False
    PROTOCOL = ""

    @classmethod
    def setUpClass(cls):
        if not cls.COUNT:
            raise unittest.SkipTest("abstract")
        cls.server = DemoServer(tls=cls.TLS)
        try:
            cls.browser, cls.windows = open_windows(cls.server, cls.COUNT, cls.TLS)
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "browser", None):
            cls.browser.quit()
        if getattr(cls, "server", None):
            cls.server.stop()

    def test_windows_are_live_and_interactive(self):
        started = time.monotonic()
        check_windows_live_and_interactive(self, self.windows, self.PROTOCOL)
        print(f"\n  {self.COUNT} windows over {self.PROTOCOL}: checked in {time.monotonic() - started:.1f} s")
        self.assertEqual(self.browser.console_errors(), [], "the session logged errors")


class TenWindowsOverHTTP2(WindowsTest):
    """Ten windows of one browser over HTTP/2 (`--tls`): one connection carries every page."""

    COUNT = 10
    TLS = True
    PROTOCOL = "h2"


class FiveWindowsOverHTTP1(WindowsTest):
    """Five windows of one browser over HTTP/1.1: five streams, five of the browser's six
    connections to the host, and the sixth left for everything else."""

    COUNT = 5
    TLS = False
    PROTOCOL = "http/1.1"


# What a restart may log, and nothing else: the browser's own line for the stream's request
# that failed (cut: closed, reset, an HTTP/1.1 body cut short, an HTTP/2 stream reset or
# refused; or refused while no process listens), and the Datastar client's two lines as it
# retries ("<message of the error>", then "Datastar failed to reach <url> retrying in <n>ms.").
NETWORK_ERRORS = (
    r"net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|"
    r"INCOMPLETE_CHUNKED_ENCODING|HTTP2_PROTOCOL_ERROR|HTTP2_SERVER_REFUSED_STREAM)\b"
)


def restart_noise(base, start, end):
    """A predicate over console entries: true for what the restart of the server at `base`
    causes, logged between `start` and `end` (time.time()). The URLs must be the page's
    stream, `<base>/updates?...`."""
    stream = re.escape(base) + r"/updates\?"
    patterns = [
        re.compile(stream + r"\S* - Failed to load resource: " + NETWORK_ERRORS),
        re.compile(stream + r"\S* " + NETWORK_ERRORS),
        re.compile(r'"Datastar failed to reach ' + stream + r'\S* retrying in \d+ms\."'),
        # Before that line, the client logs the message of fetch's TypeError alone, from its
        # own source (a cut response: "network error"; a refused connection: "Failed to fetch").
        re.compile(re.escape(base) + r'/datastar\.js \d+:\d+ "(network error|Failed to fetch)"$'),
    ]

    def allowed(entry):
        return (start * 1000 <= entry["timestamp"] <= end * 1000
                and any(pattern.search(entry["message"]) for pattern in patterns))
    return allowed


# Records the page's connection states as the badge shows them, with the time of each.
RECORD_STATES = """
window.__restartMarker = arguments[0];
window.__states = [];
const badge = document.getElementById('connection');
new MutationObserver(() => window.__states.push([badge.getAttribute('data-state'), Date.now()]))
  .observe(badge, {attributes: true, attributeFilter: ['data-state']});
"""


class RestartTest(unittest.TestCase):
    """Pages open in three windows of one browser; the demo stops with `SIGNAL` and a new
    process starts on the same port. Every page must be live again by itself (no reload)
    within RESTART_LIMIT seconds of the new process listening, show the new process's board,
    and its badge must have said so: retrying, then live.

    With SIGTERM this needs the SDK to end long-lived streams at shutdown as a network error
    would (the client retries only then); a stream that ends normally is never reopened.
    SIGKILL (a crash) cuts the connections, which the client retries anyway."""

    SIGNAL = None
    TLS = False
    WINDOWS = 3

    def setUp(self):
        if self.SIGNAL is None:
            raise unittest.SkipTest("abstract")
        self.servers = [DemoServer(tls=self.TLS)]
        # Cleanups run however setUp or the test ends: the browser first, then the servers.
        self.addCleanup(lambda: [server.stop() for server in self.servers])
        self.browser, self.windows = open_windows(self.servers[0], self.WINDOWS, self.TLS)
        self.addCleanup(self.browser.quit)

    def test_pages_come_back_by_themselves(self):
        old = self.servers[0]
        windows = self.windows
        # The old process's board: cells 3 and 5 checked, version 2, so that each page has a
        # Last-Event-ID of the old process to send when it reconnects.
        for cell in (3, 5):
            windows[0].click(f"cell-{cell}")
            for window in windows:
                window.wait(lambda w=window: w.checked(cell), f"cell {cell} checked before the restart")
        for window in windows:
            window.wait_text("board-version", lambda v: v == "2", "shows version 2 before the restart")
            window.js(RECORD_STATES, "same page")
        self.assertEqual(self.browser.console_errors(), [], "errors before the restart")

        stopped_at = time.time()
        took = old.stop(self.SIGNAL, timeout=10)
        self.assertLess(took, 5, f"the demo took {took:.1f} s to exit after {self.SIGNAL.name}")
        new = DemoServer(port=old.port, tls=self.TLS)
        self.servers.append(new)
        self.assertEqual(new.base, old.base)

        for index, window in enumerate(windows):
            def back(w=window):
                states = w.js("return window.__states")
                if any(state == "ended" for state, _ in states):
                    # Never retried: no use waiting.
                    raise AssertionError(f"the stream ended: {states}")
                live = [at for state, at in states if state == "live"]
                return live and live[-1] >= new.listening_at - 0.5 and w.text("board-version") == "0"
            try:
                window.wait(back, f"window {index} is live on the new process", timeout=RESTART_LIMIT + 10)
            except AssertionError:  # not in time, or the stream ended
                states = window.js("return window.__states")
                raise AssertionError(
                    f"window {index} is not live on the new process; its states: {states} "
                    f"(stopped at {stopped_at:.1f}, new process listening at {new.listening_at:.1f}); "
                    f"'ended' means the old process ended the stream normally, which the client "
                    f"never retries") from None

        delays = []
        for index, window in enumerate(windows):
            states = window.js("return window.__states")
            self.assertEqual(window.js("return window.__restartMarker"), "same page", "the page was not reloaded")
            names = [state for state, _ in states]
            self.assertIn("retrying", names, f"window {index}'s badge said it was retrying: {states}")
            first_retrying = names.index("retrying")
            self.assertIn("live", names[first_retrying:], f"window {index}'s badge went live after: {states}")
            live_at = [at for state, at in states if state == "live"][-1] / 1000
            delays.append(live_at - new.listening_at)
            # The new process's board: empty, version 0.
            self.assertEqual(window.board(), [False] * 60, f"window {index} shows the new process's board")
            self.assertEqual(window.text("board-count"), "0")
            window.wait_changes("live-sample", times=1)
        print(f"\n  {self.SIGNAL.name}{' over HTTP/2' if self.TLS else ''}: "
              f"old process exited in {took:.2f} s; new one listening "
              f"{new.listening_at - stopped_at:.2f} s after the signal; pages live "
              + ", ".join(f"{delay:.2f}" for delay in delays) + " s after it listened")
        for index, delay in enumerate(delays):
            self.assertLessEqual(delay, RESTART_LIMIT, f"window {index} took {delay:.2f} s to be live again")

        # The restart's errors come between the signal and the last page going live.
        last_live = new.listening_at + max(delays)
        self.browser.read_console()
        # The new process answers the pages' requests: a toggle shows in every window.
        windows[-1].click("cell-0")
        for index, window in enumerate(windows):
            window.wait(lambda w=window: w.checked(0), f"window {index} sees a toggle on the new process")
        problems = self.browser.console_errors(allowed=restart_noise(old.base, stopped_at, last_live + 0.5))
        self.assertEqual(problems, [], "the session logged errors beyond the restart's network errors")


class RestartAfterSIGTERM(RestartTest):
    """A deploy: SIGTERM, then the new process (needs the SDK's shutdown change)."""

    SIGNAL = signal.SIGTERM


class RestartAfterSIGTERMOverHTTP2(RestartTest):
    """A deploy over HTTP/2 (needs the SDK's shutdown change)."""

    SIGNAL = signal.SIGTERM
    TLS = True


class RestartAfterCrash(RestartTest):
    """A crash: SIGKILL, then the new process."""

    SIGNAL = signal.SIGKILL


class PageFixes(unittest.TestCase):
    """One window of its own on one demo process."""

    @classmethod
    def setUpClass(cls):
        cls.server = DemoServer()
        try:
            cls.browser, _ = open_windows(cls.server, 1, tls=False)
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "browser", None):
            cls.browser.quit()
        cls.server.stop()

    def setUp(self):
        self.page = self.browser
        self.page.driver.get(self.server.base + "/")
        self.page.wait(lambda: self.page.connection() == "live", "the page is live")

    def tearDown(self):
        self.page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.assertEqual(self.page.console_errors(), [], "the page logged errors")

    def test_narrow_window_does_not_scroll_sideways(self):
        page = self.page
        page.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 420, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        page.wait(lambda: page.js("return window.innerWidth") == 420, "the window is 420 px wide")
        wide = ("return [...document.querySelectorAll('body *')].filter(e => "
                "e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)"
                ".map(e => e.id || e.className || e.tagName).slice(0, 10)")
        for mode in ("push", "pull", "push"):
            page.click(f"mode-{mode}")
            page.wait(lambda m=mode: page.attribute("live-driver", "data-mode") == m, f"the live view is in {mode} mode")
            page.wait(lambda: page.connection() == "live", "the stream is live again")
            width = page.js("return document.documentElement.scrollWidth")
            self.assertLessEqual(width, 420, f"the page is {width} px wide at 420 px ({mode}): {page.js(wide)}")
        path = os.path.join(os.path.dirname(os.environ.get("SCREENSHOT", "demo.png")), "demo-420.png")
        self.assertTrue(page.driver.save_screenshot(path))

    def test_gets_send_no_signals_and_inputs_have_limits(self):
        page = self.page
        limits = page.js("return ['username', 'email', 'age'].map(id => document.getElementById(id).maxLength)")
        self.assertEqual(limits, [20, 254, 3])
        # A field far longer than a URL may be (the limit does not hold for a script or
        # devtools): GETs must not carry it.
        page.js("const e = document.getElementById('username'); e.value = 'x'.repeat(100000);"
                "e.dispatchEvent(new Event('input', {bubbles: true}))")
        page.wait_text("username-error", lambda v: "At most 20 characters" in v, "says the name is too long")
        page.click("mode-pull")
        page.wait(lambda: page.attribute("live-driver", "data-mode") == "pull", "the switch answered")
        page.wait_text("stat-polls", lambda v: float(v) > 0, "counts polls")
        page.wait_changes("live-sample", times=2)
        page.click("mode-push")
        page.wait(lambda: page.attribute("live-driver", "data-mode") == "push", "the switch answered again")
        page.wait(lambda: page.connection() == "live", "the stream reopened")
        before = page.checked(9)
        page.click("cell-9")
        page.wait(lambda: page.checked(9) == (not before), "a toggle answers")
        page.click("cell-9")
        page.wait(lambda: page.checked(9) == before, "and back")
        urls = page.js("return performance.getEntriesByType('resource').map(e => e.name)"
                       ".filter(u => /\\/(updates|live)\\//.test(u) || u.includes('/updates?'))")
        self.assertTrue(urls)
        for url in urls:
            self.assertLess(len(url), 200, f"a GET carries signals: {url[:200]}")
        page.js("const e = document.getElementById('username'); e.value = '';"
                "e.dispatchEvent(new Event('input', {bubbles: true}))")
        page.wait_text("username-error", lambda v: v == "", "the message is cleared")

    def test_enter_while_validating_logs_nothing(self):
        page = self.page
        # Counts the validations that finished, whether or not their element is still there.
        page.js("window.__validations = 0; document.addEventListener('datastar-fetch', e => {"
                "if (e.detail.type === 'finished' && e.detail.el.classList.contains('fields')) window.__validations++})")
        page.type("username", f"enter-{int(time.time() * 1000) % 100000}")
        page.type("email", "ada@example.com")
        page.wait(lambda: page.js("return window.__validations") >= 1, "a validation answered")
        # The last keys and Enter at once: the form is submitted (and replaced by the welcome)
        # while the validation of those keys is still to come.
        seen = page.js("return window.__validations")
        page.type("age", "36\n")
        page.wait_text("welcome", lambda v: "Welcome aboard" in v, "welcomes the new member")
        page.wait(lambda: page.js("return window.__validations") > seen, "the late validation answered")
        page.wait(lambda: page.connection() == "live", "the page is still live")
        self.assertEqual(page.console_errors(), [], "the late validation logged errors")
        page.click("signup-again")
        page.wait(lambda: page.js("return document.getElementById('username')?.value") == "", "the form is back")
        self.assertEqual([page.text(f"{field}-error") for field in ("username", "email", "age")], ["", "", ""])

    def test_connection_badge_says_live(self):
        page = self.page
        self.assertEqual(page.text("connection-label"), "live")
        self.assertTrue(page.js("return document.getElementById('connection-banner').hidden"))


if __name__ == "__main__":
    unittest.main()
