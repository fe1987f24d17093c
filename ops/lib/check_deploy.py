"""Validates deploy/kubernetes, deploy/prometheus and deploy/grafana (run by ops/check_deploy.sh).

    python check_deploy.py ROOT REPO KUBERNETES_VALIDATE PROMTOOL

ROOT holds the files to check; REPO is the repository whose Sources/ say which metrics Ronda
exports and which Redis stream and group its queue uses. Prints every problem as FILE: message
and exits 1 when there is any.
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

problems = []


def problem(path, message):
    problems.append(f"{path}: {message}")


def relative(root, path):
    return os.path.relpath(path, root)


def sources_text(repo):
    chunks = []
    for path in glob.glob(os.path.join(repo, "Sources", "**", "*.swift"), recursive=True):
        with open(path, encoding="utf-8") as f:
            chunks.append(f.read())
    return "\n".join(chunks)


def exported_metrics(source):
    """Metric names Ronda's code registers (string literals starting with ronda_)."""
    return set(re.findall(r'"(ronda_[a-z0-9_]+)"', source))


def metric_names(expr):
    """The ronda_* metric names an expression reads, less histogram and counter suffixes."""
    names = set()
    for name in re.findall(r"\b(ronda_[a-z0-9_]+)", expr):
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        names.add(name)
    return names


def check_metric_names(path, exprs, exported):
    for expr in exprs:
        for name in metric_names(expr):
            if name not in exported:
                problem(path, f"the query '{expr}' reads {name}, which no Ronda process exports")


def check_kubernetes(root, repo, validator, source):
    folder = os.path.join(root, "deploy", "kubernetes")
    files = sorted(glob.glob(os.path.join(folder, "**", "*.yaml"), recursive=True))
    if not files:
        problem(folder, "no manifests")
        return
    result = subprocess.run([validator, "--strict", "--quiet", *files], capture_output=True, text=True)
    for line in (result.stdout + result.stderr).splitlines():
        if "Couldn't find schema" in line and "keda.sh" in line:
            continue  # KEDA's custom resources: checked below against Ronda
        if line.strip():
            problem(folder, line.strip())
    if result.returncode != 0 and not any(p.startswith(folder) for p in problems):
        problem(folder, f"kubernetes-validate exited {result.returncode}")

    stream = re.search(r'streamKey: String = "([^"]+)"', source)
    group = re.search(r'group: String = "([^"]+)"', source)
    deployments, scaled = set(), []
    for path in files:
        with open(path, encoding="utf-8") as f:
            try:
                docs = [d for d in yaml.safe_load_all(f) if d]
            except yaml.YAMLError as e:
                problem(relative(root, path), f"not valid YAML: {e}")
                continue
        for doc in docs:
            kind = doc.get("kind")
            if kind == "Deployment":
                deployments.add(doc["metadata"]["name"])
            if kind in ("ScaledObject", "HorizontalPodAutoscaler"):
                scaled.append((relative(root, path), doc))
            check_secrets_not_inlined(relative(root, path), doc)
            check_pod(relative(root, path), doc)
    for path, doc in scaled:
        target = doc["spec"]["scaleTargetRef"]["name"]
        if target not in deployments:
            problem(path, f"{doc['kind']} scales '{target}', which is no Deployment here")
        if doc["kind"] != "ScaledObject":
            continue
        for trigger in doc["spec"].get("triggers", []):
            meta = trigger.get("metadata", {})
            if trigger.get("type") != "redis-streams":
                problem(path, f"trigger type {trigger.get('type')}: Ronda's queue is a Redis stream")
                continue
            if stream and meta.get("stream") != stream.group(1):
                problem(path, f"stream '{meta.get('stream')}', but Ronda's jobs are in '{stream.group(1)}'")
            if group and meta.get("consumerGroup") != group.group(1):
                problem(path, f"consumerGroup '{meta.get('consumerGroup')}', but Ronda's is '{group.group(1)}'")
            if "password" in meta or "address" in meta:
                problem(path, "the Redis address and password belong in a TriggerAuthentication's Secret")


def pod_specs(doc):
    spec = doc.get("spec") or {}
    if doc.get("kind") in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        yield spec.get("template", {}).get("spec", {})
    if doc.get("kind") == "CronJob":
        yield spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec", {})


def check_secrets_not_inlined(path, doc):
    if doc.get("kind") == "Secret":
        problem(path, f"Secret {doc['metadata'].get('name')} is written here: reference it, create it with kubectl")
    for pod in pod_specs(doc):
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            for env in container.get("env", []):
                if "value" in env and re.search(r"(PASSWORD|SECRET|TOKEN|_URL)$", env["name"]) \
                        and not env["name"].endswith("_FILE") and env["name"] != "RONDA_BASE_URL":
                    problem(path, f"{container['name']}: {env['name']} has a literal value: use a Secret")


