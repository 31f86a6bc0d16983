"""A small, real OpenID Connect provider for the tests and the demo: django-oauth-toolkit's OIDC
(discovery, JWKS, authorize, token, userinfo, RS256 ID tokens, RP-initiated logout) in its own
Django project, run as its own process on loopback (`python -m afterclass.sso.tests.idp`).

Who signs in is typed into its sign-in form (an e-mail address, name, job title, department);
the form's "token" choice makes it issue a faulty ID token on purpose (wrong audience or issuer,
already expired) so that the refusals are tested against a real provider."""
