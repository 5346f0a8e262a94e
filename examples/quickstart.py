"""The README's quick start: a did:key issuer signs a credential as vc+jwt and verifies it."""

from vcred import KeyPair, KeySigner, build_credential, did_key_from_public_key, issue, verify

key = KeyPair.generate()
did = did_key_from_public_key(key.public_key)
signer = KeySigner(key, f"{did}#{did.removeprefix('did:key:')}")
credential = build_credential(
    types=["VerifiableCredential"],
    issuer=did,
    subject={"id": "did:example:ciudadana", "nombres": "Ana María"},
)
token = issue(credential, signer=signer)
result = verify(token)
print(result.verdict.value, result.codes())
