"""Helpers for the demo's browser tests: demo processes and headless Chromium sessions.

Run through scripts/browser-test, which sets DEMO_BIN (the datastar-demo binary), DATASTAR_JS
(the checked Datastar client), SCREENSHOT (where the screenshot goes) and, for the PostgreSQL
test, DATASTAR_TEST_POSTGRES_URL.
"""

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
    """One datastar-demo process on 127.0.0.1 and a free port."""

    def __init__(self, *extra_args):
        self.args = [
            os.environ["DEMO_BIN"], "--port", "0",
            "--datastar-js", os.environ["DATASTAR_JS"], *extra_args,
        ]
        self.output = []
        self.process = subprocess.Popen(
            self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base = self._read_address(timeout=30)
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    def _read_address(self, timeout):
        deadline = time.monotonic() + timeout
        buffer = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    break
                buffer += chunk
                match = re.search(rb"datastar-demo listening on (http://127\.0\.0\.1:\d+)", buffer)
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

    def stop(self):
        """SIGINT (graceful shutdown), then SIGKILL to the whole session after 10 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log(self):
        return "".join(self.output)


class Browser:
    """A headless Chromium session of its own (its own profile, its own connections)."""

    def __init__(self, width=1280, height=1000):
        options = Options()
        options.binary_location = "/usr/lib/chromium/chromium"
        for flag in (
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
            f"--window-size={width},{height}", "--force-device-scale-factor=1",
            "--hide-scrollbars",
        ):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path="/usr/bin/chromedriver", popen_kw={"start_new_session": True})
        self.service = service
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(WAIT)
        self.driver.set_script_timeout(WAIT)

    def quit(self):
        pid = self.service.process.pid if self.service.process else None
        try:
            self.driver.quit()
        finally:
            if pid:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    # Reading the page.

    def text(self, element_id):
        return self.driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.textContent : null", element_id)

    def checked(self, cell):
        return self.driver.execute_script(
            "const e = document.getElementById('cell-' + arguments[0]); return e ? e.checked : null", cell)

    def board(self):
        return self.driver.execute_script(
            "return [...document.querySelectorAll('#board input')].map(e => e.checked)")

    def attribute(self, element_id, name):
        return self.driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.getAttribute(arguments[1]) : null",
            element_id, name)

    def severe_console_messages(self):
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

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
