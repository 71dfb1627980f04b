"""A small headless-Chromium driver for the tests (the HTML report's
browser test) and tools/screenshots.sh. Python 3 standard library only.

It starts Debian's `chromium` with --remote-debugging-pipe and speaks the
Chrome DevTools Protocol over the two pipes Chromium expects (it reads
commands from fd 3 and writes replies and events to fd 4; each message is
one JSON object followed by a NUL byte). No websocket, no network port.

Every wait has its own guard (GUARD seconds, CM_BROWSER_GUARD overrides):
a page that never loads, a reply that never comes or a Chromium that dies
ends in BrowserError with a message saying what was awaited; Chromium is
always killed at the end (close(), or the `with` block's exit).

Used as a library:

    with Browser() as b:
        b.open("file:///.../index.html")
        b.eval("document.title")
        b.click("th[data-sort=cover]")
        b.key("j")
        b.screenshot("out.png", width=1280, height=800, dark=True)
        b.errors()      # console errors, exceptions, error log entries
        b.requests      # every URL the page asked for

and from the command line (tools/screenshots.sh):

    browser.py shot URL OUT.png [--width W] [--height H] [--dark] [--mobile]
        [--follow LINK]... [--click SELECTOR]... [--key K]...

(--follow clicks a link and waits for the page it loads; then the clicks,
then the keys; a page that logs an error fails the command).

Environment: CM_CHROMIUM names the browser (default: `chromium` on PATH).
The sanitizer and coverage variables of the test suite (LD_PRELOAD,
ASAN_OPTIONS, GCOV_PREFIX, ...) are not passed on to Chromium.
"""
import base64
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

GUARD = float(os.environ.get("CM_BROWSER_GUARD", "60"))

# What the test suite sets for its own programs and that Chromium must not
# inherit: a preloaded sanitizer runtime would abort it, and gcov variables
# are meant for the programs under test.
_DROPPED_ENV = ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
                "MSAN_OPTIONS", "TSAN_OPTIONS", "GCOV_PREFIX",
                "GCOV_PREFIX_STRIP", "COVTOOLS_GCOV_PREFIX",
                "LLVM_PROFILE_FILE")


class BrowserError(Exception):
    """Chromium could not be started, died, or did not answer in time."""


def find_chromium():
    """The Chromium program: $CM_CHROMIUM, else `chromium` on PATH."""
    name = os.environ.get("CM_CHROMIUM") or "chromium"
    path = shutil.which(name)
    if not path:
        raise BrowserError(
            "%s is not installed: the HTML report's browser test needs "
            "Debian's chromium (apt-get install chromium, or run "
            "tools/setup.sh)" % name)
    return path


