"""A quantization / compression package that is only declared (also in conda-style YAML files)."""

from auditor.rules._declared import declared, only_declared

PACKAGES = ("neural-compressor", "optimum", "torchao", "bitsandbytes", "onnxruntime-tools", "nncf", "torch-pruning")


def probe(repo):
    dep = declared(repo, *PACKAGES)
    if dep:
        yield only_declared(dep)
