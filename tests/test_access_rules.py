"""The building blocks of access: keys, codes, passphrases, throttling and single sign-on roles."""

import time

from kringwijs_survey import access
from kringwijs_survey.access import Role


def test_team_keys_carry_at_least_128_random_bits_and_never_repeat():
    keys = {access.new_team_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(len(key) * 6 >= 128 for key in keys)  # url-safe base64: 6 bits per character


def test_join_codes_are_six_characters_without_look_alikes():
    codes = [access.new_join_code() for _ in range(500)]
    assert all(len(code) == 6 for code in codes)
    assert not set("".join(codes)) & set("0O1IL")
    assert access.normalise_join_code(" ab-c 2d3 ") == "ABC2D3"


def test_passphrases_are_argon2_hashes_verified_and_wrong_attempts_slow_down():
    hashes = {Role.ADMIN: access.hash_passphrase("lange zin met spaties")}
    assert hashes[Role.ADMIN].startswith("$argon2")
    access.throttle.record("admin", True)
    assert access.check_passphrase(Role.ADMIN, "lange zin met spaties", hashes)
    assert not access.check_passphrase(Role.ADMIN, "fout", hashes)
    first_delay = access.throttle.delay("admin")
    assert not access.check_passphrase(Role.ADMIN, "nog eens fout", hashes)
    assert access.throttle.delay("admin") > first_delay > 0
    started = time.monotonic()
    assert access.check_passphrase(Role.ADMIN, "lange zin met spaties", hashes)
    assert time.monotonic() - started >= first_delay  # the wait applies before answering
    assert access.throttle.delay("admin") == 0


def test_no_configured_hash_means_nobody_gets_in():
    assert not access.check_passphrase(Role.MANAGER, "", {})
    assert not access.check_passphrase(Role.MANAGER, "iets", {})
    access.throttle.record("manager", True)


def test_hashes_come_from_secrets_or_the_environment(monkeypatch):
    monkeypatch.setenv("KRINGWIJS_MANAGER_PASSPHRASE_HASH", "$argon2id$from-env")
    found = access.configured_passphrase_hashes({"passphrases": {"admin": "$argon2id$from-secrets"}})
    assert found == {Role.ADMIN: "$argon2id$from-secrets", Role.MANAGER: "$argon2id$from-env"}


def test_single_sign_on_maps_e_mail_addresses_to_roles():
    table = {"manager": ["Wethouder@Gemeente.nl"], "admin": ["it@gemeente.nl"], "team": ["x@y.nl"]}
    assert access.roles_for_email("wethouder@gemeente.nl", table) == [Role.MANAGER]
    assert access.roles_for_email("x@y.nl", table) == []  # teams never get in through sign-on
    assert access.roles_for_email(None, table) == []
