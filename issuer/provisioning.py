"""Making an entity's signing key: the key file and its database row, together or not at all."""

from __future__ import annotations

from issuer.keystore import KeyStore
from issuer.store import KeyRecord, Store
from vcred.keys import KeyType

__all__ = ["provision_key"]


def provision_key(
    store: Store,
    keystore: KeyStore,
    slug: str,
    *,
    fragment: str,
    key_type: KeyType | str,
    rotate: bool = False,
) -> KeyRecord:
    """Create a private key in ``keystore`` and register its public part for entity ``slug``.

    With ``rotate`` the new key becomes active and the active one is retired (kept for verifying
    earlier credentials). If the store refuses the key, the new key file is removed again.
    """
    public, key_ref = keystore.create(slug, fragment, key_type)
    register = store.rotate_key if rotate else store.add_key
    try:
        return register(
            slug,
            fragment=fragment,
            algorithm=public.algorithm,
            public_jwk=public.to_jwk(),
            key_ref=key_ref,
        )
    except BaseException:
        keystore.discard(key_ref)
        raise
