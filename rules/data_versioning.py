"""DVC with tracked data (or Git LFS); an initialised but unused DVC is weak, and so is DVC only
declared as a dependency (the rule's `unused` step)."""

from auditor.model import Finding


def probe(dvc, lfs_patterns):
    has_config = dvc.config is not None
    tracked = dvc.tracked
    pipelines = dvc.pipelines
    if has_config and (tracked or pipelines):
        what = ", ".join((tracked + pipelines)[:3])
        yield Finding(dvc.config, 1, f"DVC configured, tracking {len(tracked)} .dvc file(s) / {len(pipelines)} pipeline file(s): {what}")
        for path in (tracked + pipelines)[:2]:
            yield Finding(path, 1, f"{path} tracked by DVC")
    elif tracked or pipelines:
        path = (tracked + pipelines)[0]
        yield Finding(path, 1, f"{path} tracked by DVC (no .dvc/config committed)")
    elif has_config or dvc.folder:
        yield Finding(dvc.config or dvc.folder[0], None, "DVC initialised but no data tracked", "weak")
    for path in dict.fromkeys(p.path for p in lfs_patterns):
        first = next(p for p in lfs_patterns if p.path == path)
        yield Finding(path, first.line, f"Git LFS tracks `{first.pattern}`")
