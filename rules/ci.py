"""GitHub Actions workflows with triggers and jobs that run steps."""

from auditor.model import Finding


def probe(workflows):
    for wf in workflows:
        if wf.error:
            yield Finding(wf.path, None, f"{wf.path}: {wf.error}", "error")
            continue
        if not wf.valid:
            yield Finding(wf.path, None, f"{wf.path} is empty or not a mapping", "weak")
            continue
        steps = list(wf.steps())
        reusable = [j for j in wf.jobs().values() if isinstance(j.get("uses"), str)]
        if wf.triggers() and (steps or reusable):
            events = ", ".join(list(wf.triggers())[:3])
            yield Finding(wf.path, wf.line_of("on") or 1,
                          f"{wf.path} runs {len(wf.jobs())} job(s) with {len(steps)} step(s) on {events}")
        else:
            missing = "triggers (`on:`)" if not wf.triggers() else "jobs with steps"
            yield Finding(wf.path, None, f"{wf.path} has no {missing}", "weak")
