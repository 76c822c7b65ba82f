"""Who may do what: accounts, roles, sessions and the checks every write passes (#13).

Modules: ``access`` (roles, permissions, ``Actor``), ``guard`` (``permit``: the check and
audit entry of a write), ``accounts`` (accounts and their administration), ``passwords``
(Argon2id hashes, one-time passwords), ``sessions`` (sign-in, lock-out, time-outs),
``admin`` (backups, settings, the sample's removal), ``cli_users`` (``python -m gis users``).
"""
