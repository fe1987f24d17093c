"""Validates Compose files without a Docker engine (run by ops/check_compose.sh inside its venv).

    python check_compose.py SCHEMA FILE...

For each file:
 1. YAML parses (merge keys `<<` included) and the top level is a mapping.
 2. Variables are interpolated as Compose does (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
    `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}`, `$$`), with a placeholder for
    every variable, so the check needs no secrets; a malformed `${…}` is an error.
 3. The interpolated document validates against the Compose Specification JSON Schema (SCHEMA).
 4. Ronda's own rules:
    - secrets come from the environment: an environment entry whose name says it is secret
      (PASSWORD, SECRET, TOKEN, AUTH, API_KEY, PRIVATE_KEY) must be exactly `${VAR:?message}`
      (or `${VAR?message}`), and a URL's password must be such a reference: no literal, no default;
    - published ports bind a loopback address (127.0.0.1, ::1 or localhost);
    - a worker service (its name contains "worker") has no container_name, so it scales;
    - a service that runs the ronda image logs JSON (`--log-format json` in its command), except
      `ronda demo-target`, which has no such option; and, unless it is `migrate` (one-shot) or an
      override of a service defined elsewhere (no image), has a healthcheck;
    - `RONDA_X_FILE: /run/secrets/…` is a path to a secret, not a secret.
Prints every problem as FILE: path: message and exits 1 when there is any.
"""

import json
import re
import sys

import jsonschema
import yaml

SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|(^|_)AUTH($|_)|API_KEY|PRIVATE_KEY)", re.I)
REQUIRED_REF = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$")
URL_USERINFO = re.compile(r"^[a-z][a-z0-9+.-]*://([^/@\s]*)@", re.I)
BRACED = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?$", re.S)
LOOPBACK = {"127.0.0.1", "::1", "[::1]", "localhost"}


class Problems:
    def __init__(self, file):
        self.file = file
        self.items = []

    def add(self, path, message):
        where = "/".join(str(p) for p in path) or "(top level)"
        self.items.append(f"{self.file}: {where}: {message}")


def interpolate(value, path, problems):
    """Interpolates every string in value with placeholders; reports malformed references."""
    if isinstance(value, dict):
        return {k: interpolate(v, path + [k], problems) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, path + [i], problems) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value
    return interpolate_text(value, path, problems)


def interpolate_text(text, path, problems):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < n else ""
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "{":
            depth, j = 1, i + 2
            while j < n and depth:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            if depth:
                problems.add(path, f"unclosed interpolation '{text[i:]}'")
                return "".join(out)
            inner = text[i + 2: j - 1]
            m = BRACED.match(inner)
            if not m:
                problems.add(path, f"invalid interpolation '${{{inner}}}'")
            elif m.group("op") and m.group("op")[-1] in "-+":
                # Unset variables take the default (and set ones the alternative): use it, so a
                # typed field (a port, a count) sees a value of its type.
                out.append(interpolate_text(m.group("arg"), path, problems))
                i = j
                continue
            out.append("placeholder")
            i = j
        elif re.match(r"[A-Za-z_]", nxt):
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i + 1:])
            out.append("placeholder")
            i += 1 + len(m.group(0))
        else:
            problems.add(path, "a lone '$' (write '$$' for a literal dollar sign)")
            out.append("$")
            i += 1
    return "".join(out)


def validate_schema(doc, schema, problems):
    validator = jsonschema.Draft7Validator(schema)
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        problems.add(list(error.absolute_path), f"Compose schema: {error.message}")


def environment_items(env):
    """(name, raw value) pairs of a service's environment, list or mapping form."""
    if isinstance(env, dict):
        for k, v in env.items():
            yield str(k), v
    elif isinstance(env, list):
        for item in env:
            if isinstance(item, str):
                name, _, val = item.partition("=")
                yield name, (val if "=" in item else None)


def check_secret_value(name, value, path, problems):
    if value is None:
        return  # passed through from the caller's environment by name: fine
    text = str(value)
    if name.endswith("_FILE") and text.startswith("/run/secrets/"):
        return  # a path to a Docker secret (RONDA_X_FILE), not the secret itself
    if SECRET_NAME.search(name):
        if not REQUIRED_REF.match(text):
            problems.add(
                path,
                f"{name} looks secret: write it as ${{SOME_VAR:?message}} (from the environment, "
                "required, no default), not a literal or a default",
            )
        return
    m = URL_USERINFO.match(text)
    if m and ":" in m.group(1):
        password = m.group(1).split(":", 1)[1]
        if not REQUIRED_REF.match(password):
            problems.add(path, f"{name}: the URL's password must be ${{SOME_VAR:?message}}, not '{password}'")


