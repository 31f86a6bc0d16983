"""Start the test provider: `python -m afterclass.sso.tests.idp --port 9000 --client-id afterclass
--secret demo-secret --redirect-uri http://127.0.0.1:8000/accounts/oidc/test-idp/login/callback/`.

It keeps its state (SQLite, signing key) in --state-dir, a temporary folder by default."""

import argparse
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def signing_key(path: Path) -> None:
    if path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--client-id", default="afterclass")
    parser.add_argument("--secret", default="demo-secret")
    parser.add_argument("--redirect-uri", action="append", required=True)
    parser.add_argument("--state-dir", default="")
    parser.add_argument("--email", default="ada@northwind.example", help="the form's first address")
    args = parser.parse_args()
    state = Path(args.state_dir or tempfile.mkdtemp(prefix="afterclass-idp-"))
    state.mkdir(parents=True, exist_ok=True)
    signing_key(state / "signing-key.pem")
    os.environ["IDP_STATE_DIR"] = str(state)
    os.environ["IDP_DEFAULT_EMAIL"] = args.email
    os.environ["DJANGO_SETTINGS_MODULE"] = "afterclass.sso.tests.idp.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0, interactive=False)
    get_application_model().objects.update_or_create(
        client_id=args.client_id,
        defaults={
            "name": "Afterclass",
            "client_secret": args.secret,
            "client_type": "confidential",
            "authorization_grant_type": "authorization-code",
            "redirect_uris": " ".join(args.redirect_uri),
            "post_logout_redirect_uris": " ".join(
                uri.split("/accounts/")[0] + "/accounts/login/" for uri in args.redirect_uri
            ),
            "algorithm": "RS256",
            "skip_authorization": True,
        },
    )

    print(f"Test identity provider on http://127.0.0.1:{args.port}/o", flush=True)
    run("127.0.0.1", args.port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