def _high_fd(fd):
    """fd moved to a number above 9 (so that dup2 onto 3 and 4 in the child
    cannot overwrite the other pipe end)."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class Browser:
    """One headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, guard=GUARD):
        self.guard = guard
        self.console = []     # (type, text) of console API calls
        self.exceptions = []  # text of uncaught exceptions
        self.log = []         # (level, text, url) of Log.entryAdded
        self.requests = []    # URL of every request the page made
        self.proc = None
        self._next_id = 0
        self._replies = {}
        self._events = queue.Queue()
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._dead = None
        self._profile = tempfile.mkdtemp(prefix="cm-chromium.")
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ process

    def _start(self):
        exe = find_chromium()
        cmd_r, cmd_w = os.pipe()    # we write commands, Chromium reads fd 3
        resp_r, resp_w = os.pipe()  # Chromium writes fd 4, we read
        cmd_r, resp_w = _high_fd(cmd_r), _high_fd(resp_w)

        def child_fds():
            os.dup2(cmd_r, 3)
            os.dup2(resp_w, 4)

        args = [exe, "--headless=new", "--remote-debugging-pipe",
                "--user-data-dir=" + os.path.join(self._profile, "profile"),
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-breakpad",
                "--disable-crash-reporter", "--metrics-recording-only",
                "--disable-domain-reliability", "--no-pings",
                "--disable-client-side-phishing-detection",
                "--disable-features=Translate,OptimizationHints,MediaRouter,"
                "DialMediaRouteProvider,AutofillServerCommunication",
                "--hide-scrollbars", "--mute-audio",
                "--force-color-profile=srgb", "--window-size=1280,800",
                "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
        env["HOME"] = self._profile
        env["XDG_CONFIG_HOME"] = os.path.join(self._profile, "config")
        env["XDG_CACHE_HOME"] = os.path.join(self._profile, "cache")
        self._stderr = open(os.path.join(self._profile, "stderr.log"), "wb")
        try:
            self.proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=self._stderr,
                stderr=self._stderr, env=env, pass_fds=(3, 4),
                preexec_fn=child_fds, start_new_session=True)
        finally:
            os.close(cmd_r)
            os.close(resp_w)
        self._out = os.fdopen(cmd_w, "wb", buffering=0)
        self._in = os.fdopen(resp_r, "rb", buffering=0)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

        targets = self.send("Target.getTargets")["targetInfos"]
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            target = pages[0]["targetId"]
        else:
            target = self.send("Target.createTarget",
                               {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})[
                                     "sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(domain + ".enable", session=True)

    def stderr_tail(self, n=15):
        """The last lines Chromium wrote to its stderr (for diagnostics)."""
        try:
            with open(os.path.join(self._profile, "stderr.log"), "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def close(self):
        """Kills Chromium (its whole process group) and removes the profile."""
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                self.proc.wait(timeout=self.guard)
            except subprocess.TimeoutExpired:
                pass
            for f in (getattr(self, "_out", None), getattr(self, "_in", None)):
                if f is not None:
                    try:
                        f.close()
                    except OSError:
                        pass
            self.proc = None
        if getattr(self, "_stderr", None) is not None:
            self._stderr.close()
            self._stderr = None
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------ protocol

    def _read_loop(self):
        buf = b""
        try:
            while True:
                chunk = self._in.read(65536)
                if not chunk:
                    break
                buf += chunk
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    self._dispatch(json.loads(raw.decode("utf-8")))
        except (OSError, ValueError) as e:
            reason = "reading its pipe failed: %s" % e
        else:
            reason = "it closed its pipe (exited?)"
        with self._cond:
            self._dead = reason
            self._cond.notify_all()
        self._events.put(None)

    def _dispatch(self, msg):
        if "id" in msg:
            with self._cond:
                self._replies[msg["id"]] = msg
                self._cond.notify_all()
            return
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(_remote_text(a) for a in params.get("args", []))
            self.console.append((params.get("type"), text))
        elif method == "Runtime.exceptionThrown":
            d = params.get("exceptionDetails", {})
            exc = d.get("exception") or {}
            self.exceptions.append("%s (%s:%s)" % (
                exc.get("description") or d.get("text"), d.get("url", ""),
                d.get("lineNumber", "")))
        elif method == "Log.entryAdded":
            e = params.get("entry", {})
            self.log.append((e.get("level"), e.get("text"), e.get("url", "")))
        elif method == "Network.requestWillBeSent":
            self.requests.append(params.get("request", {}).get("url"))
        self._events.put(msg)

    def send(self, method, params=None, session=False, guard=None):
        """Sends one command and returns its result (BrowserError on an
        error reply, a dead Chromium, or no reply within the guard)."""
        with self._cond:
            self._next_id += 1
            mid = self._next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        try:
            self._out.write(json.dumps(msg).encode("utf-8") + b"\0")
        except OSError as e:
            raise BrowserError("chromium: cannot send %s: %s\n%s" % (
                method, e, self.stderr_tail()))
        deadline = time.monotonic() + (guard or self.guard)
        with self._cond:
            while mid not in self._replies:
                if self._dead:
                    raise BrowserError("chromium died waiting for %s: %s\n%s"
                                       % (method, self._dead,
                                          self.stderr_tail()))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BrowserError(
                        "chromium: no reply to %s within the %gs guard"
                        % (method, guard or self.guard))
                self._cond.wait(left)
            reply = self._replies.pop(mid)
        if "error" in reply:
            raise BrowserError("chromium: %s failed: %s" % (
                method, reply["error"].get("message")))
        return reply.get("result", {})

    def _wait_event(self, method, what):
        deadline = time.monotonic() + self.guard
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("chromium: %s did not happen within the "
                                   "%gs guard" % (what, self.guard))
            try:
                msg = self._events.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise BrowserError("chromium died waiting for %s: %s\n%s" % (
                    what, self._dead, self.stderr_tail()))
            if msg.get("method") == method:
                return msg.get("params", {})

    # ------------------------------------------------------------ page

    def _drain(self):
        """Forgets the events received so far (those of the page before)."""
        while True:
            try:
                if self._events.get_nowait() is None:
                    self._events.put(None)
                    return
            except queue.Empty:
                return

    def open(self, url):
        """Loads url and waits for its load event."""
        self._drain()
        res = self.send("Page.navigate", {"url": url}, session=True)
        if res.get("errorText"):
            raise BrowserError("chromium: cannot load %s: %s" % (
                url, res["errorText"]))
        self._wait_event("Page.loadEventFired", "the load of " + url)
        self.settle()

    def eval(self, expression):
        """The value of a JavaScript expression (JSON-able values; a
        Promise is awaited). A thrown exception raises BrowserError."""
        res = self.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True,
            "awaitPromise": True}, session=True)
        if "exceptionDetails" in res:
            d = res["exceptionDetails"]
            exc = d.get("exception") or {}
            raise BrowserError("javascript %r threw: %s" % (
                expression[:200], exc.get("description") or d.get("text")))
        return res.get("result", {}).get("value")

    def settle(self):
        """Returns after the page has rendered two frames (what the last
        input caused has run and been painted)."""
        self.eval("new Promise(r => requestAnimationFrame(() => "
                  "requestAnimationFrame(() => r(true))))")

    def wait_for(self, expression, what):
        """Polls until expression is truthy (BrowserError after the guard)."""
        deadline = time.monotonic() + self.guard
        while not self.eval(expression):
            if time.monotonic() > deadline:
                raise BrowserError(
                    "chromium: %s: not true within the %gs guard: %s"
                    % (what, self.guard, expression))
            time.sleep(0.05)

    def click(self, selector, wait_load=False, index=0):
        """A real mouse click (pressed and released) at the middle of the
        index-th element matching selector, scrolled into view first; with
        wait_load, waits for the page the click loads."""
        box = self.eval(
            "(() => { const e = document.querySelectorAll(%s)[%d];"
            " if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
            % (json.dumps(selector), index))
        if box is None:
            raise BrowserError("click: no element matches %s (No. %d)"
                               % (selector, index))
        self._drain()
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {
                "type": kind, "x": box[0], "y": box[1], "button": "left",
                "buttons": 0 if kind == "mouseMoved" else 1,
                "clickCount": 1}, session=True)
        if wait_load:
            self._wait_event("Page.loadEventFired",
                             "the load of the page %s leads to" % selector)
        self.settle()

    def key(self, key):
        """One key press (down with its text, then up) to the focused
        element: a letter, a digit, or a name such as Escape."""
        params = {"key": key}
        if len(key) == 1:
            params.update(text=key, unmodifiedText=key)
            if key.isalpha():
                params.update(code="Key" + key.upper(),
                              windowsVirtualKeyCode=ord(key.upper()))
            elif key.isdigit():
                params.update(code="Digit" + key,
                              windowsVirtualKeyCode=ord(key))
        elif key == "Escape":
            params.update(code="Escape", windowsVirtualKeyCode=27)
        self.send("Input.dispatchKeyEvent", dict(params, type="keyDown"),
                  session=True)
        self.send("Input.dispatchKeyEvent", {
            k: v for k, v in dict(params, type="keyUp").items()
            if k not in ("text", "unmodifiedText")}, session=True)
        self.settle()

    def type(self, text):
        """Types text, one key press per character."""
        for ch in text:
            self.key(ch)

    def viewport(self, width, height, mobile=False, dark=False):
        """Sets the window size (and phone emulation) and the colour scheme."""
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": mobile}, session=True)
        self.send("Emulation.setEmulatedMedia", {"features": [
            {"name": "prefers-color-scheme",
             "value": "dark" if dark else "light"}]}, session=True)
        self.settle()

    def screenshot(self, path, width=1280, height=800, mobile=False,
                   dark=False):
        """Saves a PNG of the viewport at that size and colour scheme."""
        self.viewport(width, height, mobile, dark)
        data = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": False}, session=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data["data"]))

    def errors(self):
        """Console errors and assertions, uncaught exceptions, and error
        entries of the browser log, as text lines."""
        out = ["console.%s: %s" % (t, s) for t, s in self.console
               if t in ("error", "assert")]
        out += ["exception: " + e for e in self.exceptions]
        out += ["log %s: %s %s" % (lv, t, u) for lv, t, u in self.log
                if lv == "error"]
        return out


