"""The demo in real browsers: two Chromium sessions on one demo process (in-process hub), and
two sessions on two demo processes that share a PostgreSQL database. test_field.py has the
tests of many windows, HTTP/2, restarts, narrow screens and long fields.

Every wait is an explicit wait on the page's state (see demo.py); scripts/browser-test bounds
the whole run in time.
"""

import os
import unittest

from demo import Browser, DemoServer

# A heart on the 10 × 6 board, for the screenshot.
HEART = [
    "..XX..XX..",
    ".XXXXXXXX.",
    ".XXXXXXXX.",
    "..XXXXXX..",
    "...XXXX...",
    "....XX....",
]


def toggle_and_watch(clicker, others, cell):
    """`clicker` clicks a cell; it and every session in `others` (name, browser) see it flip.
    Returns the cell's new state."""
    before = clicker.checked(cell)
    clicker.click(f"cell-{cell}")
    for name, browser in [("the clicking session", clicker), *others]:
        browser.wait(lambda b=browser: b.checked(cell) == (not before), f"{name} sees cell {cell} toggled")
    return not before


def open_demo(browser, server, board_subscribers):
    """Loads the page and waits until Datastar runs: the page's stream is live, the live view
    moves, and the stats (which only that stream sends) count the expected pages of this
    process."""
    browser.driver.get(server.base + "/")
    browser.wait(lambda: browser.connection() == "live", "the page's stream is live")
    browser.wait_text("connection-label", lambda v: v == "live", "the badge says live")
    browser.wait_text("live-sample", lambda v: v.strip() != "", "shows a sample")
    browser.wait_changes("live-sample", times=1)
    browser.wait_text("stat-board", lambda v: v == str(board_subscribers),
                      f"counts {board_subscribers} board stream(s) in this process")


