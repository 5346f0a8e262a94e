"""The W3C VC Data Model: build and validate credentials and presentations.

Implements VCDM 2.0 §4 (and the §5 properties with MUSTs) and reads VCDM 1.1 credentials and
presentations (``issuanceDate`` / ``expirationDate``). Section numbers below are VCDM 2.0's
unless marked "1.1"; "bound" rules are vcred's own limits (:class:`Limits`). ``path`` of each
:class:`~vcred.errors.Violation` is a JSON pointer to the offending (or missing) member.

=====================================  ===========  ================================================
rule                                   section      broken when
=====================================  ===========  ================================================
``document.not_object``                §4.2         the document is not a JSON object
``document.not_json``                  §6.1         a value is not JSON (NaN, bytes, non-str key…)
``document.too_deep``                  bound        nesting beyond 32 levels (code nesting_too_deep)
``document.too_large``                 bound        > 256 Ki characters or > 20,000 values
``context.missing``                    §4.3         no ``@context``
``context.empty``                      §4.3         ``@context`` is ``[]``
``context.first``                      §4.3         first item is not the base context URL
``context.invalid_item``               §4.3         a later item is neither a URL nor an object
``context.too_many``                   bound        more than 32 contexts
``id.not_url``                         §4.4         an ``id`` is not a URL
``id.multiple``                        §4.4         an ``id`` is an array
``type.missing``                       §4.5         no ``type`` on a credential / presentation
``type.empty``                         §4.5         ``type`` is ``[]``
``type.invalid_value``                 §4.5         a type is not a term or an absolute URL
``type.vc_missing``                    §4.5         no ``VerifiableCredential`` among the types
``type.vp_missing``                    §4.13        no ``VerifiablePresentation`` among the types
``type.too_many``                      bound        more than 32 types
``name.invalid``                       §4.6         ``name`` not a string / language value(s)
``name.invalid_language_value``        §4.6, §11.1  bad ``@value`` / ``@direction`` or extra keys
``description.invalid``                §4.6         as ``name.invalid``
``description.invalid_language_value`` §4.6, §11.1  as ``name.invalid_language_value``
``issuer.missing``                     §4.7         no ``issuer``
``issuer.multiple``                    §4.7         ``issuer`` is an array
``issuer.invalid``                     §4.7         ``issuer`` is a number, boolean or null
``issuer.not_url``                     §4.7         ``issuer`` (or its ``id``) is not a URL
``issuer.id_missing``                  §4.7         an issuer object has no ``id``
``credentialSubject.missing``          §4.8         no ``credentialSubject``
``credentialSubject.empty``            §4.8         ``credentialSubject`` is ``[]``
``credentialSubject.not_object``       §4.8         a subject is not an object
``credentialSubject.no_claims``        §4.8         a subject is ``{}``
``credentialSubject.too_many``         bound        more than 100 subjects
``validFrom.not_datetimestamp``        §4.9         ``validFrom`` is not an XSD dateTimeStamp
``validUntil.not_datetimestamp``       §4.9         ``validUntil`` is not an XSD dateTimeStamp
``validUntil.before_validFrom``        §4.9         ``validUntil`` earlier than ``validFrom``
``issuanceDate.missing``               1.1 §4.6     a 1.1 credential has no ``issuanceDate``
``issuanceDate.not_datetime``          1.1 §4.6     ``issuanceDate`` is not an XSD dateTime
``expirationDate.not_datetime``        1.1 §4.8     ``expirationDate`` is not an XSD dateTime
``credentialStatus.not_object``        §4.10        a status entry is not an object
``credentialStatus.empty``             §4.10        ``credentialStatus`` is ``[]``
``credentialStatus.type_missing``      §4.10        a status entry has no ``type``
``credentialStatus.too_many``          bound        more than 32 status entries
``credentialStatus.id_missing``        1.1 §4.9     a 1.1 status entry has no ``id`` (2.0: optional)
``credentialSchema.not_object``        §4.11        a schema is not an object
``credentialSchema.empty``             §4.11        ``credentialSchema`` is ``[]``
``credentialSchema.type_missing``      §4.11        a schema has no ``type``
``credentialSchema.too_many``          bound        more than 32 schemas
``credentialSchema.id_missing``        §4.11        a schema has no ``id``
``credentialSchema.id_not_url``        §4.11        a schema ``id`` is not a single URL
``proof.not_object``                   §4.12        a proof is not an object
``proof.empty``                        §4.12        ``proof`` is ``[]``
``proof.type_missing``                 §4.12        a proof has no ``type`` (VC-DATA-INTEGRITY §2.1)
``proof.too_many``                     bound        more than 32 proofs
``relatedResource.not_object``         §5.3         a related resource is not an object
``relatedResource.empty``              §5.3         ``relatedResource`` is ``[]``
``relatedResource.too_many``           bound        more than 32 related resources
``relatedResource.id_missing``         §5.3         a related resource has no ``id``
``relatedResource.id_duplicate``       §5.3         two related resources share an ``id``
``relatedResource.digest_missing``     §5.3         neither ``digestSRI`` nor ``digestMultibase``
``refreshService.not_object``          §5.4         a refresh service is not an object
``refreshService.empty``               §5.4         ``refreshService`` is ``[]``
``refreshService.type_missing``        §5.4         a refresh service has no ``type``
``refreshService.too_many``            bound        more than 32 refresh services
``termsOfUse.not_object``              §5.5         a terms-of-use entry is not an object
``termsOfUse.empty``                   §5.5         ``termsOfUse`` is ``[]``
``termsOfUse.type_missing``            §5.5         a terms-of-use entry has no ``type``
``termsOfUse.too_many``                bound        more than 32 terms-of-use entries
``evidence.not_object``                §5.6         an evidence entry is not an object
``evidence.empty``                     §5.6         ``evidence`` is ``[]``
``evidence.type_missing``              §5.6         an evidence entry has no ``type``
``evidence.too_many``                  bound        more than 32 evidence entries
``confidenceMethod.not_object``        §5.10        (credential or subject) not an object
``confidenceMethod.empty``             §5.10        ``confidenceMethod`` is ``[]``
``confidenceMethod.type_missing``      §5.10        a confidence method has no ``type``
``confidenceMethod.too_many``          bound        more than 32 confidence methods
``renderMethod.not_object``            §5.10        a render method is not an object
``renderMethod.empty``                 §5.10        ``renderMethod`` is ``[]``
``renderMethod.type_missing``          §5.10        a render method has no ``type``
``renderMethod.too_many``              bound        more than 32 render methods
``holder.invalid``                     §4.13        ``holder`` is not a string or an object
``holder.not_url``                     §4.13        ``holder`` (or its ``id``) is not a URL
``holder.id_missing``                  §4.13        a holder object has no ``id``
``verifiableCredential.empty``         §4.13        ``verifiableCredential`` is ``[]``
``verifiableCredential.not_object``    §4.13        a number/string/URL (1.1: compact JWTs allowed)
``verifiableCredential.unsecured``     §4.13.4      no ``proof`` and not self-asserted by the holder
``verifiableCredential.too_many``      bound        more than 64 credentials
``envelope.context_missing``           §4.13.1      an enveloped credential has no ``@context``
``envelope.context_invalid``           §4.13.1      its ``@context`` lacks the base context
``envelope.id_not_data_url``           §4.13.1      its ``id`` is not a ``data:`` URL with a type
``envelope.type_invalid``              §4.13.1      its type is not EnvelopedVerifiableCredential
=====================================  ===========  ================================================

Not checked, because they need JSON-LD processing or the securing layer: whether every term is
defined by a context (``undefined-terms/v2`` last), protected-term redefinition, and whether a
self-asserted credential is secured by the presentation's own mechanism.
"""

from vcred.credential.build import (
    build_credential,
    build_presentation,
    copy_json,
    envelope_credential,
)
from vcred.credential.dates import format_datetime_stamp, parse_datetime_stamp, parse_xsd_datetime
from vcred.credential.model import (
    CredentialInfo,
    credential_types,
    issuer_id,
    localized_text,
    validate_credential,
)
from vcred.credential.presentation import (
    EnvelopedCredential,
    PresentationInfo,
    validate_presentation,
)
from vcred.credential.rules import CONTEXT_V1, CONTEXT_V2, LIMITS, RULES, Limits
from vcred.credential.urls import is_url

__all__ = [
    "CONTEXT_V1",
    "CONTEXT_V2",
    "LIMITS",
    "RULES",
    "CredentialInfo",
    "EnvelopedCredential",
    "Limits",
    "PresentationInfo",
    "build_credential",
    "build_presentation",
    "copy_json",
    "credential_types",
    "envelope_credential",
    "format_datetime_stamp",
    "is_url",
    "issuer_id",
    "localized_text",
    "parse_datetime_stamp",
    "parse_xsd_datetime",
    "validate_credential",
    "validate_presentation",
]
