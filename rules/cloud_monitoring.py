"""Cloud monitoring the repository can hold: a managed-Prometheus sidecar or monitoring config,
Cloud Monitoring SDK calls, `gcloud monitoring` commands. A config kept as plain text is weak, and so
are a README or docs mention and a dependency only (the rule's `unused` step); with nothing in the
repository the item is n/a (it lives in the cloud console)."""

import re

from auditor.facts.repository import VENDORED
from auditor.facts.yaml_values import mentions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._monitoring import console_command, gcloud_words

CONFIG_FILES = ("**/*.y*ml", "**/*.tf", "**/*.sh", "**/*.py", "**/*alert*.json", "**/*polic*.json", "**/*monitor*.json", "**/*dashboard*.json")
TEXT_FILES = ("**/*.txt", "**/*.md", "**/*.cfg", "**/*.conf")
MONITORING_CONFIG = LazyPattern(
    r"(kind:\s*(RunMonitoring|PodMonitoring|ClusterPodMonitoring)|monitoring\.googleapis\.com/|run-gmp-sidecar|"
    r"gmp-public/|\"(mosaicLayout|gridLayout)\"|otelcol|opentelemetry-collector|googlecloud(monitoring)?:)",
    re.MULTILINE,
)
SELF_HOSTED = LazyPattern(r"^scrape_configs:", re.MULTILINE)
MONITORING_COMMAND = LazyPattern(r"gcloud\s+(alpha\s+|beta\s+)?monitoring\s+(dashboards|metrics|uptime|channels)")
DOCUMENTED = ("README.md", "docs/**/*.md")
MONITORING_GROUPS = {"dashboards", "metrics", "uptime", "channels"}
SDK = LazyPattern(r"^(google\.cloud\.monitoring(_v3|_dashboard)?|opentelemetry\.exporter\.cloud_monitoring|"
                  r"google\.cloud\.monitoring_dashboards)(\.|$)")
SDK_PREFIXES = ("google.cloud.monitoring", "opentelemetry.exporter.cloud_monitoring")  # every SDK match starts so


def monitors(command) -> bool:
    words = gcloud_words(command)
    return words[:1] == ["monitoring"] and bool(MONITORING_GROUPS & set(words[1:2]))


def probe(repo, source, commands):
    yield from _configs(repo)
    yield from _sdk(source)
    yield from console_command(repo, commands, monitors, MONITORING_COMMAND, DOCUMENTED)


def _configs(repo):
    for hit in mentions(repo, MONITORING_CONFIG, *CONFIG_FILES, limit=10):
        if not VENDORED.search(hit.path):
            yield Finding(hit.path, hit.line, f"monitoring config `{hit.text[:80]}` in {hit.path}:{hit.line}")
            return
    for hit in mentions(repo, SELF_HOSTED, "**/*.y*ml", limit=1):
        yield Finding(hit.path, hit.line, f"a Prometheus scrape config in {hit.path}:{hit.line}: self-hosted monitoring, "
                                          "not a cloud monitoring setup", "weak")
        return
    for hit in repo.grep(MONITORING_CONFIG, *TEXT_FILES, limit=3):
        if hit.path == repo.report_path or repo.in_report_folder(hit.path):
            continue
        yield Finding(hit.path, hit.line, f"monitoring config `{hit.text[:80]}` kept as plain text in {hit.path}:{hit.line}, "
                                          "not a config file a deploy step can use", "weak")
        return


def _sdk(source):
    for path, module in sorted(source.items()):
        for name, line in module.imports:
            if name.startswith(SDK_PREFIXES) and SDK.search(name):
                yield Finding(path, line, f"Cloud Monitoring SDK `import {name}` in {path}:{line}")
                return
