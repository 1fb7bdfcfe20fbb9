"""A quantization / compression package that is only declared (also in conda-style YAML files)."""

from auditor.model import Finding
from auditor.rules._monitoring import declared, place

PACKAGES = ("neural-compressor", "optimum", "torchao", "bitsandbytes", "onnxruntime-tools", "nncf", "torch-pruning")


def probe(repo):
    hit = declared(repo, *PACKAGES)
    if hit:
        path, line, name = hit
        yield Finding(path, line, f"`{name}` declared as a dependency in {place(path, line)}", "weak")
