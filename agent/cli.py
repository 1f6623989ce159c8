"""The `gui-agent` command line. Each verb lives in agent/commands/<verb>.py."""

from __future__ import annotations

import importlib

import click

VERBS = ("run", "replay", "parse", "batch", "report", "check", "cache")


class _Verbs(click.Group):
    """Imports a verb's module only when that verb is used, so `--help` stays fast."""

    def list_commands(self, ctx):
        return [v for v in VERBS if importlib.util.find_spec(f"agent.commands.{v}") is not None]

    def get_command(self, ctx, name):
        if name not in self.list_commands(ctx):
            return None
        return importlib.import_module(f"agent.commands.{name}").command


@click.group(cls=_Verbs, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gui-agent")
def main():
    """Operate Linux desktops and Android phones with Qwen vision-language models.

    \b
    Quick start (a virtual display, a scripted policy):
      gui-agent run tasks/examples/mousepad_note.yaml \\
          --policy script:tasks/examples/mousepad_note.jsonl --xvfb 1280x800
    """


if __name__ == "__main__":
    main()
