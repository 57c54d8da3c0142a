"""Property tests: redaction never lets a known secret through; jitter stays in its envelope."""

from __future__ import annotations

import random
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from coisync.http import FakeClock, Redactor, RetryPolicy

# Secrets of at least four characters; '*' is the placeholder's own character.
SECRET_ALPHABET = string.ascii_letters + string.digits + "-_.~!@#$%^&/+=:;,?"
secrets = st.text(alphabet=SECRET_ALPHABET, min_size=4, max_size=40)
surroundings = st.text(max_size=80)

# No per-example deadline: the CI machines are shared and timing is not what is tested.
PROPERTY_SETTINGS = settings(deadline=None, max_examples=200)


@PROPERTY_SETTINGS
@given(secret=secrets, before=surroundings, after=surroundings, repeat=st.integers(1, 3))
def test_a_known_secret_never_survives_scrubbing(secret: str, before: str, after: str, repeat: int) -> None:
    redactor = Redactor([SecretStr(secret)])
    text = before + (secret + after) * repeat
    assert secret not in redactor.scrub(text)


@PROPERTY_SETTINGS
@given(secret=secrets, path=st.text(alphabet=string.ascii_lowercase + "/", max_size=20))
def test_a_known_secret_never_survives_in_a_url(secret: str, path: str) -> None:
    redactor = Redactor([SecretStr(secret)])
    shown = redactor.url(f"https://api.example.com/{path}?q={secret}&page=1")
    assert secret not in shown


@PROPERTY_SETTINGS
@given(
    seed=st.integers(0, 2**32),
    attempt=st.integers(1, 30),
    base=st.floats(0.01, 10),
    cap=st.floats(0.1, 120),
)
def test_backoff_is_inside_the_full_jitter_envelope(seed: int, attempt: int, base: float, cap: float) -> None:
    policy = RetryPolicy(clock=FakeClock(), rng=random.Random(seed), backoff_base=base, backoff_cap=cap)
    wait = policy.backoff(attempt)
    assert 0.0 <= wait <= min(cap, base * 2 ** (attempt - 1))