def check_pod(path, doc):
    for pod in pod_specs(doc):
        for container in pod.get("containers", []):
            name = container["name"]
            if "resources" not in container or "requests" not in container["resources"]:
                problem(path, f"{name}: no resource requests")
            if doc.get("kind") == "Deployment" and "livenessProbe" not in container \
                    and "readinessProbe" not in container:
                problem(path, f"{name}: a Deployment's container needs probes")


def check_prometheus(root, promtool, exported):
    folder = os.path.join(root, "deploy", "prometheus")
    config = os.path.join(folder, "prometheus.yml")
    alerts = os.path.join(folder, "alerts.yml")
    with tempfile.TemporaryDirectory() as tmp:
        # The container paths (/run/secrets, /etc/prometheus) mapped to files that exist here.
        token = os.path.join(tmp, "token")
        with open(token, "w") as f:
            f.write("token\n")
        with open(config, encoding="utf-8") as f:
            text = f.read().replace("/run/secrets/ronda_metrics_token", token)
        text = text.replace("/etc/prometheus/alerts.yml", alerts)
        local = os.path.join(tmp, "prometheus.yml")
        with open(local, "w") as f:
            f.write(text)
        run_promtool(relative(root, config), [promtool, "check", "config", local])
    run_promtool(relative(root, alerts), [promtool, "check", "rules", alerts])
    test = os.path.join(folder, "alerts_test.yml")
    if os.path.exists(test):
        run_promtool(relative(root, test), [promtool, "test", "rules", "alerts_test.yml"], cwd=folder)
    with open(alerts, encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    exprs = [r["expr"] for g in rules.get("groups", []) for r in g.get("rules", [])]
    check_metric_names(relative(root, alerts), exprs, exported)
    wanted = {"RondaNoLiveWorkers", "RondaQueueLagGrowing", "RondaDeadLetters", "RondaNoRunFinalized",
              "RondaAlertDeliveriesFailing"}
    names = {r.get("alert") for g in rules.get("groups", []) for r in g.get("rules", [])}
    for missing in sorted(wanted - names):
        problem(relative(root, alerts), f"no alert {missing}")


def run_promtool(path, command, cwd=None):
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().replace("\n", " | ")
        problem(path, f"promtool: {output}")


def check_grafana(root, promtool, exported):
    folder = os.path.join(root, "deploy", "grafana")
    datasources = glob.glob(os.path.join(folder, "provisioning", "datasources", "*.yml"))
    uids = set()
    for path in datasources:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        for ds in doc.get("datasources", []):
            uids.add(ds.get("uid"))
            if ds.get("type") != "prometheus":
                problem(relative(root, path), f"datasource {ds.get('name')} is not Prometheus")
    if not uids:
        problem(os.path.join(folder, "provisioning", "datasources"), "no datasource")
    providers = glob.glob(os.path.join(folder, "provisioning", "dashboards", "*.yml"))
    if not providers:
        problem(os.path.join(folder, "provisioning", "dashboards"), "no dashboard provider")
    dashboards = glob.glob(os.path.join(folder, "dashboards", "*.json"))
    if not dashboards:
        problem(os.path.join(folder, "dashboards"), "no dashboard")
    for path in dashboards:
        rel = relative(root, path)
        try:
            with open(path, encoding="utf-8") as f:
                board = json.load(f)
        except ValueError as e:
            problem(rel, f"not valid JSON: {e}")
            continue
        for key in ("uid", "title", "panels"):
            if key not in board:
                problem(rel, f"no '{key}'")
        exprs = []
        for panel in board.get("panels", []):
            if panel.get("datasource", {}).get("uid") not in uids:
                problem(rel, f"panel '{panel.get('title')}' uses a datasource that is not provisioned")
            for target in panel.get("targets", []):
                exprs.append(target.get("expr", ""))
        check_metric_names(rel, exprs, exported)
        check_promql(rel, exprs, promtool)


def check_promql(path, exprs, promtool):
    """Each query parses as PromQL: promtool checks them as recording rules."""
    rules = {"groups": [{"name": "grafana", "rules": [
        {"record": f"grafana:query_{i}", "expr": e} for i, e in enumerate(exprs) if e]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump(rules, f)
        name = f.name
    try:
        run_promtool(path, [promtool, "check", "rules", name])
    finally:
        os.unlink(name)


def main(argv):
    if len(argv) != 5:
        print("usage: check_deploy.py ROOT REPO KUBERNETES_VALIDATE PROMTOOL", file=sys.stderr)
        return 2
    root, repo, validator, promtool = argv[1:]
    source = sources_text(repo)
    exported = exported_metrics(source)
    check_kubernetes(root, repo, validator, source)
    check_prometheus(root, promtool, exported)
    check_grafana(root, promtool, exported)
    for line in problems:
        print(line)
    if problems:
        print(f"check_deploy: INVALID ({len(problems)} problem{'s' if len(problems) != 1 else ''})")
        return 1
    print("check_deploy: valid (Kubernetes manifests, Prometheus configuration and rules, Grafana provisioning)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
