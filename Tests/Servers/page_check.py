#!/usr/bin/env python3
"""Loads pages in headless Chromium (JavaScript on) and checks they are safe and readable.

Run it with the venv ops/pages.sh makes (Playwright from PyPI, Debian's /usr/bin/chromium):

    ops/pages.sh Tests/Servers/page_check.py --base http://127.0.0.1:8080 \\
        --user admin --password-env RONDA_USER_PASSWORD --screenshots .ronda/screenshots / /runs

With --user it first signs in through the HTML form at /login. Then it loads each PATH at two
viewports, desktop 1280x800 and phone 390x844, with scripts enabled, and records per page:

  xss               times a planted trap ran: window.__ronda_pwned(), alert/confirm/prompt, a dialog
  foreign_requests  requests to a host other than --base's (and --allow-host's); they are aborted
                    and DNS resolves nothing else, so nothing leaves the machine
  dangerous_markup  elements with on* handler attributes, javascript: URLs, or script elements
                    carrying a trap call: attacker markup that was not escaped
  csp_violations    securitypolicyviolation events (reported; expected when CSP blocks an attack)
  console_errors    console errors and uncaught exceptions (reported only)
  status, final_url the main response's HTTP status and where the page ended up
  overflow          document wider than the viewport's width (documentElement.scrollWidth > width
                    + 1): must scroll sideways, or zoom out, to read it
  text_length       length of document.body.innerText
  found_text        which of the --expect-text strings the page shows as text (reported only:
                    proves an attack payload reached the page and was shown, not run)
  screenshot        full-page PNG DIR/<slug>-desktop.png, DIR/<slug>-phone.png with --screenshots

Prints one JSON object, {"pages": [...], "ok": bool, "failures": [...]}, on standard output.
A page fails on xss > 0, a foreign request, dangerous markup, overflow, status >= 400 or no
response, a redirect to /login while signed in, or text_length < 20.

Exit status: 0 all pages pass, 1 any fails (or the sign-in fails), 2 usage or browser launch errors.
"""

import argparse
import json
import os
import re
import sys
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("RONDA_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 30_000
MIN_TEXT = 20
VIEWPORTS = [
    ("desktop", {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}),
    (
        "phone",
        {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True},
    ),
]

# Runs before any page script in every frame: the traps the attack payloads spring, and the CSP log.
TRAPS = """
(() => {
  window.__ronda_xss = 0;
  window.__ronda_csp = [];
  const bump = () => { window.__ronda_xss += 1; };
  window.__ronda_pwned = bump;
  window.alert = function () { bump(); };
  window.confirm = function () { bump(); return false; };
  window.prompt = function () { bump(); return null; };
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__ronda_csp.push(e.violatedDirective + ' ' + e.blockedURI);
  }, true);
})();
"""

# What the page ended up as, read after it loaded. Overflow is measured against the viewport's set
# width, not innerWidth: a mobile browser zooms out to fit a too-wide page, so innerWidth grows with it.
INSPECT = """
(width) => {
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background'];
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(`<${el.localName} ${name}>`);
      else if (urlAttrs.includes(name) && value.startsWith('javascript:')) bad.push(`<${el.localName} ${name}=javascript:>`);
    }
    if (el.localName === 'script' && /__ronda_pwned|alert\\s*\\(/.test(el.textContent || '')) bad.push('<script> with a trap call');
  }
  const doc = document.documentElement;
  return {
    xss: window.__ronda_xss || 0,
    csp: window.__ronda_csp || [],
    overflow: doc.scrollWidth > width + 1,
    scrollWidth: doc.scrollWidth,
    textLength: document.body ? document.body.innerText.length : 0,
    bad: bad.slice(0, 50),
  };
}
"""


def slug(path):
    text = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")
    return text[:80] or "overview"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--user", help="sign in as this user through the /login form first")
    parser.add_argument("--password-env", metavar="VAR", help="environment variable holding --user's password")
    parser.add_argument("--screenshots", metavar="DIR", help="write full-page PNGs here")
    parser.add_argument(
        "--allow-host", action="append", default=[], metavar="HOST", help="another host pages may load from"
    )
    parser.add_argument(
        "--expect-text", action="append", default=[], metavar="TEXT",
        help="report whether each page shows TEXT in its visible text (found_text)",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="page path, e.g. / or /runs/ID")
    args = parser.parse_args(argv)
    base = urlsplit(args.base)
    if base.scheme not in ("http", "https") or not base.hostname:
        parser.error(f"--base {args.base!r} is not an http:// or https:// URL")
    if args.user and not args.password_env:
        parser.error("--user needs --password-env VAR")
    if args.user and not os.environ.get(args.password_env):
        parser.error(f"--password-env: {args.password_env} is unset or empty")
    bad = [p for p in args.paths if not p.startswith("/")]
    if bad:
        parser.error(f"paths must start with '/': {', '.join(bad)}")
    args.base = args.base.rstrip("/")
    args.host = base.hostname
    return args


def launch(playwright, args):
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"page_check.py: no browser at {CHROMIUM} (run ops/pages.sh --install)")
    allowed = [args.host] + args.allow_host
    # Nothing but the allowed hosts resolves, and everything else goes to a dead local proxy:
    # attacker URLs never reach the network even where a route does not catch them.
    rules = "MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {h}" for h in allowed)
    try:
        return playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                f"--host-resolver-rules={rules}",
                "--proxy-server=http://127.0.0.1:9",
                "--proxy-bypass-list=" + ";".join(allowed),
            ],
            timeout=TIMEOUT_MS,
        )
    except Exception as error:  # noqa: BLE001 - any launch problem is exit 2
        raise SystemExit(f"page_check.py: cannot launch {CHROMIUM}: {error}")


