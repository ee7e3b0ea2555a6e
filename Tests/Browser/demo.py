"""Helpers for the demo's browser tests: demo processes and headless Chromium sessions.

Run through scripts/browser-test, which sets DEMO_BIN (the datastar-demo binary), DATASTAR_JS
(the checked Datastar client), SCREENSHOT (where the screenshot goes) and, for the PostgreSQL
test, DATASTAR_TEST_POSTGRES_URL.

A `Browser` is one Chromium session (its own profile, so its own connections); `Browser.window`
opens more windows in the same session, which share its connections as a user's windows do
(over HTTP/1.1 at most six per host). A `Window` runs every call in its own window.
"""

import json
import os
import re
import select
import signal
import subprocess
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

# How long any one wait on the page may take before the test fails.
WAIT = float(os.environ.get("BROWSER_WAIT", "15"))


class DemoServer:
    """One datastar-demo process on 127.0.0.1: on a free port, or on `port` (to take over from
    a process that stopped). `tls` serves HTTPS and HTTP/2 (`--tls`)."""

    def __init__(self, *extra_args, port=0, tls=False):
        self.args = [
            os.environ["DEMO_BIN"], "--port", str(port),
            "--datastar-js", os.environ["DATASTAR_JS"], *extra_args,
        ]
        if tls:
            self.args.append("--tls")
        self.output = []
        self.process = subprocess.Popen(
            self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base = self._read_address(timeout=30)
        # When the process said it listens (time.time(), the clock pages' Date.now() reads).
        self.listening_at = time.time()
        self.port = int(self.base.rsplit(":", 1)[1])
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    def _read_address(self, timeout):
        deadline = time.monotonic() + timeout
        buffer = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.05)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    break
                buffer += chunk
                match = re.search(rb"datastar-demo listening on (https?://(?:127\.0\.0\.1|localhost):\d+)", buffer)
                if match:
                    self.output.append(buffer.decode(errors="replace"))
                    return match.group(1).decode()
            elif self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"datastar-demo did not start: {' '.join(self.args)}\n{buffer.decode(errors='replace')}")

    def _drain_output(self):
        for line in iter(self.process.stdout.readline, b""):
            self.output.append(line.decode(errors="replace"))

    def stop(self, sig=signal.SIGINT, timeout=10):
        """`sig` (SIGINT: graceful shutdown), then SIGKILL to the whole session after `timeout`
        seconds. Returns how long the process took to exit."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        return time.monotonic() - started

    def log(self):
        return "".join(self.output)


class Browser:
    """A headless Chromium session of its own (its own profile, its own connections). Its
    methods act on the session's current window; `window()` opens another one."""

    def __init__(self, width=1280, height=1000, tls=False):
        options = Options()
        options.binary_location = "/usr/lib/chromium/chromium"
        flags = [
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
            f"--window-size={width},{height}", "--force-device-scale-factor=1",
            "--hide-scrollbars",
            # Windows in the background keep running their timers at full rate, as separate
            # windows on a desktop do.
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
        ]
        if tls:
            # The demo's certificate is self-signed: accepted here as a user would accept it.
            flags.append("--ignore-certificate-errors")
        for flag in flags:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path="/usr/bin/chromedriver", popen_kw={"start_new_session": True})
        self.service = service
        self.session = webdriver.Chrome(service=service, options=options)
        self.session.set_page_load_timeout(WAIT)
        self.session.set_script_timeout(WAIT)
        self.handle = self.session.current_window_handle
        # The window the session is switched to, shared with this session's `Window`s.
        self.current = [self.handle]
        # Console entries read so far (reading the log empties it).
        self.console = []

    @property
    def driver(self):
        """The session, switched to this window."""
        if self.current[0] != self.handle:
            self.session.switch_to.window(self.handle)
            self.current[0] = self.handle
        return self.session

    def quit(self):
        pid = self.service.process.pid if self.service.process else None
        try:
            self.session.quit()
        finally:
            if pid:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def window(self):
        """Opens another window of this session (a window, not a tab: hidden tabs close their
        streams) and returns it as a `Window`."""
        before = set(self.session.window_handles)
        self.session.switch_to.new_window("window")
        handle = (set(self.session.window_handles) - before).pop()
        self.current[0] = handle
        return Window(self, handle)

    # Reading the page.

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def text(self, element_id):
        return self.js(
            "const e = document.getElementById(arguments[0]); return e ? e.textContent : null", element_id)

    def checked(self, cell):
        return self.js(
            "const e = document.getElementById('cell-' + arguments[0]); return e ? e.checked : null", cell)

    def board(self):
        return self.js("return [...document.querySelectorAll('#board input')].map(e => e.checked)")

    def attribute(self, element_id, name):
        return self.js(
            "const e = document.getElementById(arguments[0]); return e ? e.getAttribute(arguments[1]) : null",
            element_id, name)

    def connection(self):
        """The page's connection state, as its badge shows it."""
        return self.attribute("connection", "data-state")

    def protocol(self):
        """The protocol the page was loaded over: 'h2' or 'http/1.1'."""
        return self.js("return performance.getEntriesByType('navigation')[0].nextHopProtocol")

    def read_console(self):
        """Reads the session's new console entries into `console` and returns them."""
        entries = self.driver.get_log("browser")
        self.console.extend(entries)
        return entries

    def console_errors(self, allowed=None):
        """The console entries of the session so far at level SEVERE (errors: console.error,
        failed requests, uncaught exceptions) or WARNING (the Datastar client reports its own
        errors, such as PatchElementsNoTargetsFound, with console.warn) that `allowed(entry)`
        does not excuse (it gets the whole entry: level, message, source, timestamp in ms)."""
        self.read_console()
        return [entry["message"] for entry in self.console
                if entry["level"] in ("SEVERE", "WARNING") and not (allowed and allowed(entry))]

    # Acting on it.

    def click(self, element_id):
        self.driver.find_element(By.ID, element_id).click()

    def type(self, element_id, text, replace=True):
        """Types like a user: select all and delete (an input event), then the keys."""
        field = self.driver.find_element(By.ID, element_id)
        if replace:
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys(Keys.BACKSPACE)
        if text:
            field.send_keys(text)

    # Waiting: explicit waits on the page's state, never fixed sleeps.

    def wait(self, condition, message, timeout=WAIT):
        """Waits until `condition()` is truthy; fails the test with `message` after `timeout`."""
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda _: condition())
        except TimeoutException as error:
            raise AssertionError(f"not within {timeout} s: {message}") from error

    def wait_js(self, condition, message, timeout=WAIT, first=""):
        """Runs the JavaScript statements `first`, then waits in the page until the expression
        `condition` is true, checking it every 20 ms there: one WebDriver call however long it
        takes, which matters when many windows of one session are waited on in turn (each
        switch between windows is a round trip). Fails the test with `message` (and the
        expression's last value) after `timeout`."""
        script = """
            const [source, limit, first, done] = arguments;
            new Function(first)();
            const condition = new Function('return (' + source + ')');
            const start = performance.now();
            let value;
            (function check() {
                try { value = condition() } catch (error) { value = 'threw ' + error }
                if (value === true) return done([true, value]);
                if (performance.now() - start > limit) return done([false, String(value)]);
                setTimeout(check, 20);
            })();
        """
        self.driver.set_script_timeout(timeout + 10)
        try:
            held, value = self.driver.execute_async_script(script, condition, timeout * 1000, first)
        finally:
            self.driver.set_script_timeout(WAIT)
        if not held:
            raise AssertionError(f"not within {timeout} s: {message} ({condition} is {value})")

    def set_field(self, element_id, text):
        """Sets a field's value and sends the input event that typing would: for many windows,
        where WebDriver's keystrokes take seconds per window."""
        self.js(set_field_js(element_id, text))

    def wait_text(self, element_id, predicate, description, timeout=WAIT):
        def holds():
            value = self.text(element_id)
            # A tuple, so that an empty text still counts as found.
            return (value,) if value is not None and predicate(value) else False
        try:
            return self.wait(holds, "", timeout)[0]
        except AssertionError as error:
            raise AssertionError(
                f"not within {timeout} s: #{element_id} {description}; it is {self.text(element_id)!r}") from error

    def wait_changes(self, element_id, times=2):
        """Waits until the text of `element_id` has taken `times` new values."""
        seen = [self.text(element_id)]
        for _ in range(times):
            previous = seen[-1]
            seen.append(self.wait_text(element_id, lambda v, p=previous: v != p, f"changes from {previous!r}"))
        return seen


class Window(Browser):
    """One more window of a `Browser`'s session: every call first switches the session to it."""

    def __init__(self, browser, handle):  # pylint: disable=super-init-not-called (no new session)
        self.browser = browser
        self.service = browser.service
        self.session = browser.session
        self.current = browser.current
        self.handle = handle
        # One console for the whole session: the log is the session's.
        self.console = browser.console

    def quit(self):
        """Closes this window only."""
        self.driver.close()
        self.current[0] = None


def set_field_js(element_id, text):
    """JavaScript that sets a field's value and sends the input event that typing would."""
    return (f"const e = document.getElementById({json.dumps(element_id)}); e.value = {json.dumps(text)};"
            "e.dispatchEvent(new Event('input', {bubbles: true}));")


def click_js(element_id):
    """JavaScript that clicks an element (a DOM click event, as a user's click sends)."""
    return f"document.getElementById({json.dumps(element_id)}).click();"
