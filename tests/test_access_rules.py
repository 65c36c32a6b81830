"""The building blocks of access: keys, codes, passphrases, throttling and single sign-on roles."""


from kringwijs_survey.rules import access
from kringwijs_survey.rules.access import Role


def test_team_keys_carry_at_least_128_random_bits_and_never_repeat():
    keys = {access.new_team_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(len(key) * 6 >= 128 for key in keys)  # url-safe base64: 6 bits per character


def test_join_codes_are_six_characters_without_look_alikes():
    codes = [access.new_join_code() for _ in range(500)]
    assert all(len(code) == 6 for code in codes)
    assert not set("".join(codes)) & set("0O1IL")
    assert access.normalise_join_code(" ab-c 2d3 ") == "ABC2D3"


def test_passphrases_are_argon2_hashes_verified_and_wrong_attempts_slow_down(monkeypatch):
    hashes = {Role.ADMIN: access.hash_passphrase("lange zin met spaties")}
    assert hashes[Role.ADMIN].startswith("$argon2")
    access.throttle.record("admin", True)
    assert access.check_passphrase(Role.ADMIN, "lange zin met spaties", hashes)
    assert not access.check_passphrase(Role.ADMIN, "fout", hashes)
    first_delay = access.throttle.delay("admin")
    assert not access.check_passphrase(Role.ADMIN, "nog eens fout", hashes)
    assert access.throttle.delay("admin") > first_delay > 0
    waits: list[float] = []
    monkeypatch.setattr(access.time, "sleep", waits.append)  # record the wait instead of timing it
    assert access.check_passphrase(Role.ADMIN, "lange zin met spaties", hashes)
    assert waits and max(waits) >= first_delay  # the wait applies before answering
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


def test_guessing_is_slowed_per_session_and_queued_globally(monkeypatch):
    """Finding 8: one counter per role for the whole process let an attacker slow the real admin
    down, and parallel guesses were not queued; join codes could be guessed with no slow-down."""
    import threading

    limiter = access.AttemptLimiter()
    for _ in range(access.FREE_ATTEMPTS):
        assert limiter.wait_seconds("join", "guesser") == 0
        limiter.record("join", "guesser", success=False)
    assert limiter.wait_seconds("join", "guesser") > 0  # this session now has to wait
    assert limiter.wait_seconds("join", "real member") == 0  # another session does not
    limiter.record("join", "guesser", success=True)
    assert limiter.wait_seconds("join", "guesser") == 0

    # Wrong passphrases in one browser session never slow the admin in another one down.
    hashes = {Role.ADMIN: access.hash_passphrase("de echte lange zin")}
    assert not access.check_passphrase(Role.ADMIN, "fout", hashes, session="aanvaller")
    assert access.throttle.delay("admin:aanvaller") > 0 and access.throttle.delay("admin:beheerder") == 0
    assert access.check_passphrase(Role.ADMIN, "de echte lange zin", hashes, session="beheerder")
    access.throttle.record("admin:aanvaller", True)

    # A flood from many sessions: checks of that scope now take their turn one at a time.
    monkeypatch.setattr(access, "GLOBAL_FREE_PER_MINUTE", 3)
    monkeypatch.setattr(access, "GLOBAL_SPACING_SECONDS", 0.05)
    for number in range(4):
        limiter.record("invitation", f"session-{number}", success=False)
    assert limiter.under_pressure("invitation") and not limiter.under_pressure("presenter")
    inside, overlaps, lock = [], [], threading.Lock()
    real_sleep = access.time.sleep

    def watched_sleep(seconds):
        with lock:
            inside.append(1)
            overlaps.append(len(inside))
        real_sleep(seconds)
        with lock:
            inside.pop()

    monkeypatch.setattr(access.time, "sleep", watched_sleep)
    threads = [threading.Thread(target=limiter.take_turn, args=("invitation",)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(overlaps) == 6 and max(overlaps) == 1  # queued, and every check still got its turn
