"""A small, real SAML 2.0 identity provider for the tests and the demo, run as its own process on
loopback (`python -m afterclass.sso.tests.saml_idp --port 9001`).

It publishes its metadata (entity id, single sign-on and logout addresses, its signing
certificate: a key and a self-signed certificate it makes when it starts), reads a service
provider's AuthnRequest (HTTP-Redirect binding), shows a sign-in form where who signs in is typed
(address, name, job title, department, management level), and answers with a Response whose
Assertion is signed with signxml (RSA-SHA256, exclusive canonicalisation), posted back to the
service provider's assertion consumer service (HTTP-POST binding). The form's "fault" choice
makes it answer wrongly on purpose (another audience or issuer, expired, not yet valid, unsigned,
signed with another key) so that the refusals are tested against a real signature. It also
answers a LogoutRequest (SP-initiated single logout) and starts one of its own
(`/initiate-logout`)."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import secrets
import tempfile
import zlib
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner
from signxml.algorithms import CanonicalizationMethod

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"

FIELDS = [
    ("email", "E-mail address", "ada@northwind.example"),
    ("name", "Name", "Ada Lovelace"),
    ("job_title", "Job title", "Analyst"),
    ("department", "Department", "Engineering"),
    ("level", "Management level", ""),
]
FAULTS = {
    "": "A good, signed answer",
    "wrong_audience": "For another application (wrong audience)",
    "wrong_issuer": "From another issuer",
    "expired": "Already expired",
    "not_yet_valid": "Not valid yet",
    "unsigned": "Not signed",
    "wrong_key": "Signed with another key",
}


def make_key_and_certificate(common_name: str) -> tuple[bytes, bytes]:
    """A new RSA key and a self-signed certificate for it, both PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return (
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate.public_bytes(serialization.Encoding.PEM),
    )


def certificate_body(pem: bytes) -> str:
    """The base64 of a PEM certificate, as metadata carries it."""
    lines = pem.decode().strip().splitlines()
    return "".join(line for line in lines if not line.startswith("-----"))


def instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decode_redirect(value: str) -> etree._Element:
    """A message of the HTTP-Redirect binding: base64 of raw DEFLATE."""
    xml = zlib.decompress(base64.b64decode(value), -15)
    return etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))


def encode_redirect(xml: bytes) -> str:
    compressor = zlib.compressobj(wbits=-15)
    return base64.b64encode(compressor.compress(xml) + compressor.flush()).decode()


class SamlIdentityProvider:
    def __init__(self, base_url: str, state: Path) -> None:
        self.base_url = base_url
        self.entity_id = f"{base_url}/metadata"
        key_file, cert_file = state / "idp-key.pem", state / "idp-cert.pem"
        if not key_file.exists():
            key, cert = make_key_and_certificate("Afterclass test SAML provider")
            key_file.write_bytes(key)
            cert_file.write_bytes(cert)
        self.key, self.cert = key_file.read_bytes(), cert_file.read_bytes()
        # The key of an impostor: a signature a service provider must not accept.
        self.other_key, self.other_cert = make_key_and_certificate("Someone else")

    def metadata(self) -> bytes:
        return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{self.entity_id}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false"
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{
            certificate_body(self.cert)
        }</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="{REDIRECT}" Location="{self.base_url}/slo"/>
    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>
    <md:SingleSignOnService Binding="{REDIRECT}" Location="{self.base_url}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
""".encode()

    def response(self, request: dict[str, str], person: dict[str, str], fault: str) -> bytes:
        """A Response to an AuthnRequest (its ID, ACS URL and issuer), with the person's
        attributes, signed unless the fault says otherwise."""
        now = dt.datetime.now(dt.UTC)
        not_before, not_after = now - dt.timedelta(minutes=2), now + dt.timedelta(minutes=5)
        if fault == "expired":
            not_before, not_after = now - dt.timedelta(hours=2), now - dt.timedelta(hours=1)
        elif fault == "not_yet_valid":
            not_before, not_after = now + dt.timedelta(hours=1), now + dt.timedelta(hours=2)
        audience = (
            "http://another-application.invalid/"
            if fault == "wrong_audience"
            else (request["issuer"])
        )
        issuer = "http://issuer.invalid/metadata" if fault == "wrong_issuer" else self.entity_id
        assertion_id, response_id = f"_a{secrets.token_hex(16)}", f"_r{secrets.token_hex(16)}"
        attributes = "".join(
            f'<saml:Attribute Name="{escape(name)}"><saml:AttributeValue>{escape(value)}'
            "</saml:AttributeValue></saml:Attribute>"
            for name, value in person.items()
            if value
        )
        signature = "" if fault == "unsigned" else '<ds:Signature Id="placeholder"/>'
        assertion = etree.fromstring(
            f"""<saml:Assertion xmlns:saml="{SAML}" xmlns:ds="{DS}" ID="{assertion_id}"
 Version="2.0" IssueInstant="{instant(now)}"><saml:Issuer>{issuer}</saml:Issuer>{signature}
<saml:Subject><saml:NameID Format="{EMAIL_FORMAT}">{escape(person["email"])}</saml:NameID>
<saml:SubjectConfirmation Method="{BEARER}"><saml:SubjectConfirmationData
 InResponseTo="{escape(request["id"])}" NotOnOrAfter="{instant(not_after)}"
 Recipient="{escape(request["acs"])}"/></saml:SubjectConfirmation></saml:Subject>