class InProcessDemo(unittest.TestCase):
    """One demo process with the in-process hub; sessions A and B are separate browsers."""

    @classmethod
    def setUpClass(cls):
        cls.server = DemoServer()
        cls.a = Browser()
        cls.b = Browser()
        try:
            open_demo(cls.a, cls.server, 1)
            open_demo(cls.b, cls.server, 2)
            cls.a.wait_text("stat-board", lambda v: v == "2", "counts both sessions' board streams")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for browser in (getattr(cls, "a", None), getattr(cls, "b", None)):
            if browser:
                browser.quit()
        cls.server.stop()

    def tearDown(self):
        for name, browser in (("A", self.a), ("B", self.b)):
            problems = browser.console_errors()
            self.assertEqual(problems, [], f"session {name} logged errors")

    def test_0_streams_are_compressed(self):
        # Chromium accepts br, zstd, gzip and deflate; the board stream negotiated one of them
        # (br with the Brotli trait) and the page works on what it decoded.
        expected = os.environ.get("EXPECT_STREAM_CODING")
        for browser in (self.a, self.b):
            browser.wait_text("stream-coding", lambda v: v.split(":")[-1].strip() in ("br", "zstd", "gzip", "deflate"),
                              "names a compressed coding for the board stream")
            if expected:
                self.assertEqual(browser.text("stream-coding").split(":")[-1].strip(), expected)

    def test_1_board_is_shared(self):
        a, b = self.a, self.b
        self.assertEqual(a.board(), b.board())
        seven = toggle_and_watch(a, [("B", b)], 7)
        toggle_and_watch(b, [("A", a)], 12)

        # And back, so both sessions agree on every cell and on the count.
        toggle_and_watch(a, [("B", b)], 7)
        self.assertEqual(b.checked(7), not seven)
        b.wait(lambda: a.board() == b.board(), "A and B show the same board")
        self.assertEqual(a.text("board-count"), b.text("board-count"))
        self.assertEqual(a.text("board-count"), str(sum(a.board())))

    def test_2_push_and_pull_keep_the_live_view_moving(self):
        a, b = self.a, self.b
        self.assertEqual(a.attribute("live-driver", "data-mode"), "push")
        self.assertEqual(a.attribute("stream", "data-mode"), "push")
        a.wait_changes("live-sample", times=3)
        a.wait_text("stat-live", lambda v: v == "2", "counts two live streams (both sessions push)")
        a.wait_text("stat-events", lambda v: float(v) > 5, "shows events flowing")

        a.click("mode-pull")
        a.wait(lambda: a.attribute("live-driver", "data-mode") == "pull", "A's driver polls")
        self.assertIn("active", a.attribute("mode-pull", "class"))
        # Switching reopened A's one stream without the live view: B's alone pushes it.
        self.assertEqual(a.attribute("stream", "data-mode"), "pull")
        a.wait_text("stat-live", lambda v: v == "1", "counts one live stream after A switched to pull")
        a.wait_text("stat-board", lambda v: v == "2", "still counts both pages' streams")
        a.wait(lambda: a.connection() == "live", "A's stream is live again")
        a.wait_changes("live-sample", times=3)
        a.wait_text("stat-polls", lambda v: float(v) > 0, "counts polls")
        b.wait_changes("live-sample", times=2)

        a.click("mode-push")
        a.wait(lambda: a.attribute("live-driver", "data-mode") == "push", "A's driver streams again")
        a.wait_text("stat-live", lambda v: v == "2", "counts two live streams again")
        a.wait_text("stat-polls", lambda v: float(v) == 0, "counts no more polls")
        a.wait_changes("live-sample", times=2)

    def test_3_form_shows_server_validation(self):
        a = self.a
        a.type("username", "ad")
        a.wait_text("username-error", lambda v: "At least 3 characters" in v, "asks for 3 characters")
        a.type("username", "min", replace=False)
        a.wait_text("username-error", lambda v: "taken" in v, "says admin is taken")
        a.type("username", "ada-lovelace")
        a.wait_text("username-error", lambda v: v == "", "is empty once the name is fine")

        a.type("email", "ada.example.com")
        a.wait_text("email-error", lambda v: "does not look like an email" in v, "rejects the address")
        a.type("email", "ada@example.com")
        a.wait_text("email-error", lambda v: v == "", "is empty once the address is fine")

        # Submitting checks every field, including the one never touched.
        self.assertEqual(a.text("age-error"), "")
        a.click("signup-submit")
        a.wait_text("age-error", lambda v: "How old are you?" in v, "asks for the age on submit")
        a.type("age", "7")
        a.wait_text("age-error", lambda v: "13 or older" in v, "says 13 or older")
        a.type("age", "36")
        a.wait_text("age-error", lambda v: v == "", "is empty once the age is fine")

        a.click("signup-submit")
        a.wait_text("welcome", lambda v: "Welcome aboard, ada-lovelace!" in v, "welcomes the new member")
        # The server reset the signals; the name is now taken.
        a.click("signup-again")
        a.wait(lambda: a.driver.execute_script("return document.getElementById('username')?.value") == "",
               "the form is back, empty")
        a.type("username", "ada-lovelace")
        a.wait_text("username-error", lambda v: "taken" in v, "says the new member's name is taken")

    def test_4_screenshot(self):
        a = self.a
        a.driver.get(self.server.base + "/")
        open_demo(a, self.server, 2)
        target = [cell == "X" for row in HEART for cell in row]
        for index, (now, wanted) in enumerate(zip(a.board(), target)):
            if now != wanted:
                a.click(f"cell-{index}")
        a.wait(lambda: a.board() == target, "the board shows the heart")
        a.type("username", "admin")
        a.wait_text("username-error", lambda v: "taken" in v, "says admin is taken")
        a.type("email", "ada@example.com")
        a.type("age", "36")
        a.wait_changes("live-sample", times=2)
        a.wait_text("stat-events", lambda v: float(v) > 5, "shows events flowing")
        height = a.driver.execute_script("return document.documentElement.scrollHeight")
        chrome = a.driver.execute_script("return window.outerHeight - window.innerHeight")
        a.driver.set_window_size(1280, height + chrome)
        a.wait(lambda: a.driver.execute_script("return window.innerHeight") >= height, "the page fits the window")
        path = os.environ.get("SCREENSHOT", "demo.png")
        self.assertTrue(a.driver.save_screenshot(path))
        self.assertGreater(os.path.getsize(path), 20_000)


@unittest.skipUnless(os.environ.get("DATASTAR_TEST_POSTGRES_URL"), "DATASTAR_TEST_POSTGRES_URL is not set")
class PostgresDemo(unittest.TestCase):
    """Two demo processes on one PostgreSQL database: session A on one, B on the other."""

    @classmethod
    def setUpClass(cls):
        url = os.environ["DATASTAR_TEST_POSTGRES_URL"]
        cls.servers = []
        cls.browsers = []
        try:
            cls.servers = [DemoServer("--backplane", url), DemoServer("--backplane", url)]
            cls.browsers = [Browser(), Browser()]
            for browser, server in zip(cls.browsers, cls.servers):
                open_demo(browser, server, 1)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for browser in cls.browsers:
            browser.quit()
        for server in cls.servers:
            server.stop()

    def test_two_processes_share_the_board(self):
        a, b = self.browsers
        self.assertNotEqual(self.servers[0].base, self.servers[1].base)
        self.assertIn("PostgreSQL", a.driver.find_element("css selector", ".badges").text)
        self.assertEqual(a.board(), b.board(), "both processes load the board from the database")

        toggle_and_watch(a, [("B, on the other process", b)], 3)
        toggle_and_watch(b, [("A, on the other process", a)], 44)

        # A page opened later on either process loads the shared board from the database.
        b.driver.get(self.servers[1].base + "/")
        open_demo(b, self.servers[1], 1)
        a.wait(lambda: a.board() == b.board(), "a fresh page on the other process shows the same board")
        self.assertEqual(a.text("board-version"), b.text("board-version"))
        for browser in (a, b):
            self.assertEqual(browser.console_errors(), [])


if __name__ == "__main__":
    unittest.main()
