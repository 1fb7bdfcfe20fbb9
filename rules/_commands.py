"""Shared reading of commands (the `commands` fact): what builds or pushes an image, and how a
finding names a command."""

from __future__ import annotations

COMPOSE_BUILDS = {"build", "create"}
PRINT_ONLY = frozenset({"--version", "-V", "--help", "-h", "--show-settings", "--show-files"})
RUFF_NOT_LINTING = frozenset({"clean", "rule", "config", "server", "version", "linter", "analyze", "help"})


def malformed_note(command) -> str:
    """What a finding adds for a command of a Dockerfile exec form that is not valid JSON (Docker runs
    it as a shell command, so it would not run as written): ` (why)`, else nothing."""
    return f" ({command.malformed})" if command.malformed else ""


def only_prints(args) -> bool:
    """A tool asked for its version, help or settings (`ruff check --show-settings`): it prints, then
    exits, and checks nothing."""
    return any(arg.partition("=")[0] in PRINT_ONLY for arg in args)


def _compose_words(command) -> list[str] | None:
    """The words after `docker compose` / `docker-compose` / `podman-compose` (options left out)."""
    if command.program in ("docker-compose", "podman-compose"):
        return [a for a in command.args if not a.startswith("-")]
    if command.program in ("docker", "podman") and command.subcommand == "compose":
        words = [a for a in command.args if not a.startswith("-")]
        return words[1:]
    return None


def builds_image(command) -> bool:
    """`docker build`, `docker buildx build`, `docker compose build` / `up --build`, kaniko,
    `gcloud builds submit --tag/--pack`, `pack build`."""
    words = [a for a in command.args if not a.startswith("-")]
    program = command.program
    if program in ("docker", "podman", "buildah"):
        if words[:1] in (["build"], ["bud"]) or words[:2] in (["buildx", "build"], ["image", "build"]):
            return True
    compose = _compose_words(command)
    if compose is not None:
        return bool(compose) and (compose[0] in COMPOSE_BUILDS or (compose[0] == "up" and command.has_option("--build")))
    if program in ("kaniko", "executor") or program.startswith("kaniko"):
        return True
    if program == "gcloud" and words[:2] == ["builds", "submit"]:
        return command.has_option("--tag", "-t", "--pack")
    return program == "pack" and words[:1] == ["build"]


def pushes_image(command) -> bool:
    words = [a for a in command.args if not a.startswith("-")]
    if command.program in ("docker", "podman") and (words[:1] == ["push"] or words[:2] == ["image", "push"]):
        return True
    compose = _compose_words(command)
    if compose is not None:
        return compose[:1] == ["push"]
    return command.program == "gcloud" and words[:2] == ["builds", "submit"]


def image_destinations(command) -> list[str]:
    """The image names a build or push command writes to: `-t`/`--tag` of a build, the image of
    `docker push`, the target of `docker tag`, kaniko's `--destination`, `gcloud builds submit --tag`.
    Never the program itself (a Cloud Build step's builder image is the tool that runs)."""
    program, words = command.program, [a for a in command.args if not a.startswith("-")]
    if program in ("kaniko", "executor") or program.startswith("kaniko"):
        return command.option_values("--destination") + command.option_values("-d")
    if builds_image(command):
        return command.option_values("--tag") + command.option_values("-t")
    if program in ("docker", "podman"):
        if words[:1] == ["push"] or words[:2] == ["image", "push"]:
            return words[1 + (words[0] == "image"):][:1]
        if words[:1] == ["tag"] or words[:2] == ["image", "tag"]:
            return words[2 + (words[0] == "image"):][:1]
    return []


def builds_locally(command) -> bool:
    """An image build on the machine at hand (`docker build`, `docker compose build|up`)."""
    compose = _compose_words(command)
    if compose is not None:
        return compose[:1] in (["build"], ["up"])
    return command.program in ("docker", "podman", "buildah") and builds_image(command)


def quoted(command, width: int = 70) -> str:
    return f"`{command.text[:width]}`"


def runs_what(command) -> str:
    """`... runs pytest (behind uvx)`: the program a command actually runs, when runners hide it."""
    if not command.wrappers:
        return command.program
    return f"{command.program} (through {', '.join(command.wrappers)})"
