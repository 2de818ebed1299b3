#!/usr/bin/env python3
"""Drives the holder's dashboard in a real browser (Debian's headless Chromium), with the
Python standard library only: the Chrome DevTools protocol over a websocket written here.

    python3 scripts/dashboard_browser.py check [--signet .build/debug/signet]
    python3 scripts/dashboard_browser.py screenshots [--out docs/screenshots]

Both start `signet serve` on a fresh data directory, register a holder (`signet holder init`,
`enroll`) and parties (`signet party register`, approved with `signet admin party approve`),
and have the parties make offers through trade codes, all with the real CLI against the live
server. Then Chromium opens a link from `signet holder sign-in`.

`check` clicks through: sign in (open the link, press its button), accept an offer, revoke the grant, lock everything down, and
asserts on each resulting page (and that the Tab key reaches the skip link first). It prints
one line per step and a closing 'N passed, N failed' line, and the server's render time of each
page as the browser saw it (Chrome's own timing of the response).

`screenshots` saves a PNG of each page into docs/screenshots/.
"""
import argparse
import base64
import json
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


# --- a minimal websocket client (RFC 6455), enough for the DevTools protocol ---------------

class WebSocket:
    def __init__(self, url):
        match = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("websocket handshake failed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake refused: " + head.decode(errors="replace"))

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", len(payload))
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def _exactly(self, n):
        data = bytearray()
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("websocket closed")
            data += chunk
        return bytes(data)

    def receive(self):
        message = bytearray()
        while True:
            first, second = self._exactly(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exactly(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exactly(8))[0]
            payload = self._exactly(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise RuntimeError("websocket closed by the browser")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if first & 0x80:
                return message.decode()


class DevTools:
    """One page of the browser, driven over the DevTools protocol."""

    def __init__(self, url):
        self.ws = WebSocket(url)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, predicate, what, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.evaluate(predicate):
                    return
            except RuntimeError:
                pass  # the page is navigating
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; at {self.location()}: {self.text()[:300]!r}")

    def location(self):
        return self.evaluate("document.location.pathname + document.location.search") or ""

    def text(self):
        return self.evaluate("document.body ? document.body.innerText : ''") or ""

    def navigate(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for(f"document.readyState === 'complete' && document.location.href === {json.dumps(url)}", url)

    def click(self, selector, until):
        """Clicks the element (a real click on a real form button) and waits for the next page."""
        found = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return false; e.click(); return true; }})()")
        if not found:
            raise AssertionError(f"no {selector} on {self.location()}")
        self.wait_for(f"document.readyState === 'complete' && (document.location.pathname + document.location.search) === {json.dumps(until)}", until)

    def server_time_ms(self):
        """The time from sending the request to its first byte, as the browser measured it."""
        return self.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStart - n.requestStart : null; })()")


# --- the deployment: a server and the CLI ------------------------------------------------------

