"""GitHub Actions workflows that GitHub would accept, with triggers and jobs that run steps."""

from auditor.model import Finding
from auditor.rules._workflows import jobs_line, live_jobs, live_steps, problems, trigger_line


def probe(workflows):
    for wf in workflows:
        if wf.error:
            yield Finding(wf.path, None, f"{wf.path}: {wf.error}", "error")
            continue
        reasons = problems(wf)
        if reasons:
            more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
            yield Finding(wf.path, jobs_line(wf) if wf.valid else None,
                          f"{wf.path} is not a valid GitHub workflow, GitHub would reject it: {reasons[0]}{more}", "weak")
            continue
        jobs = live_jobs(wf)
        steps = list(live_steps(wf))
        reusable = [j for j in jobs.values() if isinstance(j.get("uses"), str)]
        events = ", ".join(list(wf.triggers())[:3])
        if steps or reusable:
            yield Finding(wf.path, trigger_line(wf) or 1,
                          f"{wf.path} runs {len(jobs)} job(s) with {len(steps)} step(s) on {events}")
        else:
            yield Finding(wf.path, jobs_line(wf), f"{wf.path}: every job is switched off with `if: false`", "weak")
