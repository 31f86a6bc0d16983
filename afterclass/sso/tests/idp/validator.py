"""The claims the test provider issues, and the faulty ID tokens it issues when asked to."""

import time

from django.core.cache import cache
from oauth2_provider.oauth2_validators import OAuth2Validator

FAULTS = {
    "": "A good ID token",
    "wrong_audience": "For another application (wrong audience)",
    "wrong_issuer": "From another issuer",
    "expired": "Already expired",
}


class TestValidator(OAuth2Validator):
    # Every claim is given whatever the scope (job title and department belong to none).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        claims = dict(cache.get(f"claims:{request.user.pk}") or {})
        claims.pop("fault", None)
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        fault = (cache.get(f"claims:{request.user.pk}") or {}).get("fault", "")
        if fault == "wrong_audience":
            claims["aud"] = "another-application"
        elif fault == "wrong_issuer":
            claims["iss"] = "http://issuer.invalid/o"
        elif fault == "expired":
            claims["iat"] = int(time.time()) - 7200
            claims["exp"] = int(time.time()) - 3600
        return claims, expiration