def _remote_text(obj):
    if "value" in obj:
        return str(obj["value"])
    return obj.get("description") or obj.get("type", "")


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="browser.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    shot = sub.add_parser("shot", help="save a screenshot of a page")
    shot.add_argument("url")
    shot.add_argument("out")
    shot.add_argument("--width", type=int, default=1280)
    shot.add_argument("--height", type=int, default=800)
    shot.add_argument("--dark", action="store_true")
    shot.add_argument("--mobile", action="store_true")
    shot.add_argument("--follow", action="append", default=[],
                      help="click this link first and wait for the page "
                      "it loads (repeatable)")
    shot.add_argument("--click", action="append", default=[],
                      help="click this selector first (repeatable)")
    shot.add_argument("--key", action="append", default=[],
                      help="press this key first (repeatable)")
    a = ap.parse_args(argv)
    try:
        with Browser() as b:
            b.viewport(a.width, a.height, a.mobile, a.dark)
            b.open(a.url)
            for sel in a.follow:
                b.click(sel, wait_load=True)
            for sel in a.click:
                b.click(sel)
            for k in a.key:
                b.key(k)
            b.screenshot(a.out, a.width, a.height, a.mobile, a.dark)
            errs = b.errors()
            if errs:
                sys.stderr.write("browser.py: the page reported errors:\n  "
                                 + "\n  ".join(errs) + "\n")
                return 1
    except BrowserError as e:
        sys.stderr.write("browser.py: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