def is_foreign(url, allowed):
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return False
    if parts.scheme == "javascript":
        return True
    return parts.hostname not in allowed


def new_context(browser, options, allowed, storage_state=None):
    context = browser.new_context(**options, storage_state=storage_state)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(TRAPS)

    def route(r):
        if is_foreign(r.request.url, allowed):
            r.abort("blockedbyclient")
        else:
            r.continue_()

    context.route("**/*", route)
    return context


def sign_in(context, args):
    """Signs in through the form; returns None, or why it failed."""
    page = context.new_page()
    try:
        page.goto(f"{args.base}/login", wait_until="load")
        page.fill("input[name=username]", args.user)
        page.fill("input[name=password]", os.environ[args.password_env])
        with page.expect_navigation(wait_until="load"):
            page.click("form [type=submit]")
        if urlsplit(page.url).path.rstrip("/") == "/login":
            shown = page.locator(".error, [role=alert]").all_inner_texts()
            return f"sign-in as {args.user} failed: still on /login" + (f" ({'; '.join(shown)})" if shown else "")
        return None
    except Exception as error:  # noqa: BLE001 - reported as the failure
        return f"sign-in as {args.user} failed: {str(error).splitlines()[0]}"
    finally:
        page.close()


def check_page(context, args, path, viewport, allowed):
    page = context.new_page()
    foreign, console, dialogs = [], [], []
    page.on("request", lambda r: foreign.append(r.url) if is_foreign(r.url, allowed) else None)
    page.on(
        "framenavigated", lambda f: foreign.append(f.url) if f.url.lower().startswith("javascript:") else None
    )
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    result = {
        "path": path, "viewport": viewport, "status": None, "final_url": None, "xss": 0,
        "foreign_requests": foreign, "dangerous_markup": [], "csp_violations": [], "console_errors": console,
        "overflow": False, "text_length": 0, "found_text": [], "screenshot": None,
    }
    problems = []
    try:
        response = page.goto(args.base + path, wait_until="load")
        try:
            page.wait_for_load_state("networkidle", timeout=5_000)
        except Exception:  # noqa: BLE001 - a page that keeps polling is still checked
            pass
        result["status"] = response.status if response else None
        result["final_url"] = page.url
        width = page.viewport_size["width"]
        seen = page.evaluate(INSPECT, width)
        result.update(
            xss=seen["xss"] + len(dialogs), csp_violations=seen["csp"], overflow=seen["overflow"],
            text_length=seen["textLength"], dangerous_markup=seen["bad"],
        )
        if args.expect_text:
            shown = page.inner_text("body")
            result["found_text"] = [text for text in args.expect_text if text in shown]
        if args.screenshots:
            shot = os.path.join(args.screenshots, f"{slug(path)}-{viewport}.png")
            page.screenshot(path=shot, full_page=True)
            result["screenshot"] = shot
        if seen["overflow"]:
            problems.append(f"wider than the screen ({seen['scrollWidth']} px of content in {width} px)")
    except Exception as error:  # noqa: BLE001 - a page that will not load is a failure, not a crash
        problems.append(f"did not load: {str(error).splitlines()[0]}")
    finally:
        result["final_url"] = result["final_url"] or page.url
        page.close()
    if result["xss"]:
        problems.append(f"injected script ran {result['xss']} time(s)")
    if foreign:
        problems.append(f"requested foreign URLs: {', '.join(sorted(set(foreign)))}")
    if result["dangerous_markup"]:
        problems.append(f"unescaped active markup: {', '.join(result['dangerous_markup'][:5])}")
    status = result["status"]
    if status is None and not any(p.startswith("did not load") for p in problems):
        problems.append("no HTTP response")
    elif status is not None and status >= 400:
        problems.append(f"HTTP {status}")
    if args.user and urlsplit(result["final_url"] or "").path.rstrip("/") == "/login" and path != "/login":
        problems.append("sent to /login although signed in")
    if status is not None and result["text_length"] < MIN_TEXT:
        problems.append(f"nearly empty ({result['text_length']} characters of text)")
    return result, [f"{path} ({viewport}): {p}" for p in problems]


def main(argv):
    args = parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("page_check.py: Playwright is missing; run it as ops/pages.sh Tests/Servers/page_check.py ...", file=sys.stderr)
        return 2
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    allowed = {args.host, *args.allow_host}
    pages, failures = [], []
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright, args)
            try:
                state = None
                if args.user:
                    context = new_context(browser, VIEWPORTS[0][1], allowed)
                    failure = sign_in(context, args)
                    state = context.storage_state()
                    context.close()
                    if failure:
                        print(f"page_check.py: {failure}", file=sys.stderr)
                        print(json.dumps({"pages": [], "ok": False, "failures": [failure]}, indent=1))
                        return 1
                for name, options in VIEWPORTS:
                    context = new_context(browser, options, allowed, storage_state=state)
                    try:
                        for path in args.paths:
                            result, problems = check_page(context, args, path, name, allowed)
                            pages.append(result)
                            failures.extend(problems)
                    finally:
                        context.close()
            finally:
                browser.close()
    except SystemExit as error:
        print(error, file=sys.stderr)
        return 2
    print(json.dumps({"pages": pages, "ok": not failures, "failures": failures}, indent=1, ensure_ascii=False))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
