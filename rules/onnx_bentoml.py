"""ONNX or BentoML deployment: an ONNX export or ONNX Runtime inference, or a BentoML service;
a stray `.onnx` file, an import or a dependency alone is weak (the rule's `unused` step)."""

from auditor.facts.modules_on_demand import modules_with_text
from auditor.model import Finding

EXPORTS = ("torch.onnx.export", "torch.onnx.dynamo_export", "tf2onnx.convert.from_keras", "tf2onnx.convert.from_function",
           "skl2onnx.convert_sklearn", "skl2onnx.to_onnx", "onnxmltools.convert_sklearn")
SESSIONS = ("onnxruntime.InferenceSession",)
BENTO_DECORATORS = ("bentoml.service", "bentoml.api")
BENTO_CALLS = ("bentoml.Service",)
BENTO_FILES = ("**/bentofile.yaml", "**/bentofile.yml")


def probe(repo, python):
    strong = list(_calls(python))
    strong += [Finding(path, None, f"BentoML build file {path}") for path in repo.glob(*BENTO_FILES)[:1]]
    yield from strong[:4]


def _calls(python):
    """ONNX exports, ONNX Runtime sessions and BentoML services, one finding per kind."""
    seen_kinds = set()
    for path, module in modules_with_text(python, _may_deploy).items():
        for call in module.calls:
            resolved = module.resolve(call.name)
            kind = _kind(resolved, call.name)
            if kind and kind not in seen_kinds:
                seen_kinds.add(kind)
                yield Finding(path, call.line, f"{kind}: `{call.name}(...)` in {path}:{call.line}")
        for name, line in module.decorators:
            if module.resolve(name) in BENTO_DECORATORS and "BentoML service" not in seen_kinds:
                seen_kinds.add("BentoML service")
                yield Finding(path, line, f"BentoML service: `@{name}` in {path}:{line}")


def _may_deploy(text: str) -> bool:
    """Every name _kind and the BentoML decorators accept holds `onnx` or `bentoml` (of an import or the call)."""
    return "onnx" in text or "bentoml" in text


def _kind(resolved: str, written: str) -> str | None:
    if resolved in EXPORTS or written.endswith(".to_onnx") or resolved.endswith("onnx.export"):
        return "ONNX export"
    if resolved in SESSIONS or (resolved.endswith("InferenceSession") and "onnxruntime" in resolved):
        return "ONNX Runtime inference"
    if resolved.startswith("optimum.onnxruntime.ORT") and resolved.endswith("from_pretrained"):
        return "ONNX Runtime inference"
    if resolved in BENTO_CALLS or (resolved.startswith("bentoml.") and resolved.endswith(".save_model")):
        return "BentoML"
    return None
