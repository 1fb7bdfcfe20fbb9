"""Alerting the repository can hold: alert policy files, `gcloud ... monitoring policies create`
commands, AlertPolicyService SDK calls, Prometheus alerting rules; a README or docs sentence about alert
policies is weak (the rule's `unused` step). Without any of them the item is n/a: alerts are usually created
in the cloud console."""

import re

from auditor.facts.yaml_values import mentions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._monitoring import console_command, gcloud_words

POLICY_FILE = LazyPattern(r"(\"?combiner\"?\s*:|\"?conditionThreshold\"?\s*:|\"?conditionMatchedLog\"?\s*:|"
                          r"\"?notificationChannels\"?\s*:|^[^\S\n]*-\s*alert:\s*[A-Za-z])", re.MULTILINE)
POLICY_COMMAND = LazyPattern(r"gcloud\s+(alpha\s+|beta\s+)?monitoring\s+(policies|channels)\s+create")
TEXT_FILES = ("README.md", "docs/**/*.md", "**/*.py")   # documented commands, subprocess calls
SDK = LazyPattern(r"^google\.cloud\.monitoring_v3(\.|$)")
SDK_PREFIX = "google.cloud.monitoring_v3"
SDK_CALL = LazyPattern(r"(AlertPolicyServiceClient|NotificationChannelServiceClient|create_alert_policy)")


def creates_alerting(command) -> bool:
    words = gcloud_words(command)
    return words[:1] == ["monitoring"] and words[1:2] in (["policies"], ["channels"]) and words[2:3] == ["create"]


def probe(repo, source, commands):
    yield from _policy_files(repo)
    yield from console_command(repo, commands, creates_alerting, POLICY_COMMAND, TEXT_FILES)
    yield from _sdk(source)


def _policy_files(repo):
    for hit in mentions(repo, POLICY_FILE, "**/*.y*ml", "**/*alert*.json", "**/*polic*.json", "**/*monitor*.json", "**/*dashboard*.json", limit=5):
        if not hit.path.startswith(".github/"):
            yield Finding(hit.path, hit.line, f"alert policy `{hit.text[:80]}` in {hit.path}:{hit.line}")
            return


def _sdk(source):
    for path, module in sorted(source.items()):
        if not any(name.startswith(SDK_PREFIX) and SDK.search(name) for name, _ in module.imports):
            continue
        calls = [c for c in module.calls if SDK_CALL.search(c.name)]
        if calls:
            yield Finding(path, calls[0].line, f"`{calls[0].name}(...)` creates alerting in {path}:{calls[0].line}")
            return
