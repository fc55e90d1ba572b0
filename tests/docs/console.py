"""The documentation's shell commands, as docs/testing.md defines them: ```console blocks of `$ ` lines and output.

A `$ ` line is a command (a line ending in a backslash continues it on the next line); the lines up to the next
command are what it prints on stdout, where `…` stands for any text, across lines too. A block whose first
line is `# illustrative` is not run: it needs a person at a browser, or an operator's machine.
"""

import re
from dataclasses import dataclass
from pathlib import Path

ILLUSTRATIVE = "# illustrative"
# The fences a shell command may sit in; each must be a console block or marked illustrative.
SHELL_LANGUAGES = {"console", "sh", "bash", "shell", "zsh"}
FENCE = re.compile(r"^```(?P<language>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Command:
    """One documented command and the output the page promises for it."""

    line: int
    command: str
    expected: str

    def matches(self, output: str) -> bool:
        return output_pattern(self.expected).fullmatch(normalized(output)) is not None


@dataclass(frozen=True, slots=True)
class Block:
    """One fenced block of a page, where it starts, and what it holds."""

    line: int
    language: str
    body: str

    @property
    def illustrative(self) -> bool:
        return self.body.lstrip().startswith(ILLUSTRATIVE)


def blocks(text: str) -> list[Block]:
    """Every fenced block of a Markdown page, in order."""
    return [
        Block(text.count("\n", 0, match.start()) + 1, match["language"], match["body"])
        for match in FENCE.finditer(text)
    ]


def shell_blocks(text: str) -> list[Block]:
    return [block for block in blocks(text) if block.language in SHELL_LANGUAGES]


def commands(text: str) -> list[Command]:
    """The commands of every console block not marked illustrative, in page order."""
    found: list[Command] = []
    for block in blocks(text):
        if block.language != "console" or block.illustrative:
            continue
        lines = block.body.splitlines()
        index = 0
        while index < len(lines):
            if not lines[index].startswith("$ "):
                index += 1
                continue
            start = index
            command = [lines[index][2:]]
            while command[-1].endswith("\\") and index + 1 < len(lines):
                index += 1
                command.append(lines[index])
            index += 1
            expected = []
            while index < len(lines) and not lines[index].startswith("$ "):
                expected.append(lines[index])
                index += 1
            found.append(Command(block.line + 1 + start, "\n".join(command), "\n".join(expected)))
    return found


def normalized(output: str) -> str:
    """Output compared line by line without trailing blanks (curl -i ends header lines with CR LF)."""
    return "\n".join(line.rstrip() for line in output.replace("\r", "").splitlines()).strip("\n")


def output_pattern(expected: str) -> re.Pattern:
    return re.compile(".*?".join(re.escape(part) for part in normalized(expected).split("…")), re.DOTALL)


def pages(docs_dir: Path) -> list[Path]:
    return sorted(docs_dir.rglob("*.md"))
