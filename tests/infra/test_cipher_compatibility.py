"""The stores' cipher is the `cryptography` package's AES-GCM; stores written with the earlier
pycryptodome cipher (releases before it) must open unchanged, and the other way round."""

from __future__ import annotations

from eventsourcing.cipher import AESCipher as EarlierCipher
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment
from hypothesis import given
from hypothesis import strategies as st

from infra.settings import CIPHER_TOPIC, Settings

KEY = AESCipher.create_key(32)
ENV = Environment(env={"CIPHER_KEY": KEY})


def test_the_stores_use_the_cryptography_cipher(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, cipher_key=KEY)
    assert settings.store_env("households")["CIPHER_TOPIC"] == CIPHER_TOPIC == "eventsourcing.cryptography:AESCipher"


@given(st.binary(max_size=4096))
def test_what_the_earlier_cipher_wrote_opens_and_back(plaintext: bytes) -> None:
    earlier, current = EarlierCipher(ENV), AESCipher(ENV)
    assert current.decrypt(earlier.encrypt(plaintext)) == plaintext
    assert earlier.decrypt(current.encrypt(plaintext)) == plaintext
