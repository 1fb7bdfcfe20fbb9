"""Declared dependencies cover the third-party packages the source code imports."""

import sys

from auditor.model import Finding
from auditor.rules._code import pyproject_unreadable

# import name -> distribution names that provide it (the common mismatches only)
PROVIDERS = {
    "sklearn": {"scikit-learn", "sklearn"}, "yaml": {"pyyaml"}, "PIL": {"pillow"}, "cv2": {"opencv-python", "opencv-python-headless", "opencv-contrib-python"},
    "hydra": {"hydra-core"}, "omegaconf": {"omegaconf", "hydra-core"}, "dotenv": {"python-dotenv"},
    "skimage": {"scikit-image"}, "bs4": {"beautifulsoup4"}, "google": {"google-cloud-storage", "google-cloud-aiplatform",
    "google-cloud-secret-manager", "google-cloud-logging", "google-cloud-monitoring", "google-cloud-run", "google-api-core",
    "google-cloud-pubsub", "google-cloud-bigquery", "protobuf", "google-auth", "gcsfs", "dvc-gs", "google-cloud"},
    "pytorch_lightning": {"pytorch-lightning", "lightning"}, "lightning": {"lightning", "pytorch-lightning"},
    "torch": {"torch", "pytorch"}, "multipart": {"python-multipart"}, "jwt": {"pyjwt"}, "attr": {"attrs"},
    "serial": {"pyserial"}, "dateutil": {"python-dateutil"}, "pkg_resources": {"setuptools"}, "Levenshtein": {"python-levenshtein"},
    "huggingface_hub": {"huggingface-hub", "transformers"}, "onnxruntime": {"onnxruntime", "onnxruntime-gpu"},
    "docx": {"python-docx"}, "magic": {"python-magic"}, "telegram": {"python-telegram-bot"}, "zmq": {"pyzmq"},
    "pytorch_grad_cam": {"grad-cam"}, "timm": {"timm"}, "wandb": {"wandb"}, "lightning_fabric": {"lightning", "lightning-fabric"},
    "prometheus_client": {"prometheus-client"}, "sentence_transformers": {"sentence-transformers"},
    "torch_geometric": {"torch-geometric"}, "typing_extensions": {"typing-extensions"},
    "transformers": {"transformers"}, "datasets": {"datasets"}, "kaggle": {"kaggle", "kagglehub"},
    "git": {"gitpython"}, "fitz": {"pymupdf"}, "Crypto": {"pycryptodome", "pycryptodomex"}, "jose": {"python-jose"},
    "slugify": {"python-slugify"}, "umap": {"umap-learn"}, "faiss": {"faiss-cpu", "faiss-gpu"},
    "mpl_toolkits": {"matplotlib"}, "hydra_plugins": {"hydra-optuna-sweeper", "hydra-ax-sweeper", "hydra-submitit-launcher",
    "hydra-joblib-launcher", "hydra-ray-launcher", "hydra-nevergrad-sweeper"}, "tensorboardX": {"tensorboardx"},
    "google_auth_oauthlib": {"google-auth-oauthlib"}, "websocket": {"websocket-client"}, "engineio": {"python-engineio"},
    "socketio": {"python-socketio"}, "OpenSSL": {"pyopenssl"}, "gi": {"pygobject"}, "win32api": {"pywin32"},
}
IMPLIED_BY = {  # packages that arrive with another declared one
    "numpy": {"torch", "pandas", "scikit-learn", "opencv-python", "scipy", "matplotlib", "transformers"},
    "requests": {"wandb", "transformers", "huggingface-hub", "datasets", "kaggle", "google-cloud-storage"},
    "omegaconf": {"hydra-core"}, "starlette": {"fastapi"}, "pydantic": {"fastapi"}, "tqdm": {"transformers", "datasets"},
    "yaml": {"hydra-core", "transformers", "wandb"}, "packaging": {"transformers"}, "click": {"typer"},
    "torchmetrics": {"pytorch-lightning", "lightning"}, "PIL": {"torchvision", "matplotlib"},
    "pytorch_lightning": {"lightning"}, "filelock": {"torch"}, "jinja2": {"torch"}, "rich": {"typer"},
}
STDLIB = set(sys.stdlib_module_names) | {"__future__", "setuptools", "pkg_resources", "distutils", "_pytest"}


def normalize(name):
    return name.replace("_", "-").replace(".", "-").lower()


def local_names(files):
    """Names the project's own code can be imported by: its modules and the folders that hold them
    (a `configs/hydra/` folder of YAML files does not make `import hydra` local)."""
    names = set()
    for path in files:
        if path.endswith(".py"):
            parts = path.split("/")
            names.add(parts[-1][:-3])
            names.update(parts[:-1])
    return names


def probe(repo, source, dependency_names):
    return _probe(repo, source, dependency_names)


def _probe(repo, source, declared):
    if not declared:
        unreadable = pyproject_unreadable(repo)
        if unreadable:
            yield unreadable
        return
    local = local_names(repo.files)
    imported = {}
    for path, module in source.items():
        for name, line in module.imports:
            top = name.split(".")[0]
            if top in STDLIB or top in local or top.startswith("_") or top in imported:
                continue
            imported[top] = (path, line)
    if not imported:
        yield Finding(None, None, f"{len(declared)} dependencies declared; the source imports no third-party package", "weak")
        return
    missing = sorted(t for t in imported if not _covered(t, declared))
    share = 1 - len(missing) / len(imported)
    first = _main_dependency_file(repo.dependencies)
    summary = f"{len(imported) - len(missing)}/{len(imported)} imported third-party packages are declared"
    if missing:
        summary += f"; missing: {', '.join(missing[:8])}"
    yield Finding(first.path, first.line, summary, "strong" if share >= 0.8 else "weak")


def _covered(top, declared):
    providers = PROVIDERS.get(top, set()) | {normalize(top), normalize(top).replace("py-", ""), "py" + normalize(top)}
    if providers & declared:
        return True
    if any(d.startswith(normalize(top) + "-") for d in declared):
        return True
    return bool(IMPLIED_BY.get(top, set()) & declared)


def _main_dependency_file(dependencies):
    """The first entry of the file that declares the most, top-level files first."""
    counts = {}
    for dep in dependencies:
        counts[dep.path] = counts.get(dep.path, 0) + 1
    canonical = ("requirements.txt", "pyproject.toml", "environment.yml", "environment.yaml")
    main = min(counts, key=lambda path: ("/" in path, path not in canonical, -counts[path], path))
    return next(d for d in dependencies if d.path == main)
