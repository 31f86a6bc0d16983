"""Optional error reporting to Sentry: started by settings.py when SENTRY_DSN is set and sentry-sdk
is installed (`pip install 'afterclass[sentry]'`); without either nothing changes."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import warnings


def release() -> str:
    """The installed Afterclass version, as errors are filed under it."""
    try:
        return f"afterclass@{importlib.metadata.version('afterclass')}"
    except importlib.metadata.PackageNotFoundError:
        return "afterclass@unknown"


def start_error_reporting(dsn: str, *, environment: str, traces_sample_rate: float) -> bool:
    """Initialise sentry-sdk with its Django integration; False (with a warning) when it is not
    installed. No personal data is sent: no user, cookies, addresses or request bodies."""
    if importlib.util.find_spec("sentry_sdk") is None:
        warnings.warn(
            "SENTRY_DSN is set but sentry-sdk is not installed: errors are not reported. "
            "Install it with: pip install 'afterclass[sentry]'",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        release=release(),
        environment=environment,
        traces_sample_rate=traces_sample_rate,
    )
    return True
