from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files after `collectstatic`; plain names before it (tests,
    a fresh checkout), instead of failing on a missing manifest."""

    manifest_strict = False
