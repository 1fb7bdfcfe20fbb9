"""A model definition and a training procedure; only one of the two is weak."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._code import unreadable_python

MODEL_BASE = LazyPattern(r"(^|\.)(nn\.Module|LightningModule|PreTrainedModel|keras\.Model)$|^torch\.nn(\.modules\.module)?\.Module$")
MODEL_CALL = LazyPattern(
    r"(^|\.)(AutoModel\w*|\w+For\w+|\w+Model)\.from_pretrained$|^timm\.create_model$|^torchvision\.models\.\w+$"
    r"|^(sklearn|xgboost|lightgbm|catboost)\.[\w.]*(Classifier|Regressor|Regression|SVC|SVR|KMeans|NB|Forest\w*)$"
    r"|(^|\.)nn\.Sequential$|(^|\.)keras(\.models)?\.Sequential$|^torch\.hub\.load$"
    r"|^ultralytics(\.models)?\.(YOLO|RTDETR|NAS|YOLOWorld)$"
)
BACKWARD = LazyPattern(r"(^|\.)(manual_)?backward$")
FIT_RECEIVER = LazyPattern(r"trainer|model|clf|classif|regress|estimator|pipe|search|learner|net|xgb|lgbm|forest|svm", re.I)
MODEL_OR_TRAIN_FILE = LazyPattern(r"(^|/)\w*(model|train)\w*\.py$", re.IGNORECASE)
ULTRALYTICS_TRAIN_KEYWORDS = ("data", "epochs", "imgsz", "batch", "cfg")
NOT_A_MODEL = LazyPattern(r"scaler|encoder|vectori[sz]er|tokeni[sz]er|transform(?!er)|imputer|pca", re.I)


def _model_definitions(source):
    for path, module in source.items():
        for cls in module.classes:
            base = next((b for b in cls.bases if MODEL_BASE.search(module.resolve(b))), None)
            if base:
                yield Finding(path, cls.line, f"model class `{cls.name}({base})` in {path}:{cls.line}")
        for call in module.calls:
            if MODEL_CALL.search(module.resolve(call.name)):
                yield Finding(path, call.line, f"model built with `{call.name}(...)` in {path}:{call.line}")


def _training_calls(source):
    for path, module in source.items():
        backward = next((c for c in module.calls if BACKWARD.search(c.name)), None)
        step = next((c for c in module.calls if c.name.endswith(".step") and c.line >= (backward.line if backward else 0)), None)
        if backward and step:
            yield Finding(path, backward.line, f"training loop with `{backward.name}()` and `{step.name}()` in {path}:{backward.line}")
        for call in module.calls:
            head, _, tail = call.name.rpartition(".")
            if not head or NOT_A_MODEL.search(head):
                continue
            if tail == "fit" and FIT_RECEIVER.search(head):
                yield Finding(path, call.line, f"`{call.name}(...)` trains in {path}:{call.line}")
            elif tail == "train" and "trainer" in head.lower():
                yield Finding(path, call.line, f"`{call.name}()` trains in {path}:{call.line}")
            elif tail == "train" and _ultralytics_training(module, call):
                yield Finding(path, call.line, f"Ultralytics `{call.name}(...)` trains in {path}:{call.line}")


def _ultralytics_training(module, call) -> bool:
    """`model.train(data=..., epochs=...)` or `model.train(**params)` on an Ultralytics model (YOLO
    trains itself); a bare `model.train()` is PyTorch's switch to training mode."""
    if not module.imports_any("ultralytics"):
        return False
    return any(k in call.keywords for k in ULTRALYTICS_TRAIN_KEYWORDS) or any(a.startswith("**") for a in call.args)


def _first_per_file(findings, limit=2):
    seen, kept = set(), []
    for finding in findings:
        if finding.path not in seen:
            seen.add(finding.path)
            kept.append(finding)
    return kept[:limit]


def probe(repo, source):
    models = _first_per_file(_model_definitions(source))
    training = _first_per_file(_training_calls(source))
    if models and training:
        yield from models
        yield from training
        return
    for finding in models:
        yield Finding(finding.path, finding.line, f"{finding.message}, but no training procedure "
                                                  "(backward+step, trainer.fit, model.fit) in source", "weak")
    for finding in training:
        yield Finding(finding.path, finding.line, f"{finding.message}, but no model definition found in source", "weak")
    yield from unreadable_python(repo, MODEL_OR_TRAIN_FILE)
