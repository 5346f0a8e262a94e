"""Plain-words messages, Spanish first and English second, for every stable code.

Officials read these on the verification page, so they say what happened in words a person
without technical training understands; the code carries the precise meaning for machines.
"""

from __future__ import annotations

from vcred.errors import ErrorCode

__all__ = ["message_for"]

C = ErrorCode
_MESSAGES: dict[ErrorCode, tuple[str, str]] = {
    C.MALFORMED_INPUT: (
        "Los datos recibidos no se pueden leer.",
        "The data received cannot be read.",
    ),
    C.MALFORMED_JSON: ("El documento no es JSON válido.", "The document is not valid JSON."),
    C.MALFORMED_BASE64: (
        "Hay datos codificados de forma incorrecta.",
        "Some data is badly encoded.",
    ),
    C.INPUT_TOO_LARGE: ("Los datos son demasiado grandes.", "The data is too large."),
    C.NESTING_TOO_DEEP: (
        "El documento tiene demasiados niveles anidados.",
        "The document is nested too deeply.",
    ),
    C.UNKNOWN_FORMAT: (
        "No se reconoce el formato de la credencial.",
        "The credential format is not recognised.",
    ),
    C.FORMAT_NOT_ALLOWED: (
        "Este formato de credencial no se acepta aquí.",
        "This credential format is not accepted here.",
    ),
    C.MALFORMED_TOKEN: (
        "La credencial firmada está mal formada.",
        "The signed credential is malformed.",
    ),
    C.TOKEN_TOO_LARGE: (
        "La credencial firmada es demasiado grande.",
        "The signed credential is too large.",
    ),
    C.ALG_NONE: ("La credencial no tiene firma.", "The credential is not signed."),
    C.ALG_NOT_ALLOWED: (
        "La credencial usa un algoritmo de firma no permitido.",
        "The credential uses a signature algorithm that is not allowed.",
    ),
    C.ALG_KEY_MISMATCH: (
        "El algoritmo de firma no corresponde a la llave del emisor.",
        "The signature algorithm does not match the issuer's key.",
    ),
    C.CRIT_UNSUPPORTED: (
        "La credencial exige extensiones que no se soportan.",
        "The credential requires unsupported extensions.",
    ),
    C.BAD_TYP: (
        "El tipo declarado de la credencial firmada no es válido.",
        "The declared type of the signed credential is wrong.",
    ),
    C.BAD_CTY: (
        "El tipo de contenido de la credencial firmada no es válido.",
        "The content type of the signed credential is wrong.",
    ),
    C.MISSING_KID: (
        "La credencial no indica con qué llave se firmó.",
        "The credential does not say which key signed it.",
    ),
    C.KID_NOT_RESOLVED: (
        "No se encontró la llave con la que se firmó la credencial.",
        "The key that signed the credential was not found.",
    ),
    C.KID_ISSUER_MISMATCH: (
        "La llave de firma no pertenece al emisor de la credencial.",
        "The signing key does not belong to the credential's issuer.",
    ),
    C.KID_NOT_AUTHORIZED: (
        "La llave de firma no está autorizada para emitir credenciales.",
        "The signing key is not authorised to issue credentials.",
    ),
    C.SIGNATURE_INVALID: (
        "La firma no es válida: el certificado fue alterado o falsificado.",
        "The signature is invalid: the certificate was altered or forged.",
    ),
    C.CLAIMS_MISMATCH: (
        "Los datos de la firma contradicen los de la credencial.",
        "The signature's claims contradict the credential.",
    ),
    C.VC_CLAIM_MISSING: (
        "La credencial firmada no contiene la credencial.",
        "The signed token does not contain a credential.",
    ),
    C.VC_VP_CLAIMS_FORBIDDEN: (
        "La credencial contiene campos prohibidos (vc/vp).",
        "The credential contains forbidden claims (vc/vp).",
    ),
    C.KEY_INVALID: ("La llave no se puede leer.", "The key cannot be read."),
    C.KEY_UNSUPPORTED: ("El tipo de llave no se soporta.", "The key type is not supported."),
    C.KEY_PASSPHRASE: ("La contraseña de la llave no es correcta.", "The key passphrase is wrong."),
    C.KEY_PRIVATE_REQUIRED: ("Se necesita la llave privada.", "The private key is required."),
    C.DID_INVALID: (
        "El identificador del emisor no es válido.",
        "The issuer identifier is invalid.",
    ),
    C.DID_METHOD_UNSUPPORTED: (
        "El tipo de identificador del emisor no se soporta.",
        "The issuer identifier method is not supported.",
    ),
    C.DID_NOT_FOUND: (
        "No se pudo obtener el documento del emisor.",
        "The issuer's document could not be obtained.",
    ),
    C.DID_DOCUMENT_INVALID: (
        "El documento del emisor no es válido.",
        "The issuer's document is invalid.",
    ),
    C.VERIFICATION_METHOD_NOT_FOUND: (
        "La llave indicada no existe en el documento del emisor.",
        "The key is not in the issuer's document.",
    ),
    C.FETCH_BLOCKED_ADDRESS: (
        "Se bloqueó una consulta a una dirección no permitida.",
        "A request to a forbidden address was blocked.",
    ),
    C.FETCH_SCHEME_NOT_ALLOWED: (
        "Solo se permiten consultas seguras (HTTPS).",
        "Only secure (HTTPS) requests are allowed.",
    ),
    C.FETCH_TOO_LARGE: (
        "La respuesta recibida es demasiado grande.",
        "The response received is too large.",
    ),
    C.FETCH_TIMEOUT: ("La consulta tardó demasiado.", "The request timed out."),
    C.FETCH_HTTP_STATUS: (
        "El servidor consultado respondió con un error.",
        "The server answered with an error.",
    ),
    C.FETCH_FAILED: ("No se pudo hacer la consulta.", "The request failed."),
    C.FETCH_NOT_FOUND: (
        "El documento consultado no existe.",
        "The requested document does not exist.",
    ),
    C.DATA_MODEL_INVALID: (
        "La credencial no cumple el modelo de datos de credenciales verificables.",
        "The credential does not follow the Verifiable Credentials data model.",
    ),
    C.NOT_YET_VALID: ("La credencial todavía no está vigente.", "The credential is not valid yet."),
    C.EXPIRED: ("La credencial está vencida.", "The credential has expired."),
    C.STATUS_ENTRY_INVALID: (
        "La información de estado de la credencial no es válida.",
        "The credential's status information is invalid.",
    ),
    C.STATUS_LIST_INVALID: (
        "La lista de estados del emisor no es válida.",
        "The issuer's status list is invalid.",
    ),
    C.STATUS_LIST_TOO_SHORT: (
        "La lista de estados del emisor es demasiado corta.",
        "The issuer's status list is too short.",
    ),
    C.STATUS_LIST_TOO_LARGE: (
        "La lista de estados del emisor es demasiado grande.",
        "The issuer's status list is too large.",
    ),
    C.STATUS_INDEX_OUT_OF_RANGE: (
        "La posición de estado está fuera de la lista.",
        "The status index is outside the list.",
    ),
    C.STATUS_PURPOSE_MISMATCH: (
        "La lista de estados no corresponde al propósito indicado.",
        "The status list purpose does not match.",
    ),
    C.STATUS_LIST_EXPIRED: (
        "La lista de estados del emisor está vencida.",
        "The issuer's status list has expired.",
    ),
    C.STATUS_LIST_FULL: ("La lista de estados está llena.", "The status list is full."),
    C.STATUS_UNREACHABLE: (
        "No se pudo consultar si la credencial fue revocada.",
        "Could not check whether the credential was revoked.",
    ),
    C.STATUS_STALE: (
        "El estado se comprobó con información guardada, no reciente.",
        "The status was checked with saved, not current, information.",
    ),
    C.STATUS_REVOKED: (
        "La credencial fue revocada por el emisor.",
        "The credential was revoked by its issuer.",
    ),
    C.STATUS_SUSPENDED: ("La credencial está suspendida.", "The credential is suspended."),
    C.STATUS_MESSAGE: (
        "La credencial tiene un mensaje de estado.",
        "The credential has a status message.",
    ),
    C.SCHEMA_UNKNOWN: (
        "No se conoce el esquema de la credencial; no se revisaron sus campos.",
        "The credential's schema is unknown; its fields were not checked.",
    ),
    C.SCHEMA_VIOLATION: (
        "Los datos de la credencial no cumplen su esquema.",
        "The credential's data does not match its schema.",
    ),
    C.SCHEMA_TYPE_UNSUPPORTED: (
        "El tipo de esquema de la credencial no se soporta.",
        "The credential's schema type is not supported.",
    ),
    C.SCHEMA_INVALID: (
        "El esquema de la credencial no es válido.",
        "The credential's schema is invalid.",
    ),
    C.TRAMITE_UNKNOWN: (
        "El trámite indicado no existe en el catálogo.",
        "The procedure is not in the catalogue.",
    ),
    C.ISSUER_UNTRUSTED: (
        "El emisor no es una entidad reconocida.",
        "The issuer is not a recognised entity.",
    ),
    C.ISSUER_NOT_AUTHORIZED: (
        "La firma es auténtica, pero la entidad no está autorizada para emitir este tipo de certificado.",
        "The signature is authentic, but the entity is not authorised to issue this type of certificate.",
    ),
    C.ISSUER_AUTHORIZATION_EXPIRED: (
        "La autorización de la entidad emisora no estaba vigente.",
        "The issuing entity's authorisation was not in force.",
    ),
    C.TRUST_REGISTRY_INVALID: (
        "El registro de entidades confiables no es válido.",
        "The trust registry is invalid.",
    ),
    C.QR_PAYLOAD_INVALID: (
        "El código QR no contiene una credencial legible.",
        "The QR code does not hold a readable credential.",
    ),
    C.QR_VERSION_UNSUPPORTED: (
        "El código QR usa una versión que no se soporta.",
        "The QR code uses an unsupported version.",
    ),
    C.QR_TOO_LARGE: (
        "El contenido del código QR es demasiado grande.",
        "The QR code content is too large.",
    ),
    C.USAGE: ("Uso incorrecto de la biblioteca.", "Incorrect use of the library."),
    C.OK: ("Correcto.", "Passed."),
    C.NOT_APPLICABLE: ("No aplica.", "Not applicable."),
}

# What a passed check says, per check name.
_PASSED: dict[str, tuple[str, str]] = {
    "format": ("Formato reconocido.", "Format recognised."),
    "signature": (
        "La firma es válida: el certificado no fue alterado.",
        "The signature is valid: the certificate was not altered.",
    ),
    "data_model": (
        "La credencial cumple el modelo de datos.",
        "The credential follows the data model.",
    ),
    "validity_period": (
        "La credencial está vigente.",
        "The credential is within its validity period.",
    ),
    "status": (
        "La credencial no está revocada ni suspendida.",
        "The credential is neither revoked nor suspended.",
    ),
    "schema": (
        "Los datos cumplen el esquema del trámite.",
        "The data matches the procedure's schema.",
    ),
    "issuer_trust": (
        "El emisor es una entidad autorizada para este certificado.",
        "The issuer is an entity authorised for this certificate.",
    ),
}


def message_for(code: ErrorCode, *, check: str | None = None) -> tuple[str, str]:
    """The (Spanish, English) message for ``code``; for ``OK``, the passed message of ``check``."""
    if code is ErrorCode.OK and check in _PASSED:
        return _PASSED[check]
    return _MESSAGES.get(code, ("Error.", "Error."))
