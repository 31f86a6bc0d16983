"""Files for the search tests: a real (tiny) PDF with a text layer, a hostile PDF, plain text."""

import zlib

from afterclass.attachments.tests.factories import make_upload


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose page shows `text` in Helvetica, with a correct cross-reference
    table, so pypdf reads it as any real PDF."""
    return _pdf(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())


def hostile_pdf(operators: int = 700_000) -> bytes:
    """A valid one-page PDF of a few kilobytes whose one compressed content stream holds
    `operators` empty text operators: pypdf spends seconds to minutes on it and finds no text."""
    stream = b"BT /F1 12 Tf 72 720 Td " + b"() Tj " * operators + b"ET"
    return _pdf(zlib.compress(stream, 9), b" /Filter /FlateDecode")


def _pdf(stream: bytes, filters: bytes = b"") -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length "
        + str(len(stream)).encode()
        + filters
        + b" >>\nstream\n"
        + stream
        + b"\nendstream",
    ]
    output = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(output)
    output += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        output += f"{offset:010d} 00000 n \n".encode()
    output += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return output


def upload_pdf(person, text: str, name: str = "handout.pdf"):
    return make_upload(person, name, pdf_with_text(text))


def upload_text(person, text: str, name: str = "notes.txt"):
    return make_upload(person, name, text.encode())
