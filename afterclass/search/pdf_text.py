"""The child process that reads a PDF's text: `python -m afterclass.search.pdf_text PAGES CHARS
CPU_SECONDS`, the PDF on stdin, its text (UTF-8) on stdout.

`afterclass.search.extract` runs it and kills it once it is over its time budget: pypdf is pure
Python, a thread running it cannot be stopped, and a hostile PDF (one compressed stream of
hundreds of thousands of empty text operators) keeps it busy for minutes. Its own limits are a
second line: CPU time (SIGXCPU, then SIGKILL) and memory (a decompression bomb fails with
MemoryError). It imports nothing of Django.
"""

from __future__ import annotations

import io
import resource
import sys

MEMORY_BYTES = 1024 * 1024 * 1024


def _limit(kind: int, value: int) -> None:
    hard = resource.getrlimit(kind)[1]
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, hard))


def read(data: bytes, max_pages: int, max_chars: int) -> str:
    from pypdf import PdfReader

    pieces: list[str] = []
    size = 0
    for page in PdfReader(io.BytesIO(data)).pages[:max_pages]:
        text = page.extract_text() or ""
        pieces.append(text)
        size += len(text)
        if size >= max_chars:
            break
    return "\n".join(pieces)[:max_chars]


def main(arguments: list[str]) -> int:
    max_pages, max_chars, cpu_seconds = (int(value) for value in arguments)
    _limit(resource.RLIMIT_CPU, cpu_seconds)
    _limit(resource.RLIMIT_AS, MEMORY_BYTES)
    text = read(sys.stdin.buffer.read(), max_pages, max_chars)
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