def check_ports(ports, path, problems):
    for i, entry in enumerate(ports or []):
        where = path + [i]
        if isinstance(entry, dict):
            if entry.get("published") is None:
                continue
            host = str(entry.get("host_ip", "")).strip()
            if host not in LOOPBACK:
                problems.add(where, f"published port {entry.get('published')} must set host_ip: 127.0.0.1")
            continue
        text = str(entry)
        spec = text.split("/", 1)[0]
        if spec.startswith("["):  # [::1]:8080:80
            host = spec[: spec.index("]") + 1]
            rest = spec[len(host) + 1:]
            parts = [host] + rest.split(":")
        else:
            parts = spec.split(":")
        if len(parts) < 3 or parts[0] not in LOOPBACK:
            problems.add(
                where,
                f"port '{text}' is published on every interface: bind it to loopback, e.g. '127.0.0.1:{parts[-2] if len(parts) > 1 else parts[0]}:{parts[-1]}'",
            )


def uses_ronda(service):
    """Whether the service runs Ronda's image (not a sidecar whose name merely contains ronda)."""
    image = str(service.get("image", ""))
    build = service.get("build")
    dockerfile = build.get("dockerfile", "") if isinstance(build, dict) else ""
    repository = re.sub(r"\$\{RONDA_IMAGE[^}]*\}", "ronda", image).split("@")[0].rsplit(":", 1)[0]
    return repository.rsplit("/", 1)[-1].lower() == "ronda" or "deploy/Dockerfile" in str(dockerfile)


def check_rules(raw, problems):
    services = raw.get("services") or {}
    if not isinstance(services, dict):
        return
    for name, service in services.items():
        if not isinstance(service, dict):
            continue
        base = ["services", name]
        for key, value in environment_items(service.get("environment")):
            check_secret_value(key, value, base + ["environment", key], problems)
        check_ports(service.get("ports"), base + ["ports"], problems)
        if "worker" in name.lower() and "container_name" in service:
            problems.add(base + ["container_name"], "a worker must not set container_name: it stops --scale")
        if uses_ronda(service):
            command = service.get("command")
            words = command if isinstance(command, list) else str(command or "").split()
            words = [str(w) for w in words]
            # `ronda demo-target` (the bundled sample app) has no --log-format.
            if words[:1] == ["demo-target"]:
                continue
            if not any(w == "--log-format" and i + 1 < len(words) and words[i + 1] == "json"
                       for i, w in enumerate(words)) and "--log-format=json" not in words:
                problems.add(base + ["command"], "a ronda service logs JSON in containers: add --log-format json")
            # Every long-running Ronda service says whether it is healthy; `migrate` runs once.
            if words[:1] != ["migrate"] and "command" in service and "healthcheck" not in service \
                    and "image" in service:
                problems.add(base, "a long-running ronda service needs a healthcheck (`ronda health …`)")
    # Top-level secrets fed from the environment are fine; literal files are the operator's business.


def check_file(path, schema):
    problems = Problems(path)
    try:
        with open(path, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
    except FileNotFoundError:
        problems.add([], "no such file")
        return problems
    except yaml.YAMLError as e:
        problems.add([], f"not valid YAML: {e}")
        return problems
    if not isinstance(raw, dict):
        problems.add([], "a Compose file is a mapping at the top level")
        return problems
    doc = interpolate(raw, [], problems)
    validate_schema(doc, schema, problems)
    check_rules(raw, problems)
    return problems


def main(argv):
    if len(argv) < 3:
        print("usage: check_compose.py SCHEMA FILE...", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    failed = False
    for path in argv[2:]:
        problems = check_file(path, schema)
        if problems.items:
            failed = True
            for line in problems.items:
                print(line)
            print(f"{path}: INVALID ({len(problems.items)} problem{'s' if len(problems.items) != 1 else ''})")
        else:
            print(f"{path}: valid (Compose Specification and Ronda's rules)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