class Deployment:
    def __init__(self, signet, workdir, port):
        self.signet = signet
        self.workdir = workdir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.data = os.path.join(workdir, "data")
        self.log = open(os.path.join(workdir, "serve.log"), "w")
        self.server = subprocess.Popen([signet, "serve", "--data-dir", self.data, "--port", str(port), "--vault-profile", "synthetic"],
                                       stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("signet serve did not start; see " + self.log.name)

    def vkey(self):
        """The log's verifier key, as `signet serve` announced it."""
        with open(self.log.name) as f:
            for line in f:
                if line.startswith("signet: log verifier key "):
                    return line.split()[-1]
        raise RuntimeError("signet serve announced no verifier key")

    def cli(self, home, *args):
        env = dict(os.environ, SIGNET_HOME=os.path.join(self.workdir, home), SIGNET_SERVER=self.url)
        done = subprocess.run([self.signet, *args], env=env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"signet {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def stop(self):
        self.server.terminate()
        try:
            self.server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.server.kill()
        self.log.close()

    def story(self, offers):
        """A holder with a template, approved parties and `offers` offers to the holder: a list of
        (party name, purpose text, retention days, max uses, price in cents)."""
        rng = random.Random(2026)
        face = [rng.gauss(0, 1) for _ in range(512)]
        sample = os.path.join(self.workdir, "face.json")
        with open(sample, "w") as f:
            json.dump(face, f)
        self.cli("holder", "holder", "init")
        self.cli("holder", "holder", "enroll", "--embedding", sample)
        parties = {}
        for name, text, retention, uses, price in offers:
            if name not in parties:
                home = "party-" + str(len(parties))
                party = self.cli(home, "party", "register", "--name", name, "--contact", "ops@" + name.lower().replace(" ", "") + ".example").split()[0]
                subprocess.run([self.signet, "admin", "party", "approve", "--data-dir", self.data, party], check=True, capture_output=True, timeout=60)
                parties[name] = home
            code = self.cli("holder", "holder", "code").split()[0]
            self.cli(parties[name], "party", "offer", "--code", code, "--purpose", "dpv:IdentityVerification", "--purpose-text", text,
                     "--retention-days", str(retention), "--max-uses", str(uses), "--price-minor-units", str(price))
        return sample, parties


def start_browser(workdir):
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not binary:
        raise RuntimeError("no chromium: apt-get install -y chromium")
    profile = os.path.join(workdir, "chromium")
    browser = subprocess.Popen([binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                                "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().strip():
            break
        time.sleep(0.1)
    port = int(open(port_file).read().split()[0])
    for _ in range(100):
        try:
            pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2))
            page = next(p for p in pages if p.get("type") == "page")
            tools = DevTools(page["webSocketDebuggerUrl"])
            tools.call("Page.enable")
            tools.call("Runtime.enable")
            return browser, tools
        except (OSError, StopIteration):
            time.sleep(0.1)
    raise RuntimeError("chromium's DevTools did not answer")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- check ----------------------------------------------------------------------------------------

def check(args):
    workdir = tempfile.mkdtemp(prefix="signet-dashboard-check.")
    deployment = Deployment(args.signet, workdir, free_port())
    browser = None
    passed, failed = 0, 0
    timings = {}

    def step(name, body):
        nonlocal passed, failed
        try:
            body()
            passed += 1
            print(f"ok   {name}")
        except Exception as error:  # report every step, then fail at the end
            failed += 1
            print(f"FAIL {name}: {error}")

    try:
        started = time.time()
        deployment.story([("Corner Shop", "Check-in at the front desk", 30, 1, 200),
                          ("Night Venue", "Age check at the door", 90, 20, 50)])
        print(f"setup: server, holder, two parties and two offers through the CLI in {time.time() - started:.1f} s")
        browser, tools = start_browser(workdir)
        link = deployment.cli("holder", "holder", "sign-in")

        def sign_in():
            # Opening the link only asks to confirm; the button opens the session.
            tools.navigate(link)
            assert "Sign in to your dashboard" in tools.text(), tools.text()[:200]
            tools.click("form[action='/dashboard/sign-in'] button", "/dashboard/inbox?done=signed-in")
            text = tools.text()
            assert "Corner Shop" in text and "Night Venue" in text, text[:300]
            assert "Risk: medium" in text or "Risk: high" in text, "no risk report"
        step("sign in with a link from `signet holder sign-in`", sign_in)

        def replay():
            tools.navigate(link)
            tools.click("form[action='/dashboard/sign-in'] button", "/dashboard/sign-in")
            assert "used already" in tools.text(), tools.text()[:200]
            tools.navigate(deployment.url + "/dashboard/inbox")
            assert "Corner Shop" in tools.text(), "the session did not survive a replayed link"
        step("the same link again is refused (the session stays)", replay)

        def keyboard():
            tools.navigate(deployment.url + "/dashboard/inbox")
            tools.call("Input.dispatchKeyEvent", type="keyDown", key="Tab", code="Tab", windowsVirtualKeyCode=9)
            tools.call("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab", windowsVirtualKeyCode=9)
            focused = tools.evaluate("document.activeElement && document.activeElement.textContent")
            assert focused == "Skip to main content", f"Tab reached {focused!r}"
            outline = tools.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline == "solid", f"focused skip link has outline {outline!r}"
        step("Tab reaches the skip link first, with a visible focus outline", keyboard)

        def accept():
            tools.navigate(deployment.url + "/dashboard/inbox")
            timings["inbox"] = tools.server_time_ms()
            tools.click("form[action$='/accept'] button", "/dashboard/grants?done=accepted")
            timings["grants"] = tools.server_time_ms()
            text = tools.text()
            assert "You accepted the offer." in text and "Night Venue" in text, text[:300]
        step("accept the first offer (Night Venue's, the newest)", accept)

        def revoke():
            tools.click("form[action$='/revoke'] button", "/dashboard/grants?done=revoked")
            text = tools.text()
            assert "You revoked the grant." in text and "revoked" in text.split("Ended")[-1], text[:400]
            assert "You have no active grants." in text, text[:400]
        step("revoke the grant", revoke)

        def activity():
            time.sleep(1.1)  # a checkpoint covers the latest events
            tools.navigate(deployment.url + "/dashboard/activity")
            timings["activity"] = tools.server_time_ms()
            text = tools.text()
            assert "✓ verified against checkpoint" in text and "not verified" not in text, text[:400]
            assert tools.evaluate("document.querySelectorAll('svg[role=img] rect').length") >= 30
        step("activity: every event verified against a checkpoint, with the pictures", activity)

        def pages():
            for path in ["alerts", "earnings", "protocol", "guides/signature", "guides/risk-report"]:
                tools.navigate(deployment.url + "/dashboard/" + path)
                timings[path] = tools.server_time_ms()
                assert tools.evaluate("document.querySelector('h1') !== null"), path
        step("alerts, earnings, protocol and guides render", pages)

        def lockdown():
            tools.navigate(deployment.url + "/dashboard/lockdown")
            timings["lockdown"] = tools.server_time_ms()
            assert "Refuses 1 waiting offer" in tools.text(), tools.text()[:300]
            # Without the box ticked, the browser itself refuses to send the form.
            tools.evaluate("document.querySelector('form[action=\"/dashboard/lockdown\"] button').click()")
            time.sleep(0.3)
            assert tools.location() == "/dashboard/lockdown", tools.location()
            tools.evaluate("document.getElementById('confirm').click()")
            tools.click("form[action='/dashboard/lockdown'] button", "/dashboard/lockdown?done=locked")
            text = tools.text()
            assert "Everything is locked down: 0 grants revoked, 1 offer refused, 1 template locked" in text, text[:400]
            tools.navigate(deployment.url + "/dashboard/inbox")
            assert "No offers are waiting for you." in tools.text()
        step("lock down (after its confirmation)", lockdown)

        def sign_out():
            tools.click("form[action='/dashboard/sign-out'] button", "/dashboard?done=signed-out")
            tools.navigate(deployment.url + "/dashboard/inbox")
            assert "You are not signed in" in tools.text(), tools.text()[:200]
        step("sign out; the inbox then asks to sign in", sign_out)
    finally:
        if browser:
            browser.terminate()
            browser.wait(timeout=20)
        deployment.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if timings:
        print("time to first byte as the browser measured it (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items() if v is not None))
    print(f"dashboard browser check: {passed} passed, {failed} failed")
    return 1 if failed else 0


# --- screenshots ------------------------------------------------------------------------------------

def screenshots(args):
    workdir = tempfile.mkdtemp(prefix="signet-dashboard-shots.")
    deployment = Deployment(args.signet, workdir, free_port())
    browser = None
    os.makedirs(args.out, exist_ok=True)
    try:
        sample, parties = deployment.story([
            ("Corner Shop", "Check-in at the front desk", 30, 1, 200),
            ("Night Venue", "Age check at the door", 90, 20, 50),
            ("Metro Gym", "Members' entrance", 7, 100, 1500),
            ("Data Brokers Ltd", "Identity check for our partners", 90, 100, 100000),
        ])
        browser, tools = start_browser(workdir)
        tools.navigate(deployment.cli("holder", "holder", "sign-in"))
        shoot(tools, os.path.join(args.out, "dashboard-sign-in.png"))
        tools.click("form[action='/dashboard/sign-in'] button", "/dashboard/inbox?done=signed-in")
        tools.navigate(deployment.url + "/dashboard/inbox")
        shoot(tools, os.path.join(args.out, "dashboard-inbox.png"))
        # Accept two offers (Metro Gym's and Night Venue's), and let the parties use them.
        for _ in range(2):
            tools.navigate(deployment.url + "/dashboard/inbox")
            tools.evaluate("document.querySelectorAll(\"form[action$='/accept'] button\")[1].click()")
            tools.wait_for("document.location.search === '?done=accepted'", "an accepted offer")
        for home in parties.values():
            lines = deployment.cli(home, "party", "grants").splitlines()
            tokens = [line for line in lines if "~" in line]
            for token in tokens:
                for _ in range(3 if home == parties["Metro Gym"] else 1):
                    try:
                        deployment.cli(home, "party", "verify", "--vkey", deployment.vkey(),
                                       "--token", token.strip(), "--probe", sample)
                    except RuntimeError:
                        pass  # a use past the grant's limit is refused; the picture shows what went through
        time.sleep(1.1)
        for path, name in [("grants", "dashboard-grants"), ("activity", "dashboard-activity"), ("earnings", "dashboard-earnings"),
                           ("protocol", "dashboard-protocol"), ("alerts", "dashboard-alerts"), ("guides/risk-report", "dashboard-guide-risk-report"),
                           ("guides/signature", "dashboard-guide-signature"), ("lockdown", "dashboard-lockdown")]:
            tools.navigate(deployment.url + "/dashboard/" + path)
            shoot(tools, os.path.join(args.out, name + ".png"))
        tools.call("Page.navigate", url=deployment.url + "/dashboard/sign-in?holder=h_x&exp=1&nonce=a&sig=b")
        tools.wait_for("document.readyState === 'complete' && document.location.pathname === '/dashboard/sign-in'", "the refusal")
        shoot(tools, os.path.join(args.out, "dashboard-bad-link.png"))
        print("screenshots in " + args.out + ": " + ", ".join(sorted(f for f in os.listdir(args.out) if f.endswith(".png"))))
    finally:
        if browser:
            browser.terminate()
            browser.wait(timeout=20)
        deployment.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def shoot(tools, path):
    height = tools.evaluate("Math.ceil(document.documentElement.scrollHeight)") or 900
    tools.call("Emulation.setDeviceMetricsOverride", width=1280, height=min(int(height), 4000), deviceScaleFactor=1, mobile=False)
    time.sleep(0.2)
    data = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))
    tools.call("Emulation.clearDeviceMetricsOverride")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["check", "screenshots"])
    parser.add_argument("--signet", default=".build/debug/signet", help="the signet binary (default .build/debug/signet)")
    parser.add_argument("--out", default="docs/screenshots", help="where screenshots go")
    args = parser.parse_args()
    args.signet = os.path.abspath(args.signet)
    return check(args) if args.mode == "check" else screenshots(args)


if __name__ == "__main__":
    sys.exit(main())
