"""The status entry fast path reads the plain ``BitstringStatusListEntry`` shape exactly as the
full parser does and accepts nothing the full parser refuses. Entries are generated from pools of
good and subtly bad values for every member, so both parsers meet the edge cases together."""

from __future__ import annotations

from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from vcred.credential.urls import PLAIN_URL
from vcred.errors import StatusListError
from vcred.status.entry import (
    StatusEntry,
    _is_index_fragment,
    _parse_entry,
    _plain_entry,
    entry_url_rules,
    is_url,
    parse_status_entries,
    status_entry,
)

LIST = "https://localhost:8000/entidades/gobernacion-putumayo/estado/revocacion/1"
LIST_URLS = [
    LIST,
    "https://ex.example:8443/a/b?x=1",
    "https://ex.example/list#frag",  # has a fragment already
    "urn:uuid:0b3c7f52-2a3e-4d0e-9a7c-6b1f0a2f3c11",
    "did:web:localhost%3A8000:listas:1",
    "did:web:x%zz",
    "https://",
    "http://[::1/x",
    "https://a b.example/",
    "mailto:ana@example.co",
    "relative/path",
    "",
    42,
    None,
]
INDEXES = ["0", "26141", "007", "1" * 64, "1" * 65, "-1", "1_0", "٣", " 1", "", 5, None]
PURPOSES = ["revocation", "suspension", "message", "refresh", "other", "", 1, None]
TYPES = ["BitstringStatusListEntry", ["BitstringStatusListEntry"], "StatusList2021Entry", "", 3]
MISSING = object()


def _outcome(raw: object) -> StatusEntry | str:
    try:
        return _parse_entry(raw)
    except StatusListError as exc:
        return exc.code.value


def _pick(draw: st.DrawFn, pool: list[Any]) -> Any:
    """Mostly the first (good) value of ``pool``, else any of them."""
    return pool[0] if draw(st.integers(0, 3)) else draw(st.sampled_from(pool))


@st.composite
def entries(draw: st.DrawFn) -> Any:
    list_url = _pick(draw, LIST_URLS)
    index = _pick(draw, INDEXES)
    ids = [f"{list_url}#{index}", list_url, f"{list_url}#{index}x", f"{list_url}##{index}", 7]
    entry: dict[str, Any] = {
        "id": _pick(draw, ids),
        "type": _pick(draw, TYPES),
        "statusPurpose": _pick(draw, PURPOSES),
        "statusListIndex": index,
        "statusListCredential": list_url,
    }
    for key in list(entry):
        if draw(st.integers(0, 19)) == 0:
            del entry[key]
    extra = _pick(draw, [MISSING, ("statusSize", 1), ("statusSize", 2), ("x", 1)])
    if extra is not MISSING:
        entry[extra[0]] = extra[1]
    return entry


@settings(max_examples=1500)
@given(entries())
def test_fast_path_agrees_with_the_full_parser(raw: Any) -> None:
    fast = _plain_entry(raw)
    if fast is not None:
        assert _outcome(raw) == fast
    # Both outcomes occur: the generator reaches the fast path and the cases it leaves alone.
    event("fast path" if fast is not None else "full parser")


def test_fast_path_takes_what_the_issuer_writes() -> None:
    raw = status_entry(list_url=LIST, index=26141)
    fast = _plain_entry(raw)
    assert fast is not None
    assert fast == _parse_entry(raw)
    assert parse_status_entries({"credentialStatus": [raw, raw]}) == [fast, fast]


@settings(max_examples=1500)
@given(
    st.text(alphabet="htps:/#?%[]@.-_~ aAzZ09\u00e9\x00", max_size=40)
    | st.sampled_from([u for u in LIST_URLS if isinstance(u, str)]),
    st.from_regex(r"[0-9]{1,64}", fullmatch=True),
)
def test_an_index_fragment_of_a_url_is_a_url(list_url: str, index: str) -> None:
    """The shortcut that skips the URL check of ``list_url#index`` ids is sound."""
    entry_id = f"{list_url}#{index}"
    if is_url(list_url) and _is_index_fragment(entry_id, list_url, index):
        assert PLAIN_URL.fullmatch(entry_id) or entry_url_rules(entry_id)
