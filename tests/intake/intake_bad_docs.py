"""Documents intake must refuse or route to review: encrypted, too long, scanned, damaged; e-mails."""

from __future__ import annotations

import io

from intake_corpus import render_fillable
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas


def encrypted_pdf() -> bytes:
    """A fillable certificate protected with a user password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(render_fillable(0).content)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages_pdf(pages: int = 51) -> bytes:
    """A text PDF with more pages than intake accepts."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for number in range(pages):
        pdf.drawString(72, 720, f"page {number + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A page holding only an image (no text layer), like a scanned certificate."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (200, 260), "white")
    for x in range(20, 180):
        image.putpixel((x, 40), (0, 0, 0))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.drawImage(ImageReader(image), 36, 36, width=540, height=700)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def malformed_pdf() -> bytes:
    """Starts like a PDF, then is not one."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF"


def truncated_pdf() -> bytes:
    """A real certificate cut in half (a broken download)."""
    content = render_fillable(1).content
    return content[: len(content) // 3]


def certificate_email(pdf: bytes, sender: str = "Dana Whitfield <certs@broker.example>") -> bytes:
    """A broker's e-mail with the certificate attached."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = sender
    message["To"] = "coi@landlord.example"
    message["Subject"] = "Certificate of insurance"
    message["Date"] = "Fri, 04 Dec 2026 10:15:00 -0500"
    message.set_content("Please find the certificate attached.")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="coi.pdf")
    return message.as_bytes()