<saml:Conditions NotBefore="{instant(not_before)}" NotOnOrAfter="{instant(not_after)}">
<saml:AudienceRestriction><saml:Audience>{escape(audience)}</saml:Audience>
</saml:AudienceRestriction></saml:Conditions>
<saml:AuthnStatement AuthnInstant="{instant(now)}" SessionIndex="{assertion_id}">
<saml:AuthnContext><saml:AuthnContextClassRef
>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
</saml:AuthnContext></saml:AuthnStatement>
<saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>""".encode()
        )
        if fault != "unsigned":
            key, cert = (
                (self.other_key, self.other_cert) if fault == "wrong_key" else (self.key, self.cert)
            )
            signer = XMLSigner(
                c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0
            )
            assertion = signer.sign(
                assertion, key=key, cert=cert.decode(), reference_uri=assertion_id
            )
        response = etree.fromstring(
            f"""<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="{response_id}"
 Version="2.0" IssueInstant="{instant(now)}" Destination="{escape(request["acs"])}"
 InResponseTo="{escape(request["id"])}"><saml:Issuer>{issuer}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="{SUCCESS}"/></samlp:Status></samlp:Response>""".encode()
        )
        response.append(assertion)
        return etree.tostring(response)

    def logout_response(self, request_id: str, destination: str) -> bytes:
        now = dt.datetime.now(dt.UTC)
        return f"""<samlp:LogoutResponse xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}"
 ID="_l{secrets.token_hex(16)}" Version="2.0" IssueInstant="{instant(now)}"
 Destination="{escape(destination)}" InResponseTo="{escape(request_id)}"
><saml:Issuer>{self.entity_id}</saml:Issuer><samlp:Status><samlp:StatusCode
 Value="{SUCCESS}"/></samlp:Status></samlp:LogoutResponse>""".encode()

    def logout_request(self, destination: str, name_id: str) -> bytes:
        now = dt.datetime.now(dt.UTC)
        return f"""<samlp:LogoutRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}"
 ID="_l{secrets.token_hex(16)}" Version="2.0" IssueInstant="{instant(now)}"
 Destination="{escape(destination)}"><saml:Issuer>{self.entity_id}</saml:Issuer
><saml:NameID Format="{EMAIL_FORMAT}">{escape(name_id)}</saml:NameID></samlp:LogoutRequest>
""".encode()


def page(title: str, body: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>{body}"
        "</main></body></html>"
    ).encode()


def hidden(values: dict[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in values.items()
    )


def sign_in_form(request: dict[str, str]) -> bytes:
    fields = "".join(
        f'<p><label for="{name}">{label}</label> '
        f'<input id="{name}" name="{name}" value="{escape(default)}"></p>'
        for name, label, default in FIELDS
    )
    faults = "".join(
        f'<option value="{key}">{escape(text)}</option>' for key, text in FAULTS.items()
    )
    return page(
        "Test SAML provider",
        f'<form method="post" action="/sso">{hidden(request)}{fields}'
        f'<p><label for="fault">Answer</label> <select id="fault" name="fault">{faults}'
        '</select></p><button type="submit">Sign in to the test SAML provider</button></form>',
    )


def posting_form(acs: str, response: bytes, relay_state: str) -> bytes:
    """The HTTP-POST binding without a script: the person presses Continue."""
    values = {"SAMLResponse": base64.b64encode(response).decode(), "RelayState": relay_state}
    return page(
        "Signed in",
        f'<form method="post" action="{escape(acs)}">{hidden(values)}'
        '<button type="submit">Continue</button></form>',
    )


def make_handler(idp: SamlIdentityProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def answer(self, status: int, body: bytes, content_type: str = "text/html") -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            if parts.path == "/ready":
                self.answer(200, b"ok", "text/plain")
            elif parts.path == "/metadata":
                self.answer(200, idp.metadata(), "application/samlmetadata+xml")
            elif parts.path == "/sso" and "SAMLRequest" in query:
                authn = decode_redirect(query["SAMLRequest"])
                request = {
                    "id": authn.get("ID", ""),
                    "acs": authn.get("AssertionConsumerServiceURL", ""),
                    "issuer": authn.findtext(f"{{{SAML}}}Issuer") or "",
                    "relay_state": query.get("RelayState", ""),
                }
                self.answer(200, sign_in_form(request))
            elif parts.path == "/slo" and "SAMLRequest" in query:
                logout = decode_redirect(query["SAMLRequest"])
                sp = logout.findtext(f"{{{SAML}}}Issuer") or ""
                sls = sp.replace("/metadata/", "/sls/")
                message = encode_redirect(idp.logout_response(logout.get("ID", ""), sls))
                params = {"SAMLResponse": message, "RelayState": query.get("RelayState", "")}
                self.redirect(f"{sls}?{urlencode(params)}")
            elif parts.path == "/initiate-logout":
                sls, name_id = query["sls"], query["name_id"]
                message = encode_redirect(idp.logout_request(sls, name_id))
                self.redirect(f"{sls}?{urlencode({'SAMLRequest': message})}")
            else:
                self.answer(404, page("Not found", ""))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path != "/sso":
                self.answer(404, page("Not found", ""))
                return
            person = {name: form.get(name, "").strip() for name, _, _ in FIELDS}
            response = idp.response(form, person, form.get("fault", ""))
            self.answer(200, posting_form(form["acs"], response, form.get("relay_state", "")))

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--state-dir", default="", help="where its key and certificate are kept")
    parser.add_argument("--email", default="", help="the form's first address")
    args = parser.parse_args()
    if args.email:
        FIELDS[0] = ("email", "E-mail address", args.email)
    state = Path(args.state_dir or tempfile.mkdtemp(prefix="afterclass-saml-idp-"))
    state.mkdir(parents=True, exist_ok=True)
    idp = SamlIdentityProvider(f"http://127.0.0.1:{args.port}", state)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(idp))
    print(f"Test SAML provider on {idp.entity_id}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
